//! The change set as `heroku-j1 diff` (and `sync --dry-run`) prints it: a readable report
//! (a `git diff --stat`-like summary, then per `_type`, then per object with its changed
//! properties) or a JSON document of a stable, documented shape ([`DiffDocument`]).

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::jupiterone::changes::{ChangeSet, Kind, KindCounts, ObjectChange, PropertyChange};
use crate::jupiterone::diff::LastSync;

/// The version of the JSON shape below; bumped only when a field changes meaning or goes.
pub const DOCUMENT_FORMAT: u32 = 1;

/// `heroku-j1 diff --json`: what a sync would change, against the last successful sync to
/// the target.
///
/// ```text
/// { "format": 1, "target": "scope heroku-j1:…", "firstSync": false,
///   "lastSync": {"jobId": "…", "syncedAt": "…"} | null,
///   "detailsMissing": null | "why changed properties and deleted names are unknown",
///   "changes": true,                       // anything new, changed or deleted
///   "summary": {"entities": {"new", "changed", "deleted", "unchanged"}, "relationships": {…}},
///   "partialTypes": ["…"],                 // nothing of these is deleted
///   "types": [{"_type", "relationship", "partial", "toUpload", "previous",
///              "new", "changed", "deleted", "unchanged"}],
///   "objects": [{"change": "new" | "changed" | "deleted", "_key", "_type", "name",
///                "from": {"_key", "name"}, "to": {"_key", "name"},   // relationships
///                "properties": [{"name", "old", "new",              // changed objects;
///                                "diff": [{"path", "old", "new"}]}]}]} // old/new absent:
///                                                                      // added/removed
/// ```
///
/// `name` is the entity's `displayName` (a deleted one: its name when synced); a
/// relationship's is `<from name> <VERB> <to name>`. `diff` is given for `_rawData`: leaf
/// changes at JSON Pointers whose first segment is the `_rawData` entry's name. A deleted
/// object's `properties` are what JupiterOne holds of it (each member with `old` only).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffDocument {
    pub format: u32,
    pub target: String,
    pub first_sync: bool,
    pub last_sync: Option<LastSync>,
    pub details_missing: Option<String>,
    pub changes: bool,
    pub summary: Summary,
    pub partial_types: Vec<String>,
    pub types: Vec<TypeSummary>,
    pub objects: Vec<ObjectChange>,
}

/// Totals over entities and over relationships.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub entities: KindCounts,
    pub relationships: KindCounts,
}

/// One `_type`'s counts.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeSummary {
    #[serde(rename = "_type")]
    pub object_type: String,
    pub relationship: bool,
    pub partial: bool,
    pub to_upload: usize,
    pub previous: usize,
    pub new: usize,
    pub changed: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// The JSON document of a change set.
#[must_use]
pub fn document(set: &ChangeSet) -> DiffDocument {
    DiffDocument {
        format: DOCUMENT_FORMAT,
        target: set.target.clone(),
        first_sync: set.first_sync,
        last_sync: set.last_sync.clone(),
        details_missing: set.details_missing.clone(),
        changes: !set.is_empty(),
        summary: Summary {
            entities: set.counts(false),
            relationships: set.counts(true),
        },
        partial_types: set.partial_types.clone(),
        types: set
            .types
            .iter()
            .map(|t| TypeSummary {
                object_type: t.object_type.clone(),
                relationship: t.relationship,
                partial: t.partial,
                to_upload: t.to_upload,
                previous: t.previous,
                new: t.count(Kind::New),
                changed: t.count(Kind::Changed),
                deleted: t.count(Kind::Deleted),
                unchanged: t.unchanged,
            })
            .collect(),
        objects: set.objects().collect(),
    }
}

pub use crate::text::clean;

/// A JSON value on one line, at most `max` characters (JSON escapes control characters).
fn short(v: Option<&Value>, max: usize) -> String {
    let text = v.map_or_else(|| "(none)".to_owned(), Value::to_string);
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

const VALUE_WIDTH: usize = 100;
const BAR_WIDTH: usize = 40;

fn counts_line(what: &str, c: KindCounts) -> String {
    format!(
        "{what}: {} new, {} changed, {} deleted, {} unchanged",
        c.new, c.changed, c.deleted, c.unchanged
    )
}

fn property_lines(out: &mut String, p: &PropertyChange) {
    let name = clean(&p.name);
    if p.diff.is_empty() {
        let _ = writeln!(
            out,
            "      {} {name}: {} → {}",
            p.sign(),
            short(p.old.as_ref(), VALUE_WIDTH),
            short(p.new.as_ref(), VALUE_WIDTH)
        );
        return;
    }
    let _ = writeln!(out, "      {} {name}:", p.sign());
    for d in &p.diff {
        let sign = match (&d.old, &d.new) {
            (None, _) => '+',
            (_, None) => '-',
            _ => '~',
        };
        let _ = writeln!(
            out,
            "          {sign} {}: {} → {}",
            clean(&d.path),
            short(d.old.as_ref(), VALUE_WIDTH),
            short(d.new.as_ref(), VALUE_WIDTH)
        );
    }
}

fn object_lines(out: &mut String, o: &ObjectChange) {
    let _ = writeln!(
        out,
        "  {} {}  ({})",
        o.change.sign(),
        clean(&o.name),
        clean(&o.key)
    );
    // A deleted object's stored members are in the JSON document; the report names it.
    if o.change != Kind::Deleted {
        for p in &o.properties {
            property_lines(out, p);
        }
    }
}

/// The readable report: summary first, then per `_type`, then per object.
#[must_use]
pub fn render(set: &ChangeSet) -> String {
    let mut out = String::new();
    match &set.last_sync {
        Some(l) => {
            let _ = writeln!(
                out,
                "Changes since the last sync to {} (job {} at {}):",
                clean(&set.target),
                clean(&l.job_id),
                clean(&l.synced_at)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "First sync to {} from here: everything is new.",
                clean(&set.target)
            );
        }
    }
    if let Some(why) = &set.details_missing {
        let _ = writeln!(out, "Details missing: {why}.");
    }
    let widest = set
        .types
        .iter()
        .filter(|t| t.changes() > 0)
        .map(|t| t.object_type.len())
        .max()
        .unwrap_or(0);
    let most = set.types.iter().map(|t| t.changes()).max().unwrap_or(0);
    for t in set.types.iter().filter(|t| t.changes() > 0) {
        let scale = |n: usize| {
            if most <= BAR_WIDTH {
                n
            } else {
                (n * BAR_WIDTH).div_ceil(most)
            }
        };
        let bar = format!(
            "{}{}{}",
            "+".repeat(scale(t.count(Kind::New))),
            "~".repeat(scale(t.count(Kind::Changed))),
            "-".repeat(scale(t.count(Kind::Deleted)))
        );
        let _ = writeln!(
            out,
            " {:<widest$} | {:>6} {bar}",
            clean(&t.object_type),
            t.changes()
        );
    }
    let _ = writeln!(out, " {}", counts_line("entities", set.counts(false)));
    let _ = writeln!(out, " {}", counts_line("relationships", set.counts(true)));
    if !set.partial_types.is_empty() {
        let _ = writeln!(
            out,
            " partial (nothing of these is deleted): {}",
            set.partial_types.join(", ")
        );
    }
    for t in set.types.iter().filter(|t| t.changes() > 0) {
        let _ = writeln!(
            out,
            "\n{} ({} new, {} changed, {} deleted, {} unchanged)",
            clean(&t.object_type),
            t.count(Kind::New),
            t.count(Kind::Changed),
            t.count(Kind::Deleted),
            t.unchanged
        );
        for kind in Kind::ALL {
            for o in set.list(t, kind) {
                object_lines(&mut out, &o);
            }
        }
    }
    if set.is_empty() {
        let _ = writeln!(out, "No changes.");
    }
    out
}

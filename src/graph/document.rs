//! The data model as Markdown, generated from the table in `types` (`heroku-j1 document`).

use std::fmt::Write as _;

use super::types::{ENTITY_KINDS, RELATIONSHIP_KINDS};

/// The marker lines around the generated tables in README.md.
pub const START_MARKER: &str = "<!-- {J1_DOCUMENTATION_MARKER_START} -->";
pub const END_MARKER: &str = "<!-- {J1_DOCUMENTATION_MARKER_END} -->";

/// The entity and relationship tables, as `j1-integration document` lays them out.
#[must_use]
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("### Entities\n\n");
    out.push_str("| Resources | _type of the Entity | _class of the Entity |\n");
    out.push_str("| --------- | ------------------- | -------------------- |\n");
    for k in ENTITY_KINDS {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` |",
            k.resource, k.entity_type, k.class
        );
    }
    out.push_str("\n### Relationships\n\n");
    out.push_str("| Source Entity `_type` | Relationship `_class` | Target Entity `_type` | Relationship `_type` |\n");
    out.push_str("| --------------------- | --------------------- | --------------------- | -------------------- |\n");
    for k in RELATIONSHIP_KINDS {
        let _ = writeln!(
            out,
            "| `{}` | **{}** | `{}` | `{}` |",
            k.from, k.class, k.to, k.relationship_type
        );
    }
    out
}

/// The text between the markers of `document`, if both are there.
#[must_use]
pub fn between_markers(document: &str) -> Option<&str> {
    let start = document.find(START_MARKER)? + START_MARKER.len();
    let end = start + document[start..].find(END_MARKER)?;
    Some(document[start..end].trim_matches('\n'))
}

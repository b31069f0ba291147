//! The on-disk layout of JupiterOne's `j1-integration` CLI, written and read back.
//!
//! ```text
//! <dir>/graph/<step>/entities/<n>.json       {"entities": [...]}       at most 500 a file
//! <dir>/graph/<step>/relationships/<n>.json  {"relationships": [...]}
//! <dir>/summary.json  {"integrationStepResults": [...], "metadata": {"partialDatasets": {"types": [...]}}}
//! ```
//! `summary.json`'s `metadata` also carries heroku-j1's own `partialDatasets.reasons` and
//! `sourceFindings` (`[{"_key", "message"}]`: a duplicate id, a `null` in a list), read back
//! so a collected folder reports what the crawl found; the official CLI ignores both.
//! The official `j1-integration sync -p <parent of dir>` can upload what we write.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Graph;
use super::entity::{Entity, Relationship};
use super::types::{STEPS, declared_types, step_of};

/// At most this many objects per file, as the official CLI writes.
pub const OBJECTS_PER_FILE: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepResult {
    id: String,
    name: String,
    declared_types: Vec<String>,
    encountered_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
    status: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartialDatasets {
    types: Vec<String>,
    /// heroku-j1's own addition: why each type is partial. The official CLI ignores it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    reasons: BTreeMap<String, Vec<String>>,
}

/// heroku-j1's own addition: an oddity of the source data (a duplicate id, a `null` in a
/// list) about one `_key`, so that `sync`, `diff` and `query --from` report it as the direct
/// path does. The official CLI ignores it.
#[derive(Debug, Serialize, Deserialize)]
struct SourceFinding {
    #[serde(rename = "_key")]
    key: String,
    message: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    partial_datasets: PartialDatasets,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    source_findings: Vec<SourceFinding>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    integration_step_results: Vec<StepResult>,
    metadata: Metadata,
}

#[derive(Serialize)]
struct EntitiesFile<'a> {
    entities: &'a [&'a Entity],
}

#[derive(Serialize)]
struct RelationshipsFile<'a> {
    relationships: &'a [&'a Relationship],
}

#[derive(Deserialize)]
struct EntitiesIn {
    entities: Vec<Entity>,
}

#[derive(Deserialize)]
struct RelationshipsIn {
    relationships: Vec<Relationship>,
}

/// An error of export or import, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{path} is not a j1-integration graph file: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{0} has no summary.json: it is not a j1-integration folder (run `heroku-j1 collect --out {0}` first)"
    )]
    NotAGraph(String),
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err)?;
    }
    let file = fs::File::create(path).map_err(err)?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer(&mut w, value).map_err(|e| ExportError::Write {
        path: path.to_owned(),
        source: e.into(),
    })?;
    w.flush().map_err(err)
}

fn step_dir(object_type: &str) -> &'static str {
    step_of(object_type).map_or("other", |s| s.id)
}

/// Writes `graph` under `dir`, replacing a previous `graph/` folder and `summary.json`.
///
/// # Errors
/// When a file cannot be written.
pub fn write(graph: &Graph, dir: &Path) -> Result<(), ExportError> {
    let graph_dir = dir.join("graph");
    if graph_dir.exists() {
        fs::remove_dir_all(&graph_dir).map_err(|source| ExportError::Write {
            path: graph_dir.clone(),
            source,
        })?;
    }
    let mut entities: BTreeMap<&str, Vec<&Entity>> = BTreeMap::new();
    for e in graph.entities() {
        entities
            .entry(step_dir(&e.entity_type))
            .or_default()
            .push(e);
    }
    let mut relationships: BTreeMap<&str, Vec<&Relationship>> = BTreeMap::new();
    for r in graph.relationships() {
        relationships
            .entry(step_dir(&r.relationship_type))
            .or_default()
            .push(r);
    }
    for (step, list) in &entities {
        for (n, chunk) in list.chunks(OBJECTS_PER_FILE).enumerate() {
            let path = graph_dir
                .join(step)
                .join("entities")
                .join(format!("{n:05}.json"));
            write_json(&path, &EntitiesFile { entities: chunk })?;
        }
    }
    for (step, list) in &relationships {
        for (n, chunk) in list.chunks(OBJECTS_PER_FILE).enumerate() {
            let path = graph_dir
                .join(step)
                .join("relationships")
                .join(format!("{n:05}.json"));
            write_json(
                &path,
                &RelationshipsFile {
                    relationships: chunk,
                },
            )?;
        }
    }
    write_json(&dir.join("summary.json"), &summary(graph))
}

fn summary(graph: &Graph) -> Summary {
    let counts = graph.counts();
    let partial = graph.partial_datasets();
    let results = STEPS
        .iter()
        .map(|s| {
            let declared = declared_types(s);
            let is_partial = declared.iter().any(|t| partial.contains_key(*t));
            StepResult {
                id: s.id.to_owned(),
                name: s.name.to_owned(),
                declared_types: declared.iter().map(|t| (*t).to_owned()).collect(),
                encountered_types: declared
                    .iter()
                    .filter(|t| counts.contains_key(**t))
                    .map(|t| (*t).to_owned())
                    .collect(),
                depends_on: s.depends_on.iter().map(|t| (*t).to_owned()).collect(),
                status: if is_partial { "failure" } else { "success" }.to_owned(),
            }
        })
        .collect();
    Summary {
        integration_step_results: results,
        metadata: Metadata {
            partial_datasets: PartialDatasets {
                types: partial.keys().cloned().collect(),
                reasons: partial.clone(),
            },
            source_findings: graph
                .oddities()
                .iter()
                .map(|(key, message)| SourceFinding {
                    key: key.clone(),
                    message: message.clone(),
                })
                .collect(),
        },
    }
}

fn read_to_string(path: &Path) -> Result<String, ExportError> {
    fs::read_to_string(path).map_err(|source| ExportError::Read {
        path: path.to_owned(),
        source,
    })
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(dir).map_err(|source| ExportError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ExportError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads a folder written by [`write()`] (or by the official CLI) back into a graph.
///
/// # Errors
/// When the folder has no `summary.json` or a file is not a graph file.
pub fn read(dir: &Path) -> Result<Graph, ExportError> {
    let summary_path = dir.join("summary.json");
    if !summary_path.is_file() {
        return Err(ExportError::NotAGraph(dir.display().to_string()));
    }
    let summary: Summary =
        serde_json::from_str(&read_to_string(&summary_path)?).map_err(|source| {
            ExportError::Parse {
                path: summary_path.clone(),
                source,
            }
        })?;
    let mut step_dirs: Vec<PathBuf> = Vec::new();
    let graph_dir = dir.join("graph");
    if graph_dir.is_dir() {
        for entry in fs::read_dir(&graph_dir).map_err(|source| ExportError::Read {
            path: graph_dir.clone(),
            source,
        })? {
            let entry = entry.map_err(|source| ExportError::Read {
                path: graph_dir.clone(),
                source,
            })?;
            if entry.path().is_dir() {
                step_dirs.push(entry.path());
            }
        }
    }
    // Entities in the order of the steps, then any other folder by name.
    step_dirs.sort_by_key(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (
            STEPS
                .iter()
                .position(|s| s.id == name)
                .unwrap_or(STEPS.len()),
            name,
        )
    });
    let mut graph = Graph::new();
    let mut relationships = Vec::new();
    for step in &step_dirs {
        for path in json_files(&step.join("entities"))? {
            let file: EntitiesIn =
                serde_json::from_str(&read_to_string(&path)?).map_err(|source| {
                    ExportError::Parse {
                        path: path.clone(),
                        source,
                    }
                })?;
            for e in file.entities {
                graph.add_entity(e);
            }
        }
        for path in json_files(&step.join("relationships"))? {
            let file: RelationshipsIn =
                serde_json::from_str(&read_to_string(&path)?).map_err(|source| {
                    ExportError::Parse {
                        path: path.clone(),
                        source,
                    }
                })?;
            relationships.extend(file.relationships);
        }
    }
    for r in relationships {
        graph.add_relationship(r);
    }
    for f in summary.metadata.source_findings {
        graph.note_oddity(&f.key, f.message);
    }
    let partial = summary.metadata.partial_datasets;
    for t in &partial.types {
        let reasons = partial.reasons.get(t).cloned().unwrap_or_default();
        if reasons.is_empty() {
            graph.mark_partial(&[t.as_str()], "marked partial in summary.json");
        }
        for reason in reasons {
            graph.mark_partial(&[t.as_str()], &reason);
        }
    }
    Ok(graph)
}

//! `heroku-j1 query 'FIND …'` and `heroku-j1 query --question ID`: a J1QL query on a
//! collected folder (`--from`) or on a fresh crawl, printed as a table, JSON or CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use tokio_util::sync::CancellationToken;

use super::collect::CrawlOpts;
use super::collect::{Collected, crawl_graph};
use super::{FileOpts, HerokuOpts, exit};
use crate::graph::{Graph, export};
use crate::query::questions::{self, Question};
use crate::query::{self, Cell, Output};
use crate::settings::{Flags, Settings};

/// Options of `heroku-j1 query`.
#[derive(Debug, Clone, clap::Args)]
pub struct QueryArgs {
    /// The J1QL query, e.g. "FIND User WITH mfaEnabled != true".
    #[arg(value_name = "J1QL", required_unless_present = "question")]
    pub query: Option<String>,
    /// Run a saved question (see `heroku-j1 questions`) instead.
    #[arg(long, value_name = "ID", conflicts_with = "query")]
    pub question: Option<String>,
    #[command(flatten)]
    pub source: GraphSource,
    /// Print `{"columns": [...], "count": n, "rows": [...]}` on stdout.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the rows as CSV on stdout.
    #[arg(long)]
    pub csv: bool,
    /// Exit 1 when the query returns any row (a gate for CI).
    #[arg(long)]
    pub fail_if_any: bool,
}

/// Where the graph comes from: a collected folder, or a crawl like `collect`'s.
#[derive(Debug, Clone, clap::Args)]
pub struct GraphSource {
    /// Query a folder written by `heroku-j1 collect --out DIR` instead of collecting.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub crawl: CrawlOpts,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

impl GraphSource {
    pub(super) fn apply(&self, f: &mut Flags) {
        self.crawl.apply(f);
        self.heroku.apply(f);
        self.files.apply(f);
    }

    /// Reads the folder, or crawls Heroku, and warns about the source data's oddities
    /// ([`super::findings`]). On failure the message is printed and the exit code returned.
    ///
    /// # Errors
    /// The exit code: [`exit::FAILURE`] for an unreadable folder, the crawl's code otherwise.
    pub async fn load(&self, settings: &Settings) -> Result<Graph, u8> {
        let graph = match &self.from {
            Some(dir) => export::read(dir).map_err(|e| {
                eprintln!("heroku-j1: cannot read {}: {e}", dir.display());
                exit::FAILURE
            })?,
            None => {
                let Collected { graph, .. } =
                    crawl_graph(settings, CancellationToken::new()).await?;
                graph
            }
        };
        super::findings::warn(&graph);
        Ok(graph)
    }
}

/// The saved questions: the shipped ones and the config folder's `questions.toml`.
///
/// # Errors
/// The message for an invalid user file.
pub fn load_questions(settings: &Settings) -> Result<Vec<Question>, String> {
    let dir = Some(settings.config_dir.clone());
    questions::load(dir.as_deref()).map_err(|e| e.to_string())
}

/// Runs `query`.
///
/// # Errors
/// Output errors.
pub async fn run(settings: &Settings, args: QueryArgs) -> anyhow::Result<ExitCode> {
    // Everything about the query is checked before any network call.
    let parsed = match (&args.question, &args.query) {
        (Some(id), _) => {
            let all = match load_questions(settings) {
                Ok(q) => q,
                Err(e) => {
                    eprintln!("heroku-j1: {e}");
                    return Ok(ExitCode::from(exit::USAGE));
                }
            };
            match all.into_iter().find(|q| &q.id == id) {
                Some(q) => q.query,
                None => {
                    eprintln!(
                        "heroku-j1: no saved question `{}` (see `heroku-j1 questions`)",
                        printable(id)
                    );
                    return Ok(ExitCode::from(exit::USAGE));
                }
            }
        }
        (None, Some(text)) => match query::parse(text) {
            Ok(q) => q,
            Err(e) => {
                eprintln!("{}", e.render_with_caret(text));
                return Ok(ExitCode::from(exit::USAGE));
            }
        },
        (None, None) => {
            eprintln!("heroku-j1: give a J1QL query or --question ID");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let graph = match args.source.load(settings).await {
        Ok(g) => g,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let output = parsed.run(&graph);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&output.to_json(&graph))?);
    } else if args.csv {
        print!("{}", csv_text(&output, &graph)?);
    } else {
        print!("{}", table(&output, &graph));
    }
    Ok(ExitCode::from(if args.fail_if_any && !output.is_empty() {
        exit::FAILURE
    } else {
        exit::OK
    }))
}

/// Text safe for a terminal ([`crate::text::clean`]).
#[must_use]
pub fn printable(text: &str) -> String {
    crate::text::cleaned(text)
}

/// The rows as CSV (control characters replaced).
///
/// # Errors
/// Never in practice (writing to memory).
pub fn csv_text(output: &Output, graph: &Graph) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in output.csv_records(graph) {
        writer.write_record(record.iter().map(|f| printable(f)))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// The rows as an aligned table, then the number of rows.
#[must_use]
pub fn table(output: &Output, graph: &Graph) -> String {
    use std::fmt::Write as _;
    const MAX: usize = 60;
    let records = output.csv_records(graph);
    let cells: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            r.iter()
                .map(|f| {
                    let f = printable(f);
                    if f.chars().count() > MAX {
                        let cut: String = f.chars().take(MAX - 1).collect();
                        format!("{cut}…")
                    } else {
                        f
                    }
                })
                .collect()
        })
        .collect();
    let columns = cells.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .map(|r| r.get(c).map_or(0, |f| f.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(f, w)| format!("{f:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let n = output.len();
    let counts = output
        .rows
        .first()
        .filter(|r| r.iter().all(|c| matches!(c, Cell::Count(_))) && n == 1)
        .is_some();
    if !counts {
        let _ = writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" });
    }
    out
}

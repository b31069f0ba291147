//! The sync in progress: what is happening, in words (JupiterOne's job status is told, not
//! printed raw), and a gauge. The text wraps; server text is cleaned.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};

use crate::jupiterone::SyncEvent;
use crate::text::clean;
use crate::tui::app::{SyncRun, human_bytes};
use crate::tui::layout::wrap;

/// What a finalized job's status means, in words.
fn job_stage(status: &str) -> &'static str {
    match status {
        "AWAITING_UPLOADS" => "JupiterOne is waiting for the uploads",
        "FINALIZE_PENDING" => "JupiterOne is finalizing the job",
        "FINISHED" => "JupiterOne has finished the job",
        "ABORTED" => "the job was aborted",
        s if s.starts_with("ERROR") => "JupiterOne reported an error",
        _ => "JupiterOne is processing the job",
    }
}

/// The progress line for the last event, and the gauge's ratio.
fn describe(event: Option<&SyncEvent>) -> (String, f64) {
    match event {
        None => ("Starting…".into(), 0.0),
        Some(SyncEvent::WaitingForLock { holder }) => (
            format!(
                "Waiting for another sync of this target to end ({})",
                clean(holder)
            ),
            0.0,
        ),
        Some(SyncEvent::Starting { target }) => (format!("Starting a job for {target}"), 0.02),
        Some(SyncEvent::Started { job_id }) => (format!("Job {job_id} started"), 0.05),
        Some(SyncEvent::Uploaded {
            batches_done,
            batches_total,
            entities_done,
            entities_total,
            relationships_done,
            relationships_total,
            bytes_done,
            ..
        }) => (
            format!(
                "Uploaded {batches_done} of {batches_total} requests ({}): {entities_done} of {entities_total} entities, {relationships_done} of {relationships_total} relationships",
                human_bytes(*bytes_done)
            ),
            0.05 + 0.75 * (*batches_done as f64 / (*batches_total).max(1) as f64),
        ),
        Some(SyncEvent::Shrunk { batch, keys }) => (
            format!(
                "Batch {batch} was too large: truncated the raw data of {} objects",
                keys.len()
            ),
            0.5,
        ),
        Some(SyncEvent::Finalizing { job_id }) => (
            format!("Everything is sent: finalizing job {}…", clean(job_id)),
            0.85,
        ),
        Some(SyncEvent::Processing { job, .. }) => (
            format!(
                "{}… so far {} entities created, {} updated, {} deleted",
                job_stage(&job.status),
                job.num_entities_created,
                job.num_entities_updated,
                job.num_entities_deleted
            ),
            0.9,
        ),
        Some(SyncEvent::Finished { job_id, .. }) => (format!("Job {job_id} finished"), 1.0),
        Some(SyncEvent::Aborting { job_id, reason }) => (
            format!("Aborting job {}: {}", clean(job_id), clean(reason)),
            1.0,
        ),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, run: &SyncRun) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Syncing to JupiterOne ")
        .border_style(Style::default().fg(Color::Cyan));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [text, gauge] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let (what, ratio) = describe(run.last.as_ref());
    let width = usize::from(text.width);
    let mut lines: Vec<Line<'_>> = wrap(&clean(&what), width)
        .into_iter()
        .map(Line::from)
        .collect();
    lines.extend(
        wrap(
            "q quits (and aborts the job if it is not finalized yet)",
            width,
        )
        .into_iter()
        .map(|l| Line::styled(l, Style::default().fg(Color::DarkGray))),
    );
    frame.render_widget(Paragraph::new(lines), text);
    frame.render_widget(
        Gauge::default()
            .gauge_style(Style::default().fg(Color::Cyan))
            .ratio(ratio.clamp(0.0, 1.0)),
        gauge,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finalizing_job_is_told_in_words_not_its_raw_status() {
        let job: crate::jupiterone::SyncJob = serde_json::from_value(serde_json::json!({
            "id": "j", "status": "FINALIZE_PENDING", "numEntitiesCreated": 127
        }))
        .expect("a job");
        let (line, _) = describe(Some(&SyncEvent::Processing {
            job_id: "j".into(),
            job,
        }));
        assert!(
            line.starts_with("JupiterOne is finalizing the job…"),
            "{line}"
        );
        assert!(line.contains("so far 127 entities created"), "{line}");
        assert!(!line.contains("FINALIZE_PENDING"), "{line}");
    }
}

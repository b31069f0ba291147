//! The sync in progress: stage and counters.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};

use crate::jupiterone::SyncEvent;
use crate::tui::app::SyncRun;

fn describe(event: Option<&SyncEvent>) -> (String, f64) {
    match event {
        None => ("Starting…".into(), 0.0),
        Some(SyncEvent::WaitingForLock { holder }) => (
            format!("Waiting for another sync of this target ({holder})"),
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
            ..
        }) => (
            format!(
                "Uploaded {batches_done}/{batches_total} batches: {entities_done}/{entities_total} entities, {relationships_done}/{relationships_total} relationships"
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
        Some(SyncEvent::Finalizing { job_id }) => (format!("Finalizing job {job_id}"), 0.85),
        Some(SyncEvent::Processing { job, .. }) => (
            format!(
                "JupiterOne is processing ({}): {} created, {} updated, {} deleted entities",
                job.status,
                job.num_entities_created,
                job.num_entities_updated,
                job.num_entities_deleted
            ),
            0.9,
        ),
        Some(SyncEvent::Finished { job_id, .. }) => (format!("Job {job_id} finished"), 1.0),
        Some(SyncEvent::Aborting { job_id, reason }) => {
            (format!("Aborting job {job_id}: {reason}"), 1.0)
        }
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
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(what),
            Line::styled(
                "q quits and aborts the job before finalize",
                Style::default().fg(Color::DarkGray),
            ),
        ]),
        text,
    );
    frame.render_widget(
        Gauge::default()
            .gauge_style(Style::default().fg(Color::Cyan))
            .ratio(ratio.clamp(0.0, 1.0)),
        gauge,
    );
}

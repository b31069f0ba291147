//! The event loop: terminal input from crossterm's `EventStream`, results of background work
//! from a channel, one `update` per action, the effects it returns started as tasks, and a
//! redraw only when something arrived; what the draw measured goes back to `update` as an
//! action. It never changes the app's state itself. It also does the two effects that are
//! no background work: the clipboard (an OSC 52 sequence, which works over SSH) and opening a
//! link in the browser (`$BROWSER` when set, the Unix convention, else the system's opener).

use std::io::{self, Write as _};

use base64::Engine as _;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind, MouseButton, MouseEventKind,
};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::action::{Action, Command, Effect};
use super::app::App;
use super::keymap;
use super::overlay::Layer;
use super::startup::Startup;
use super::tasks;
use super::view;

/// Turns a terminal event into an action for the layer that has the keyboard.
#[must_use]
pub fn action_for(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            let layer = app.layer();
            if let Some(c) = keymap::lookup(layer, app.keymap_context(), key) {
                return Some(Action::Command(c));
            }
            if layer == Layer::Search
                && let crossterm::event::KeyCode::Char(c) = key.code
            {
                return Some(Action::SearchInput(c));
            }
            if layer == Layer::Login {
                return Some(Action::LoginInput(*key));
            }
            if layer == Layer::QueryLine {
                return Some(Action::QueryInput(*key));
            }
            None
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll {
                down: true,
                column: m.column,
            }),
            MouseEventKind::ScrollUp => Some(Action::Scroll {
                down: false,
                column: m.column,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        Event::Paste(text) if app.layer() == Layer::Login => Some(Action::LoginPaste(text.clone())),
        Event::Paste(text) if app.layer() == Layer::QueryLine => {
            Some(Action::QueryPaste(text.clone()))
        }
        Event::Paste(text) if app.layer() == Layer::Search => {
            Some(Action::SearchPaste(text.clone()))
        }
        _ => None,
    }
}

/// Runs the explorer until the user quits. The terminal is restored on return and on panic.
///
/// # Errors
/// When the terminal cannot be set up or drawn.
pub async fn run(startup: Startup) -> io::Result<()> {
    // ratatui's hook (installed by try_init) restores the screen, then calls this one, which
    // turns mouse reporting off before the panic message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    crossterm::execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    let result = event_loop(&mut terminal, startup).await;
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(terminal: &mut DefaultTerminal, startup: Startup) -> io::Result<()> {
    let Startup {
        clients,
        endpoints,
        login,
        need_login,
        data_dir,
        color,

        drift,
    } = startup;
    let size = terminal.size()?;
    let mut app = App::new(endpoints, size.width, size.height);
    app.clients = clients;
    app.can_login = login.is_some();
    app.color = color;
    if let Some(dir) = &data_dir {
        app.query.line = super::query_line::QueryLine::new(super::query_line::load_history(dir));
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let ctx = tasks::Context {
        tx: tx.clone(),
        cancel: CancellationToken::new(),
        login,
        data_dir,
        drift,
    };
    let mut pending = vec![Action::Start { need_login }];
    let mut events = EventStream::new();
    loop {
        for action in std::mem::take(&mut pending) {
            match app.update(action) {
                Some(Effect::Quit) => {
                    ctx.cancel.cancel();
                    if app.syncing.is_some() {
                        // Let the uploader abort its job (so JupiterOne changes nothing).
                        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
                            while let Some(a) = rx.recv().await {
                                if matches!(a, Action::SyncDone(_)) {
                                    break;
                                }
                            }
                        })
                        .await;
                    }
                    return Ok(());
                }
                Some(Effect::Copy(text)) => copy_to_clipboard(&text),
                Some(Effect::OpenUrl(url)) => open_url(&url),
                Some(effect) => tasks::start(effect, &app, &ctx),
                None => {}
            }
        }
        let mut extents = app.extents;
        terminal.draw(|f| extents = view::draw_measured(f, &app))?;
        if extents != app.extents {
            // The scroll limits changed (new content or size): tell `update`, draw again.
            pending.push(Action::Measured(extents));
            continue;
        }
        while pending.is_empty() {
            let first = tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => action_for(&app, &event),
                    Some(Err(e)) => return Err(e),
                    None => Some(Action::Command(Command::Quit)),
                },
                Some(action) = rx.recv() => Some(action),
            };
            pending.extend(first);
            // Take everything already waiting, then draw once.
            while let Ok(a) = rx.try_recv() {
                pending.push(a);
            }
        }
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal (and of the
/// terminal the SSH session runs in).
#[must_use]
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

fn copy_to_clipboard(text: &str) {
    let mut out = io::stdout();
    if let Err(e) = out
        .write_all(osc52(text).as_bytes())
        .and_then(|()| out.flush())
    {
        tracing::warn!(error = %e, "could not write the clipboard sequence");
    }
}

/// Opens `url` with `$BROWSER` when it is set, else with the system's opener, without
/// waiting for it. The URL is checked by `update` (`http`/`https` only).
fn open_url(url: &str) {
    let result = match std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        Some(browser) => open::with_detached(url, browser.to_string_lossy()),
        None => open::that_detached(url),
    };
    match result {
        Ok(()) => tracing::info!(url, "opened in the browser"),
        Err(e) => tracing::warn!(url, error = %e, "could not open the browser"),
    }
}

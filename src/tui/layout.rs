//! The screen's geometry, shared by the views and by `update` (scrolling, mouse clicks).

/// Rows above the body: the header.
pub const BODY_TOP: u16 = 2;
/// Rows below the body: the status line and the footer.
pub const BOTTOM: u16 = 2;

/// Rows of tree content (inside the pane's border).
#[must_use]
pub fn body_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(BODY_TOP + BOTTOM + 2))
}

/// Columns of the tree pane, border included.
#[must_use]
pub fn tree_width(width: u16) -> u16 {
    if width < 100 {
        width * 9 / 20
    } else {
        (width * 2 / 5).max(45)
    }
}

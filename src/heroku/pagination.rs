//! Guards on one list's `Range`/`Next-Range` pagination against a server that never stops:
//! every range sent is remembered and the first repeat stops the list; a page that brings no
//! object not seen before stops it; and a list may not take more pages than its objects
//! justify at the largest page size it was served.

use std::collections::HashSet;
use std::hash::BuildHasher;

/// Pages allowed beyond `ceil(objects / largest page)`: the last, short page and one more.
pub const SLACK_PAGES: usize = 2;

/// Which guard stopped a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaginationRule {
    /// `Next-Range` named a range already sent for this list.
    RepeatedRange,
    /// A page brought no object not seen before on an earlier page.
    NoProgress,
    /// More pages than the list's objects justify.
    TooManyPages { objects: usize, justified: usize },
}

impl std::fmt::Display for PaginationRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RepeatedRange => f.write_str("its Next-Range repeated a range already sent"),
            Self::NoProgress => f.write_str("a page brought no object not already read"),
            Self::TooManyPages { objects, justified } => write!(
                f,
                "it took more pages than its {objects} objects justify ({justified} at most)"
            ),
        }
    }
}

/// The state of one list's pagination.
pub struct Pages {
    sent: HashSet<String>,
    seen: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
    pages: usize,
    largest: usize,
    last_new: usize,
}

impl Pages {
    /// Starts a list whose first request carries `first_range`.
    #[must_use]
    pub fn new(first_range: Option<String>) -> Self {
        Self {
            sent: first_range.into_iter().collect(),
            seen: HashSet::new(),
            hasher: std::collections::hash_map::RandomState::new(),
            pages: 0,
            largest: 0,
            last_new: 0,
        }
    }

    /// Pages read so far.
    #[must_use]
    pub const fn count(&self) -> usize {
        self.pages
    }

    /// Adds a page: objects not seen before (by `identity`, their JSON text) go to `out`;
    /// repeats are dropped, so memory grows only with new objects.
    pub fn add_page<T>(&mut self, page: Vec<T>, identity: impl Fn(&T) -> &str, out: &mut Vec<T>) {
        self.pages += 1;
        self.largest = self.largest.max(page.len());
        let before = out.len();
        for item in page {
            if self.seen.insert(self.hasher.hash_one(identity(&item))) {
                out.push(item);
            }
        }
        self.last_new = out.len() - before;
    }

    /// Whether to stop instead of requesting `next`, and by which rule; `next` is
    /// remembered as sent otherwise.
    pub fn stop_before(&mut self, next: &str) -> Option<PaginationRule> {
        if !self.sent.insert(next.to_owned()) {
            return Some(PaginationRule::RepeatedRange);
        }
        if self.last_new == 0 {
            return Some(PaginationRule::NoProgress);
        }
        let objects = self.seen.len();
        let justified = objects.div_ceil(self.largest.max(1)) + SLACK_PAGES;
        (self.pages >= justified).then_some(PaginationRule::TooManyPages { objects, justified })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(pages: &mut Pages, ids: &[&'static str]) -> usize {
        let mut out = Vec::new();
        pages.add_page(ids.to_vec(), |s| s, &mut out);
        out.len()
    }

    #[test]
    fn full_pages_pass_and_each_rule_stops() {
        let mut p = Pages::new(Some("A".into()));
        assert_eq!(page(&mut p, &["1", "2"]), 2);
        assert_eq!(p.stop_before("B"), None);
        assert_eq!(page(&mut p, &["3", "4"]), 2);
        assert_eq!(p.stop_before("A"), Some(PaginationRule::RepeatedRange));

        let mut p = Pages::new(None);
        page(&mut p, &["1", "2"]);
        assert_eq!(p.stop_before("B"), None);
        assert_eq!(page(&mut p, &["1", "2"]), 0);
        assert_eq!(p.stop_before("C"), Some(PaginationRule::NoProgress));

        let mut p = Pages::new(None);
        page(&mut p, &["1", "2", "3"]);
        assert_eq!(p.stop_before("B"), None);
        page(&mut p, &["1", "2", "4"]);
        assert_eq!(p.stop_before("C"), None);
        page(&mut p, &["1", "2", "5"]);
        assert_eq!(p.stop_before("D"), None);
        page(&mut p, &["1", "2", "6"]);
        assert_eq!(
            p.stop_before("E"),
            Some(PaginationRule::TooManyPages {
                objects: 6,
                justified: 4
            })
        );
    }
}

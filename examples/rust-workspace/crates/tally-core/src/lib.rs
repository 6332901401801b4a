//! Counting, shared by the `tally` command and anyone who depends on this crate.

/// Lines and words in `text`.
pub fn count(text: &str) -> (usize, usize) {
    (text.lines().count(), text.split_whitespace().count())
}

//! The report `tally` prints, for other programs to reuse.

/// "LINES lines, WORDS words" for `text`.
pub fn report(text: &str) -> String {
    let (lines, words) = tally_core::count(text);
    format!("{lines} lines, {words} words")
}

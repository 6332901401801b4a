//! Finds and runs the `contextlite` binary from Rust programs.

use std::process::{Command, Output};

/// Runs `contextlite` with the given arguments, from `PATH`.
pub fn run(args: &[&str]) -> std::io::Result<Output> {
    Command::new("contextlite").args(args).output()
}

/// The version of this crate, which is the version of the release it belongs to.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

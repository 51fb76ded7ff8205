//! The `newswire` command line: a thin layer over the library.
//!
//! Errors a user can cause end with one `error:` line on stderr and a
//! non-zero exit code: 2 for configuration and usage errors, 1 otherwise.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}

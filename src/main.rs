//! The `newswire` command line: a thin layer over the library.
//!
//! Errors a user can cause end with one `error:` line on stderr and a
//! non-zero exit code: 2 for configuration and usage errors, 1 otherwise.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing a page allocates a
/// node, a name and a string per element, and the text stages a token per
/// word. Extraction runs about 4% faster (docs/extraction.md) and the
/// worker spends 8% less CPU per article for 3% more peak memory
/// (docs/worker.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}

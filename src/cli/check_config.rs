//! `newswire check-config`: validate and print the resolved configuration.

use std::process::ExitCode;

use newswire::Config;

/// Prints the resolved config as TOML. Loading already validated it; an
/// invalid config never gets this far (exit code 2 with the key named).
pub fn run(config: &Config) -> anyhow::Result<ExitCode> {
    print!("{}", config.to_toml());
    eprintln!("config ok");
    Ok(ExitCode::SUCCESS)
}

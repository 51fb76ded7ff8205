//! Argument parsing and dispatch. Each subcommand lives in its own file.

mod check_config;
mod extract;
mod feeds;
mod once;
mod run;
mod status;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use newswire::config::{self, Config, ConfigError, LogFormat};

/// newswire: news feeds in, clean article records (NDJSON) out.
#[derive(Debug, Parser)]
#[command(name = "newswire", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file (TOML). Default: config/newswire.toml when it exists.
    #[arg(
        short,
        long,
        global = true,
        env = "NEWSWIRE_CONFIG",
        value_name = "FILE"
    )]
    config: Option<PathBuf>,
    /// Log format on stderr; overrides `log.format`.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract article records from saved HTML pages or a URL.
    Extract(extract::ExtractArgs),
    /// Validate the configuration and print it, resolved.
    CheckConfig,
    /// Poll every feed once, write every new article, print a summary.
    Once(once::OnceArgs),
    /// Run the worker: poll feeds when due until SIGINT/SIGTERM.
    Run,
    /// Show what the state store knows: feeds, last results, next due times, counts.
    Status(status::StatusArgs),
    /// Bring feed lists in: import OPML, discover a site's feeds.
    Feeds(feeds::FeedsArgs),
}

/// Parses arguments, runs the subcommand, maps errors to exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = if err.downcast_ref::<ConfigError>().is_some() {
                2
            } else {
                1
            };
            eprintln!("error: {}", one_line(&err));
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = load_config(&cli.global)?;
    newswire::ops::logging::init(&config.log)?;
    match cli.command {
        Command::Extract(args) => extract::run(&config, args),
        Command::CheckConfig => check_config::run(&config),
        Command::Once(args) => once::run(&config, args),
        Command::Run => run::run(config, || load_config(&cli.global)),
        Command::Status(args) => status::run(&config, &args),
        Command::Feeds(args) => feeds::run(&config, args),
    }
}

/// Loads the config named by `-c`, or the default file when it exists.
fn load_config(global: &GlobalArgs) -> Result<Config, ConfigError> {
    let default = config::default_path();
    let path = match &global.config {
        Some(p) => Some(p.as_path()),
        None if default.is_file() => Some(default.as_path()),
        None => None,
    };
    let mut config = Config::load(path)?;
    if let Some(format) = global.log_format {
        config.log.format = format;
    }
    Ok(config)
}

/// A single-threaded runtime for the subcommands that make a few requests
/// (`extract --url`, `feeds discover`); the worker builds its own.
fn small_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The error and its causes on one line, skipping causes whose text the
/// message already includes (our error types quote their sources).
fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

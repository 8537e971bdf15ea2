//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Sources;

/// `bifeed --version`: the version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BIFEED_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(name = "bifeed", version = VERSION, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written: `text` for people, `json` (one object per line) for log
    /// shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the articles folder once and write the four feeds.
    Build {
        #[command(flatten)]
        paths: Paths,
        /// Fail, writing nothing, when any article file is rejected.
        #[arg(long)]
        strict: bool,
    },
    /// Build once, then keep the feeds current on every change in the articles folder (and
    /// the config file) until stopped with SIGINT or SIGTERM.
    Watch {
        #[command(flatten)]
        paths: Paths,
        /// Poll the folder every MS milliseconds instead of using OS file events (network
        /// drives, WSL, some container mounts).
        #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
        poll: Option<u64>,
    },
    /// Watch (as `watch` does) and serve the output folder over HTTP for feed readers, with
    /// conditional GET, gzip and an index page; stops on SIGINT or SIGTERM.
    Serve {
        #[command(flatten)]
        paths: Paths,
        /// Address to listen on [default: 127.0.0.1:8080, or serve.addr].
        #[arg(long, value_name = "ADDR")]
        addr: Option<std::net::SocketAddr>,
        /// Poll the folder every MS milliseconds instead of using OS file events.
        #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
        poll: Option<u64>,
    },
    /// Parse every article and report what was understood and every problem; exits 1 when
    /// any file is rejected.
    Check {
        /// Config file [default: ./bifeed.yaml when present].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Articles folder [default: articles].
        #[arg(long, value_name = "DIR")]
        articles: Option<PathBuf>,
    },
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell),
    /// e.g. `bifeed completions bash > /usr/share/bash-completion/completions/bifeed`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `bifeed man | man -l -`.
    Man,
}

impl Cli {
    /// Whether the command keeps running until stopped (`watch`, `serve`): its log lines then
    /// need the time, a one-shot command's do not.
    pub fn runs_until_stopped(&self) -> bool {
        matches!(self.command, Command::Watch { .. } | Command::Serve { .. })
    }
}

/// Where to read and write; each overrides the config file.
#[derive(Debug, Args)]
pub struct Paths {
    /// Config file [default: ./bifeed.yaml when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Articles folder [default: articles].
    #[arg(long, value_name = "DIR")]
    pub articles: Option<PathBuf>,
    /// Output folder [default: feeds].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Read every article and render every feed, keeping no articles cache (see `cache:` in
    /// the config).
    #[arg(long)]
    pub no_cache: bool,
}

impl Paths {
    pub fn sources(&self) -> Sources {
        Sources {
            file: self.config.clone(),
            articles: self.articles.clone(),
            output: self.out.clone(),
            fallback_base_url: None,
            no_cache: self.no_cache,
        }
    }
}

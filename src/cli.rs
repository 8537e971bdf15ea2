//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, ConfigError};

#[derive(Debug, Parser)]
#[command(name = "bifeed", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
}

impl Paths {
    /// The config file with the command line's folders applied over it.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut config = Config::load(self.config.as_deref())?;
        if let Some(articles) = &self.articles {
            config.articles = articles.clone();
        }
        if let Some(out) = &self.out {
            config.output = out.clone();
        }
        Ok(config)
    }
}

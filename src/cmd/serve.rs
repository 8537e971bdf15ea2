//! `bifeed serve`: watch and serve the feeds over HTTP until stopped.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::Paths;

pub fn run(paths: Paths, addr: Option<SocketAddr>, poll: Option<u64>) -> anyhow::Result<ExitCode> {
    crate::serve::run(
        paths.sources(),
        addr,
        poll.map(Duration::from_millis),
        |local| super::ready(&format!("ready http://{local}/")),
    )?;
    Ok(ExitCode::SUCCESS)
}

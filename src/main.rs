use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use bifeed::{Cli, LogFormat};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.runs_until_stopped() {
        keep_few_arenas();
    }
    ignore_file_size_signal();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,object_store=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match cli.log_format {
        // Every object has its time: a shipper orders lines by it.
        LogFormat::Json => logs.json().with_ansi(false).init(),
        // A one-shot command's lines need no clock; a long-running one's do.
        LogFormat::Text => {
            let logs = logs.with_ansi(
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            );
            if cli.runs_until_stopped() {
                logs.init();
            } else {
                logs.without_time().init();
            }
        }
    }
    match bifeed::cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A write past the file size limit (`ulimit -f`) raises SIGXFSZ, which kills the process by
/// default. Handled, the write fails with EFBIG instead and is reported like a full disk, with
/// the previous feeds left in place.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: the handler does nothing, which is async-signal-safe.
    if let Err(e) = unsafe { signal_hook::low_level::register(signal_hook::consts::SIGXFSZ, || {}) }
    {
        tracing::debug!("cannot handle SIGXFSZ: {e}");
    }
}

/// A long-running command allocates from two glibc arenas, not one per thread that ever
/// allocated at the same time as another (up to eight per core): each arena keeps what it
/// freed, so a watcher over 10,000 articles held 89 MB after its first build and holds 65 MB
/// with two, in the same build time (one arena: 64 MB, but 28 % slower).
///
/// Blocks of 128 KiB and more (a document being rendered, a batch's articles) are mapped
/// for themselves and unmapped when freed, always: by default glibc raises that threshold
/// each time such a block is freed, up to 32 MiB, after which the first build's documents are
/// carved from the heap and their memory stays with the process. Resident after the first
/// build and a burst: 55 MB at 10,000 articles (was 67), 231 MB at 100,000 (was 277), edits
/// as fast.
fn keep_few_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists; mallopt only sets
    // how many arenas glibc's allocator may create and which blocks it maps on their own.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

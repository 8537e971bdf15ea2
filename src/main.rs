use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use bifeed::{Cli, LogFormat};

/// jemalloc rather than the system's allocator: a watcher holds what its live data needs,
/// not the most its largest rebuild ever used. glibc's malloc kept the freed memory of the
/// first build and of every burst in its arenas (even tuned, with two arenas, blocks of 128
/// KiB or more mapped on their own and `malloc_trim` after large rebuilds: 231 MB resident
/// at 100,000 articles, for about 108 MB in use); jemalloc returns what stays unused for a
/// second ([`malloc_conf`]): 118 MB, with edits and the first build as fast and a build with
/// nothing changed 11 % faster. mimalloc held more than glibc.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read before `main`: pages freed and left unused for a second go back
/// to the system (`dirty_decay_ms`), in one step rather than two (`muzzy_decay_ms:0`), by a
/// background thread, so that an idle watcher shrinks without an allocation to trigger it.
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
static malloc_conf: Option<&std::ffi::c_char> = Some(
    // SAFETY: a pointer to the first byte of a static C string, which lives forever.
    unsafe { &*c"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr() },
);

fn main() -> ExitCode {
    let cli = Cli::parse();
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

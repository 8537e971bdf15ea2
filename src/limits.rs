//! Limits of the process that bifeed sets for itself.

/// Raises the soft limit on open files to the hard one, and returns the limit in force.
///
/// systemd and most shells start services with a soft limit of 1,024 under a hard limit a
/// hundred times higher; a server that holds a connection per reader needs more than the
/// former, and the hard limit is there to be taken.
pub fn open_files() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    if limit.current != limit.maximum
        && let Err(e) = setrlimit(Resource::Nofile, raised)
    {
        tracing::debug!("cannot raise the open file limit: {e}");
    }
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

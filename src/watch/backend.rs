//! The two ways of learning that files changed: the OS's file events, or polling (network
//! drives, WSL, some container mounts, or when the OS runs out of watches). Both deliver
//! debounced events to the watcher's channel; only what is watched differs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache};

use super::Message;

/// How long the debouncer holds an event, and its tick: an event reaches the watcher between
/// one and two of these after it happened. Short, since our own quiet period does the
/// coalescing; the debouncer is there to pair renames and to report overflows as rescans.
///
/// While files keep coming, the newest event the watcher holds is up to this old when a tick
/// hands it over, and the batch is judged quiet `watch.quiet_ms` after that event. At 50 ms
/// (with the default 100 ms of quiet) the next tick was due at the very moment the batch was
/// judged quiet, and the least delay in handing it over started a rebuild a few files into a
/// burst (13 to 134 of 1,000 in the watch benchmark), and a second one for the rest. At
/// 25 ms the next tick has 50 ms to spare. An idle watcher wakes 40 times a second.
pub(super) const DEBOUNCE: Duration = Duration::from_millis(25);

/// The OS watch (or the poller) and the folders it watches.
pub(super) struct FsWatch {
    backend: Backend,
    watched: BTreeSet<PathBuf>,
    pub(super) poll: Option<Duration>,
}

enum Backend {
    Os(Debouncer<RecommendedWatcher, NoCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl FsWatch {
    pub(super) fn new(
        tx: Sender<Message>,
        poll: Option<Duration>,
    ) -> Result<FsWatch, notify::Error> {
        let handler = move |result: DebounceEventResult| {
            let _ = tx.send(Message::Events(result));
        };
        let backend = match poll {
            None => Backend::Os(notify_debouncer_full::new_debouncer_opt(
                DEBOUNCE,
                Some(DEBOUNCE),
                handler,
                NoCache,
                notify::Config::default(),
            )?),
            Some(interval) => Backend::Poll(notify_debouncer_full::new_debouncer_opt(
                DEBOUNCE,
                Some(DEBOUNCE),
                handler,
                NoCache,
                notify::Config::default().with_poll_interval(interval),
            )?),
        };
        Ok(FsWatch {
            backend,
            watched: BTreeSet::new(),
            poll,
        })
    }

    pub(super) fn is_watched(&self, dir: &Path) -> bool {
        self.watched.contains(dir)
    }

    /// Watches `wanted` and nothing else. Returns whether a folder was newly watched.
    ///
    /// With OS events every wanted folder is watched again each time: for a folder that is
    /// still the same this changes nothing, and a folder deleted and created again under the
    /// same name gets the new watch it needs, even if the events telling so were lost. (The
    /// poller compares by name on every round, so it only needs new folders.)
    pub(super) fn sync(&mut self, wanted: &BTreeSet<PathBuf>) -> Result<bool, notify::Error> {
        let gone: Vec<PathBuf> = self.watched.difference(wanted).cloned().collect();
        for dir in gone {
            // The OS already dropped the watch of a deleted folder; nothing to undo then.
            let _ = match &mut self.backend {
                Backend::Os(d) => d.unwatch(&dir),
                Backend::Poll(d) => d.unwatch(&dir),
            };
            self.watched.remove(&dir);
        }
        let mut added = false;
        for dir in wanted {
            let new = !self.watched.contains(dir);
            let result = match &mut self.backend {
                Backend::Os(d) => d.watch(dir, RecursiveMode::NonRecursive),
                Backend::Poll(d) if new => d.watch(dir, RecursiveMode::NonRecursive),
                Backend::Poll(_) => Ok(()),
            };
            match result {
                Ok(()) => {
                    added |= new;
                    self.watched.insert(dir.clone());
                }
                Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => return Err(e),
                // Deleted between listing and watching: the next event lists again.
                Err(e) => {
                    self.watched.remove(dir);
                    tracing::debug!("cannot watch {}: {e}", dir.display());
                }
            }
        }
        Ok(added)
    }
}

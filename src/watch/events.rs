//! Which file events matter and to what: an article file, the folder as a whole, or the
//! config file; and how they are gathered into one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use notify::event::EventKind;
use notify_debouncer_full::DebouncedEvent;

use super::WatchError;
use crate::config::{Config, Sources};
use crate::source;

/// The paths the watcher compares event paths with, made absolute once.
pub(super) struct WatchedPaths {
    pub(super) articles: PathBuf,
    pub(super) output: PathBuf,
    pub(super) config_file: PathBuf,
}

impl WatchedPaths {
    pub(super) fn new(config: &Config, sources: &Sources) -> Result<WatchedPaths, WatchError> {
        let absolute = |p: &Path| {
            std::path::absolute(p).map_err(|error| WatchError::Path {
                path: p.to_path_buf(),
                error,
            })
        };
        Ok(WatchedPaths {
            articles: absolute(&config.articles)?,
            output: absolute(&config.output)?,
            config_file: absolute(&sources.config_file())?,
        })
    }
}

/// What an event asks the watcher to look at. `is_watched_folder` tells the folders being
/// watched: a path among them was a folder even if it is gone now.
pub(super) fn relevance(
    event: &DebouncedEvent,
    paths: &WatchedPaths,
    is_watched_folder: impl Fn(&Path) -> bool,
) -> Vec<Interest> {
    if event.need_rescan() {
        return vec![Interest::Folder];
    }
    // Reads are events too on Linux: reacting to them would rebuild forever on our own reads.
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    let mut interests = Vec::new();
    for path in &event.paths {
        if *path == paths.config_file {
            interests.push(Interest::Config);
            continue;
        }
        if path.starts_with(&paths.output) {
            continue;
        }
        let Ok(rel) = path.strip_prefix(&paths.articles) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if rel.as_os_str().is_empty()
            || is_watched_folder(path)
            || (!source::is_hidden(&name) && path.is_dir())
        {
            interests.push(Interest::Folder);
        } else if source::is_article_name(&name) {
            interests.push(Interest::File(rel.to_path_buf()));
        }
    }
    interests
}

/// What an event asks the watcher to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Interest {
    /// One article file (path inside the articles folder).
    File(PathBuf),
    /// The folder as a whole: a folder came or went, or events were lost.
    Folder,
    Config,
}

/// Events waiting for their rebuild.
pub(super) struct Batch {
    first: Instant,
    last: Instant,
    pub(super) config: bool,
    pub(super) folder: bool,
    pub(super) files: BTreeSet<PathBuf>,
}

impl Batch {
    pub(super) fn new(at: Instant) -> Batch {
        Batch {
            first: at,
            last: at,
            config: false,
            folder: false,
            files: BTreeSet::new(),
        }
    }

    pub(super) fn add(&mut self, at: Instant, interest: Interest) {
        self.last = self.last.max(at);
        self.first = self.first.min(at);
        match interest {
            Interest::File(rel) => {
                self.files.insert(rel);
            }
            Interest::Folder => self.folder = true,
            Interest::Config => self.config = true,
        }
    }

    /// Quiet for `quiet` since the last event, but no later than `max_delay` after the first.
    pub(super) fn deadline(&self, config: &Config) -> Instant {
        (self.last + config.watch.quiet).min(self.first + config.watch.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, Event, ModifyKind, RemoveKind, RenameMode};
    use std::time::Duration;

    fn paths() -> WatchedPaths {
        WatchedPaths {
            articles: PathBuf::from("/site/articles"),
            output: PathBuf::from("/site/articles/feeds"),
            config_file: PathBuf::from("/site/bifeed.yaml"),
        }
    }

    fn event(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut event = Event::new(kind);
        for p in paths {
            event = event.add_path(PathBuf::from(p));
        }
        DebouncedEvent::new(event, Instant::now())
    }

    fn relevant(kind: EventKind, p: &[&str]) -> Vec<Interest> {
        relevance(&event(kind, p), &paths(), |dir| {
            dir == Path::new("/site/articles/2024")
        })
    }

    fn file(rel: &str) -> Interest {
        Interest::File(PathBuf::from(rel))
    }

    #[test]
    fn article_changes_name_the_file() {
        let create = EventKind::Create(CreateKind::File);
        let modify = EventKind::Modify(ModifyKind::Any);
        assert_eq!(
            relevant(create, &["/site/articles/001_x.txt"]),
            [file("001_x.txt")]
        );
        assert_eq!(
            relevant(modify, &["/site/articles/2024/a.TXT"]),
            [file("2024/a.TXT")]
        );
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            relevant(
                rename,
                &["/site/articles/.x.txt.tmp", "/site/articles/x.txt"]
            ),
            [file("x.txt")],
            "a temporary renamed over an article"
        );
        assert_eq!(
            relevant(rename, &["/site/articles/a.txt", "/site/articles/b.txt"]),
            [file("a.txt"), file("b.txt")],
            "a rename touches both names"
        );
    }

    #[test]
    fn folder_changes_and_lost_events_list_the_whole_folder() {
        // A watched folder that is gone now, and the articles folder itself.
        let remove = EventKind::Remove(RemoveKind::Folder);
        assert_eq!(
            relevant(remove, &["/site/articles/2024"]),
            [Interest::Folder]
        );
        assert_eq!(relevant(remove, &["/site/articles"]), [Interest::Folder]);
        let overflow = DebouncedEvent::new(
            Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan),
            Instant::now(),
        );
        assert_eq!(
            relevance(&overflow, &paths(), |_| false),
            [Interest::Folder]
        );
    }

    #[test]
    fn editor_temporaries_reads_and_other_files_trigger_nothing() {
        let create = EventKind::Create(CreateKind::File);
        for p in [
            "/site/articles/.001_x.txt.swp",
            "/site/articles/001_x.txt~",
            "/site/articles/.#001_x.txt",
            "/site/articles/4913",
            "/site/articles/x.tmp",
            "/site/articles/.hidden",
            "/site/articles/notes.md",
            "/site/articles/feeds/zh/rss.xml",
            "/site/other.txt",
        ] {
            assert_eq!(relevant(create, &[p]), [], "{p}");
        }
        let read = EventKind::Access(AccessKind::Open(notify::event::AccessMode::Read));
        assert_eq!(relevant(read, &["/site/articles/001_x.txt"]), []);
    }

    #[test]
    fn the_config_file_is_its_own_change() {
        let modify = EventKind::Modify(ModifyKind::Any);
        assert_eq!(relevant(modify, &["/site/bifeed.yaml"]), [Interest::Config]);
    }

    #[test]
    fn a_batch_waits_for_quiet_but_not_past_the_maximum_delay() {
        let config = Config::default();
        let start = Instant::now();
        let mut batch = Batch::new(start);
        assert_eq!(batch.deadline(&config), start + Duration::from_millis(100));
        batch.add(start + Duration::from_millis(50), file("a.txt"));
        assert_eq!(batch.deadline(&config), start + Duration::from_millis(150));
        batch.add(start + Duration::from_millis(990), Interest::Config);
        assert_eq!(batch.deadline(&config), start + Duration::from_millis(1000));
        assert!(batch.config && !batch.folder);
        assert_eq!(batch.files.len(), 1);
    }

    #[test]
    fn a_burst_is_still_waited_for_when_the_next_events_are_due() {
        // A file written every millisecond; at each tick the debouncer hands over the events
        // at least `DEBOUNCE` old. After each handover the batch must still be waiting when
        // the next is due, with time to spare for a busy machine: otherwise a rebuild starts
        // a few files into the burst and a second one follows for the rest.
        let config = Config::default();
        let tick = super::super::backend::DEBOUNCE;
        let spare = Duration::from_millis(25);
        let start = Instant::now();
        let mut batch = Batch::new(start);
        let mut newest = start;
        for k in 1..=20 {
            let handover = start + tick * k;
            while newest + Duration::from_millis(1) <= handover - tick {
                newest += Duration::from_millis(1);
                batch.add(newest, file("a.txt"));
            }
            assert!(
                batch.deadline(&config) >= handover + tick + spare,
                "judged quiet {:?} after the handover at {:?}",
                batch.deadline(&config) - handover,
                handover - start
            );
        }
    }
}

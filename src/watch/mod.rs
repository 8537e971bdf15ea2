//! `bifeed watch`: keeps the feeds equal to what a fresh `bifeed build` would write.
//!
//! A rebuild re-reads only files whose stamp (size, times, inode) changed. File events name
//! the files to look at; anything that touches a folder, an overflow of the OS's event queue,
//! or an error from the watch instead lists the whole folder (names and metadata, no reads).
//! A few seconds after every burst of activity the whole folder is listed once more, so an
//! event the OS never sent cannot make the feeds drift from the folder for long.
//!
//! Every folder is watched on its own (not recursively) so the output folder is never
//! watched even when it lies inside the articles folder, and the parents of the articles
//! folder and of the config file are watched so that a deleted-and-recreated folder and
//! config edits are seen. Events are coalesced: a rebuild starts once no event has come for
//! `quiet`, but never later than `max_delay` after the first event of a batch.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify_debouncer_full::{DebounceEventResult, DebouncedEvent};

mod backend;
mod events;
mod schedule;

use backend::FsWatch;
use events::{Batch, Interest, WatchedPaths, relevance};
use schedule::{Deadlines, Trigger};

use crate::backoff::Backoff;
use crate::build;
use crate::cache::{Cache, Contents};
use crate::collection::Remembered;
use crate::collection::{Changes, Collection};
use crate::config::{Config, ConfigError, Sources};
use crate::publish::store::{Publisher, Snapshot, Store};
use crate::publish::websub::{Notifier, changed_feeds};

/// First retry after a failed rebuild (a full disk, say); doubled up to `MAX_RETRY`.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// How often the files last published are checked for: deleted outputs come back.
const OUTPUTS_CHECK: Duration = Duration::from_secs(5);
/// First look again at files the system could not read (out of file descriptors, say);
/// doubled up to `MAX_REREAD`.
const FIRST_REREAD: Duration = Duration::from_millis(200);
const MAX_REREAD: Duration = Duration::from_secs(5);
/// At most one line in this long about files that cannot be read just now: a flood of
/// connections makes hundreds a second.
const BUSY_LOG_EVERY: Duration = Duration::from_secs(10);
/// How long after the last rebuild from file events the whole folder is listed again...
const RECONCILE: Duration = Duration::from_secs(5);
/// ...but no later than this after the first one, however busy the folder stays.
const RECONCILE_AT_LATEST: Duration = Duration::from_secs(60);
/// Longest a stopping watcher keeps trying to tell a failing WebSub hub of the last changes.
const HUB_WAIT_AT_STOP: Duration = Duration::from_secs(5);
/// Longest a stopping watcher keeps publishing to a failing object store.
const STORE_WAIT_AT_STOP: Duration = Duration::from_secs(10);

/// What the watcher's loop waits for.
pub enum Message {
    Events(DebounceEventResult),
    Stop,
    /// SIGHUP: read the config again and list the whole folder, as daemons do.
    Reload,
    /// SIGUSR1: say how things stand.
    Status,
}

/// Stops a running watcher from another thread (a signal handler, the HTTP server).
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    /// Asks the watcher to stop once the rebuild in progress, if any, has finished.
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot watch for file changes: {0}")]
    Notify(#[from] notify::Error),
    #[error(transparent)]
    Lock(#[from] crate::publish::folder::LockError),
    #[error(transparent)]
    Store(#[from] crate::publish::store::StoreError),
    #[error("cannot resolve {}: {error}", path.display())]
    Path {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// The store's publisher of `config`, when it names one.
fn start_store(
    config: &Config,
    notifier: Option<&Notifier>,
) -> Result<Option<Publisher>, crate::publish::store::StoreError> {
    let Some(settings) = &config.publish else {
        return Ok(None);
    };
    let store = Store::open(settings, &config.output, config.cache.as_deref())?;
    Publisher::start(store, notifier.map(Notifier::notices)).map(Some)
}

/// What the watcher last published, shared with whoever serves it.
pub type Published = std::sync::Arc<std::sync::RwLock<crate::publish::Outputs>>;

/// What was last published. A writer that panicked left whole `Outputs` (they are replaced
/// in one assignment), so a poisoned lock is read all the same.
pub fn published(published: &Published) -> std::sync::RwLockReadGuard<'_, crate::publish::Outputs> {
    published
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub struct Watcher {
    sources: Sources,
    /// `--poll`, which wins over the config's `watch.poll_ms`.
    poll_override: Option<Duration>,
    config: Config,
    collection: Collection,
    paths: WatchedPaths,
    fs: FsWatch,
    rx: Receiver<Message>,
    tx: Sender<Message>,
    /// The last rebuild failed: retry at this time, even without events...
    retry_at: Option<Instant>,
    /// ...and wait twice as long if it fails again.
    retry_delay: Backoff,
    /// When to list the whole folder again after rebuilds from file events.
    reconcile_at: Option<Instant>,
    /// The first rebuild from file events since the folder was last listed whole.
    unreconciled_since: Option<Instant>,
    /// Files to read again (the system could not read them just now), and when...
    reread: Option<Reread>,
    /// ...and how long after the next attempt, should it fail too.
    reread_delay: Backoff,
    /// The first build waited for files it could not read: publish at the next rebuild.
    publish_pending: bool,
    /// The last refresh met files the system could not read just now.
    waiting_for_busy: bool,
    published: Published,
    /// The output folder, held against a second bifeed writing it.
    lock: crate::publish::folder::Lock,
    /// When to check that the files last published are still there.
    outputs_check_at: Instant,
    /// When a line about unreadable files was last logged, and how many were not logged since.
    busy_logged: Option<Instant>,
    busy_unlogged: usize,
    built: bool,
    /// What each feed was last rendered from: a rebuild renders only the feeds it changes.
    memo: build::Memo,
    /// The articles cache: read for the first build, written after it and when stopping.
    cache: Option<Cache>,
    /// What the cache held, until the first build takes it in.
    remembered: Option<Remembered>,
    /// Tells the WebSub hubs the config names which feeds changed.
    notifier: Option<Notifier>,
    /// Copies the output folder to object storage (`publish:`), then tells the hubs.
    store: Option<Publisher>,
    /// Told of the feeds each rebuild rewrote (paths in the output folder): `serve`'s hub.
    listeners: Vec<FeedsWritten>,
}

/// Told of the feeds a rebuild rewrote (see [`Watcher::on_feeds_written`]).
type FeedsWritten = Box<dyn Fn(&[String]) + Send>;

impl Watcher {
    /// Loads the config and starts watching. An invalid config at start is an error; later
    /// it only keeps the last good one in force.
    pub fn new(sources: Sources, poll_override: Option<Duration>) -> Result<Watcher, WatchError> {
        let config = sources.load()?;
        let paths = WatchedPaths::new(&config, &sources)?;
        let (tx, rx) = channel();
        let poll = poll_override.or(config.watch.poll);
        let fs = FsWatch::new(tx.clone(), poll)?;
        let published = std::sync::Arc::new(std::sync::RwLock::new(
            crate::publish::Outputs::expected(&config.output, &config.site),
        ));
        let lock = crate::publish::folder::Lock::take(&config.output)?;
        let mut cache = Cache::of(&config);
        let (remembered, memo) = match cache.as_mut().and_then(Cache::read) {
            Some(Contents { articles, feeds }) => (
                Some(articles),
                build::Memo::from_records(feeds, &config.output),
            ),
            None => (None, build::Memo::default()),
        };
        let notifier = Notifier::start(&config.websub.hubs);
        let store = start_store(&config, notifier.as_ref())?;
        Ok(Watcher {
            notifier,
            store,
            listeners: Vec::new(),
            sources,
            poll_override,
            config,
            collection: Collection::watching(),
            paths,
            fs,
            rx,
            tx,
            retry_at: None,
            retry_delay: Backoff::new(FIRST_RETRY, MAX_RETRY),
            reconcile_at: None,
            unreconciled_since: None,
            reread: None,
            reread_delay: Backoff::new(FIRST_REREAD, MAX_REREAD),
            publish_pending: false,
            waiting_for_busy: false,
            published,
            lock,
            outputs_check_at: Instant::now() + OUTPUTS_CHECK,
            busy_logged: None,
            busy_unlogged: 0,
            built: false,
            memo,
            cache,
            remembered,
        })
    }

    /// Calls `listener` after every rebuild with the feeds it rewrote (paths in the output
    /// folder, only those whose bytes changed).
    pub fn on_feeds_written(&mut self, listener: impl Fn(&[String]) + Send + 'static) {
        self.listeners.push(Box::new(listener));
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The output folder and the files the last successful build wrote there, kept current.
    pub fn published(&self) -> Published {
        std::sync::Arc::clone(&self.published)
    }

    /// The first build, from a full listing. [`Watcher::run`] does it if nobody did before;
    /// `serve` does it first so that it never answers before the feeds exist.
    pub fn build_first(&mut self) {
        if !self.built {
            self.built = true;
            // Said here, not in `run`: `watch` and `serve` say they are ready after the
            // first build, and how the folder is watched belongs before that.
            let mode = match self.fs.poll {
                Some(interval) => format!("polling every {} ms", interval.as_millis()),
                None => "OS file events".to_string(),
            };
            tracing::info!(
                "watching {} ({mode}), writing {}",
                self.config.articles.display(),
                self.config.output.display()
            );
            self.rebuild(Scope::Folder, Occasion::First);
        }
    }

    /// Builds once, then rebuilds after every settled batch of changes until stopped.
    pub fn run(mut self) -> Result<(), WatchError> {
        crate::metrics::get().watching(true);
        self.build_first();
        let mut batch: Option<Batch> = None;
        loop {
            let next = self.deadlines(batch.as_ref()).next();
            let message = self
                .rx
                .recv_timeout(next.saturating_duration_since(Instant::now()));
            match message {
                Ok(Message::Events(Ok(events))) => {
                    for event in &events {
                        for interest in self.relevance(event) {
                            batch
                                .get_or_insert_with(|| Batch::new(event.time))
                                .add(event.time, interest);
                        }
                    }
                }
                Ok(Message::Events(Err(errors))) => {
                    for e in &errors {
                        tracing::warn!("file watch: {e}");
                        if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                            self.fall_back_to_polling();
                        }
                    }
                    let now = Instant::now();
                    batch
                        .get_or_insert_with(|| Batch::new(now))
                        .add(now, Interest::Folder);
                }
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Message::Reload) => {
                    tracing::info!("SIGHUP: reading the configuration again");
                    self.rebuild(Scope::Folder, Occasion::ConfigChanged);
                }
                Ok(Message::Status) => {
                    let counts = self.collection.counts();
                    tracing::info!(
                        "status: {} articles (zh {}, en {}), {} rejected; watching {} ({}); \
                         writing {}",
                        counts.articles,
                        counts.zh,
                        counts.en,
                        counts.rejected,
                        self.config.articles.display(),
                        match self.fs.poll {
                            Some(interval) => format!("polling every {} ms", interval.as_millis()),
                            None => "OS file events".to_string(),
                        },
                        self.config.output.display()
                    );
                }
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    match self.deadlines(batch.as_ref()).due(now) {
                        Some(Trigger::Batch) => {
                            if let Some(b) = batch.take() {
                                let scope = if b.folder {
                                    Scope::Folder
                                } else {
                                    Scope::Files(b.files)
                                };
                                self.rebuild(
                                    scope,
                                    if b.config {
                                        Occasion::ConfigChanged
                                    } else {
                                        Occasion::Changes
                                    },
                                );
                            }
                        }
                        Some(Trigger::Retry) => self.rebuild(Scope::Folder, Occasion::Changes),
                        Some(Trigger::Reread) => {
                            let files = self
                                .reread
                                .as_ref()
                                .map(|r| r.files.clone())
                                .unwrap_or_default();
                            self.rebuild(Scope::Files(files), Occasion::Changes);
                        }
                        Some(Trigger::OutputsCheck) => {
                            self.outputs_check_at = now + OUTPUTS_CHECK;
                            if let Some(missing) = self.missing_output() {
                                tracing::warn!(
                                    "{missing} is gone from the output folder: writing it again"
                                );
                                self.publish_pending = true;
                                // Written again whatever the memo says.
                                self.memo = build::Memo::default();
                                self.rebuild(Scope::Files(BTreeSet::new()), Occasion::Changes);
                            }
                        }
                        Some(Trigger::Reconcile) => {
                            self.reconcile_at = None;
                            self.rebuild(Scope::Reconcile, Occasion::Changes);
                        }
                        None => {}
                    }
                }
            }
        }
        // What the last build published is what the memo says: the next run starts from it.
        if self.retry_at.is_none() && !self.publish_pending && self.remembered.is_none() {
            self.save_cache();
        }
        if let Some(store) = self.store.take()
            && let Some(failed) = store.finish(STORE_WAIT_AT_STOP).failed
        {
            tracing::warn!("stopping with the store behind ({failed}): the next run catches up");
        }
        if let Some(notifier) = self.notifier.take() {
            notifier.finish(HUB_WAIT_AT_STOP);
        }
        crate::metrics::get().watching(false);
        tracing::info!("stopped");
        Ok(())
    }

    /// When each trigger is due, with `batch` the events waiting for a rebuild.
    fn deadlines(&self, batch: Option<&Batch>) -> Deadlines {
        Deadlines {
            batch: batch.map(|b| b.deadline(&self.config)),
            retry: self.retry_at,
            reread: self.reread.as_ref().map(|r| r.at),
            outputs_check: self.outputs_check_at,
            reconcile: self.reconcile_at,
        }
    }

    fn relevance(&self, event: &DebouncedEvent) -> Vec<Interest> {
        relevance(event, &self.paths, |dir| self.fs.is_watched(dir))
    }

    /// Re-reads what changed and writes the feeds that changed.
    fn rebuild(&mut self, mut scope: Scope, occasion: Occasion) {
        let first = occasion == Occasion::First;
        let config_changed = occasion == Occasion::ConfigChanged;
        let started = Instant::now();
        if config_changed && self.reload_config() {
            scope = Scope::Folder;
        }
        let refreshed = match &scope {
            Scope::Files(files) => self
                .collection
                .refresh_paths(&self.config, files.iter().map(PathBuf::as_path)),
            Scope::Folder | Scope::Reconcile => {
                // Watch before listing: whatever is written after the listing is an event.
                self.sync_watches();
                match self.remembered.take() {
                    Some(remembered) => {
                        self.collection.load_into(&self.config, || Some(remembered))
                    }
                    None => self.collection.refresh(&self.config),
                }
            }
        };
        let mut changes = match refreshed {
            Ok(changes) => changes,
            Err(e) => {
                crate::metrics::get().rebuild_failed(e.to_string());
                tracing::error!("{e}; the feeds are left as they are until it is back");
                self.sync_watches();
                return;
            }
        };
        // A folder that appeared since the last listing is watched from now on; what was
        // written into it before the watch took hold is picked up by listing once more.
        if !matches!(scope, Scope::Files(_)) && self.sync_watches() {
            match self.collection.refresh(&self.config) {
                Ok(more) => changes.merge(more),
                Err(e) => tracing::error!("{e}"),
            }
        }
        tracing::debug!("{scope} refreshed in {} µs", started.elapsed().as_micros());
        self.schedule_rereads(&scope, &mut changes);
        // Listing the whole folder again costs half a second at 100,000 articles: do it once
        // the folder is quiet, not in the middle of a stream of edits.
        let now = Instant::now();
        if matches!(scope, Scope::Files(_)) {
            let since = *self.unreconciled_since.get_or_insert(now);
            self.reconcile_at = Some((now + RECONCILE).min(since + RECONCILE_AT_LATEST));
        } else {
            self.unreconciled_since = None;
            self.reconcile_at = None;
        }
        if (first || self.publish_pending) && self.waiting_for_busy {
            // The feeds on disk may show the articles that cannot be read yet: publishing
            // without them would drop them. Publish once they are read.
            tracing::warn!("the first build waits until every article can be read");
            self.publish_pending = true;
            return;
        }
        let publish_pending = std::mem::take(&mut self.publish_pending);
        if !changes.any()
            && !config_changed
            && !first
            && !publish_pending
            && self.retry_at.is_none()
        {
            tracing::debug!("{scope}: nothing changed");
            return;
        }
        if matches!(scope, Scope::Reconcile) {
            tracing::warn!("listing the folder found changes no file event reported: {changes}");
        }
        for problem in &changes.problems {
            tracing::warn!("{problem}");
        }
        let clashes = if first {
            self.collection.clashes()
        } else {
            self.collection.clashes_involving(&changes.paths)
        };
        for clash in clashes {
            tracing::warn!("{clash}");
        }
        match build::render_and_publish(&self.config, &mut self.collection, &mut self.memo) {
            Ok(mut summary) => {
                self.retry_at = None;
                self.retry_delay.reset();
                let feeds = changed_feeds(&self.config.site, &summary.written);
                match &self.store {
                    Some(store) => store.publish(
                        Snapshot {
                            folder: self.config.output.clone(),
                            files: summary.outputs.clone(),
                            max_age: self.config.serve.cache_max_age,
                        },
                        feeds,
                    ),
                    None => {
                        if let Some(notifier) = &self.notifier {
                            notifier.changed(feeds);
                        }
                    }
                }
                let outputs = crate::publish::Outputs::new(
                    &self.config.output,
                    std::mem::take(&mut summary.outputs),
                    &self.config.site,
                );
                match self.published.write() {
                    Ok(mut published) => *published = outputs,
                    Err(poisoned) => *poisoned.into_inner() = outputs,
                }
                let mut written = if summary.written.is_empty() {
                    "no feed changed".to_string()
                } else {
                    format!("wrote {}", named(&summary.written))
                };
                if !summary.removed.is_empty() {
                    written.push_str(&format!("; removed {}", named(&summary.removed)));
                }
                if first {
                    self.save_cache();
                }
                if !self.listeners.is_empty() {
                    let feeds: Vec<String> = summary
                        .written
                        .iter()
                        .filter(|p| crate::selection::feed_format(p).is_some())
                        .cloned()
                        .collect();
                    for listener in &self.listeners {
                        listener(&feeds);
                    }
                }
                crate::metrics::get().rebuilt(
                    started.elapsed(),
                    [summary.zh_items, summary.en_items],
                    summary.rejected,
                );
                tracing::info!(
                    "{} in {} ms: {}; {}; {written}",
                    if first { "built" } else { "rebuilt" },
                    started.elapsed().as_millis(),
                    changes,
                    summary.articles(),
                );
            }
            Err(e) => {
                crate::metrics::get().rebuild_failed(e.to_string());
                let delay = self.retry_delay.next();
                tracing::error!(
                    "{}; the previous feeds stay in place; retrying in {} ms",
                    e,
                    delay.as_millis()
                );
                self.retry_at = Some(Instant::now() + delay);
            }
        }
    }

    /// Keeps what this run knows for the next one (see [`Cache`]).
    fn save_cache(&mut self) {
        if let Some(cache) = &mut self.cache {
            cache.write(&Contents {
                articles: self.collection.remembered(),
                feeds: self.memo.to_records(),
            });
        }
    }

    /// A file the last build published that is no longer in the output folder (someone
    /// deleted or moved it), if any.
    fn missing_output(&self) -> Option<String> {
        let published = published(&self.published);
        published
            .files
            .iter()
            .find(|file| {
                !std::fs::symlink_metadata(published.folder.join(file)).is_ok_and(|m| m.is_file())
            })
            .cloned()
    }

    /// Files the system could not read just now are read again soon, with a growing delay;
    /// a folder it could not read makes the whole folder be listed again. Their log lines are
    /// rate-limited.
    fn schedule_rereads(&mut self, scope: &Scope, changes: &mut Changes) {
        let now = Instant::now();
        let mut files: BTreeSet<PathBuf> = match (self.reread.take(), scope) {
            // Files no refresh looked at yet wait for their turn.
            (Some(r), Scope::Files(looked_at)) => r.files.difference(looked_at).cloned().collect(),
            _ => BTreeSet::new(),
        };
        self.waiting_for_busy = !changes.retry.is_empty();
        files.extend(std::mem::take(&mut changes.retry));
        files.extend(std::mem::take(&mut changes.unsettled));
        if files.is_empty() {
            self.reread_delay.reset();
        } else {
            self.reread = Some(Reread {
                at: now + self.reread_delay.next(),
                files,
            });
        }
        if changes.relist {
            let soon = now + FIRST_REREAD.max(Duration::from_secs(1));
            self.reconcile_at = Some(self.reconcile_at.map_or(soon, |at| at.min(soon)));
        }
        let busy = std::mem::take(&mut changes.busy);
        if busy.is_empty() {
            return;
        }
        if self
            .busy_logged
            .is_some_and(|at| now.duration_since(at) < BUSY_LOG_EVERY)
        {
            self.busy_unlogged += busy.len();
            return;
        }
        let more = busy.len() - 1 + std::mem::take(&mut self.busy_unlogged);
        if more > 0 {
            tracing::warn!("{} (and {more} more such since the last report)", busy[0]);
        } else {
            tracing::warn!("{}", busy[0]);
        }
        self.busy_logged = Some(now);
    }

    /// Loads the config again; returns whether the whole folder must be listed and read again
    /// (it names other folders, or reads files differently).
    fn reload_config(&mut self) -> bool {
        let loaded = self.sources.load().map(|mut config| {
            // The built-in hub runs with what `serve` started with.
            if config.keep_hub_settings(&self.config.websub) {
                tracing::warn!(
                    "websub: builtin, allow_callbacks, database and the caps take effect when \
                     serve starts again; the hubs elsewhere take effect now"
                );
            }
            config
        });
        match loaded {
            Ok(config) if config == self.config => false,
            Ok(config) => {
                if config.output != self.config.output {
                    match crate::publish::folder::Lock::take(&config.output) {
                        Ok(lock) => self.lock = lock,
                        Err(e) => {
                            tracing::error!("{e}; keeping the previous configuration");
                            return false;
                        }
                    }
                }
                tracing::info!(
                    "configuration reloaded from {}",
                    self.paths.config_file.display()
                );
                let moved =
                    config.articles != self.config.articles || config.output != self.config.output;
                // What reading a file yields depends on these: every file is read again, as
                // a fresh build would, rather than kept (and cached) as the old config read it.
                let reads_differently = config.timezone != self.config.timezone
                    || config.max_article_bytes != self.config.max_article_bytes
                    || (config.topics.min_articles > 0) != (self.config.topics.min_articles > 0);
                let poll = self.poll_override.or(config.watch.poll);
                // Keyed by the config: the old cache says nothing about the new one.
                self.cache = Cache::of(&config);
                if config.websub.hubs != self.config.websub.hubs {
                    match &self.notifier {
                        Some(notifier) if !config.websub.hubs.is_empty() => {
                            notifier.set_hubs(&config.websub.hubs);
                        }
                        _ => {
                            self.notifier = Notifier::start(&config.websub.hubs);
                            if let Some(store) = &self.store {
                                store.set_notices(self.notifier.as_ref().map(Notifier::notices));
                            }
                        }
                    }
                }
                if config.publish != self.config.publish || config.output != self.config.output {
                    match start_store(&config, self.notifier.as_ref()) {
                        Ok(store) => self.store = store,
                        Err(e) => tracing::error!("{e}; not publishing to object storage"),
                    }
                }
                self.config = config;
                // The pages show the site's titles and links; so does every feed.
                self.collection.redo_pages();
                self.memo = build::Memo::default();
                if moved || reads_differently {
                    // Start from nothing, as a fresh build would.
                    self.collection = Collection::watching();
                }
                if moved {
                    match WatchedPaths::new(&self.config, &self.sources) {
                        Ok(paths) => self.paths = paths,
                        Err(e) => tracing::error!("{e}"),
                    }
                }
                if poll != self.fs.poll {
                    match FsWatch::new(self.tx.clone(), poll) {
                        Ok(fs) => self.fs = fs,
                        Err(e) => tracing::error!("{e}; keeping the current file watch"),
                    }
                }
                moved || reads_differently
            }
            Err(e) => {
                tracing::error!("{e}; keeping the previous configuration");
                false
            }
        }
    }

    /// Watches exactly the folders of the last listing plus the parents of the articles
    /// folder and of the config file. Returns whether a folder was newly watched.
    fn sync_watches(&mut self) -> bool {
        let mut wanted: BTreeSet<PathBuf> = BTreeSet::new();
        for dir in self.collection.dirs() {
            if let Ok(dir) = std::path::absolute(dir) {
                wanted.insert(dir);
            }
        }
        if self.paths.articles.is_dir() {
            wanted.insert(self.paths.articles.clone());
        }
        for path in [&self.paths.articles, &self.paths.config_file] {
            if let Some(parent) = path.parent().filter(|p| p.is_dir()) {
                wanted.insert(parent.to_path_buf());
            }
        }
        wanted.retain(|d| !d.starts_with(&self.paths.output));
        match self.fs.sync(&wanted) {
            Ok(added) => added,
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                self.fall_back_to_polling();
                self.fs.sync(&wanted).unwrap_or(false)
            }
            Err(e) => {
                tracing::warn!("file watch: {e}");
                false
            }
        }
    }

    fn fall_back_to_polling(&mut self) {
        if self.fs.poll.is_some() {
            return;
        }
        let interval = Duration::from_millis(1000);
        tracing::warn!(
            "the OS limit on watched folders is reached (Linux: sysctl fs.inotify.max_user_watches); \
             polling every {} ms instead. Raise the limit, e.g. \
             `sysctl fs.inotify.max_user_watches=524288`, to get events again",
            interval.as_millis()
        );
        match FsWatch::new(self.tx.clone(), Some(interval)) {
            Ok(fs) => self.fs = fs,
            Err(e) => tracing::error!("cannot poll either: {e}"),
        }
    }
}

/// Files to read again because the system could not read them just now.
struct Reread {
    at: Instant,
    files: BTreeSet<PathBuf>,
}

/// Why a rebuild happens, which decides what it logs and whether it may skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Occasion {
    /// The first build of this run: always publishes, and reports every clash.
    First,
    /// Files changed, a failed rebuild is tried again, or a timer is due.
    Changes,
    /// The config file changed (or SIGHUP): read it again first.
    ConfigChanged,
}

/// What a rebuild looks at.
#[derive(Debug)]
enum Scope {
    Files(BTreeSet<PathBuf>),
    Folder,
    /// The whole folder, listed again after rebuilds from file events.
    Reconcile,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Files(files) => write!(f, "{} file(s)", files.len()),
            Scope::Folder => f.write_str("folder"),
            Scope::Reconcile => f.write_str("reconciliation"),
        }
    }
}

/// Handles the signals a service gets, for `watch` and `serve` alike: SIGHUP reloads the
/// configuration, SIGUSR1 and SIGUSR2 log how things stand (by default each would kill the
/// process at once), and SIGINT and SIGTERM call `on_stop` (`serve` stops taking
/// connections) and stop the watcher once the write in progress is done.
pub fn handle_signals(
    stopper: Stopper,
    on_stop: impl FnOnce() + Send + 'static,
) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGHUP, SIGUSR1, SIGUSR2, SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let message = match signal {
                    SIGHUP => Message::Reload,
                    SIGUSR1 | SIGUSR2 => Message::Status,
                    _ => {
                        tracing::info!("signal {signal}: stopping after the write in progress");
                        on_stop();
                        stopper.stop();
                        return;
                    }
                };
                if stopper.0.send(message).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

/// Most paths a rebuild's log line names: a first build or a day's import writes thousands
/// of files (at 10,000 articles a first build's line ran to 42 KB), which no one reads in a
/// log; the count says how many.
const NAMED_IN_LOG: usize = 20;

/// `paths` for a log line: all of them, or the first [`NAMED_IN_LOG`] and how many more.
fn named(paths: &[String]) -> String {
    match paths.get(..NAMED_IN_LOG) {
        Some(first) if paths.len() > NAMED_IN_LOG => format!(
            "{} files: {} and {} more",
            paths.len(),
            first.join(", "),
            paths.len() - NAMED_IN_LOG
        ),
        _ => paths.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_that_writes_thousands_of_files_names_a_few_and_counts_the_rest() {
        let few: Vec<String> = vec!["zh/rss.xml".into(), "zh/atom.xml".into()];
        assert_eq!(named(&few), "zh/rss.xml, zh/atom.xml");
        let many: Vec<String> = (0..1300)
            .map(|i| format!("zh/topics/t{i}/rss.xml"))
            .collect();
        let line = named(&many);
        assert!(
            line.starts_with("1300 files: zh/topics/t0/rss.xml, "),
            "{line}"
        );
        assert!(
            line.ends_with("zh/topics/t19/rss.xml and 1280 more"),
            "{line}"
        );
        assert_eq!(line.matches(", ").count(), NAMED_IN_LOG - 1);
    }
}

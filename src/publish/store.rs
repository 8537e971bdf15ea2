//! Publishing to object storage (`publish:` in the config): after every build the output
//! folder is copied to a bucket (S3 and what speaks its API, Google Cloud Storage, Azure
//! Blob Storage) through the `object_store` crate, so that a CDN in front of the bucket
//! serves the feeds when this machine does not.
//!
//! Only what changed is sent. A manifest (in the cache folder) records what the store holds:
//! per object the MD5 of its bytes (what S3 gives as an object's ETag), its headers, and the
//! stamp of the local file it came from. A file whose stamp and headers match is not read; a
//! file read again with the same MD5 is not sent. Without a manifest (a new machine, a
//! cleared cache, `--no-cache`), the store is listed first, and objects whose ETag is the
//! local file's MD5 are kept.
//!
//! The order keeps every published document's links working while a round is under way:
//! archives and article pages first, then topic feeds and pages, the language feeds, the
//! language pages and lists, and the entry page last; objects whose files are gone are
//! removed only once everything else is up. A round that fails stops before the next tier,
//! records what did go up, and is tried again later (the next round starts from what the
//! store holds, so it catches up); the local folder is written before any of this starts and
//! never waits for the store.
//!
//! bifeed owns the prefix it publishes to: an object under it that the output folder does
//! not have is removed.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use md5::{Digest, Md5};
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, RetryConfig,
};
use serde::{Deserialize, Serialize};

use crate::backoff::Backoff;
use crate::config::StoreSettings;
use crate::selection;

/// Longest one request may take, connecting included (`object_store` retries it).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often and how long `object_store` retries one request before the round fails.
const REQUEST_RETRIES: usize = 3;
const RETRY_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests under way at once: enough to hide a store's latency, few enough for any store.
const CONCURRENT_REQUESTS: usize = 16;
/// Files read (and held) at once while uploading a tier.
const READ_BATCH: usize = 256;
/// A round that failed is tried again after this long, then twice as long each time...
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// ...up to this.
const MAX_RETRY: Duration = Duration::from_secs(300);
/// Errors named in full in a failed round's message; the rest are counted.
const ERRORS_SHOWN: usize = 3;
/// The manifest's format: a manifest of another is ignored (and the store listed).
const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("publish.url {url}: {error}")]
    Open {
        url: String,
        error: object_store::Error,
    },
    #[error("cannot list {url}: {error}")]
    List {
        url: String,
        error: object_store::Error,
    },
    #[error("{failed} object(s) not published to {url}: {first}")]
    Objects {
        url: String,
        failed: usize,
        first: String,
    },
    #[error("cannot start publishing to {url}: {error}")]
    Start { url: String, error: std::io::Error },
}

/// What the output folder holds after a build: what a round makes the store hold.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub folder: PathBuf,
    /// Paths relative to the folder, as `build::Summary::outputs` lists them.
    pub files: BTreeSet<String>,
    /// `Cache-Control: max-age` of feeds and pages (archives: a day).
    pub max_age: Duration,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub uploaded: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// The headers an object is stored with (and served with by the store or a CDN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Headers {
    content_type: String,
    cache_control: String,
    content_encoding: Option<String>,
}

/// What the store holds for one object, as far as bifeed knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    /// MD5 of the bytes, lowercase hex.
    md5: String,
    /// `None`: learned from a listing, which does not tell headers; taken as bifeed's.
    headers: Option<Headers>,
    /// The local file the bytes were read from; `None`: read it to compare.
    stamp: Option<Stamp>,
}

/// Which version of a local file: bifeed replaces a file by renaming a new one over it, so a
/// new version has a new inode, and its size or time differ too.
type Stamp = (u64, i128, u64);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    /// The store and prefix this describes.
    store: String,
    /// By path relative to the prefix.
    objects: BTreeMap<String, Stored>,
}

/// One bucket and prefix, and what bifeed knows it holds.
pub struct Store {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// `s3://bucket/prefix`: what messages name.
    url: String,
    manifest: Manifest,
    /// Whether `manifest` says what the store holds (read from disk or listed).
    known: bool,
    /// Where the manifest is kept between runs; `None`: not kept (`--no-cache`).
    manifest_file: Option<PathBuf>,
    manifest_dirty: bool,
}

impl Store {
    /// The store `settings` name. Nothing is asked of it yet. `cache` is the cache folder,
    /// where the manifest is kept (per output folder and store).
    pub fn open(
        settings: &StoreSettings,
        output: &Path,
        cache: Option<&Path>,
    ) -> Result<Store, StoreError> {
        let url = settings.url.as_str().trim_end_matches('/').to_string();
        let open_error = |error| StoreError::Open {
            url: url.clone(),
            error,
        };
        let bucket = format!(
            "{}://{}",
            settings.url.scheme(),
            settings.url.host_str().unwrap_or_default()
        );
        let client = ClientOptions::new()
            .with_timeout(REQUEST_TIMEOUT)
            .with_connect_timeout(CONNECT_TIMEOUT)
            .with_user_agent(axum::http::HeaderValue::from_static(concat!(
                "bifeed/",
                env!("CARGO_PKG_VERSION")
            )))
            .with_allow_http(
                settings
                    .endpoint
                    .as_ref()
                    .is_some_and(|e| e.scheme() == "http"),
            );
        let retry = RetryConfig {
            max_retries: REQUEST_RETRIES,
            retry_timeout: RETRY_TIMEOUT,
            ..RetryConfig::default()
        };
        let store: Arc<dyn ObjectStore> = match settings.url.scheme() {
            "s3" => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_url(bucket)
                    .with_client_options(client)
                    .with_retry(retry);
                if let Some(endpoint) = &settings.endpoint {
                    builder = builder.with_endpoint(endpoint.as_str().trim_end_matches('/'));
                }
                if let Some(region) = &settings.region {
                    builder = builder.with_region(region);
                }
                if let Some(id) = &settings.access_key_id {
                    builder = builder.with_access_key_id(id);
                }
                if let Some(secret) = &settings.secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                Arc::new(builder.build().map_err(open_error)?)
            }
            "gs" => Arc::new(
                object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_url(bucket)
                    .with_client_options(client)
                    .with_retry(retry)
                    .build()
                    .map_err(open_error)?,
            ),
            _ => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_url(bucket)
                    .with_client_options(client)
                    .with_retry(retry)
                    .build()
                    .map_err(open_error)?,
            ),
        };
        let prefix = settings.url.path().trim_matches('/').to_string();
        let manifest_file = cache.map(|folder| {
            let absolute = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
            let mut name = rustc_hash::FxHasher::default();
            absolute.hash(&mut name);
            url.hash(&mut name);
            folder.join(format!("{:016x}.store.json", name.finish()))
        });
        let mut store = Store {
            store,
            prefix,
            url,
            manifest: Manifest::default(),
            known: false,
            manifest_file,
            manifest_dirty: false,
        };
        store.read_manifest();
        Ok(store)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn read_manifest(&mut self) {
        let Some(file) = &self.manifest_file else {
            return;
        };
        let manifest: Manifest = match std::fs::read(file) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(manifest) => manifest,
                Err(e) => {
                    tracing::warn!(
                        "store manifest {} ignored ({e}): listing {}",
                        file.display(),
                        self.url
                    );
                    return;
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                tracing::warn!("store manifest {} ignored ({e})", file.display());
                return;
            }
        };
        if manifest.format == MANIFEST_FORMAT && manifest.store == self.url {
            self.manifest = manifest;
            self.known = true;
        }
    }

    fn write_manifest(&mut self) {
        let Some(file) = &self.manifest_file else {
            return;
        };
        if !self.manifest_dirty {
            return;
        }
        let written = serde_json::to_vec(&self.manifest)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                if let Some(folder) = file.parent() {
                    std::fs::create_dir_all(folder)?;
                }
                match crate::publish::folder::stage(file, &bytes)? {
                    Some(staged) => staged.commit(),
                    None => Ok(()),
                }
            });
        match written {
            Ok(()) => self.manifest_dirty = false,
            // Costs only time: the next run lists the store instead.
            Err(e) => tracing::warn!("cannot keep the store manifest {}: {e}", file.display()),
        }
    }

    /// The object a file is published as: its path below the prefix, as it is (a topic
    /// named in Chinese keeps its name; `ObjectPath::from` would percent-encode it into the
    /// key itself).
    fn object(&self, rel: &str) -> Result<ObjectPath, object_store::path::Error> {
        if self.prefix.is_empty() {
            ObjectPath::parse(rel)
        } else {
            ObjectPath::parse(format!("{}/{rel}", self.prefix))
        }
    }

    /// What messages call an object: its URL.
    fn shown(&self, rel: &str) -> String {
        format!("{}/{rel}", self.url)
    }

    /// Learns what the store holds under the prefix, when the manifest does not say.
    async fn list(&mut self) -> Result<(), StoreError> {
        let prefix = match self.prefix.as_str() {
            "" => None,
            prefix => Some(ObjectPath::parse(prefix).map_err(|e| StoreError::List {
                url: self.url.clone(),
                error: e.into(),
            })?),
        };
        let listed: Vec<_> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|error| StoreError::List {
                url: self.url.clone(),
                error,
            })?;
        let skip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.len() + 1
        };
        self.manifest = Manifest {
            format: MANIFEST_FORMAT,
            store: self.url.clone(),
            objects: listed
                .into_iter()
                .filter_map(|meta| {
                    let key = meta.location.as_ref().get(skip..)?.to_string();
                    // S3's ETag of an object put whole is its MD5; anything else (a
                    // multipart upload, another store) is read as "differs".
                    let md5 = meta
                        .e_tag
                        .as_deref()
                        .map(|t| t.trim_matches('"').to_ascii_lowercase())
                        .filter(|t| t.len() == 32)
                        .unwrap_or_default();
                    Some((
                        key,
                        Stored {
                            md5,
                            headers: None,
                            stamp: None,
                        },
                    ))
                })
                .collect(),
        };
        self.known = true;
        self.manifest_dirty = true;
        Ok(())
    }

    /// Makes the store hold what `snapshot` lists, sending only what differs.
    pub async fn publish(&mut self, snapshot: &Snapshot) -> Result<Round, StoreError> {
        if !self.known {
            self.list().await?;
        }
        let mut round = Round::default();
        // What may differ, by tier: files whose stamp or headers are not the recorded ones.
        let mut tiers: BTreeMap<u8, Vec<(String, Headers, Stamp)>> = BTreeMap::new();
        for rel in &snapshot.files {
            // Gone since the build (a newer build removed it): the next round settles it.
            let Some(stamp) = stamp_of(&snapshot.folder.join(rel)) else {
                continue;
            };
            let headers = headers_of(rel, snapshot);
            let recorded = self.manifest.objects.get(rel);
            if recorded.is_some_and(|r| {
                r.stamp == Some(stamp) && r.headers.as_ref().is_none_or(|h| *h == headers)
            }) {
                round.unchanged += 1;
                continue;
            }
            tiers
                .entry(tier(rel))
                .or_default()
                .push((rel.clone(), headers, stamp));
        }
        let mut errors = Vec::new();
        for candidates in tiers.into_values() {
            for batch in candidates.chunks(READ_BATCH) {
                let mut uploads = Vec::new();
                for (rel, headers, stamp) in batch {
                    let bytes = match std::fs::read(snapshot.folder.join(rel)) {
                        Ok(bytes) => bytes,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => {
                            errors.push(format!("{}: cannot read it: {e}", self.shown(rel)));
                            continue;
                        }
                    };
                    let md5 = crate::text::hex(&Md5::digest(&bytes));
                    if let Some(recorded) = self.manifest.objects.get_mut(rel)
                        && recorded.md5 == md5
                        && recorded.headers.as_ref().is_none_or(|h| h == headers)
                    {
                        recorded.stamp = Some(*stamp);
                        recorded.headers = Some(headers.clone());
                        self.manifest_dirty = true;
                        round.unchanged += 1;
                        continue;
                    }
                    uploads.push((rel, headers, *stamp, md5, bytes));
                }
                let store = &self.store;
                let puts = uploads
                    .into_iter()
                    .map(|(rel, headers, stamp, md5, bytes)| {
                        let location = self.object(rel);
                        let options = PutOptions {
                            attributes: attributes(headers),
                            ..PutOptions::default()
                        };
                        async move {
                            let put = match location {
                                Ok(location) => {
                                    store.put_opts(&location, bytes.into(), options).await
                                }
                                Err(e) => Err(e.into()),
                            };
                            (rel, headers, stamp, md5, put)
                        }
                    });
                let done: Vec<_> = futures_util::stream::iter(puts)
                    .buffer_unordered(CONCURRENT_REQUESTS)
                    .collect()
                    .await;
                for (rel, headers, stamp, md5, put) in done {
                    match put {
                        Ok(_) => {
                            self.manifest.objects.insert(
                                rel.clone(),
                                Stored {
                                    md5,
                                    headers: Some(headers.clone()),
                                    stamp: Some(stamp),
                                },
                            );
                            self.manifest_dirty = true;
                            round.uploaded += 1;
                        }
                        Err(e) => errors.push(format!("{}: {e}", self.shown(rel))),
                    }
                }
            }
            // A document of the next tier may link to what failed here.
            if !errors.is_empty() {
                break;
            }
        }
        if errors.is_empty() {
            let gone: Vec<String> = self
                .manifest
                .objects
                .keys()
                .filter(|rel| !snapshot.files.contains(*rel))
                .cloned()
                .collect();
            let store = &self.store;
            let deletes = gone.into_iter().map(|rel| {
                let location = self.object(&rel);
                async move {
                    let deleted = match location {
                        Ok(location) => match store.delete(&location).await {
                            Err(object_store::Error::NotFound { .. }) => Ok(()),
                            other => other,
                        },
                        Err(e) => Err(e.into()),
                    };
                    (rel, deleted)
                }
            });
            let done: Vec<_> = futures_util::stream::iter(deletes)
                .buffer_unordered(CONCURRENT_REQUESTS)
                .collect()
                .await;
            for (rel, deleted) in done {
                match deleted {
                    Ok(()) => {
                        self.manifest.objects.remove(&rel);
                        self.manifest_dirty = true;
                        round.deleted += 1;
                    }
                    Err(e) => errors.push(format!("{}: cannot remove it: {e}", self.shown(&rel))),
                }
            }
        }
        self.write_manifest();
        if errors.is_empty() {
            return Ok(round);
        }
        crate::metrics::get().store_publish_failed();
        let failed = errors.len();
        let mut first: Vec<String> = errors.into_iter().take(ERRORS_SHOWN).collect();
        if failed > ERRORS_SHOWN {
            first.push(format!("and {} more", failed - ERRORS_SHOWN));
        }
        Err(StoreError::Objects {
            url: self.url.clone(),
            failed,
            first: first.join("; "),
        })
    }
}

/// Publication order: a document goes up after everything it links to. Archives and article
/// pages link to nothing bifeed writes later; topic feeds and pages link to article pages;
/// language feeds to their newest archive; language pages and lists to topic and language
/// feeds; the entry page to all.
fn tier(rel: &str) -> u8 {
    let document = rel.strip_suffix(".gz").unwrap_or(rel);
    let parts: Vec<&str> = document.split('/').collect();
    match parts.as_slice() {
        [_, selection::ARCHIVE_DIR | selection::PAGES_DIR, _, ..] => 0,
        [_, selection::TOPICS_DIR, _, ..] => 1,
        [_, _] if selection::feed_format(document).is_some() => 2,
        [_, _, ..] => 3,
        [page] if *page == selection::INDEX_PAGE => 5,
        _ => 4,
    }
}

fn headers_of(rel: &str, snapshot: &Snapshot) -> Headers {
    let (document, content_encoding) = match rel.strip_suffix(".gz") {
        Some(document) => (document, Some("gzip".to_string())),
        None => (rel, None),
    };
    let cache_control = if crate::publish::is_settled_archive(document, &snapshot.files) {
        crate::publish::ARCHIVE_CACHE_CONTROL.to_string()
    } else {
        format!("public, max-age={}", snapshot.max_age.as_secs())
    };
    Headers {
        content_type: selection::content_type(document)
            .unwrap_or("application/octet-stream")
            .to_string(),
        cache_control,
        content_encoding,
    }
}

fn attributes(headers: &Headers) -> Attributes {
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, headers.content_type.clone().into());
    attributes.insert(
        Attribute::CacheControl,
        headers.cache_control.clone().into(),
    );
    if let Some(encoding) = &headers.content_encoding {
        attributes.insert(Attribute::ContentEncoding, encoding.clone().into());
    }
    attributes
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
    Some((meta.len(), mtime, meta.ino()))
}

/// The store's publisher: a thread that makes the store hold the latest snapshot handed to
/// it, retrying a failing store, and tells the WebSub hubs of feeds once they are up.
pub struct Publisher {
    tx: Sender<Message>,
    thread: Option<JoinHandle<Outcome>>,
}

enum Message {
    /// What the folder holds now, and the feeds (URLs) that changed with it.
    Publish(Snapshot, Vec<String>),
    /// Where to send feeds once they are up (the WebSub notifier, restarted on reload).
    Notices(Option<crate::publish::websub::Notices>),
    /// Publish what is pending until this instant at the latest, then stop.
    Finish(Instant),
}

/// How a publisher ended.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The last round's error, when the store still lacks something.
    pub failed: Option<String>,
}

impl Publisher {
    pub fn start(
        store: Store,
        notices: Option<crate::publish::websub::Notices>,
    ) -> Result<Publisher, StoreError> {
        let url = store.url.clone();
        let (tx, rx) = channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| StoreError::Start {
                url: url.clone(),
                error,
            })?;
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || run(store, notices, &runtime, &rx))
            .map_err(|error| StoreError::Start { url, error })?;
        Ok(Publisher {
            tx,
            thread: Some(thread),
        })
    }

    /// Hands over what the folder holds now; returns at once.
    pub fn publish(&self, snapshot: Snapshot, changed_feeds: Vec<String>) {
        let _ = self.tx.send(Message::Publish(snapshot, changed_feeds));
    }

    pub fn set_notices(&self, notices: Option<crate::publish::websub::Notices>) {
        let _ = self.tx.send(Message::Notices(notices));
    }

    /// Publishes what is pending, giving up after `within` if the store keeps failing, and
    /// stops.
    pub fn finish(mut self, within: Duration) -> Outcome {
        let _ = self.tx.send(Message::Finish(Instant::now() + within));
        self.thread
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        let _ = self.tx.send(Message::Finish(Instant::now()));
    }
}

fn run(
    mut store: Store,
    mut notices: Option<crate::publish::websub::Notices>,
    runtime: &tokio::runtime::Runtime,
    rx: &Receiver<Message>,
) -> Outcome {
    let mut pending: Option<Snapshot> = None;
    let mut feeds: BTreeSet<String> = BTreeSet::new();
    let mut retry_at: Option<Instant> = None;
    let mut backoff = Backoff::new(FIRST_RETRY, MAX_RETRY);
    let mut finish_by: Option<Instant> = None;
    let mut failed: Option<String> = None;
    loop {
        let now = Instant::now();
        if let Some(snapshot) = &pending
            && retry_at.is_none_or(|at| at <= now)
        {
            let started = Instant::now();
            match runtime.block_on(store.publish(snapshot)) {
                Ok(round) => {
                    pending = None;
                    retry_at = None;
                    failed = None;
                    backoff.reset();
                    if round.uploaded + round.deleted > 0 {
                        tracing::info!(
                            "published to {}: {} object(s) uploaded, {} removed, {} unchanged, \
                             in {} ms",
                            store.url,
                            round.uploaded,
                            round.deleted,
                            round.unchanged,
                            started.elapsed().as_millis()
                        );
                    }
                    if let Some(notices) = &notices {
                        notices.changed(std::mem::take(&mut feeds).into_iter().collect());
                    } else {
                        feeds.clear();
                    }
                }
                Err(e) => {
                    let delay = backoff.next();
                    retry_at = Some(Instant::now() + delay);
                    tracing::error!(
                        "{e}; the local feeds are written; next try in {} s",
                        delay.as_secs_f32()
                    );
                    failed = Some(e.to_string());
                }
            }
        }
        let now = Instant::now();
        if let Some(deadline) = finish_by
            && (pending.is_none() || now >= deadline)
        {
            break;
        }
        let wake = match (pending.as_ref().and(retry_at), finish_by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let message = match wake {
            Some(at) => rx.recv_timeout(at.saturating_duration_since(now)),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        // Only the newest snapshot matters: a burst of builds is published once.
        let messages: Vec<Message> = match message {
            Ok(first) => std::iter::once(first).chain(rx.try_iter()).collect(),
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => vec![Message::Finish(now)],
        };
        for message in messages {
            match message {
                Message::Publish(snapshot, changed) => {
                    pending = Some(snapshot);
                    feeds.extend(changed);
                }
                Message::Notices(new) => notices = new,
                Message::Finish(deadline) => {
                    finish_by = Some(finish_by.map_or(deadline, |d| d.min(deadline)));
                }
            }
        }
    }
    if pending.is_some() && failed.is_none() {
        failed = Some(format!("{}: stopped before publishing", store.url));
    }
    Outcome { failed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_go_up_after_what_they_link_to() {
        let order = [
            "zh/archive/2024-05/atom.xml",
            "zh/articles/abc.html",
            "zh/topics/咖啡/rss.xml.gz",
            "zh/rss.xml",
            "zh/index.html",
            "feeds.opml",
            "index.html",
        ];
        let tiers: Vec<u8> = order.iter().map(|rel| tier(rel)).collect();
        assert!(tiers.is_sorted(), "{tiers:?}");
        assert!(tiers[..2].iter().all(|&t| t == 0));
        assert!(tiers[5] < tiers[6], "the entry page goes last");
    }

    #[test]
    fn gzip_copies_are_labelled_as_their_documents() {
        let snapshot = Snapshot {
            folder: PathBuf::new(),
            files: ["zh/rss.xml", "zh/rss.xml.gz"].map(String::from).into(),
            max_age: Duration::from_secs(300),
        };
        let plain = headers_of("zh/rss.xml", &snapshot);
        let gzip = headers_of("zh/rss.xml.gz", &snapshot);
        assert_eq!(plain.content_type, gzip.content_type);
        assert_eq!(plain.content_encoding, None);
        assert_eq!(gzip.content_encoding.as_deref(), Some("gzip"));
        assert_eq!(plain.cache_control, "public, max-age=300");
    }
}

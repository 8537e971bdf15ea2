//! `serve`'s own WebSub hub (`websub.builtin: true`), at [`PATH`]: a small installation needs
//! no hub elsewhere to push new articles to subscribers.
//!
//! A subscriber POSTs `hub.mode=subscribe`, `hub.topic` (one of the feeds served here),
//! `hub.callback`, and optionally `hub.lease_seconds` and `hub.secret`; the hub answers 202,
//! then verifies intent with a challenge to the callback (WebSub 5.3) and keeps the
//! subscription in SQLite ([`store`]), so it outlives a restart. When a rebuild changes a
//! feed's bytes, its new body goes to every live subscriber (WebSub 7), with `Link` headers
//! and, when a secret was given, `X-Hub-Signature: sha256=<HMAC-SHA256 of the body>`. Each
//! delivery is a job for a pool of workers, so one slow subscriber holds one worker for at
//! most the request timeout and no other subscriber waits for it; a failed delivery is tried
//! again after 1, 2, 4… seconds; a subscriber whose feed changes again while a delivery is
//! under way gets the newest body once more when it ends, never two at once. Leases end
//! when they say (down to a second), and an unsubscription is verified as a subscription is.
//!
//! The callbacks are URLs strangers give: see [`callback`] for what the hub refuses to reach.
//! Subscriptions are capped per feed and in all, verifications in flight too.

mod callback;
mod store;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use url::Url;

use crate::config::{Config, WebSubSettings};
use crate::watch::Published;

pub use store::StoreError;

/// Where `serve` answers as a hub.
pub const PATH: &str = crate::config::BUILTIN_HUB_PATH;

/// The lease a subscription gets when it asks for none, and the longest it can get.
const DEFAULT_LEASE: i64 = 10 * 24 * 3600;
const MAX_LEASE: i64 = 30 * 24 * 3600;
/// Longest accepted callback URL and secret (WebSub 5.1: a secret under 200 bytes).
const MAX_CALLBACK_BYTES: usize = 2048;
const MAX_SECRET_BYTES: usize = 199;
/// Verifications of intent under way at once; beyond, a request is asked to come back.
const MAX_VERIFYING: usize = 64;
/// Deliveries under way at once.
const WORKERS: usize = 32;
/// A delivery is given up after this many failed attempts (1 + 2 + … + 256 s of waiting).
const MAX_ATTEMPTS: u32 = 10;

/// The hub, shared by the HTTP server and the watcher's rebuilds.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<store::Store>,
    callbacks: callback::Callbacks,
    policy: Arc<callback::Policy>,
    settings: WebSubSettings,
    published: Published,
    jobs: Sender<Job>,
    retries: Sender<(Instant, Job)>,
    /// Deliveries under way, by (feed, callback): whether the feed changed again meanwhile.
    under_way: Mutex<FxHashMap<(String, String), bool>>,
    verifying: AtomicUsize,
    /// How many requests came, and the latest per (feed, callback) still being verified.
    requests: Mutex<Requests>,
    /// Each changed feed's body, read once for all its subscribers.
    bodies: Mutex<FxHashMap<String, Arc<Vec<u8>>>>,
}

type Requests = (u64, FxHashMap<(String, String), u64>);

/// One delivery of a feed's current body to one subscriber.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    topic: String,
    callback: String,
    attempt: u32,
}

/// What the hub answers a subscription request: a status and a line saying why.
pub struct Answer {
    pub status: u16,
    pub message: String,
}

impl Answer {
    fn new(status: u16, message: impl Into<String>) -> Answer {
        Answer {
            status,
            message: message.into(),
        }
    }
}

impl Hub {
    /// Opens the subscriptions and starts the delivery workers.
    pub fn start(config: &Config, published: Published) -> Result<Hub, StoreError> {
        let path = config
            .websub
            .database
            .clone()
            .unwrap_or_else(|| default_database(&config.output));
        let store = store::Store::open(&path)?;
        let policy = Arc::new(callback::Policy::new(&config.websub.allow_callbacks));
        let (jobs, queue) = channel::<Job>();
        let (retries, delayed) = channel::<(Instant, Job)>();
        let inner = Arc::new(Inner {
            store: Mutex::new(store),
            callbacks: callback::Callbacks::new(Arc::clone(&policy)),
            policy,
            settings: config.websub.clone(),
            published,
            jobs: jobs.clone(),
            retries,
            under_way: Mutex::new(FxHashMap::default()),
            verifying: AtomicUsize::new(0),
            requests: Mutex::new((0, FxHashMap::default())),
            bodies: Mutex::new(FxHashMap::default()),
        });
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..WORKERS {
            let (inner, queue) = (Arc::downgrade(&inner), Arc::clone(&queue));
            let _ = std::thread::Builder::new()
                .name(format!("hub-{i}"))
                .spawn(move || deliver_jobs(&inner, &queue));
        }
        let _ = std::thread::Builder::new()
            .name("hub-retries".into())
            .spawn(move || schedule_retries(&delayed, &jobs));
        tracing::info!(
            "WebSub hub at {PATH}, subscriptions in {}",
            crate::source::shown(&path)
        );
        Ok(Hub { inner })
    }

    /// Handles a POST to [`PATH`] with `form` as its body.
    pub fn request(&self, form: &[u8]) -> Answer {
        let mut fields: FxHashMap<String, String> = FxHashMap::default();
        for (key, value) in url::form_urlencoded::parse(form) {
            if fields.insert(key.to_string(), value.to_string()).is_some() {
                return Answer::new(400, format!("{key} given twice"));
            }
        }
        let field = |name: &str| fields.get(name).map(String::as_str);
        let mode = match field("hub.mode") {
            Some(mode @ ("subscribe" | "unsubscribe")) => mode.to_string(),
            Some("publish") => {
                return Answer::new(400, "this hub publishes the feeds it serves by itself");
            }
            _ => return Answer::new(400, "hub.mode must be subscribe or unsubscribe"),
        };
        let Some(topic_url) = field("hub.topic") else {
            return Answer::new(400, "hub.topic is missing");
        };
        let Some(topic) = self.topic_of(topic_url) else {
            return Answer::new(404, "hub.topic is not a feed served here");
        };
        let callback = match field("hub.callback").map(Url::parse) {
            Some(Ok(url))
                if matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.as_str().len() <= MAX_CALLBACK_BYTES =>
            {
                url
            }
            _ => return Answer::new(400, "hub.callback must be an http(s) URL"),
        };
        // An address written in the URL is refused at once; a name when it is resolved.
        let literal = match callback.host() {
            Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
            _ => None,
        };
        if literal.is_some_and(|ip| !self.inner.policy.admits(ip)) {
            return Answer::new(403, "hub.callback is not a public address");
        }
        let secret = field("hub.secret").map(str::to_string);
        if secret
            .as_ref()
            .is_some_and(|s| s.len() > MAX_SECRET_BYTES || s.is_empty())
        {
            return Answer::new(400, "hub.secret must be 1 to 199 bytes");
        }
        let lease = match field("hub.lease_seconds").map(str::parse::<i64>) {
            None => DEFAULT_LEASE,
            Some(Ok(seconds)) if seconds > 0 => seconds.min(MAX_LEASE),
            Some(_) => return Answer::new(400, "hub.lease_seconds must be a positive number"),
        };
        // A renewal adds no subscription: the caps are for new ones.
        let renewal = mode == "subscribe"
            && matches!(
                self.store().get(&topic, callback.as_str(), now()),
                Ok(Some(_))
            );
        if mode == "subscribe" && !renewal {
            let counts = self.store().counts(&topic, now());
            match counts {
                Ok((per_feed, _)) if per_feed >= self.inner.settings.max_per_feed => {
                    return Answer::new(429, "this feed has all the subscribers it takes");
                }
                Ok((_, all)) if all >= self.inner.settings.max_subscriptions => {
                    return Answer::new(429, "this hub has all the subscribers it takes");
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!("{e}");
                    return Answer::new(503, "subscriptions cannot be stored just now");
                }
            }
        }
        if self.inner.verifying.fetch_add(1, Ordering::SeqCst) >= MAX_VERIFYING {
            self.inner.verifying.fetch_sub(1, Ordering::SeqCst);
            return Answer::new(503, "too many subscriptions being verified; try again soon");
        }
        let sequence = self.inner.latest_request(&topic, callback.as_str());
        let intent = Intent {
            mode,
            topic,
            topic_url: topic_url.to_string(),
            callback,
            secret,
            lease,
            sequence,
        };
        let inner = Arc::clone(&self.inner);
        let spawned = std::thread::Builder::new()
            .name("hub-verify".into())
            .spawn(move || {
                verify(&inner, intent);
                inner.verifying.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.inner.verifying.fetch_sub(1, Ordering::SeqCst);
            return Answer::new(503, "cannot verify just now; try again soon");
        }
        Answer::new(202, "verifying intent with the callback")
    }

    /// Tells the hub that these feeds (paths in the output folder) were rewritten: their
    /// subscribers get the new bodies.
    pub fn feeds_changed(&self, paths: &[String]) {
        let now = now();
        let store = self.store();
        match store.expire(now) {
            Ok(0) => {}
            Ok(n) => tracing::info!("WebSub hub: {n} subscription(s) ended with their lease"),
            Err(e) => tracing::error!("{e}"),
        }
        let folder = crate::watch::published(&self.inner.published)
            .folder
            .clone();
        for topic in paths {
            match store.of_topic(topic, now) {
                Ok(subscribers) if subscribers.is_empty() => {}
                Ok(subscribers) => {
                    match std::fs::read(folder.join(topic)) {
                        Ok(body) => {
                            let mut bodies =
                                self.inner.bodies.lock().unwrap_or_else(|e| e.into_inner());
                            bodies.insert(topic.clone(), Arc::new(body));
                        }
                        Err(e) => {
                            tracing::warn!("WebSub hub: cannot read {topic}: {e}");
                            continue;
                        }
                    }
                    for s in subscribers {
                        self.inner.enqueue(Job {
                            topic: s.topic,
                            callback: s.callback,
                            attempt: 0,
                        });
                    }
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, store::Store> {
        self.inner.store()
    }

    /// The feed a topic URL names, as its path in the output folder, if one is served here.
    fn topic_of(&self, url: &str) -> Option<String> {
        let published = crate::watch::published(&self.inner.published);
        let url = Url::parse(url).ok()?;
        let rel = published.base_url.make_relative(&url)?;
        let rel = percent_encoding::percent_decode_str(&rel)
            .decode_utf8()
            .ok()?
            .into_owned();
        (crate::selection::feed_format(&rel).is_some()
            && !rel.starts_with("../")
            && published.files.contains(&rel))
        .then_some(rel)
    }
}

impl Inner {
    fn store(&self) -> std::sync::MutexGuard<'_, store::Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn requests(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Numbers a new request for `topic` and `callback`, the latest from now on.
    fn latest_request(&self, topic: &str, callback: &str) -> u64 {
        let mut requests = self.requests();
        requests.0 += 1;
        let sequence = requests.0;
        requests
            .1
            .insert((topic.to_string(), callback.to_string()), sequence);
        sequence
    }

    /// Whether request `sequence` is still the latest for `topic` and `callback`; if so it
    /// is done with, and forgotten.
    fn is_latest(&self, topic: &str, callback: &str, sequence: u64) -> bool {
        let mut requests = self.requests();
        let key = (topic.to_string(), callback.to_string());
        if requests.1.get(&key) == Some(&sequence) {
            requests.1.remove(&key);
            true
        } else {
            false
        }
    }

    /// The body to deliver for `topic`: the one read when it last changed.
    fn body(&self, topic: &str) -> Option<Arc<Vec<u8>>> {
        let bodies = self.bodies.lock().unwrap_or_else(|e| e.into_inner());
        bodies.get(topic).cloned()
    }

    fn under_way(&self) -> std::sync::MutexGuard<'_, FxHashMap<(String, String), bool>> {
        self.under_way.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a delivery, unless one to the same subscriber of the same feed is under way:
    /// then that one is followed by another when it ends.
    fn enqueue(&self, job: Job) {
        let key = (job.topic.clone(), job.callback.clone());
        match self.under_way().entry(key) {
            std::collections::hash_map::Entry::Occupied(mut again) => {
                again.insert(true);
            }
            std::collections::hash_map::Entry::Vacant(first) => {
                first.insert(false);
                let _ = self.jobs.send(job);
            }
        }
    }

    /// The end of a delivery: another if the feed changed meanwhile.
    fn done(&self, job: &Job) {
        let key = (job.topic.clone(), job.callback.clone());
        let again = {
            let mut under_way = self.under_way();
            match under_way.get_mut(&key) {
                Some(changed) if *changed => {
                    *changed = false;
                    true
                }
                _ => {
                    under_way.remove(&key);
                    false
                }
            }
        };
        if again {
            let _ = self.jobs.send(Job {
                attempt: 0,
                ..job.clone()
            });
        }
    }

    fn deliver(&self, job: &Job) {
        let subscription = match self.store().get(&job.topic, &job.callback, now()) {
            Ok(Some(s)) => s,
            // Unsubscribed or expired since: nothing to deliver.
            Ok(None) => return self.done(job),
            Err(e) => {
                tracing::error!("{e}");
                return self.retry(job, "the subscription could not be read".into());
            }
        };
        let (self_url, links) = {
            let published = crate::watch::published(&self.published);
            let self_url = published.base_url.join(&job.topic).ok();
            // The built-in hub is among the hubs: never none.
            (
                self_url,
                published.feed_links(&job.topic).unwrap_or_default(),
            )
        };
        let Some(body) = self.body(&job.topic) else {
            return self.done(job);
        };
        let content_type = match crate::selection::feed_format(&job.topic) {
            Some(crate::selection::Format::Json) => "application/feed+json".to_string(),
            Some(format) => format!("{}; charset=utf-8", format.media_type()),
            None => "application/octet-stream".to_string(),
        };
        let signature = subscription
            .secret
            .as_deref()
            .map(|secret| signature(secret, &body));
        let started = Instant::now();
        match self.callbacks.deliver(
            &job.callback,
            &body,
            &content_type,
            &links,
            signature.as_deref(),
        ) {
            Ok(()) => {
                tracing::info!(
                    "WebSub hub: delivered {} to {} in {} ms",
                    self_url.map_or_else(|| job.topic.clone(), String::from),
                    job.callback,
                    started.elapsed().as_millis()
                );
                self.done(job);
            }
            Err(reason) => self.retry(job, reason),
        }
    }

    fn retry(&self, job: &Job, reason: String) {
        crate::metrics::get().hub_delivery_failed();
        let attempt = job.attempt + 1;
        if attempt >= MAX_ATTEMPTS {
            tracing::warn!(
                "WebSub hub: gave up delivering {} to {} after {attempt} attempts: {reason}",
                job.topic,
                job.callback
            );
            return self.done(job);
        }
        let delay = Duration::from_secs(1 << (attempt - 1));
        tracing::warn!(
            "WebSub hub: cannot deliver {} to {}: {reason}; trying again in {} s",
            job.topic,
            job.callback,
            delay.as_secs()
        );
        let _ = self.retries.send((
            Instant::now() + delay,
            Job {
                attempt,
                ..job.clone()
            },
        ));
    }
}

/// A request to subscribe or unsubscribe, waiting for its verification.
struct Intent {
    mode: String,
    topic: String,
    topic_url: String,
    callback: Url,
    secret: Option<String>,
    lease: i64,
    /// Its place among the requests for the same feed and callback: verifications run side
    /// by side, and only the latest request's outcome stands.
    sequence: u64,
}

fn verify(inner: &Inner, intent: Intent) {
    let challenge = match challenge() {
        Ok(c) => c,
        Err(e) => return tracing::error!("WebSub hub: no randomness for a challenge: {e}"),
    };
    let lease = intent.lease.to_string();
    let mut query = vec![
        ("hub.mode", intent.mode.as_str()),
        ("hub.topic", intent.topic_url.as_str()),
        ("hub.challenge", challenge.as_str()),
    ];
    if intent.mode == "subscribe" {
        query.push(("hub.lease_seconds", lease.as_str()));
    }
    if let Err(reason) = inner.callbacks.verify(&intent.callback, &query, &challenge) {
        return tracing::warn!(
            "WebSub hub: {} of {} to {} not verified: {reason}",
            intent.mode,
            intent.callback,
            intent.topic_url
        );
    }
    let store = inner.store();
    if !inner.is_latest(&intent.topic, intent.callback.as_str(), intent.sequence) {
        return tracing::info!(
            "WebSub hub: {} of {} to {} overtaken by a later request",
            intent.mode,
            intent.callback,
            intent.topic_url
        );
    }
    // Checked again where it counts: verifications run side by side.
    let renewal = matches!(
        store.get(&intent.topic, intent.callback.as_str(), now()),
        Ok(Some(_))
    );
    if intent.mode == "subscribe" && !renewal {
        let full = store
            .counts(&intent.topic, now())
            .is_ok_and(|(per_feed, all)| {
                per_feed >= inner.settings.max_per_feed || all >= inner.settings.max_subscriptions
            });
        if full {
            return tracing::warn!(
                "WebSub hub: {} not subscribed to {}: the caps were reached meanwhile",
                intent.callback,
                intent.topic_url
            );
        }
    }
    let stored = if intent.mode == "subscribe" {
        store.subscribe(&store::Subscription {
            topic: intent.topic.clone(),
            callback: intent.callback.to_string(),
            secret: intent.secret,
            expires_at: now() + intent.lease,
        })
    } else {
        store
            .unsubscribe(&intent.topic, intent.callback.as_str())
            .map(drop)
    };
    match stored {
        Ok(()) if intent.mode == "subscribe" => tracing::info!(
            "WebSub hub: {} subscribed to {} (lease {} s)",
            intent.callback,
            intent.topic_url,
            intent.lease
        ),
        Ok(()) => tracing::info!(
            "WebSub hub: {} unsubscribed from {}",
            intent.callback,
            intent.topic_url
        ),
        Err(e) => tracing::error!("{e}"),
    }
}

fn deliver_jobs(inner: &std::sync::Weak<Inner>, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let queue = queue.lock().unwrap_or_else(|e| e.into_inner());
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let Some(inner) = inner.upgrade() else { return };
        inner.deliver(&job);
    }
}

/// Holds failed deliveries until their next attempt is due.
fn schedule_retries(delayed: &Receiver<(Instant, Job)>, jobs: &Sender<Job>) {
    let mut waiting: BinaryHeap<Reverse<(Instant, Job)>> = BinaryHeap::new();
    loop {
        let now = Instant::now();
        while waiting.peek().is_some_and(|Reverse((at, _))| *at <= now) {
            if let Some(Reverse((_, job))) = waiting.pop()
                && jobs.send(job).is_err()
            {
                return;
            }
        }
        let next = match waiting.peek() {
            Some(Reverse((at, _))) => delayed.recv_timeout(at.saturating_duration_since(now)),
            None => delayed.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(entry) => waiting.push(Reverse(entry)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// `sha256=<hex HMAC-SHA256 of body keyed by secret>` (WebSub 8).
fn signature(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length.
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", crate::text::hex(&digest))
}

/// A challenge nobody can guess: 32 random bytes, in hex.
fn challenge() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(crate::text::hex(&bytes))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The subscriptions' file when the config names none: the service's state folder
/// (`$STATE_DIRECTORY` under systemd), else the user's, one file per output folder.
fn default_database(output: &std::path::Path) -> PathBuf {
    use sha2::Digest;
    let folder = std::env::var_os("STATE_DIRECTORY")
        .and_then(|dirs| std::env::split_paths(&dirs).next())
        .or_else(|| dirs::state_dir().map(|d| d.join("bifeed")))
        .or_else(|| dirs::data_local_dir().map(|d| d.join("bifeed")))
        .unwrap_or_else(|| PathBuf::from(".bifeed"));
    // A hash no library upgrade changes: the file must be found again after one.
    let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let digest = sha2::Sha256::digest(output.as_os_str().as_encoded_bytes());
    folder.join(format!("hub-{}.sqlite", crate::text::hex(&digest[..8])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

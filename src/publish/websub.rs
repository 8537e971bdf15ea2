//! Telling WebSub hubs which feeds changed (W3C WebSub, section 7: publishing), so that
//! subscribers following a hub get a new article when it lands rather than at their next
//! poll.
//!
//! The notices go out on a thread of their own: writing feeds never waits for a hub, and a
//! hub that is slow or down delays nothing but its own notices. Feeds that change again
//! before their notice went out are told once (the pending set per hub is a set); a hub
//! that fails is tried again after a delay that doubles up to [`MAX_RETRY`], keeping what it
//! has not been told. Nothing is sent for a feed whose bytes did not change.
//!
//! A hub is a URL from the config, but its answers come from the network: every request is
//! bounded in time ([`REQUEST_TIMEOUT`]) and only the first bytes of an answer are read.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use url::Url;

use crate::backoff::Backoff;
use crate::site::Site;

/// The feeds among files a build wrote (paths relative to the output folder), as the URLs
/// their self links name: what a hub is told of. Pages and lists are no feeds; archives are
/// left out.
pub fn changed_feeds(site: &Site, written: &[String]) -> Vec<String> {
    written
        .iter()
        .filter(|path| crate::selection::feed_format(path).is_some())
        // Archives are not subscribed to: they are read by walking back from a feed.
        .filter(|path| path.split('/').nth(1) != Some(crate::selection::ARCHIVE_DIR))
        .map(|path| site.url_of(path))
        .collect()
}

/// Longest a hub may take to answer one notice, connecting included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A hub that failed is tried again after this long, then twice as long each time...
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// ...up to this.
const MAX_RETRY: Duration = Duration::from_secs(300);
/// How much of a hub's answer is read: enough for the reason a hub gives for refusing.
const ANSWER_BYTES: u64 = 512;

/// The hubs' notifier: a thread that tells each hub of the feeds handed to it.
pub struct Notifier {
    tx: Sender<Message>,
    thread: Option<JoinHandle<Told>>,
}

enum Message {
    /// Feeds (absolute URLs) whose bytes changed.
    Changed(Vec<String>),
    /// The config names these hubs now.
    Hubs(Vec<Url>),
    /// Tell what is pending until this instant at the latest, then stop.
    Finish(Instant),
}

/// What a notifier did, when it stops.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Told {
    /// Notices a hub accepted.
    pub sent: usize,
    /// Notices still pending when the notifier stopped (a hub down until the deadline).
    pub left: usize,
}

impl Notifier {
    /// Starts telling `hubs`; `None` when there are none (then nothing needs to run).
    pub fn start(hubs: &[Url]) -> Option<Notifier> {
        if hubs.is_empty() {
            return None;
        }
        let (tx, rx) = channel();
        let hubs = hubs.to_vec();
        let thread = std::thread::Builder::new()
            .name("websub".into())
            .spawn(move || run(hubs, &rx))
            .map_err(|e| tracing::error!("cannot start telling WebSub hubs: {e}"))
            .ok()?;
        Some(Notifier {
            tx,
            thread: Some(thread),
        })
    }

    /// Queues a notice of each feed in `urls` for every hub; returns at once.
    pub fn changed(&self, urls: Vec<String>) {
        if !urls.is_empty() {
            let _ = self.tx.send(Message::Changed(urls));
        }
    }

    /// A handle that queues notices from elsewhere (the store's publisher, which tells the
    /// hubs of feeds once they are in the store rather than once they are written here).
    pub fn notices(&self) -> Notices {
        Notices(self.tx.clone())
    }

    /// From now on tells these hubs (the config changed); what a hub still named was not told
    /// yet stays pending.
    pub fn set_hubs(&self, hubs: &[Url]) {
        let _ = self.tx.send(Message::Hubs(hubs.to_vec()));
    }

    /// Tells what is pending, giving up on a hub that is still failing after `within`, and
    /// stops.
    pub fn finish(mut self, within: Duration) -> Told {
        let _ = self.tx.send(Message::Finish(Instant::now() + within));
        self.thread
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default()
    }
}

/// Queues notices for a [`Notifier`]; see [`Notifier::notices`].
#[derive(Clone)]
pub struct Notices(Sender<Message>);

impl Notices {
    /// Queues a notice of each feed in `urls` for every hub; returns at once.
    pub fn changed(&self, urls: Vec<String>) {
        if !urls.is_empty() {
            let _ = self.0.send(Message::Changed(urls));
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        // Dropped without `finish` (a panic unwinding, say): the thread stops at the next
        // message it waits for, without delaying the process.
        let _ = self.tx.send(Message::Finish(Instant::now()));
    }
}

/// One hub and what it has not been told yet.
struct Hub {
    url: Url,
    /// Feeds to tell it of, in URL order.
    pending: BTreeSet<String>,
    /// After a failure, when to try again, and the delay after the next failure.
    retry_at: Option<Instant>,
    backoff: Backoff,
}

impl Hub {
    fn new(url: Url) -> Hub {
        Hub {
            url,
            pending: BTreeSet::new(),
            retry_at: None,
            backoff: Backoff::new(FIRST_RETRY, MAX_RETRY),
        }
    }

    fn due(&self, now: Instant) -> bool {
        !self.pending.is_empty() && self.retry_at.is_none_or(|at| at <= now)
    }

    /// Tells the hub of every pending feed, in order, until one notice fails (a hub that
    /// refuses one is likely to refuse the next, and is given time) or `until` passes (a
    /// stopping notifier; a request under way then ends within its timeout).
    fn tell(&mut self, agent: &ureq::Agent, until: Option<Instant>) -> usize {
        let started = Instant::now();
        let mut sent = 0;
        while let Some(feed) = self.pending.first().cloned() {
            if until.is_some_and(|deadline| Instant::now() >= deadline) {
                break;
            }
            match notify(agent, &self.url, &feed) {
                Ok(()) => {
                    self.pending.remove(&feed);
                    sent += 1;
                }
                Err(reason) => {
                    crate::metrics::get().hub_notice_failed();
                    let delay = self.backoff.next();
                    self.retry_at = Some(Instant::now() + delay);
                    tracing::warn!(
                        "WebSub hub {}: cannot tell it that {feed} changed: {reason}; {} \
                         feed(s) wait, next try in {} s",
                        self.url,
                        self.pending.len(),
                        delay.as_secs_f32()
                    );
                    break;
                }
            }
        }
        if self.pending.is_empty() {
            self.retry_at = None;
            self.backoff.reset();
        }
        if sent > 0 {
            tracing::info!(
                "WebSub hub {}: told of {sent} changed feed(s) in {} ms",
                self.url,
                started.elapsed().as_millis()
            );
        }
        sent
    }
}

fn run(hubs: Vec<Url>, rx: &Receiver<Message>) -> Told {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(REQUEST_TIMEOUT))
        // A refusal is read for its reason, not turned into an error without one.
        .http_status_as_error(false)
        .user_agent(concat!("bifeed/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut hubs: Vec<Hub> = hubs.into_iter().map(Hub::new).collect();
    let mut told = Told::default();
    let mut finish_by: Option<Instant> = None;
    loop {
        let now = Instant::now();
        for hub in hubs.iter_mut().filter(|hub| hub.due(now)) {
            told.sent += hub.tell(&agent, finish_by);
        }
        let pending = hubs.iter().any(|hub| !hub.pending.is_empty());
        let now = Instant::now();
        if let Some(deadline) = finish_by
            && (!pending || now >= deadline)
        {
            break;
        }
        let next_try = hubs
            .iter()
            .filter(|hub| !hub.pending.is_empty())
            .filter_map(|hub| hub.retry_at)
            .min();
        let wake = match (next_try, finish_by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let message = match wake {
            Some(at) => rx.recv_timeout(at.saturating_duration_since(now)),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        // Everything queued meanwhile joins this round: a burst of rebuilds is told once.
        let messages = match message {
            Ok(first) => std::iter::once(first).chain(rx.try_iter()).collect(),
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => vec![Message::Finish(now)],
        };
        for message in messages {
            match message {
                Message::Changed(urls) => {
                    for hub in &mut hubs {
                        hub.pending.extend(urls.iter().cloned());
                    }
                }
                Message::Hubs(urls) => {
                    let mut old = std::mem::take(&mut hubs);
                    hubs = urls
                        .into_iter()
                        .map(|url| match old.iter().position(|hub| hub.url == url) {
                            Some(at) => old.swap_remove(at),
                            None => Hub::new(url),
                        })
                        .collect();
                }
                Message::Finish(deadline) => {
                    finish_by = Some(finish_by.map_or(deadline, |d| d.min(deadline)));
                }
            }
        }
    }
    told.left = hubs.iter().map(|hub| hub.pending.len()).sum();
    for hub in hubs.iter().filter(|hub| !hub.pending.is_empty()) {
        tracing::warn!(
            "WebSub hub {}: not told of {} changed feed(s): it kept failing",
            hub.url,
            hub.pending.len()
        );
    }
    told
}

/// One notice (`hub.mode=publish`, `hub.url=<feed>`, form-encoded, as hubs take it).
fn notify(agent: &ureq::Agent, hub: &Url, feed: &str) -> Result<(), String> {
    let mut answer = agent
        .post(hub.as_str())
        .send_form([("hub.mode", "publish"), ("hub.url", feed)])
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    let mut said = Vec::new();
    let _ = answer
        .body_mut()
        .as_reader()
        .take(ANSWER_BYTES)
        .read_to_end(&mut said);
    if status.is_success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&said);
    let said: String = said
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Err(format!("it answered {status}: {}", said.trim()))
}

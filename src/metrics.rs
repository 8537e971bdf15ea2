//! What an operator watches: the process's metrics in the Prometheus text format
//! (OpenMetrics, through `prometheus-client`), and its health, as `serve` answers them at
//! `/metrics` and `/healthz`.
//!
//! One set per process, updated from wherever the thing counted happens (a rebuild, a hub
//! delivery, a request): a metric is a number in an atomic, and threading handles through
//! every stage for them would tie the pipeline to its monitoring.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::lang::Lang;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LangLabel {
    lang: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: u16,
}

pub struct Metrics {
    registry: Registry,
    articles: Family<LangLabel, Gauge>,
    rejected: Gauge,
    rebuild_seconds: Histogram,
    rebuild_failures: Counter,
    last_success: Gauge<f64, AtomicU64>,
    hub_notice_failures: Counter,
    hub_delivery_failures: Counter,
    store_failures: Counter,
    requests: Family<StatusLabel, Counter>,
    /// Whether the last rebuild succeeded, and why not.
    failing: Mutex<Option<String>>,
    /// Whether the watcher runs.
    watching: AtomicBool,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn get() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("bifeed");
        let articles = Family::<LangLabel, Gauge>::default();
        registry.register(
            "articles",
            "Articles in the feeds' collection, per language",
            articles.clone(),
        );
        let rejected = Gauge::default();
        registry.register(
            "rejected_files",
            "Article files left out for an error",
            rejected.clone(),
        );
        // 5 ms to about 40 s.
        let rebuild_seconds = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        registry.register(
            "rebuild_duration_seconds",
            "Time from a change to its feeds written",
            rebuild_seconds.clone(),
        );
        let rebuild_failures = Counter::default();
        registry.register(
            "rebuild_failures",
            "Rebuilds that could not publish (a full disk, say)",
            rebuild_failures.clone(),
        );
        let last_success = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "last_successful_rebuild_timestamp_seconds",
            "When the feeds were last published, Unix time",
            last_success.clone(),
        );
        let hub_notice_failures = Counter::default();
        registry.register(
            "websub_notice_failures",
            "Notices a WebSub hub elsewhere did not take",
            hub_notice_failures.clone(),
        );
        let hub_delivery_failures = Counter::default();
        registry.register(
            "websub_delivery_failures",
            "Deliveries of the built-in hub a subscriber did not take",
            hub_delivery_failures.clone(),
        );
        let store_failures = Counter::default();
        registry.register(
            "store_publish_failures",
            "Rounds of publishing to object storage that left something unpublished",
            store_failures.clone(),
        );
        let requests = Family::<StatusLabel, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests, by status",
            requests.clone(),
        );
        Metrics {
            registry,
            articles,
            rejected,
            rebuild_seconds,
            rebuild_failures,
            last_success,
            hub_notice_failures,
            hub_delivery_failures,
            store_failures,
            requests,
            failing: Mutex::new(None),
            watching: AtomicBool::new(false),
        }
    }

    fn failing(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.failing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A rebuild published its feeds in `took`.
    pub fn rebuilt(&self, took: Duration, articles: [usize; 2], rejected: usize) {
        for lang in Lang::ALL {
            let label = LangLabel { lang: lang.dir() };
            self.articles
                .get_or_create(&label)
                .set(articles[lang.index()] as i64);
        }
        self.rejected.set(rejected as i64);
        self.rebuild_seconds.observe(took.as_secs_f64());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.last_success.set(now);
        *self.failing() = None;
    }

    /// A rebuild failed to publish, for `reason`.
    pub fn rebuild_failed(&self, reason: String) {
        self.rebuild_failures.inc();
        *self.failing() = Some(reason);
    }

    pub fn watching(&self, running: bool) {
        self.watching.store(running, Ordering::SeqCst);
    }

    pub fn hub_notice_failed(&self) {
        self.hub_notice_failures.inc();
    }

    pub fn hub_delivery_failed(&self) {
        self.hub_delivery_failures.inc();
    }

    pub fn store_publish_failed(&self) {
        self.store_failures.inc();
    }

    pub fn answered(&self, status: u16) {
        self.requests.get_or_create(&StatusLabel { status }).inc();
    }

    /// `Ok` when the last rebuild published and the watcher runs; otherwise why not.
    pub fn health(&self) -> Result<(), String> {
        if !self.watching.load(Ordering::SeqCst) {
            return Err("the watcher is not running".into());
        }
        match self.failing().clone() {
            Some(reason) => Err(format!("the last rebuild failed: {reason}")),
            None => Ok(()),
        }
    }

    /// Every metric in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String fails for no reason.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The media type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

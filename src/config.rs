//! `bifeed.yaml`: optional; every key has a default, so `bifeed build` works without one.
//!
//! Unknown keys and bad values are errors naming the key, line and column: a typo in a
//! config key must never be silently ignored.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::FixedOffset;
use serde::Deserialize;
use url::Url;

use crate::site::{Author, Channel, Site};
use crate::text::remove_xml_forbidden;

/// Where `serve` answers as a WebSub hub with `websub.builtin` (and what the feeds then
/// advertise).
pub const BUILTIN_HUB_PATH: &str = "/hub";

/// The object stores `publish.url` may name: S3 (and what speaks its API), Google Cloud
/// Storage, Azure Blob Storage.
pub const STORE_SCHEMES: &[&str] = &["s3", "gs", "az"];

/// The config file looked for in the current folder when `--config` is not given.
pub const DEFAULT_FILE: &str = "bifeed.yaml";

/// Everything a run needs to know, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The config file this came from, if any (watched for changes by `watch`).
    pub file: Option<PathBuf>,
    pub articles: PathBuf,
    pub output: PathBuf,
    /// Items per feed; 0 means every article.
    pub limit: usize,
    /// Time zone of the articles' dates (Beijing time by default).
    pub timezone: FixedOffset,
    /// Larger article files are rejected without being read.
    pub max_article_bytes: u64,
    /// Whether `base_url` came from the config (`serve` otherwise uses its own address).
    pub base_url_configured: bool,
    pub site: Site,
    pub watch: WatchSettings,
    pub serve: ServeSettings,
    pub topics: TopicSettings,
    /// The folder of the articles cache (see `crate::cache`); `None`: no cache.
    pub cache: Option<PathBuf>,
    /// Whether each language's articles past its feed are published in monthly archive
    /// documents (RFC 5005).
    pub archives: bool,
    pub websub: WebSubSettings,
    /// Object storage the output folder is also published to (`publish:`); `None`: only the
    /// folder.
    pub publish: Option<StoreSettings>,
}

/// `publish:`: the bucket (and prefix) `build` and `watch` copy the output folder to.
#[derive(Clone, PartialEq)]
pub struct StoreSettings {
    /// `s3://bucket/prefix`, `gs://bucket/prefix` or `az://container/prefix`.
    pub url: Url,
    /// Another S3-compatible service than AWS (R2, MinIO, Garage, Ceph); `http://` is
    /// accepted, for a store on the same host or network.
    pub endpoint: Option<Url>,
    pub region: Option<String>,
    /// Credentials, when not from the environment (`AWS_ACCESS_KEY_ID`, ...).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// Credentials stay out of every log line and error message that prints a config.
impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: &Option<String>| set.as_ref().map(|_| "(set)");
        f.debug_struct("StoreSettings")
            .field("url", &self.url.as_str())
            .field("endpoint", &self.endpoint.as_ref().map(Url::as_str))
            .field("region", &self.region)
            .field("access_key_id", &hidden(&self.access_key_id))
            .field("secret_access_key", &hidden(&self.secret_access_key))
            .finish()
    }
}

/// WebSub: the hubs told of changed feeds, and `serve`'s own hub.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSubSettings {
    /// Hubs elsewhere, told of every changed feed (the feeds name them, with the built-in
    /// hub, in `Site::hubs`).
    pub hubs: Vec<Url>,
    /// Whether `serve` is a hub itself, at `/hub`.
    pub builtin: bool,
    /// Networks a subscriber's callback may be in although they are not public (loopback,
    /// private, link-local): the built-in hub refuses those otherwise.
    pub allow_callbacks: Vec<ipnet::IpNet>,
    /// The SQLite file of the built-in hub's subscriptions; `None`: the user's state folder.
    pub database: Option<PathBuf>,
    /// Subscriptions the built-in hub takes, per feed and in all.
    pub max_per_feed: usize,
    pub max_subscriptions: usize,
}

impl Default for WebSubSettings {
    fn default() -> Self {
        WebSubSettings {
            hubs: Vec::new(),
            builtin: false,
            allow_callbacks: Vec::new(),
            database: None,
            max_per_feed: 1_000,
            max_subscriptions: 100_000,
        }
    }
}

impl Config {
    /// Takes the built-in hub's settings from `running` (the hub `serve` started with, which
    /// a reload does not restart); whether the file said otherwise. The hubs elsewhere are
    /// the file's.
    pub fn keep_hub_settings(&mut self, running: &WebSubSettings) -> bool {
        let kept = WebSubSettings {
            hubs: self.websub.hubs.clone(),
            ..running.clone()
        };
        let differed = kept != self.websub;
        self.websub = kept;
        self.site.hubs = self.websub.advertised(&self.site.base_url);
        differed
    }
}

impl WebSubSettings {
    /// The hubs every feed names: the configured ones, then the built-in one.
    fn advertised(&self, base_url: &Url) -> Vec<Url> {
        let builtin = self
            .builtin
            .then(|| base_url.join(BUILTIN_HUB_PATH.trim_start_matches('/')).ok())
            .flatten();
        self.hubs.iter().cloned().chain(builtin).collect()
    }
}

/// Which keywords get a feed of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicSettings {
    /// A keyword becomes a topic when at least this many articles (of one language) carry it;
    /// 0: no topic feeds.
    pub min_articles: usize,
}

impl Default for TopicSettings {
    fn default() -> Self {
        TopicSettings { min_articles: 3 }
    }
}

/// How `serve` publishes the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeSettings {
    /// Address to listen on; loopback unless the config says otherwise.
    pub addr: SocketAddr,
    /// `Cache-Control: max-age` of every response: how long readers may reuse a feed unasked.
    pub cache_max_age: Duration,
    /// Connections served at once, at most; beyond, the longest-idle connection is closed to
    /// take a new one. Also kept well under the process's file descriptor limit.
    pub max_connections: usize,
    /// Where `serve` answers whether it is healthy, and its metrics; `None`: not at all.
    pub health_path: Option<String>,
    pub metrics_path: Option<String>,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            cache_max_age: Duration::from_secs(300),
            max_connections: 512,
            health_path: Some("/healthz".into()),
            metrics_path: Some("/metrics".into()),
        }
    }
}

/// How `watch` turns file events into rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSettings {
    /// Rebuild once no event has come for this long...
    pub quiet: Duration,
    /// ...but never later than this after the first event of a batch, however busy the folder.
    pub max_delay: Duration,
    /// Poll the folder at this interval instead of using the OS's file events.
    pub poll: Option<Duration>,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            quiet: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            poll: None,
        }
    }
}

/// Where a run's settings come from: the config file, with the command line's folders over it.
/// Kept whole so that `watch` can reload the config the same way when the file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// `--config`; without it, `./bifeed.yaml` when present.
    pub file: Option<PathBuf>,
    pub articles: Option<PathBuf>,
    pub output: Option<PathBuf>,
    /// The base URL to use when the config sets none (`serve`: the address it serves at).
    pub fallback_base_url: Option<Url>,
    /// `--no-cache`: read every article, render every feed, keep no cache.
    pub no_cache: bool,
}

impl Sources {
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut config = Config::load(self.file.as_deref())?;
        if let Some(articles) = &self.articles {
            config.articles = articles.clone();
        }
        if let Some(output) = &self.output {
            config.output = output.clone();
        }
        config.cache = if self.no_cache {
            None
        } else {
            config.cache.or_else(crate::cache::default_folder)
        };
        // Only the links follow the served address; ids stay what `build` gives them, so the
        // same article never gets two ids.
        if let Some(url) = self
            .fallback_base_url
            .clone()
            .filter(|_| !config.base_url_configured)
        {
            config.site.base_url = with_trailing_slash(url);
            // The built-in hub is where the feeds are served.
            config.site.hubs = config.websub.advertised(&config.site.base_url);
        }
        config.check_layout()?;
        Ok(config)
    }

    /// The config file that is (or would be) read: watched for changes.
    pub fn config_file(&self) -> PathBuf {
        self.file
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// `message` names the key and position, as `key: reason at line L column C`.
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "the articles folder {} lies inside the output folder {}, which is published: \
         put the output folder elsewhere (it may lie inside the articles folder)",
        articles.display(),
        output.display()
    )]
    ArticlesInsideOutput { articles: PathBuf, output: PathBuf },
}

pub const DEFAULT_BASE_URL: &str = "http://localhost:8080/";
pub const DEFAULT_LIMIT: usize = 50;
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 4 * 1024 * 1024;
/// The largest `max_article_bytes` accepted: an article is read into memory whole.
const MAX_ARTICLE_BYTES_LIMIT: u64 = 1 << 30;
const BEIJING: i32 = 8 * 3600;

impl Default for Config {
    fn default() -> Self {
        let base_url = Url::parse(DEFAULT_BASE_URL).unwrap_or_else(|_| unreachable!());
        Config {
            file: None,
            articles: PathBuf::from("articles"),
            output: PathBuf::from("feeds"),
            limit: DEFAULT_LIMIT,
            timezone: FixedOffset::east_opt(BEIJING).unwrap_or_else(|| unreachable!()),
            max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES,
            base_url_configured: false,
            watch: WatchSettings::default(),
            serve: ServeSettings::default(),
            topics: TopicSettings::default(),
            cache: None,
            archives: true,
            websub: WebSubSettings::default(),
            publish: None,
            site: Site {
                id_prefix: default_id_prefix(&base_url),
                base_url,
                author: Author {
                    name: "bifeed".into(),
                    email: None,
                    uri: None,
                },
                zh: Channel {
                    title: "新闻".into(),
                    description: "中文新闻".into(),
                },
                en: Channel {
                    title: "News".into(),
                    description: "News in English".into(),
                },
                hubs: Vec::new(),
            },
        }
    }
}

/// `tag:<host>,2026:` — a tag URI (RFC 4151) names its owner and a date, so ids stay valid
/// even if the feeds later move to another address.
fn default_id_prefix(base_url: &Url) -> String {
    format!("tag:{},2026:", base_url.host_str().unwrap_or("localhost"))
}

impl Config {
    /// Loads `path`, or `./bifeed.yaml` when it exists, or the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|error| ConfigError::Read {
            path: path.clone(),
            error,
        })?;
        let base_dir = path.parent().unwrap_or(Path::new(""));
        let mut config =
            Config::from_yaml(&text, base_dir).map_err(|message| ConfigError::Invalid {
                path: path.clone(),
                message,
            })?;
        config.file = Some(path);
        Ok(config)
    }

    /// Refuses an articles folder inside the output folder (`output: .`, say): everything in
    /// the output folder is there to be published, and the watcher never watches it.
    fn check_layout(&self) -> Result<(), ConfigError> {
        let resolve = |p: &Path| {
            std::fs::canonicalize(p)
                .or_else(|_| std::path::absolute(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        let (articles, output) = (resolve(&self.articles), resolve(&self.output));
        if articles.starts_with(&output) {
            return Err(ConfigError::ArticlesInsideOutput { articles, output });
        }
        Ok(())
    }

    /// Parses config text. Relative folders are taken relative to `base_dir` (the config
    /// file's folder), so the config means the same from wherever bifeed is started.
    pub fn from_yaml(text: &str, base_dir: &Path) -> Result<Config, String> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| e.to_string())?
        };
        let mut config = Config::default();
        let at = |p: PathBuf| if p.is_absolute() { p } else { base_dir.join(p) };
        if let Some(p) = raw.articles {
            config.articles = at(p);
        }
        if let Some(p) = raw.output {
            config.output = at(p);
        }
        config.cache = raw.cache.map(at);
        if let Some(limit) = raw.limit {
            config.limit = limit;
        }
        if let Some(archives) = raw.archives {
            config.archives = archives;
        }
        if let Some(Offset(zone)) = raw.timezone {
            config.timezone = zone;
        }
        if let Some(max) = raw.max_article_bytes {
            config.max_article_bytes = max.0;
        }
        if let Some(serve) = raw.serve {
            if let Some(addr) = serve.addr {
                config.serve.addr = addr;
            }
            if let Some(max) = serve.max_connections {
                config.serve.max_connections = max.0 as usize;
            }
            if let Some(secs) = serve.cache_max_age_secs {
                config.serve.cache_max_age = Duration::from_secs(secs);
            }
            // An empty path switches it off.
            let path = |p: String| (!p.is_empty()).then_some(p);
            if let Some(p) = serve.health_path {
                config.serve.health_path = path(p.0);
            }
            if let Some(p) = serve.metrics_path {
                config.serve.metrics_path = path(p.0);
            }
        }
        if let Some(watch) = raw.watch {
            let ms = Duration::from_millis;
            config.watch.quiet = watch.quiet_ms.map_or(config.watch.quiet, ms);
            config.watch.max_delay = watch.max_delay_ms.map_or(config.watch.max_delay, ms);
            config.watch.poll = watch.poll_ms.map(|p| ms(p.0));
            if config.watch.max_delay < config.watch.quiet {
                return Err(format!(
                    "watch: max_delay_ms ({}) must not be shorter than quiet_ms ({})",
                    config.watch.max_delay.as_millis(),
                    config.watch.quiet.as_millis()
                ));
            }
        }
        if let Some(topics) = raw.topics
            && let Some(min) = topics.min_articles
        {
            config.topics.min_articles = min.0 as usize;
        }
        let site = &mut config.site;
        if let Some(WebUrl(url)) = raw.base_url {
            site.base_url = with_trailing_slash(url);
            site.id_prefix = default_id_prefix(&site.base_url);
            config.base_url_configured = true;
        }
        if let Some(prefix) = raw.id_prefix {
            site.id_prefix = prefix;
        }
        if let Some(author) = raw.author {
            site.author = Author {
                name: clean(author.name),
                email: author.email.map(clean),
                uri: author.uri.map(|u| u.0),
            };
        }
        if let Some(websub) = raw.websub {
            let settings = &mut config.websub;
            for WebUrl(hub) in websub.hubs.unwrap_or_default() {
                if !settings.hubs.contains(&hub) {
                    settings.hubs.push(hub);
                }
            }
            settings.builtin = websub.builtin.unwrap_or(false);
            settings.allow_callbacks = websub
                .allow_callbacks
                .unwrap_or_default()
                .into_iter()
                .map(|n| n.0)
                .collect();
            settings.database = websub.database.map(at);
            if let Some(max) = websub.max_per_feed {
                settings.max_per_feed = max.0 as usize;
            }
            if let Some(max) = websub.max_subscriptions {
                settings.max_subscriptions = max.0 as usize;
            }
        }
        if let Some(publish) = raw.publish {
            config.publish = Some(StoreSettings {
                url: publish.url.0,
                endpoint: publish.endpoint.map(|e| e.0),
                region: publish.region,
                access_key_id: publish.access_key_id,
                secret_access_key: publish.secret_access_key,
            });
        }
        let site = &mut config.site;
        site.hubs = config.websub.advertised(&site.base_url);
        for (raw, channel) in [(raw.zh, &mut site.zh), (raw.en, &mut site.en)] {
            let Some(raw) = raw else { continue };
            if let Some(title) = raw.title {
                channel.title = clean(title);
            }
            if let Some(description) = raw.description {
                channel.description = clean(description);
            }
        }
        Ok(config)
    }
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn clean(text: String) -> String {
    remove_xml_forbidden(text.trim()).into_owned()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Option<WebUrl>,
    id_prefix: Option<String>,
    articles: Option<PathBuf>,
    output: Option<PathBuf>,
    cache: Option<PathBuf>,
    limit: Option<usize>,
    timezone: Option<Offset>,
    max_article_bytes: Option<Bounded<1, MAX_ARTICLE_BYTES_LIMIT>>,
    author: Option<RawAuthor>,
    zh: Option<RawChannel>,
    en: Option<RawChannel>,
    watch: Option<RawWatch>,
    serve: Option<RawServe>,
    topics: Option<RawTopics>,
    websub: Option<RawWebSub>,
    archives: Option<bool>,
    publish: Option<RawPublish>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublish {
    url: StoreUrl,
    endpoint: Option<WebUrl>,
    region: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
}

/// Where objects go: `s3://bucket/prefix` (or `gs://`, `az://`), the bucket named.
#[derive(Debug)]
struct StoreUrl(Url);

impl<'de> Deserialize<'de> for StoreUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Validated("a bucket URL like s3://bucket/prefix", |text| {
            let url = Url::parse(text).map_err(|e| format!("`{text}` is not a URL ({e})"))?;
            if !STORE_SCHEMES.contains(&url.scheme()) {
                let schemes: Vec<String> =
                    STORE_SCHEMES.iter().map(|s| format!("{s}://")).collect();
                return Err(format!(
                    "`{text}`: bifeed publishes to {} URLs",
                    schemes.join(", ")
                ));
            }
            if url.host_str().is_none_or(str::is_empty) {
                return Err(format!("`{text}` names no bucket"));
            }
            if url.query().is_some() || url.fragment().is_some() {
                return Err(format!("`{text}`: a bucket URL has no query or fragment"));
            }
            Ok(StoreUrl(url))
        }))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebSub {
    hubs: Option<Vec<WebUrl>>,
    builtin: Option<bool>,
    allow_callbacks: Option<Vec<Network>>,
    database: Option<PathBuf>,
    max_per_feed: Option<Bounded<1, 1_000_000>>,
    max_subscriptions: Option<Bounded<1, 100_000_000>>,
}

/// A network in CIDR notation (`127.0.0.1/32`, `fd00::/8`).
#[derive(Debug)]
struct Network(ipnet::IpNet);

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Validated("a network like 127.0.0.1/32", |text| {
            text.parse::<ipnet::IpNet>()
                .map(Network)
                .map_err(|_| format!("`{text}` is not a network like 127.0.0.1/32"))
        }))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    min_articles: Option<Bounded<0, 1_000_000>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServe {
    addr: Option<SocketAddr>,
    cache_max_age_secs: Option<u64>,
    max_connections: Option<Bounded<1, 1_000_000>>,
    health_path: Option<UrlPath>,
    metrics_path: Option<UrlPath>,
}

/// A path `serve` answers at (`/healthz`), or empty for none.
#[derive(Debug)]
struct UrlPath(String);

impl<'de> Deserialize<'de> for UrlPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Validated(
            "a path like /healthz, or \"\" for none",
            |text| {
                let plain = text.is_empty()
                    || (text.starts_with('/')
                        && text.len() > 1
                        && text
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)));
                if plain {
                    Ok(UrlPath(text.to_string()))
                } else {
                    Err(format!(
                        "`{text}` is not a path like /healthz (letters, digits, - _ . /), or \"\""
                    ))
                }
            },
        ))
    }
}

/// A count between `MIN` and `MAX`: what a careless value (0, 2^64 - 1) would break is
/// refused with the key's name.
#[derive(Debug)]
struct Bounded<const MIN: u64, const MAX: u64>(u64);

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Checked in the visitor, where the YAML parser still knows the key and position.
        struct InRange<const MIN: u64, const MAX: u64>;
        impl<const MIN: u64, const MAX: u64> serde::de::Visitor<'_> for InRange<MIN, MAX> {
            type Value = Bounded<MIN, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a whole number between {MIN} and {MAX}")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
                if (MIN..=MAX).contains(&n) {
                    Ok(Bounded(n))
                } else {
                    Err(E::custom(format!(
                        "{n} is out of range: between {MIN} and {MAX}"
                    )))
                }
            }
        }
        d.deserialize_u64(InRange::<MIN, MAX>)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWatch {
    quiet_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    poll_ms: Option<PositiveMs>,
}

/// A poll interval: zero would spin.
#[derive(Debug)]
struct PositiveMs(u64);

impl<'de> Deserialize<'de> for PositiveMs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Positive;
        impl serde::de::Visitor<'_> for Positive {
            type Value = PositiveMs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of milliseconds, at least 1")
            }
            fn visit_u64<E: serde::de::Error>(self, ms: u64) -> Result<PositiveMs, E> {
                match ms {
                    0 => Err(E::custom("must be at least 1 (milliseconds)")),
                    ms => Ok(PositiveMs(ms)),
                }
            }
        }
        d.deserialize_u64(Positive)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: String,
    email: Option<String>,
    uri: Option<WebUrl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    title: Option<String>,
    description: Option<String>,
}

/// An absolute http(s) URL: feeds must carry absolute links.
#[derive(Debug)]
struct WebUrl(Url);

impl<'de> Deserialize<'de> for WebUrl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Validated(
            "an absolute http(s) URL",
            |text| match Url::parse(text) {
                Ok(url) if crate::text::is_web_url(&url) => Ok(WebUrl(url)),
                Ok(_) => Err(format!("`{text}` is not an http or https URL")),
                Err(e) => Err(format!("`{text}` is not an absolute URL ({e})")),
            },
        ))
    }
}

/// A UTC offset such as `+08:00`.
#[derive(Debug)]
struct Offset(FixedOffset);

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Validated("a UTC offset like +08:00", |text| {
            text.parse::<FixedOffset>()
                .map(Offset)
                .map_err(|_| format!("`{text}` is not a UTC offset like +08:00"))
        }))
    }
}

/// Checks a string value inside the deserializer, where the YAML parser still knows the key
/// and position to put in the error message.
struct Validated<T>(&'static str, fn(&str) -> Result<T, String>);

impl<T> serde::de::Visitor<'_> for Validated<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.1)(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::from_yaml(text, Path::new("/site"))
    }

    #[test]
    fn no_config_means_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# only a comment\n").unwrap(), Config::default());
        let d = Config::default();
        assert_eq!(d.limit, 50);
        assert_eq!(d.timezone.local_minus_utc(), 8 * 3600);
        assert_eq!(d.site.id_prefix, "tag:localhost,2026:");
    }

    #[test]
    fn every_key() {
        let c = parse(
            "base_url: https://news.example.org/feeds\n\
             id_prefix: 'tag:example.org,2020:'\n\
             articles: in\n\
             output: /var/www/feeds\n\
             limit: 0\n\
             timezone: '-05:00'\n\
             max_article_bytes: 1000\n\
             author:\n  name: Desk\n  email: desk@example.org\n  uri: https://example.org/\n\
             zh:\n  title: 中文\n  description: 描述\n\
             en:\n  title: English\n\
             watch:\n  quiet_ms: 50\n  max_delay_ms: 500\n  poll_ms: 250\n\
             serve:\n  addr: 0.0.0.0:9000\n  cache_max_age_secs: 60\n",
        )
        .unwrap();
        assert_eq!(c.site.base_url.as_str(), "https://news.example.org/feeds/");
        assert_eq!(c.site.id_prefix, "tag:example.org,2020:");
        assert_eq!(c.articles, Path::new("/site/in"));
        assert_eq!(c.output, Path::new("/var/www/feeds"));
        assert_eq!(c.limit, 0);
        assert_eq!(c.timezone.local_minus_utc(), -5 * 3600);
        assert_eq!(c.max_article_bytes, 1000);
        assert_eq!(c.site.author.email.as_deref(), Some("desk@example.org"));
        assert_eq!(c.site.zh.title, "中文");
        assert_eq!(c.site.en.title, "English");
        assert_eq!(c.site.en.description, Config::default().site.en.description);
        assert!(c.base_url_configured);
        assert_eq!(
            c.watch,
            WatchSettings {
                quiet: Duration::from_millis(50),
                max_delay: Duration::from_millis(500),
                poll: Some(Duration::from_millis(250)),
            }
        );
        assert_eq!(c.serve.addr, SocketAddr::from(([0, 0, 0, 0], 9000)));
        assert_eq!(c.serve.cache_max_age, Duration::from_secs(60));
    }

    #[test]
    fn a_served_address_stands_in_for_an_unset_base_url() {
        let dir = tempfile::tempdir().unwrap();
        let unset = dir.path().join("unset.yaml");
        std::fs::write(&unset, "limit: 5\n").unwrap();
        let sources = Sources {
            file: Some(unset),
            fallback_base_url: Some(Url::parse("http://127.0.0.1:9123").unwrap()),
            ..Sources::default()
        };
        let config = sources.load().unwrap();
        assert_eq!(config.site.base_url.as_str(), "http://127.0.0.1:9123/");
        assert_eq!(
            config.site.id_prefix,
            Config::default().site.id_prefix,
            "ids do not move"
        );

        let set = dir.path().join("set.yaml");
        std::fs::write(&set, "base_url: https://news.example.org/\n").unwrap();
        let sources = Sources {
            file: Some(set),
            ..sources
        };
        let config = sources.load().unwrap();
        assert_eq!(config.site.base_url.as_str(), "https://news.example.org/");
    }

    #[test]
    fn watch_delays_must_make_sense() {
        let e = parse("watch:\n  quiet_ms: 500\n  max_delay_ms: 100\n").unwrap_err();
        assert!(
            e.contains("max_delay_ms (100) must not be shorter than quiet_ms (500)"),
            "{e}"
        );
        let e = parse("watch:\n  poll_ms: 0\n").unwrap_err();
        assert!(e.contains("watch.poll_ms: must be at least 1"), "{e}");
    }

    #[test]
    fn websub_hubs_are_kept_in_order_once_each() {
        let c = parse(
            "websub:\n  hubs: [\"https://b.example/\", \"https://a.example/hub\", \
             \"https://b.example/\"]\n",
        )
        .unwrap();
        let hubs: Vec<&str> = c.site.hubs.iter().map(Url::as_str).collect();
        assert_eq!(hubs, ["https://b.example/", "https://a.example/hub"]);
        assert!(Config::default().site.hubs.is_empty());
    }

    #[test]
    fn publishing_to_object_storage_never_shows_the_credentials() {
        let c = parse(
            "publish:\n  url: s3://news-feeds/site/\n  endpoint: http://127.0.0.1:3900\n  \
             region: garage\n  access_key_id: GK1234\n  secret_access_key: s3cr3t\n",
        )
        .unwrap();
        let publish = c.publish.clone().unwrap();
        assert_eq!(publish.url.as_str(), "s3://news-feeds/site/");
        assert_eq!(publish.endpoint.unwrap().as_str(), "http://127.0.0.1:3900/");
        assert_eq!(publish.region.as_deref(), Some("garage"));
        assert_eq!(publish.secret_access_key.as_deref(), Some("s3cr3t"));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("GK1234"),
            "{shown}"
        );
        assert!(shown.contains("news-feeds"), "{shown}");
        assert_eq!(Config::default().publish, None);
    }

    #[test]
    fn id_prefix_follows_the_base_url_host() {
        let c = parse("base_url: https://feeds.example.net/\n").unwrap();
        assert_eq!(c.site.id_prefix, "tag:feeds.example.net,2026:");
    }

    #[test]
    fn unknown_keys_name_key_line_and_column() {
        let e = parse("limit: 5\ntitel: x\n").unwrap_err();
        assert!(e.contains("unknown field `titel`"), "{e}");
        assert!(e.contains("line 2 column 1"), "{e}");
        let e = parse("zh:\n  title: a\n  desc: b\n").unwrap_err();
        assert!(e.contains("zh: unknown field `desc`"), "{e}");
        assert!(e.contains("line 3 column 3"), "{e}");
    }

    #[test]
    fn bad_values_name_key_line_and_column() {
        let cases = [
            (
                "limit: -3\n",
                "limit: invalid type: integer `-3`",
                "line 1 column 8",
            ),
            ("limit: lots\n", "limit: invalid type", "line 1 column 8"),
            (
                "base_url: ftp://x.org/\n",
                "base_url: `ftp://x.org/` is not an http",
                "line 1 column 11",
            ),
            (
                "base_url: /feeds\n",
                "base_url: `/feeds` is not an absolute URL",
                "line 1 column 11",
            ),
            (
                "\ntimezone: Beijing\n",
                "timezone: `Beijing` is not a UTC offset",
                "line 2 column 11",
            ),
            (
                "author:\n  email: x@y\n",
                "author: missing field `name`",
                "line 2 column 3",
            ),
            // Would overflow, or read nothing: every article "empty", the feeds emptied.
            (
                "max_article_bytes: 18446744073709551615\n",
                "max_article_bytes: 18446744073709551615 is out of range: between 1 and",
                "line 1 column 20",
            ),
            (
                "max_article_bytes: 0\n",
                "max_article_bytes: 0 is out of range",
                "line 1 column 20",
            ),
            (
                "serve:\n  max_connections: 0\n",
                "serve.max_connections: 0 is out of range",
                "line 2 column 20",
            ),
            (
                "websub:\n  hubs:\n    - https://hub.example.net/\n    - hub.example.net\n",
                "websub.hubs[1]: `hub.example.net` is not an absolute URL",
                "line 4 column 7",
            ),
            (
                "publish:\n  url: ftp://bucket/site\n",
                "publish.url: `ftp://bucket/site`: bifeed publishes to s3://, gs://, az:// URLs",
                "line 2 column 8",
            ),
            (
                "publish:\n  url: s3:///site\n",
                "publish.url: `s3:///site` names no bucket",
                "line 2 column 8",
            ),
            (
                "publish:\n  url: s3://b\n  endpoint: minio.local:9000\n",
                "publish.endpoint: `minio.local:9000` is not an http",
                "line 3 column 13",
            ),
            (
                "publish:\n  endpoint: http://x/\n",
                "publish: missing field `url`",
                "line 2",
            ),
        ];
        for (yaml, message, position) in cases {
            let e = parse(yaml).unwrap_err();
            assert!(e.contains(message), "{yaml:?}: {e}");
            assert!(e.contains(position), "{yaml:?}: {e}");
        }
    }

    #[test]
    fn control_characters_never_reach_a_feed_title() {
        let c = parse("zh:\n  title: \"新\\u0001闻\"\n").unwrap();
        assert_eq!(c.site.zh.title, "新闻");
    }
}

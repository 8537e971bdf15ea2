//! `bifeed serve`: the watcher, plus an HTTP server that publishes the output folder so feed
//! readers can subscribe to `http://HOST/zh/rss.xml` and poll it cheaply.
//!
//! Files are served by tower-http's `ServeDir`: strong ETags and `Last-Modified` from the
//! file's size and mtime (which change exactly when bifeed rewrites a file, that is when its
//! bytes change), `If-None-Match`/`If-Modified-Since` answered with 304, `HEAD`, and the
//! gzip copy written next to every feed sent to clients that accept it. This module adds what
//! is particular to feeds and to a server on the open network: only the files the last build
//! wrote are served, from wherever the config now puts them (nothing else in the folder, and
//! no link out of it); their media types, `Cache-Control` and `Vary`; `If-Range`, odd
//! `Range`s and `Host`s answered as RFC 9110 and 9112 say; and a cap on connections that a
//! flood of idle ones cannot use to shut readers out.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower_http::services::ServeDir;
use tower_http::services::fs::{Backend, File as ServedFile};
use url::Url;

use crate::config::{ConfigError, Sources};
use crate::watch::{Published as PublishedFiles, WatchError, Watcher};

/// How long a client may take to send a request's headers (slow-loris defence), and how long
/// a connection may live at most.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);
/// How long requests in flight may take to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Watch(#[from] WatchError),
    #[error(
        "cannot listen on {addr}: the address is already in use (another `bifeed serve`?); \
         choose another with --addr or serve.addr"
    )]
    AddrInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {error}")]
    Bind { addr: SocketAddr, error: io::Error },
    #[error("HTTP server: {0}")]
    Io(#[from] io::Error),
    #[error(transparent)]
    Hub(#[from] crate::hub::StoreError),
}

/// File descriptors kept free of connections: the watcher reads articles (one per core),
/// stages files (see `build`), and watches folders.
const RESERVED_FILES: u64 = 128;
/// At most one line in this long about failing to accept connections.
const ACCEPT_ERROR_LOG_EVERY: Duration = Duration::from_secs(10);

/// Runs the watcher and the HTTP server until SIGINT or SIGTERM. `on_ready` is given the
/// bound address once the first build is published and connections are taken.
pub fn run(
    mut sources: Sources,
    addr: Option<SocketAddr>,
    poll: Option<Duration>,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let config = sources.load()?;
    let addr = addr.unwrap_or(config.serve.addr);
    let listener = std::net::TcpListener::bind(addr).map_err(|error| match error.kind() {
        io::ErrorKind::AddrInUse => ServeError::AddrInUse { addr },
        _ => ServeError::Bind { addr, error },
    })?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    sources.fallback_base_url = Some(served_url(local));

    let mut watcher = Watcher::new(sources, poll)?;
    if local.ip().is_unspecified() && !watcher.config().base_url_configured {
        tracing::warn!(
            "listening on all interfaces without a base_url: the feeds' self links name {}; \
             set base_url to the address readers use",
            served_url(local)
        );
    }
    // The built-in hub: subscribers hear of every feed the watcher rewrites, from the first
    // build on.
    let hub = if watcher.config().websub.builtin {
        let hub = crate::hub::Hub::start(watcher.config(), watcher.published())?;
        let told = hub.clone();
        watcher.on_feeds_written(move |feeds| told.feeds_changed(feeds));
        Some(hub)
    } else {
        None
    };
    watcher.build_first();
    let open_files = crate::limits::open_files();
    let cap = watcher.config().serve.max_connections.min(
        open_files
            .saturating_sub(RESERVED_FILES)
            .max(open_files / 2)
            .max(1) as usize,
    );
    tracing::info!("up to {cap} connections at once (open file limit {open_files})");
    let files = Files {
        published: watcher.published(),
        cache_control: cache_control(watcher.config().serve.cache_max_age),
        hub,
        health_path: watcher.config().serve.health_path.clone(),
        metrics_path: watcher.config().serve.metrics_path.clone(),
    };
    let stopper = watcher.stopper();
    // SIGINT and SIGTERM stop the watcher and the server, through the one signal handler.
    let (stop_serving, stop) = tokio::sync::oneshot::channel::<()>();
    crate::watch::handle_signals(watcher.stopper(), move || {
        let _ = stop_serving.send(());
    })?;
    // Marked here as well as in `run`: the server may answer `/healthz` before the
    // watcher's thread is first scheduled, and the watcher is running from here on.
    crate::metrics::get().watching(true);
    let watching = std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || watcher.run())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // Bound and built: connections wait in the listen queue until the server takes them.
    on_ready(local);
    let served = runtime.block_on(serve(listener, router(files), local, cap, async {
        let _ = stop.await;
    }));
    stopper.stop();
    match watching.join() {
        Ok(result) => result?,
        Err(_) => tracing::error!("the watcher stopped unexpectedly"),
    }
    served?;
    Ok(())
}

fn cache_control(max_age: Duration) -> HeaderValue {
    HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
        .unwrap_or(HeaderValue::from_static("public, max-age=300"))
}

/// `http://127.0.0.1:8080/`: what the feeds' links name when no base_url is configured.
fn served_url(addr: SocketAddr) -> Url {
    let host = match addr {
        a if a.ip().is_unspecified() => format!("localhost:{}", a.port()),
        a => a.to_string(),
    };
    Url::parse(&format!("http://{host}/")).unwrap_or_else(|_| {
        // A socket address always makes a valid URL authority.
        unreachable!("http://{host}/ is a URL")
    })
}

/// The open connections, so that a flood of idle ones cannot shut out readers.
///
/// Beyond `cap` connections, the one idle longest (between requests, or never having sent
/// one) is closed to take the next; only when every connection is busy does accepting wait.
/// Idle connections are the cheap part of a flood, and the cap keeps file descriptors for the
/// watcher, which must still read the articles that arrive meanwhile.
struct Connections {
    cap: usize,
    state: std::sync::Mutex<ConnectionsState>,
    freed: tokio::sync::Notify,
}

#[derive(Default)]
struct ConnectionsState {
    next: u64,
    open: std::collections::HashMap<u64, Connection>,
}

struct Connection {
    requests_in_flight: usize,
    idle_since: Instant,
    close: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, ConnectionsState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn add(&self, close: tokio::sync::oneshot::Sender<()>) -> u64 {
        let mut state = self.lock();
        let id = state.next;
        state.next += 1;
        state.open.insert(
            id,
            Connection {
                requests_in_flight: 0,
                idle_since: Instant::now(),
                close: Some(close),
            },
        );
        id
    }

    fn remove(&self, id: u64) {
        self.lock().open.remove(&id);
        self.freed.notify_one();
    }

    fn request(&self, id: u64, started: bool) {
        if let Some(c) = self.lock().open.get_mut(&id) {
            if started {
                c.requests_in_flight += 1;
            } else {
                c.requests_in_flight = c.requests_in_flight.saturating_sub(1);
                c.idle_since = Instant::now();
            }
        }
    }

    /// Makes room for one more connection; false when every open one is busy.
    fn make_room(&self) -> bool {
        let mut state = self.lock();
        if state.open.len() < self.cap {
            return true;
        }
        let idlest = state
            .open
            .iter_mut()
            .filter(|(_, c)| c.requests_in_flight == 0 && c.close.is_some())
            .min_by_key(|(_, c)| c.idle_since)
            .map(|(_, c)| c);
        match idlest.and_then(|c| c.close.take()) {
            Some(close) => {
                let _ = close.send(());
                true
            }
            None => false,
        }
    }
}

/// Counts failures to accept, logging at most one line per `ACCEPT_ERROR_LOG_EVERY`.
#[derive(Default)]
struct AcceptErrors {
    logged: Option<Instant>,
    unlogged: usize,
}

impl AcceptErrors {
    fn note(&mut self, e: &io::Error) {
        let now = Instant::now();
        if self
            .logged
            .is_some_and(|at| now.duration_since(at) < ACCEPT_ERROR_LOG_EVERY)
        {
            self.unlogged += 1;
            return;
        }
        match std::mem::take(&mut self.unlogged) {
            0 => tracing::warn!("accepting a connection: {e}"),
            n => {
                tracing::warn!("accepting a connection: {e} ({n} more such since the last report)")
            }
        }
        self.logged = Some(now);
    }
}

/// Serves `app` on `listener` until `stop` completes, then lets the requests in progress
/// finish.
async fn serve(
    listener: std::net::TcpListener,
    app: Router,
    local: SocketAddr,
    cap: usize,
    stop: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    tracing::info!("serving at http://{local}/");
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Connections {
        cap,
        state: Default::default(),
        freed: tokio::sync::Notify::new(),
    });
    let mut accept_errors = AcceptErrors::default();
    tokio::pin!(stop);
    'accepting: loop {
        while !connections.make_room() {
            tokio::select! {
                () = connections.freed.notified() => {}
                () = &mut stop => break 'accepting,
            }
        }
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, say: wait a little rather than spin.
                        accept_errors.note(&e);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (close, closed) = tokio::sync::oneshot::channel();
                let id = connections.add(close);
                let service = {
                    let connections = Arc::clone(&connections);
                    let app = app.clone();
                    tower::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let connections = Arc::clone(&connections);
                        connections.request(id, true);
                        let response = tower::ServiceExt::oneshot(app.clone(), request);
                        async move {
                            let response = response.await;
                            connections.request(id, false);
                            response
                        }
                    })
                };
                let connection = graceful.watch(
                    http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)),
                );
                let connections = Arc::clone(&connections);
                tokio::spawn(async move {
                    tokio::select! {
                        outcome = tokio::time::timeout(CONNECTION_LIFETIME, connection) => match outcome {
                            Ok(Err(e)) => tracing::debug!("connection from {peer}: {e}"),
                            Err(_) => tracing::debug!("connection from {peer} closed after {CONNECTION_LIFETIME:?}"),
                            Ok(Ok(())) => {}
                        },
                        _ = closed => tracing::debug!("connection from {peer} closed, idle, to make room"),
                    }
                    connections.remove(id);
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("closing connections still busy"),
    }
    Ok(())
}

/// What is served: the files the watcher last published, wherever the config put them.
struct Files {
    published: PublishedFiles,
    cache_control: HeaderValue,
    /// The built-in WebSub hub, answering at `crate::hub::PATH`.
    hub: Option<crate::hub::Hub>,
    /// Where `serve` tells whether it is healthy, and its metrics (set at start).
    health_path: Option<String>,
    metrics_path: Option<String>,
}

impl Files {
    /// The published file a request path names (`/` is `index.html`), or `None`: every
    /// segment percent-decoded on its own (so `%2f` cannot join two), and nothing that the
    /// last build did not write (hidden and temporary files, stray files someone put in the
    /// output folder, or a folder put in its place).
    fn lookup(&self, path: &str) -> Option<(PathBuf, String)> {
        let mut segments = Vec::new();
        for segment in path.strip_prefix('/')?.split('/') {
            let decoded = percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .ok()?;
            if decoded.contains(['/', '\\', '\0']) || decoded == ".." || decoded == "." {
                return None;
            }
            segments.push(decoded);
        }
        let mut rel = segments.join("/");
        // A folder's page: `/` is the entry page, `/zh/` the Chinese news page.
        if rel.is_empty() || rel.ends_with('/') {
            rel.push_str(crate::selection::FEED_PAGE);
        }
        let published = crate::watch::published(&self.published);
        published
            .files
            .contains(&rel)
            .then(|| (published.folder.clone(), rel))
    }

    /// How long a client may keep `rel` unasked: `serve.cache_max_age_secs`, but a day for
    /// an archive document (RFC 5005) older than its language's newest. Those change only
    /// when an article of their month is edited; the newest takes every article that leaves
    /// the feed, so it is kept no longer than the feed.
    fn cache_control_of(&self, rel: &str) -> HeaderValue {
        let published = crate::watch::published(&self.published);
        if crate::publish::is_settled_archive(rel, &published.files) {
            HeaderValue::from_static(crate::publish::ARCHIVE_CACHE_CONTROL)
        } else {
            self.cache_control.clone()
        }
    }

    /// The `Link` header of a published feed when the config names WebSub hubs: the hubs and
    /// the feed's own URL (WebSub, section 4), as its `atom:link`s say, for subscribers that
    /// read headers rather than the document.
    fn links(&self, rel: &str) -> Option<HeaderValue> {
        crate::selection::feed_format(rel)?;
        let links = crate::watch::published(&self.published).feed_links(rel)?;
        // Serialised URLs are ASCII: always a valid header value.
        HeaderValue::from_str(&links).ok()
    }
}

fn router(files: Files) -> Router {
    Router::new()
        .fallback(serve_file)
        .with_state(Arc::new(files))
}

/// Serves one request: refuses what is not published, labels what is, and logs every
/// request at debug level.
async fn serve_file(State(files): State<Arc<Files>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = answer(&files, request).await;
    crate::metrics::get().answered(response.status().as_u16());
    tracing::debug!(
        "{method} {path} {} in {} µs",
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    response
}

async fn answer(files: &Files, mut request: Request) -> Response {
    if let Some(hub) = &files.hub
        && request.uri().path() == crate::hub::PATH
    {
        return hub_answer(hub, request).await;
    }
    let path = Some(request.uri().path());
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    if read && path == files.health_path.as_deref() {
        // Never cached: a monitor asks how things are now.
        let no_store = (header::CACHE_CONTROL, "no-store");
        let text = (header::CONTENT_TYPE, "text/plain; charset=utf-8");
        return match crate::metrics::get().health() {
            Ok(()) => (StatusCode::OK, [no_store, text], "ok\n".to_string()).into_response(),
            Err(why) => (
                StatusCode::SERVICE_UNAVAILABLE,
                [no_store, text],
                format!("{why}\n"),
            )
                .into_response(),
        };
    }
    if read && path == files.metrics_path.as_deref() {
        return (
            StatusCode::OK,
            [
                (header::CACHE_CONTROL, "no-store"),
                (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            ],
            crate::metrics::get().encode(),
        )
            .into_response();
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    // RFC 9112: an HTTP/1.1 request carries exactly one Host.
    let hosts = request.headers().get_all(header::HOST).iter().count();
    if request.version() == axum::http::Version::HTTP_11 && hosts != 1 {
        return (StatusCode::BAD_REQUEST, "one Host header, please\n").into_response();
    }
    let Some((folder, rel)) = files.lookup(request.uri().path()) else {
        return not_found();
    };
    *request.uri_mut() = match format!("/{rel}").parse() {
        Ok(uri) => uri,
        Err(_) => return not_found(),
    };
    ranges_as_served(request.headers_mut());
    let if_range = request.headers_mut().remove(header::IF_RANGE);
    let retry = if_range.is_some().then(|| {
        let mut again = Request::new(axum::body::Body::empty());
        *again.method_mut() = request.method().clone();
        *again.uri_mut() = request.uri().clone();
        *again.headers_mut() = request.headers().clone();
        again.headers_mut().remove(header::RANGE);
        again
    });
    let mut response = serve_dir(&folder, request).await;
    // RFC 9110 13.1.5: a range of another version is no part of this one: the whole.
    if let (Some(if_range), Some(retry)) = (if_range, retry)
        && response.status() == StatusCode::PARTIAL_CONTENT
        && !validates(&if_range, response.headers())
    {
        response = serve_dir(&folder, retry).await;
    }
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        if let Some(media_type) = crate::selection::content_type(&rel) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        headers.insert(header::CACHE_CONTROL, files.cache_control_of(&rel));
        if let Some(links) = files.links(&rel) {
            headers.insert(header::LINK, links);
        }
        // The gzip copy makes the answer depend on Accept-Encoding, a 304 included.
        if crate::selection::has_gzip_copy(&rel) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        response
    } else if status == StatusCode::RANGE_NOT_SATISFIABLE {
        response
    } else {
        not_found()
    }
}

/// Longest subscription request the hub reads: a few URLs and a secret.
const HUB_REQUEST_BYTES: usize = 16 * 1024;

/// A request to the built-in hub: a form POSTed, read up to [`HUB_REQUEST_BYTES`].
async fn hub_answer(hub: &crate::hub::Hub, request: Request) -> Response {
    if request.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")]).into_response();
    }
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a WebSub hub takes application/x-www-form-urlencoded\n",
        )
            .into_response();
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), HUB_REQUEST_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request too large\n").into_response();
    };
    let hub = hub.clone();
    // Reading the subscriptions is a few microseconds of SQLite: off the async workers all
    // the same.
    let answer = tokio::task::spawn_blocking(move || hub.request(&body)).await;
    match answer {
        Ok(answer) => (
            StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_REQUEST),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", answer.message),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serves `request` from `root` (canonical) with tower-http's `ServeDir`: strong ETags,
/// `Last-Modified`, 304s, ranges, `HEAD`, and the gzip copy for clients that take it.
async fn serve_dir(root: &Path, request: Request) -> Response {
    let backend = Published {
        root: Arc::new(root.to_path_buf()),
    };
    let dir = ServeDir::with_backend(root, backend)
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .redirect_to_trailing_slash(false);
    match tower::ServiceExt::oneshot(dir, request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// Keeps a `Range` header only when it asks for one well-formed byte range: a list of ranges
/// or a malformed one is answered with the whole file (RFC 9110 allows ignoring `Range`),
/// not the 416 that would tell a client its request cannot be met.
fn ranges_as_served(headers: &mut axum::http::HeaderMap) {
    let keep = headers.get(header::RANGE).is_none_or(|range| {
        range
            .to_str()
            .ok()
            .and_then(|r| r.strip_prefix("bytes="))
            .is_some_and(|spec| {
                let spec = spec.trim();
                let Some((first, last)) = spec.split_once('-') else {
                    return false;
                };
                let number = |s: &str| {
                    !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
                };
                !spec.contains(',')
                    && (number(first) || number(last))
                    && (first.is_empty() || number(first))
                    && (last.is_empty() || number(last))
            })
    });
    if !keep {
        headers.remove(header::RANGE);
    }
}

/// Whether an `If-Range` value names the version in `headers`: the same strong ETag, or the
/// same `Last-Modified` date.
fn validates(if_range: &HeaderValue, headers: &axum::http::HeaderMap) -> bool {
    let Ok(value) = if_range.to_str() else {
        return false;
    };
    if value.starts_with("W/") {
        return false;
    }
    let current = if value.starts_with('"') {
        headers.get(header::ETAG)
    } else {
        headers.get(header::LAST_MODIFIED)
    };
    current.is_some_and(|c| c.as_bytes() == value.as_bytes())
}

/// `ServeDir`'s file access for a folder of a few small files on a local disk.
///
/// Opening and `stat` run inline: for a file in the page cache they take microseconds, less
/// than handing them to tokio's blocking pool and back, which is most of the cost of a 304
/// (reading a body still goes through tokio). Every open also checks that no symbolic link
/// leads out of the output folder, whether the identity file or its `.gz` copy is opened.
#[derive(Clone)]
struct Published {
    root: Arc<PathBuf>,
}

impl Published {
    fn check(&self, path: &Path) -> io::Result<()> {
        let inside = |p: &Path| std::fs::canonicalize(p).is_ok_and(|t| t.starts_with(&*self.root));
        let rel = path
            .strip_prefix(&*self.root)
            .map_err(|_| not_published())?;
        let mut on_disk = (*self.root).clone();
        for component in rel.components() {
            on_disk.push(component);
            if std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.file_type().is_symlink()) {
                return if inside(path) {
                    Ok(())
                } else {
                    Err(not_published())
                };
            }
        }
        Ok(())
    }
}

fn not_published() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "not in the output folder")
}

impl Backend for Published {
    type File = PublishedFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = std::future::Ready<io::Result<PublishedFile>>;
    type MetadataFuture = std::future::Ready<io::Result<std::fs::Metadata>>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        std::future::ready(self.check(&path).and_then(|()| {
            let file = std::fs::File::open(&path)?;
            let metadata = file.metadata()?;
            Ok(PublishedFile {
                file: tokio::fs::File::from_std(file),
                metadata,
            })
        }))
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        std::future::ready(self.check(&path).and_then(|()| std::fs::metadata(&path)))
    }
}

/// An open published file and its metadata, taken once when it was opened.
struct PublishedFile {
    file: tokio::fs::File,
    metadata: std::fs::Metadata,
}

impl tokio::io::AsyncRead for PublishedFile {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.file).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncSeek for PublishedFile {
    fn start_seek(mut self: std::pin::Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        std::pin::Pin::new(&mut self.file).start_seek(position)
    }

    fn poll_complete(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<u64>> {
        std::pin::Pin::new(&mut self.file).poll_complete(cx)
    }
}

impl ServedFile for PublishedFile {
    type Metadata = std::fs::Metadata;
    type MetadataFuture<'a> = std::future::Ready<io::Result<std::fs::Metadata>>;

    fn metadata(&self) -> Self::MetadataFuture<'_> {
        std::future::ready(Ok(self.metadata.clone()))
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(folder: &Path, names: &[&str]) -> Files {
        Files {
            published: Arc::new(std::sync::RwLock::new(crate::publish::Outputs {
                folder: folder.to_path_buf(),
                files: names.iter().map(|n| n.to_string()).collect(),
                hubs: Vec::new(),
                base_url: url::Url::parse("http://localhost/").unwrap(),
            })),
            hub: None,
            health_path: None,
            metrics_path: None,
            cache_control: cache_control(Duration::from_secs(1)),
        }
    }

    #[test]
    fn only_published_files_are_served() {
        let files = files(
            Path::new("/out"),
            &["index.html", "zh/rss.xml", "zh/rss.xml.gz", "a..b"],
        );
        for (path, rel) in [
            ("/", "index.html"),
            ("/zh/rss.xml", "zh/rss.xml"),
            ("/zh/rss%2exml", "zh/rss.xml"),
            ("/zh/rss.xml.gz", "zh/rss.xml.gz"),
            ("/a..b", "a..b"),
        ] {
            assert_eq!(
                files.lookup(path).map(|(_, r)| r).as_deref(),
                Some(rel),
                "{path}"
            );
        }
        for refused in [
            "/../etc/passwd",
            "/zh/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/zh/%2E%2E/%2e%2e/secret",
            "/.hidden",
            "/zh/.bifeed-x.tmp",
            "/zh/rss.xml~",
            "/zh%2frss.xml",
            "/zh%5c..%5c..%5cetc",
            "/%ff",
            "/missing.xml",
            "/bifeed.yaml",
            "/zh/",
            "zh/rss.xml",
        ] {
            assert!(files.lookup(refused).is_none(), "{refused}");
        }
        let long = format!("/{}", "a".repeat(300));
        assert!(files.lookup(&long).is_none());
    }

    #[test]
    fn ranges_other_than_one_well_formed_byte_range_are_dropped() {
        for (range, kept) in [
            ("bytes=0-99", true),
            ("bytes=100-", true),
            ("bytes=-100", true),
            ("bytes=0-1,5-6", false),
            ("bytes=abc", false),
            ("bytes=-", false),
            ("lines=1-2", false),
            ("bytes=99999999999999999999-", false),
        ] {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(header::RANGE, HeaderValue::from_static(range));
            ranges_as_served(&mut headers);
            assert_eq!(headers.contains_key(header::RANGE), kept, "{range}");
        }
    }

    #[test]
    fn if_range_needs_the_same_strong_validator() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_static("Sat, 05 Dec 2026 10:00:00 GMT"),
        );
        for (value, ok) in [
            ("\"abc\"", true),
            ("\"old\"", false),
            ("W/\"abc\"", false),
            ("Sat, 05 Dec 2026 10:00:00 GMT", true),
            ("Fri, 04 Dec 2026 10:00:00 GMT", false),
        ] {
            assert_eq!(
                validates(&HeaderValue::from_static(value), &headers),
                ok,
                "{value}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_leaving_the_folder_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("leak.xml"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        std::fs::write(dir.path().join("real.xml"), "r").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.xml"), dir.path().join("alias.xml"))
            .unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let published = Published {
            root: Arc::new(root.clone()),
        };
        assert!(published.check(&root.join("leak.xml")).is_err());
        assert!(published.check(&root.join("out/secret.txt")).is_err());
        assert!(published.check(&root.join("alias.xml")).is_ok());
        assert!(published.check(&root.join("real.xml")).is_ok());
        assert!(published.check(Path::new("/etc/passwd")).is_err());
    }
}

//! `bifeed serve`: the watcher, plus an HTTP server that publishes the output folder so feed
//! readers can subscribe to `http://HOST/zh/rss.xml` and poll it cheaply.
//!
//! Files are served by tower-http's `ServeDir`: strong ETags and `Last-Modified` from the
//! file's size and mtime (which change exactly when bifeed rewrites a file, that is when its
//! bytes change), `If-None-Match`/`If-Modified-Since` answered with 304, `HEAD`, and the
//! gzip copy written next to every feed sent to clients that accept it. This module adds what
//! is particular to feeds: their media types, `Cache-Control`, and refusing everything that is
//! not a published file (hidden and temporary files, symbolic links leaving the folder).

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower_http::services::ServeDir;
use tower_http::services::fs::{Backend, File as ServedFile};
use url::Url;

use crate::config::{ConfigError, Sources};
use crate::watch::{WatchError, Watcher};

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
}

/// Runs the watcher and the HTTP server until SIGINT or SIGTERM.
pub fn run(
    mut sources: Sources,
    addr: Option<SocketAddr>,
    poll: Option<Duration>,
) -> Result<(), ServeError> {
    let addr = match addr {
        Some(addr) => addr,
        None => sources.load()?.serve.addr,
    };
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
    watcher.build_first();
    let files = Files::new(
        &watcher.config().output,
        watcher.config().serve.cache_max_age,
    );
    let stopper = watcher.stopper();
    let watching = std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || watcher.run())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let served = runtime.block_on(serve(listener, router(files), local));
    stopper.stop();
    match watching.join() {
        Ok(result) => result?,
        Err(_) => tracing::error!("the watcher stopped unexpectedly"),
    }
    served?;
    Ok(())
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

async fn serve(listener: std::net::TcpListener, app: Router, local: SocketAddr) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    tracing::info!("serving at http://{local}/");
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, say: wait a little rather than spin.
                        tracing::warn!("accepting a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(app.clone());
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    match tokio::time::timeout(CONNECTION_LIFETIME, connection).await {
                        Ok(Err(e)) => tracing::debug!("connection from {peer}: {e}"),
                        Err(_) => tracing::debug!("connection from {peer} closed after {CONNECTION_LIFETIME:?}"),
                        Ok(Ok(())) => {}
                    }
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

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("stopping: finishing requests in flight and the feed being written");
}

/// The output folder as served.
struct Files {
    root: PathBuf,
    cache_control: HeaderValue,
}

impl Files {
    fn new(root: &Path, max_age: Duration) -> Files {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let cache_control =
            HeaderValue::from_str(&format!("public, max-age={}", max_age.as_secs()))
                .unwrap_or(HeaderValue::from_static("public, max-age=300"));
        Files {
            root,
            cache_control,
        }
    }

    /// Whether `path` (the request's, still percent-encoded) may name something we publish:
    /// no `..`, no hidden or temporary file or folder. (Links leaving the folder are refused
    /// when the file is opened, see [`Published`].)
    fn allows(&self, path: &str) -> bool {
        let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
            return false;
        };
        !decoded.split('/').any(|segment| {
            segment == ".."
                || segment.starts_with('.')
                || segment.ends_with('~')
                || segment.ends_with(".tmp")
                || segment.contains(['\\', '\0'])
        })
    }

    fn media_type(path: &str) -> Option<&'static str> {
        Some(match path {
            p if p.ends_with("/rss.xml") => "application/rss+xml; charset=utf-8",
            p if p.ends_with("/atom.xml") => "application/atom+xml; charset=utf-8",
            p if p.ends_with(".opml") => "text/x-opml; charset=utf-8",
            p if p.ends_with(".xml") => "application/xml; charset=utf-8",
            p if p.ends_with('/') || p.ends_with(".html") => "text/html; charset=utf-8",
            _ => return None,
        })
    }
}

fn router(files: Files) -> Router {
    let backend = Published {
        root: Arc::new(files.root.clone()),
    };
    let dir = ServeDir::with_backend(&files.root, backend)
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        // Folders other than the root have no page: no redirect to a 404.
        .redirect_to_trailing_slash(false);
    Router::new()
        .fallback_service(dir)
        .layer(axum::middleware::from_fn_with_state(Arc::new(files), guard))
}

/// Refuses what is not published, labels what is, and logs every request at debug level.
async fn guard(State(files): State<Arc<Files>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = if !matches!(method, Method::GET | Method::HEAD) {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response()
    } else if !files.allows(&path) {
        not_found()
    } else {
        let mut response = next.run(request).await;
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            let headers = response.headers_mut();
            if let Some(media_type) = Files::media_type(&path) {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            }
            headers.insert(header::CACHE_CONTROL, files.cache_control.clone());
        } else if status == StatusCode::NOT_FOUND {
            response = not_found();
        }
        response
    };
    tracing::debug!(
        "{method} {path} {} in {} µs",
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    response
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

    #[test]
    fn only_published_paths_are_allowed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("zh")).unwrap();
        std::fs::write(dir.path().join("zh/rss.xml"), "x").unwrap();
        let files = Files::new(dir.path(), Duration::from_secs(1));
        for ok in [
            "/",
            "/zh/rss.xml",
            "/index.html",
            "/missing.xml",
            "/zh/rss.xml.gz",
            "/a..b",
        ] {
            assert!(files.allows(ok), "{ok}");
        }
        for refused in [
            "/../etc/passwd",
            "/zh/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/zh/%2E%2E/%2e%2e/secret",
            "/.hidden",
            "/zh/.bifeed-x.tmp",
            "/zh/rss.xml~",
            "/x.tmp",
            "/zh%5c..%5c..%5cetc",
            "/%ff",
        ] {
            assert!(!files.allows(refused), "{refused}");
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

    #[test]
    fn feeds_get_their_media_types() {
        assert_eq!(
            Files::media_type("/zh/rss.xml"),
            Some("application/rss+xml; charset=utf-8")
        );
        assert_eq!(
            Files::media_type("/en/atom.xml"),
            Some("application/atom+xml; charset=utf-8")
        );
        assert_eq!(
            Files::media_type("/feeds.opml"),
            Some("text/x-opml; charset=utf-8")
        );
        assert_eq!(Files::media_type("/"), Some("text/html; charset=utf-8"));
    }
}

//! A real S3-compatible server for the object-storage tests: moto's server (PyPI; `.ci/run`
//! installs it into the readers' venv), one per test on a port of its own, behind a proxy
//! the test controls. The proxy records every request bifeed makes (so a test counts what
//! was written) and can play a store that is down. What the bucket holds is read back with
//! boto3 (moto's dependency), not with the crate bifeed writes with.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BUCKET: &str = "feeds-bucket";
/// Where in the bucket the tests publish.
pub const PREFIX: &str = "site";

/// One request bifeed made of the store: its method and the object key (percent-decoded,
/// without the bucket), and for a bulk delete (`POST ?delete`), the keys it removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub key: String,
    pub deletes: Vec<String>,
}

impl Request {
    /// The objects this request removes, one at a time or in bulk.
    pub fn removes(&self) -> Vec<String> {
        match self.method.as_str() {
            "DELETE" => vec![self.key.clone()],
            "POST" => self.deletes.clone(),
            _ => Vec::new(),
        }
    }
}

/// The keys of a bulk delete's body (`<Delete><Object><Key>…`).
fn bulk_delete_keys(body: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Vec::new();
    };
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Key")
        .filter_map(|n| n.text())
        .map(String::from)
        .collect()
}

/// An object read back from the bucket: its bytes and the headers the store serves it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_encoding: Option<String>,
}

pub struct S3 {
    server: Child,
    python: PathBuf,
    /// moto itself, for reading back.
    direct: String,
    /// The proxy bifeed talks to.
    proxy: String,
    requests: Arc<Mutex<Vec<Request>>>,
    down: Arc<AtomicBool>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl S3 {
    /// Starts moto with an empty bucket, and the proxy; `None` when moto is not installed
    /// (a failure in CI, see `common::judge`).
    pub fn start() -> Option<S3> {
        let server = super::judge(
            "moto's S3 server",
            "BIFEED_MOTO_SERVER",
            "target/readers-venv/bin/moto_server",
        )?;
        let python = server.with_file_name("python");
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let direct = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&direct).is_err() {
            assert!(Instant::now() < deadline, "moto's server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let s3 = S3 {
            server: child,
            python,
            proxy: String::new(),
            direct,
            requests: Arc::default(),
            down: Arc::default(),
        };
        let created = s3.raw(&format!(
            "PUT /{BUCKET} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            s3.direct
        ));
        assert!(created.starts_with("HTTP/1.1 200"), "{created}");
        Some(s3.with_proxy())
    }

    fn raw(&self, request: &str) -> String {
        let mut stream = TcpStream::connect(&self.direct).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    fn with_proxy(mut self) -> S3 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        self.proxy = listener.local_addr().unwrap().to_string();
        let (requests, down, upstream) = (
            Arc::clone(&self.requests),
            Arc::clone(&self.down),
            self.direct.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                if down.load(Ordering::SeqCst) {
                    // A store that is down: the connection ends before any answer.
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let (requests, upstream) = (Arc::clone(&requests), upstream.clone());
                std::thread::spawn(move || relay(client, &upstream, &requests));
            }
        });
        self
    }

    /// The `publish:` block of a config publishing to this store.
    pub fn config(&self) -> String {
        format!(
            "publish:\n  url: s3://{BUCKET}/{PREFIX}\n  endpoint: http://{}\n  region: us-east-1\n  \
             access_key_id: test-key\n  secret_access_key: test-secret\n",
            self.proxy
        )
    }

    /// Takes the store down (new connections end at once) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// The requests bifeed made since the last call, in the order they arrived.
    pub fn take_requests(&self) -> Vec<Request> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }

    /// Every object under the prefix, by its path below it, read back with boto3.
    pub fn objects(&self) -> BTreeMap<String, Object> {
        let dest = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/read_bucket.py");
        let out = Command::new(&self.python)
            .arg(script)
            .args([
                &format!("http://{}", self.direct),
                BUCKET,
                PREFIX,
                dest.path().to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "reading the bucket back failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = |v: &serde_json::Value| v.as_str().map(String::from);
        listed
            .as_object()
            .unwrap()
            .iter()
            .map(|(rel, headers)| {
                let object = Object {
                    bytes: std::fs::read(dest.path().join(rel)).unwrap(),
                    content_type: text(&headers["content_type"]),
                    cache_control: text(&headers["cache_control"]),
                    content_encoding: text(&headers["content_encoding"]),
                };
                (rel.clone(), object)
            })
            .collect()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Passes one connection through, noting each request's method and key on the way.
fn relay(mut client: TcpStream, upstream: &str, requests: &Mutex<Vec<Request>>) {
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let (Ok(mut back_from), Ok(mut back_to)) = (server.try_clone(), client.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut back_from, &mut back_to);
        let _ = back_to.shutdown(Shutdown::Both);
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        // Forward every whole request in what arrived.
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut request = httparse::Request::new(&mut headers);
            let Ok(httparse::Status::Complete(head)) = request.parse(&pending) else {
                break;
            };
            let length: usize = super::headers(request.headers)
                .into_iter()
                .find(|(name, _)| name == "content-length")
                .and_then(|(_, value)| value.trim().parse().ok())
                .unwrap_or(0);
            if pending.len() < head + length {
                break;
            }
            let target = request.path.unwrap_or("");
            let path = target.split('?').next().unwrap_or("");
            let deletes = if target.contains("?delete") {
                bulk_delete_keys(&pending[head..head + length])
            } else {
                Vec::new()
            };
            let key = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .trim_start_matches('/')
                .trim_start_matches(BUCKET)
                .trim_start_matches('/')
                .to_string();
            requests.lock().unwrap().push(Request {
                method: request.method.unwrap_or("").to_string(),
                key,
                deletes,
            });
            if server.write_all(&pending[..head + length]).is_err() {
                return;
            }
            pending.drain(..head + length);
        }
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => {
                let _ = server.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
        }
    }
}

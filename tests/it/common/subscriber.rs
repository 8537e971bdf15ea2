//! A WebSub subscriber for the tests: an HTTP server on loopback whose URL is a callback.
//! It answers a hub's verification of intent by echoing the challenge (or refuses, when told
//! to), and records every verification and every delivery (headers, body, when). Its own
//! small HTTP/1.1 reader (httparse), as the test hub's.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Delivery {
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

#[derive(Default)]
struct Seen {
    verifications: Vec<BTreeMap<String, String>>,
    deliveries: Vec<Delivery>,
}

pub struct Subscriber {
    pub port: u16,
    seen: Arc<Mutex<Seen>>,
    echo: Arc<AtomicBool>,
}

impl Subscriber {
    pub fn start() -> Subscriber {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let echo = Arc::new(AtomicBool::new(true));
        let (s, e) = (Arc::clone(&seen), Arc::clone(&echo));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, e) = (Arc::clone(&s), Arc::clone(&e));
                std::thread::spawn(move || answer(stream, &s, &e));
            }
        });
        Subscriber { port, seen, echo }
    }

    /// The callback URL (with a query of its own, which a hub must keep).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/callback?who=test", self.port)
    }

    /// From now on, refuses verifications (answers 404 without the challenge).
    pub fn refuse(&self) {
        self.echo.store(false, Ordering::SeqCst);
    }

    pub fn verifications(&self) -> Vec<BTreeMap<String, String>> {
        self.seen.lock().unwrap().verifications.clone()
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().deliveries.clone()
    }

    /// Polls until `done` holds, failing after `deadline`.
    pub fn wait_for(&self, what: &str, deadline: Duration, done: impl Fn(&Subscriber) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < deadline,
                "timed out waiting for {what}; verifications {:?}, {} deliveries",
                self.verifications(),
                self.deliveries().len()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// One HTTP/1.1 request as read off a connection.
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

/// Reads the next request off a keep-alive connection; `None` once it closes (or sends
/// what is no request).
pub fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    if !matches!(request.parse(&head), Ok(httparse::Status::Complete(_))) {
        return None;
    }
    let headers: BTreeMap<String, String> = request
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method: request.method.unwrap_or_default().to_string(),
        path: request.path.unwrap_or("/").to_string(),
        headers,
        body,
    })
}

fn answer(stream: TcpStream, seen: &Mutex<Seen>, echo: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut stream = stream;
    while let Some(request) = read_request(&mut reader) {
        let reply = if request.method == "GET" {
            let query: BTreeMap<String, String> =
                url::Url::parse(&format!("http://x{}", request.path))
                    .map(|u| u.query_pairs().into_owned().collect())
                    .unwrap_or_default();
            let challenge = query.get("hub.challenge").cloned().unwrap_or_default();
            seen.lock().unwrap().verifications.push(query);
            if echo.load(Ordering::SeqCst) {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{challenge}",
                    challenge.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_string()
            }
        } else {
            seen.lock().unwrap().deliveries.push(Delivery {
                headers: request.headers,
                body: request.body,
                at: Instant::now(),
            });
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_string()
        };
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

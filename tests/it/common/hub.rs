//! A WebSub hub for the tests: an HTTP server on loopback that records every form POSTed to
//! it (the publisher's notices) and answers with the status the test sets. Its own small
//! HTTP/1.1 reader (httparse), so what bifeed sends is read by code bifeed does not use.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::subscriber::read_request;

/// One notice as the hub received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub content_type: String,
    /// The form's fields, decoded.
    pub form: Vec<(String, String)>,
}

impl Notice {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Hub {
    pub port: u16,
    notices: Arc<Mutex<Vec<Notice>>>,
    /// The status every request gets.
    status: Arc<AtomicU16>,
}

impl Hub {
    pub fn start() -> Hub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let notices = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(204));
        let (n, s) = (Arc::clone(&notices), Arc::clone(&status));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (n, s) = (Arc::clone(&n), Arc::clone(&s));
                std::thread::spawn(move || answer(stream, &n, &s));
            }
        });
        Hub {
            port,
            notices,
            status,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hub", self.port)
    }

    /// From now on, every request gets `status` (a failing hub: 503).
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn notices(&self) -> Vec<Notice> {
        self.notices.lock().unwrap().clone()
    }

    /// How many times each feed URL was published to the hub.
    pub fn told(&self) -> BTreeMap<String, usize> {
        let mut told = BTreeMap::new();
        for notice in self.notices() {
            assert_eq!(notice.field("hub.mode"), Some("publish"), "{notice:?}");
            assert_eq!(
                notice.content_type, "application/x-www-form-urlencoded",
                "{notice:?}"
            );
            let url = notice.field("hub.url").expect("hub.url").to_string();
            *told.entry(url).or_insert(0) += 1;
        }
        told
    }

    /// Polls until `done` holds for the notices, failing after `deadline`.
    pub fn wait_for(&self, what: &str, deadline: Duration, done: impl Fn(&Hub) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < deadline,
                "timed out waiting for {what}; the hub got {:?}",
                self.told()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn clear(&self) {
        self.notices.lock().unwrap().clear();
    }
}

/// Reads requests off one connection, recording successful notices, until it closes.
fn answer(stream: TcpStream, notices: &Mutex<Vec<Notice>>, status: &AtomicU16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut stream = stream;
    while let Some(request) = read_request(&mut reader) {
        let code = status.load(Ordering::SeqCst);
        if (200..300).contains(&code) && request.method == "POST" {
            let form = url::form_urlencoded::parse(&request.body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let content_type = request
                .headers
                .get("content-type")
                .cloned()
                .unwrap_or_default();
            notices.lock().unwrap().push(Notice { content_type, form });
        }
        let reason = if code < 300 { "OK" } else { "Unavailable" };
        let said = if code < 300 { "" } else { "hub is down" };
        let reply = format!(
            "HTTP/1.1 {code} {reason}\r\ncontent-length: {}\r\n\r\n{said}",
            said.len()
        );
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

//! A running `bifeed serve` for the tests: started on an ephemeral port of a temporary site,
//! asked with a real HTTP client, stopped with SIGTERM.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::Site;
use super::watching::DEADLINE;

pub struct Server {
    pub site: Site,
    child: Child,
    log: PathBuf,
    /// The address it serves, `http://127.0.0.1:PORT/`.
    pub base: String,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(site: Site) -> Server {
        Server::start_with(site, "")
    }

    /// Starts `bifeed serve` from a shell, `prefix` (`ulimit -n 256 &&`, say) before it.
    pub fn start_with(site: Site, prefix: &str) -> Server {
        let (child, log, base) = spawn(&site, prefix);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent();
        Server {
            site,
            child,
            log,
            base,
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.trim_end_matches('/'), path)
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.call().unwrap())
    }

    /// Polls `done` until it holds, failing with the log after the deadline.
    pub fn wait_for(&self, what: &str, done: impl Fn(&Server) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends the server `signal` (`HUP`, `USR1`, ...).
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops the server (SIGTERM) and starts another on the same site, on a new port.
    pub fn restart(&mut self) {
        let log = self.log.clone();
        let status = super::terminate(&mut self.child, || {
            fs::read_to_string(&log).unwrap_or_default()
        });
        assert_eq!(status.code(), Some(0), "{}", self.log());
        let (child, log, base) = spawn(&self.site, "");
        (self.child, self.log, self.base) = (child, log, base);
    }

    pub fn stop(mut self) {
        let log = self.log.clone();
        let status = super::terminate(&mut self.child, || {
            fs::read_to_string(&log).unwrap_or_default()
        });
        assert_eq!(status.code(), Some(0), "{}", self.log());
    }
}

/// `bifeed serve` on `site`, ready: the process, its log and the address it serves.
fn spawn(site: &Site, prefix: &str) -> (Child, PathBuf, String) {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{prefix} exec \"$0\" serve --addr 127.0.0.1:0"))
        .arg(env!("CARGO_BIN_EXE_bifeed"));
    let (child, log, ready) = super::start_ready(site, command, "serve.log");
    let base = match ready.as_deref().and_then(|l| l.strip_prefix("ready ")) {
        Some(url) => url.to_string(),
        None => panic!(
            "server did not say it was ready ({ready:?}):\n{}",
            fs::read_to_string(&log).unwrap_or_default()
        ),
    };
    (child, log, base)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn from(mut response: ureq::http::Response<ureq::Body>) -> Reply {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response.body_mut().read_to_vec().unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

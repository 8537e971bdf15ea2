//! A running `bifeed watch` for the tests: started on a temporary site, polled with a
//! deadline, compared with a fresh build, stopped with SIGTERM.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::{FEEDS, Site};

/// Generous: CI machines are slow and shared. Nothing waits this long when things work.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub struct Watching {
    pub site: Site,
    child: Child,
    log: PathBuf,
}

impl Watching {
    pub fn start(site: Site, args: &[&str]) -> Watching {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bifeed"));
        command.arg("watch").args(args);
        let (child, log, ready) = super::start_ready(&site, command, "watch.log");
        let watching = Watching { site, child, log };
        assert_eq!(
            ready.as_deref(),
            Some("ready"),
            "the watcher did not say it was ready:\n{}",
            watching.log()
        );
        watching
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends the watcher `signal` (`HUP`, `USR1`, ...).
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Polls `done` until it holds, failing with the log after the deadline.
    pub fn wait_for(&self, what: &str, done: impl Fn(&Watching) -> bool) {
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

    pub fn titles(&self, feed: &str) -> Vec<String> {
        let path = self.site.out().join(feed);
        match fs::read(&path) {
            Ok(bytes) => super::Feed::from_bytes(&bytes).titles(),
            Err(_) => Vec::new(),
        }
    }

    pub fn wait_for_titles(&self, feed: &str, want: &[&str]) {
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        self.wait_for(&format!("{feed} to hold {want:?}"), |w| {
            let mut got = w.titles(feed);
            got.sort();
            got == want
        });
    }

    /// The watched output (feeds, pages, index, OPML, gzip copies) becomes byte-identical to
    /// a fresh build of the same folder, file for file. The build writes over a copy of the
    /// watched output: what was published decides some of what is (a topic below the
    /// threshold keeps its feed).
    pub fn assert_matches_fresh_build(&self) {
        let fresh = self.site.dir.path().join("fresh");
        for (path, bytes) in super::tree(&self.site.out()) {
            let path = fresh.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        let out = self.site.run(&["build", "--out", fresh.to_str().unwrap()]);
        assert!(out.status.success(), "{}", super::stderr(&out));
        let want = super::tree(&fresh);
        assert!(FEEDS.iter().all(|f| want.contains_key(*f)), "{want:?}");
        self.wait_for("the output to equal a fresh build", |w| {
            super::tree(&w.site.out()) == want
        });
        fs::remove_dir_all(fresh).unwrap();
    }

    /// SIGTERM: the watcher finishes what it is writing and exits 0.
    pub fn stop(mut self) -> String {
        let log_path = self.log.clone();
        let status = super::terminate(&mut self.child, || {
            fs::read_to_string(&log_path).unwrap_or_default()
        });
        let log = self.log();
        assert_eq!(status.code(), Some(0), "log:\n{log}");
        assert!(log.contains("stopped"), "{log}");
        log
    }

    pub fn articles(&self) -> PathBuf {
        self.site.articles()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watching {
    /// Peak resident memory of the watcher so far, in KiB (Linux).
    pub fn peak_memory_kib(&self) -> u64 {
        fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

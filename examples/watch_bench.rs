//! Benchmark of `bifeed watch` (not a test): how soon an edit reaches the feeds.
//!
//! ```text
//! cargo build --release && cargo run --release --example watch_bench -- [ARTICLES] [EDITS] [BURST]
//! ```
//!
//! Starts `target/release/bifeed watch` with the default settings over ARTICLES (10,000)
//! generated articles, then
//! - makes EDITS (120) edits, one at a time, to articles that every feed shows, and times each
//!   from the end of the write until all four feeds hold the new title;
//! - writes BURST (1,000) new articles as fast as it can and times from the last write until
//!   the feeds are rebuilt with all of them: once articles of the past week (a day's import),
//!   once articles of every month since 2019 (which changes every monthly archive);
//! - reads the watcher's CPU time over 10 idle seconds (after the listing that follows
//!   activity) and its memory from /proc.
//!
//! The watcher names a WebSub hub, one this program runs on loopback, and each edit is also
//! timed until the hub is told that `zh/atom.xml` changed: what a subscriber's hub waits.
//!
//! Linux only (it reads /proc).

#[path = "common/generate.rs"]
mod generate;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const FEEDS: [&str; 4] = ["zh/rss.xml", "zh/atom.xml", "en/rss.xml", "en/atom.xml"];
const DEADLINE: Duration = Duration::from_secs(30);

/// How a burst dates its articles: a date (year, month, day) for each, or `None` for the
/// generator's own (a day of 2019–2025).
type Dating<'a> = dyn Fn(&mut fastrand::Rng) -> Option<(i32, u32, u32)> + 'a;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let articles = args.first().copied().unwrap_or(10_000);
    let edits = args.get(1).copied().unwrap_or(120);
    let burst = args.get(2).copied().unwrap_or(1_000);

    let bifeed = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("bifeed")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("target/release/bifeed"));
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let folder = root.join("articles");
    eprintln!("generating {articles} articles in {}", folder.display());
    generate::write_all(1, articles, &folder).expect("writing articles");
    // Articles newer than any generated one, in both languages, so every feed shows them.
    for slot in 0..4 {
        fs::write(folder.join(target_name(slot)), target_text(slot, "START")).expect("write");
    }

    let hub = Hub::start();
    fs::write(
        root.join("bifeed.yaml"),
        format!("websub:\n  hubs: [\"http://{}/\"]\n", hub.addr),
    )
    .expect("config");

    let log = root.join("watch.log");
    let watcher = Watcher::start(&bifeed, root, &log);
    let total = articles + 4;
    // The first build reads every article (no cache): minutes at a million.
    watcher.wait_for_log(
        "built in",
        DEADLINE + Duration::from_millis(articles as u64),
    );
    eprintln!("watching; first build: {}", watcher.last_line("built in"));
    // The first build's notices go out after it: counted as the first edit's, they would
    // shift every edit's notice onto the next edit.
    watcher.wait_for_log("told of", DEADLINE);

    // Edits, one at a time.
    let mut delays = Vec::with_capacity(edits);
    let mut told = Vec::with_capacity(edits);
    for i in 0..edits {
        let marker = format!("EDIT{i:05}");
        let slot = i % 4;
        let notices = hub.notices_of("zh%2Fatom.xml");
        fs::write(folder.join(target_name(slot)), target_text(slot, &marker)).expect("write");
        let written = Instant::now();
        wait_for_feeds(&root.join("feeds"), &marker);
        delays.push(written.elapsed());
        // Every edit changes zh/atom.xml (the edited articles are the newest of both
        // languages): its notice is the next one.
        let start = Instant::now();
        while hub.notices_of("zh%2Fatom.xml") == notices {
            assert!(
                start.elapsed() < DEADLINE,
                "the hub was not told of {marker}"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        told.push(hub.last_notice().saturating_duration_since(written));
    }
    delays.sort();
    told.sort();
    let pct =
        |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1];
    let told_pct =
        |p: f64| told[((told.len() as f64 * p).ceil() as usize).clamp(1, told.len()) - 1];
    // The rebuilds' own durations, from the watcher's log lines for the edited articles: the
    // delay above less the quiet period and the event delivery.
    let mut rebuilds: Vec<u64> = watcher
        .log()
        .lines()
        .filter(|l| l.contains("rebuilt in ") && l.contains("zz_target"))
        .filter_map(|l| {
            l.split("rebuilt in ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    rebuilds.sort_unstable();
    let rebuild_pct = |p: f64| {
        let at = ((rebuilds.len() as f64 * p).ceil() as usize).clamp(1, rebuilds.len().max(1));
        rebuilds.get(at - 1).copied().unwrap_or(0)
    };

    // Bursts of new files, written as fast as possible: first a day's import (articles of
    // the past week, which join the feeds and push others into the newest archives), then
    // articles of every month since 2019, which change every month's archive.
    let mut count = total;
    let mut burst_of = |seed: u64, dated: &Dating<'_>| {
        let before = watcher.log().matches("rebuilt in").count();
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut last = Instant::now();
        for n in 0..burst {
            let a = generate::article_dated(seed, n, dated(&mut rng));
            fs::write(folder.join(format!("burst{seed}_{}", a.name)), a.bytes).expect("write");
            last = Instant::now();
        }
        count += burst;
        // A burst that adds articles to every month rewrites every month's archive: at
        // 100,000 articles that takes longer than an edit's deadline.
        watcher.wait_for_log(
            &format!("{count} articles"),
            DEADLINE + Duration::from_millis(articles as u64),
        );
        let rebuilds = watcher.log().matches("rebuilt in").count() - before;
        (last.elapsed(), rebuilds)
    };
    let today = chrono::Utc::now().date_naive();
    let (recent_time, recent_rebuilds) = burst_of(3, &|rng| {
        use chrono::Datelike;
        let day = today - chrono::Days::new(rng.u64(1..=7));
        Some((day.year(), day.month(), day.day()))
    });
    let (burst_time, burst_rebuilds) = burst_of(2, &|_| None);

    // Idle, once the full listing that follows a burst of activity (after 5 s) is done.
    std::thread::sleep(Duration::from_secs(6));
    let (cpu_before, at) = (watcher.cpu_time(), Instant::now());
    std::thread::sleep(Duration::from_secs(10));
    let idle_cpu = (watcher.cpu_time() - cpu_before).as_secs_f64() / at.elapsed().as_secs_f64();
    let (rss, peak) = watcher.memory();
    if let Some(keep) = std::env::var_os("BIFEED_BENCH_KEEP_LOG") {
        let _ = fs::copy(&log, keep);
    }
    watcher.stop();

    println!("| figure | value | target |");
    println!("| --- | --- | --- |");
    println!("| articles watched | {total} | |");
    println!("| edits timed | {edits} | ≥ 100 |");
    println!(
        "| edit → all four feeds, p50 | {} ms | ≤ 150 ms |",
        pct(0.50).as_millis()
    );
    println!(
        "| edit → all four feeds, p99 | {} ms | ≤ 200 ms (100,000) |",
        pct(0.99).as_millis()
    );
    println!(
        "| edit → all four feeds, max | {} ms | |",
        delays[delays.len() - 1].as_millis()
    );
    println!(
        "| edit → WebSub hub told of zh/atom.xml, p50 / p99 | {} / {} ms | |",
        told_pct(0.50).as_millis(),
        told_pct(0.99).as_millis()
    );
    println!(
        "| one edit's rebuild itself (watcher log), p50 / p99 | {} / {} ms | |",
        rebuild_pct(0.50),
        rebuild_pct(0.99)
    );
    println!(
        "| {burst}-file burst dated the past week: last write → feeds hold all | {} ms \
         ({recent_rebuilds} rebuilds) | ≤ 2 s (100,000) |",
        recent_time.as_millis()
    );
    println!(
        "| {burst}-file burst dated 2019–2025: last write → feeds hold all | {} ms \
         ({burst_rebuilds} rebuilds) | ≤ 2 s (100,000) |",
        burst_time.as_millis()
    );
    println!(
        "| CPU while idle (10 s) | {:.2} % | ≈ 0 |",
        idle_cpu * 100.0
    );
    println!(
        "| memory (RSS now / peak) | {} / {} MB | now ≤ 150 MB (100,000) |",
        rss / 1024,
        peak / 1024
    );
}

fn target_name(slot: usize) -> String {
    format!("zz_target_{slot}_00000000000000f{slot}.txt")
}

fn target_text(slot: usize, marker: &str) -> String {
    // Dated today, so the edited articles are the newest: a later date would be implausible
    // (after the file was written) and fall back to the dateline.
    let today = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).format("%Y/%m-%d");
    format!(
        "宜春新闻{marker}\n中新网宜春测试段落,宜春市今天发布消息。\n第二段。\n英语如下:\n\
         ### Title: Yichun News {marker}\n### Keywords: Yichun, test\n\
         A test paragraph.\nSecond paragraph.\n\
         【来源】http://www.chinanews.com/gn/{today}/{slot}.shtml\nViews: 1",
    )
}

/// Waits until every feed holds `marker`, reading a feed only when its mtime changed.
fn wait_for_feeds(out: &Path, marker: &str) {
    let start = Instant::now();
    let mut seen: Vec<Option<SystemTime>> = vec![None; FEEDS.len()];
    let mut done = [false; 4];
    while !done.iter().all(|d| *d) {
        for (i, feed) in FEEDS.iter().enumerate() {
            if done[i] {
                continue;
            }
            let path = out.join(feed);
            let mtime = fs::metadata(&path).and_then(|m| m.modified()).ok();
            if mtime != seen[i] {
                seen[i] = mtime;
                done[i] = fs::read_to_string(&path).is_ok_and(|t| t.contains(marker));
            }
        }
        assert!(
            start.elapsed() < DEADLINE,
            "{marker} never reached the feeds"
        );
        std::thread::sleep(Duration::from_micros(500));
    }
}

struct Watcher {
    child: Child,
    log: PathBuf,
}

impl Watcher {
    fn start(bifeed: &Path, root: &Path, log: &Path) -> Watcher {
        let child = Command::new(bifeed)
            .arg("watch")
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env(
                "RUST_LOG",
                std::env::var("BIFEED_BENCH_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(Stdio::null())
            .stderr(fs::File::create(log).expect("log file"))
            .spawn()
            .expect("starting bifeed watch (run `cargo build --release` first)");
        Watcher {
            child,
            log: log.to_path_buf(),
        }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn last_line(&self, containing: &str) -> String {
        self.log()
            .lines()
            .rev()
            .find(|l| l.contains(containing))
            .unwrap_or("")
            .to_string()
    }

    fn wait_for_log(&self, text: &str, deadline: Duration) {
        let start = Instant::now();
        while !self.log().contains(text) {
            assert!(
                start.elapsed() < deadline,
                "timed out waiting for {text:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// User + system CPU time, from /proc/PID/stat.
    fn cpu_time(&self) -> Duration {
        let stat =
            fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0)
            + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
        // Linux reports these in USER_HZ, 100 per second on every mainstream configuration.
        Duration::from_millis(ticks * 10)
    }

    /// (current RSS, peak RSS) in KiB.
    fn memory(&self) -> (u64, u64) {
        let status =
            fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn stop(self) {
        drop(self);
    }
}

/// A benchmark that fails (a deadline passed) stops its watcher too, which would otherwise
/// go on watching a deleted folder, holding gigabytes at a million articles.
impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A WebSub hub on loopback that only records when each notice came and what it named.
struct Hub {
    addr: std::net::SocketAddr,
    notices: std::sync::Arc<std::sync::Mutex<Vec<(Instant, String)>>>,
}

impl Hub {
    fn start() -> Hub {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("hub port");
        let addr = listener.local_addr().expect("hub address");
        let notices = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = std::sync::Arc::clone(&notices);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let record = std::sync::Arc::clone(&record);
                std::thread::spawn(move || serve_notices(stream, &record));
            }
        });
        Hub { addr, notices }
    }

    /// How many notices named a feed whose form-encoded URL contains `feed`.
    fn notices_of(&self, feed: &str) -> usize {
        let notices = self.notices.lock().unwrap_or_else(|e| e.into_inner());
        notices
            .iter()
            .filter(|(_, body)| body.contains(feed))
            .count()
    }

    fn last_notice(&self) -> Instant {
        let notices = self.notices.lock().unwrap_or_else(|e| e.into_inner());
        notices.last().map_or_else(Instant::now, |(at, _)| *at)
    }
}

/// Reads notices off one keep-alive connection, answering each with 204.
fn serve_notices(stream: std::net::TcpStream, record: &std::sync::Mutex<Vec<(Instant, String)>>) {
    use std::io::{BufRead, Read, Write};
    let Ok(mut reply) = stream.try_clone() else {
        return;
    };
    let mut reader = std::io::BufReader::new(stream);
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((Instant::now(), String::from_utf8_lossy(&body).into_owned()));
        if reply.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").is_err() {
            return;
        }
    }
}

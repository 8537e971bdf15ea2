//! Benchmark of `serve`'s built-in WebSub hub (not a test).
//!
//! ```text
//! cargo build --release && cargo run --release --example hub_bench -- [ARTICLES] [LANDINGS] [SUBSCRIBERS]
//! ```
//!
//! Starts `target/release/bifeed serve` with `websub.builtin` over ARTICLES (1,000)
//! generated articles, then
//! - with one subscriber of `zh/atom.xml`, lands LANDINGS (100) new articles one at a time
//!   and times each from the end of its write until the subscriber holds a feed with it;
//! - subscribes SUBSCRIBERS (1,000) callbacks in all, lands one more article and times until
//!   every one of them holds it: deliveries per second.
//!
//! The subscribers are HTTP servers of this program on loopback (the config allows
//! 127.0.0.1/32 for them).

#[path = "common/generate.rs"]
mod generate;
#[path = "../tests/it/common/subscriber.rs"]
#[allow(dead_code)]
mod subscriber;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use subscriber::Subscriber;

const DEADLINE: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let articles = args.first().copied().unwrap_or(1_000);
    let landings = args.get(1).copied().unwrap_or(100);
    let subscribers = args.get(2).copied().unwrap_or(1_000);

    let bifeed = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("bifeed")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| "target/release/bifeed".into());
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    generate::write_all(1, articles, &root.join("articles")).expect("writing articles");
    fs::write(
        root.join("bifeed.yaml"),
        format!(
            "websub:\n  builtin: true\n  allow_callbacks: [\"127.0.0.1/32\"]\n  \
             database: hub.sqlite\n  max_per_feed: {subscribers}\n"
        ),
    )
    .expect("config");
    let (mut server, base) = start(&bifeed, root);
    let topic = format!("{base}zh/atom.xml");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();

    // One subscriber, LANDINGS articles.
    let first = Subscriber::start();
    subscribe(&agent, &base, &topic, &first);
    let mut delays = Vec::with_capacity(landings);
    for i in 0..landings {
        let marker = format!("HUBBENCH{i:05}");
        let landed = land(root, 999_999 - i, &marker);
        first.wait_for("a delivery", DEADLINE, |s| holds(s, &marker));
        let at = first
            .deliveries()
            .iter()
            .find(|d| String::from_utf8_lossy(&d.body).contains(&marker))
            .map(|d| d.at)
            .unwrap_or_else(Instant::now);
        delays.push(at.saturating_duration_since(landed));
    }
    delays.sort();
    let pct =
        |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1];

    // SUBSCRIBERS in all, one article.
    let mut all = vec![first];
    while all.len() < subscribers {
        let sub = Subscriber::start();
        subscribe(&agent, &base, &topic, &sub);
        all.push(sub);
    }
    let marker = "HUBBENCHALL";
    let landed = land(root, 0, marker);
    let start = Instant::now();
    for sub in &all {
        let left = DEADLINE.saturating_sub(start.elapsed());
        sub.wait_for("a delivery to every subscriber", left, |s| holds(s, marker));
    }
    let last = all
        .iter()
        .filter_map(|s| {
            s.deliveries()
                .iter()
                .find(|d| String::from_utf8_lossy(&d.body).contains(marker))
                .map(|d| d.at)
        })
        .max()
        .unwrap_or_else(Instant::now);
    let fan_out = last.saturating_duration_since(landed);
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();

    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| articles served | {articles} |");
    println!(
        "| article written → subscriber holds the new feed, p50 / p99 ({landings} articles) | {} / {} ms |",
        pct(0.5).as_millis(),
        pct(0.99).as_millis()
    );
    println!(
        "| one article → all {subscribers} subscribers hold it | {} ms ({:.0} deliveries/s) |",
        fan_out.as_millis(),
        subscribers as f64 / fan_out.as_secs_f64()
    );
}

/// Whether `sub` holds a delivered feed with `marker`.
fn holds(sub: &Subscriber, marker: &str) -> bool {
    sub.deliveries()
        .iter()
        .any(|d| String::from_utf8_lossy(&d.body).contains(marker))
}

/// Writes a new article, the newest, with `marker` in its Chinese headline; when it was
/// written. Articles of one day are ordered by id: `rank` (descending from landing to
/// landing) puts each new one first among today's.
fn land(root: &Path, rank: usize, marker: &str) -> Instant {
    let today = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).format("%Y/%m-%d");
    let text = format!(
        "港口新闻{marker}\n中新网宜春测试段落,宜春市今天发布消息。\n英语如下:\n\
         ### Title: Port news {marker}\n### Keywords: port\nA test paragraph.\n\
         【来源】http://www.chinanews.com/gn/{today}/{marker}.shtml\nViews: 1",
    );
    let path = root
        .join("articles")
        .join(format!("{rank:06}_{marker}.txt"));
    fs::write(path, text).expect("write");
    Instant::now()
}

/// Subscribes `sub` to `topic`, waiting until the hub verified it (and asking again when the
/// hub is busy verifying others).
fn subscribe(agent: &ureq::Agent, base: &str, topic: &str, sub: &Subscriber) {
    let callback = sub.url();
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("hub.mode", "subscribe"),
            ("hub.topic", topic),
            ("hub.callback", callback.as_str()),
        ])
        .finish();
    let start = Instant::now();
    loop {
        let status = agent
            .post(format!("{base}hub"))
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form.as_bytes())
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if status == 202 {
            break;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the hub keeps answering {status}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    sub.wait_for("verification", DEADLINE, |s| !s.verifications().is_empty());
}

/// `bifeed serve` on an ephemeral port of `root`, and the address it serves once ready.
fn start(bifeed: &Path, root: &Path) -> (Child, String) {
    let mut child = Command::new(bifeed)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(root)
        .env("XDG_CACHE_HOME", root.join("cache"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(fs::File::create(root.join("serve.log")).expect("log"))
        .spawn()
        .expect("starting bifeed serve (run `cargo build --release` first)");
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let mut reader = BufReader::new(out);
        let _ = reader.read_line(&mut line);
        // Whatever else it prints is read, so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    }
    let base = line
        .trim()
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("serve did not get ready: {line:?}"))
        .to_string();
    (child, base)
}

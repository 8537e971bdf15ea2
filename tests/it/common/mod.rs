//! Helpers shared by the integration tests: run the real binary, write article files, and
//! read feeds back with parsers bifeed does not use to write them (feed-rs, roxmltree).
#![allow(dead_code)]

pub mod hub;
pub mod s3;
pub mod serving;
pub mod subscriber;
pub mod watching;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

pub const FEEDS: [&str; 4] = ["zh/rss.xml", "zh/atom.xml", "en/rss.xml", "en/atom.xml"];

/// The modification time of test articles: 2025-06-01T12:00:00Z.
pub const FIXTURE_MTIME: u64 = 1_748_779_200;

/// A temporary site: an articles folder and an output folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("articles")).unwrap();
        Site { dir }
    }

    pub fn articles(&self) -> PathBuf {
        self.dir.path().join("articles")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("feeds")
    }

    /// Writes an article file with a fixed modification time (2025-06-01T12:00:00Z unless
    /// `mtime` says otherwise), so dates derived from it are reproducible. An article's
    /// file is written after the day it is dated (later dates are implausible), so this is
    /// later than the dates the tests give.
    pub fn article(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        self.article_at(name, bytes, FIXTURE_MTIME)
    }

    pub fn article_at(&self, name: &str, bytes: impl AsRef<[u8]>, unix_mtime: u64) -> PathBuf {
        let path = self.articles().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(unix_mtime))
            .unwrap();
        path
    }

    /// The user's cache folder as the site's runs see it (`XDG_CACHE_HOME`): each test's
    /// articles cache is its own.
    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn config(&self, yaml: &str) -> PathBuf {
        let path = self.dir.path().join("bifeed.yaml");
        fs::write(&path, yaml).unwrap();
        path
    }

    /// Runs `bifeed <args>` in the site folder (so `articles/` and `feeds/` are its own).
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_log(args, "info")
    }

    /// [`Site::run`], logging at `level` (`RUST_LOG`).
    pub fn run_with_log(&self, args: &[&str], level: &str) -> Output {
        self.command(args, level).output().unwrap()
    }

    /// `bifeed <args>` to run in the site folder, logging at `level`.
    pub fn command(&self, args: &[&str], level: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bifeed"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("XDG_CACHE_HOME", self.cache())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("RUST_LOG", level)
            .env("NO_COLOR", "1");
        command
    }

    pub fn build(&self) -> Output {
        let out = self.run(&["build"]);
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        out
    }

    pub fn feed(&self, path: &str) -> Feed {
        Feed::read(&self.out().join(path))
    }
}

/// Sends SIGTERM to a long-running bifeed and waits (with a deadline) for it to exit;
/// `log` gives its log for the failure message.
pub fn terminate(
    child: &mut std::process::Child,
    log: impl Fn() -> String,
) -> std::process::ExitStatus {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < watching::DEADLINE,
            "bifeed did not stop on SIGTERM; log:\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Copies a folder tree.
/// Starts a long-running bifeed `command` in `site`, its log (debug, no colour) in `log_name`
/// there, and waits for its ready line: the process, the log's path and the line (`None` if
/// it ended or said nothing in time).
pub fn start_ready(
    site: &Site,
    mut command: Command,
    log_name: &str,
) -> (std::process::Child, PathBuf, Option<String>) {
    let log = site.dir.path().join(log_name);
    let mut child = command
        .current_dir(site.dir.path())
        .env("XDG_CACHE_HOME", site.cache())
        .env("XDG_STATE_HOME", site.dir.path().join("state"))
        .env("RUST_LOG", "debug")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let ready = ready_line(&mut child);
    (child, log, ready)
}

/// The ready line a long-running command prints on standard output once it is ready (see
/// the README's "Readiness"), read with a deadline; `None` if the process ended or said
/// nothing in time. The rest of standard output is drained so the process never blocks on it.
pub fn ready_line(child: &mut std::process::Child) -> Option<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        for _ in lines {}
    });
    rx.recv_timeout(watching::DEADLINE).ok()
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, by its path inside `dir` (`zh/rss.xml`), with its bytes; not the
/// lock file a running bifeed keeps there, which names its process.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".bifeed.lock" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            for (inner, bytes) in tree(&entry.path()) {
                files.insert(format!("{name}/{inner}"), bytes);
            }
        } else if let Ok(bytes) = fs::read(entry.path()) {
            files.insert(name, bytes);
        }
    }
    files
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A feed as independent parsers see it.
pub struct Feed {
    pub xml: String,
    pub parsed: feed_rs::model::Feed,
}

impl Feed {
    pub fn read(path: &Path) -> Feed {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Feed::from_bytes(&bytes)
    }

    /// Parses with roxmltree (strict XML 1.0 well-formedness) and feed-rs.
    pub fn from_bytes(bytes: &[u8]) -> Feed {
        let xml = String::from_utf8(bytes.to_vec()).expect("feeds are UTF-8");
        assert_well_formed(&xml);
        let parsed =
            feed_rs::parser::parse(bytes).unwrap_or_else(|e| panic!("feed-rs: {e}\n{xml}"));
        Feed { xml, parsed }
    }

    pub fn titles(&self) -> Vec<String> {
        self.parsed
            .entries
            .iter()
            .map(|e| {
                e.title
                    .as_ref()
                    .map(|t| t.content.clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The feed's `rel="self"` links (RSS `atom:link`, Atom `link`), as feed-rs reads them.
    pub fn self_links(&self) -> Vec<String> {
        self.parsed
            .links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("self"))
            .map(|l| l.href.clone())
            .collect()
    }

    pub fn ids(&self) -> Vec<String> {
        self.parsed.entries.iter().map(|e| e.id.clone()).collect()
    }

    /// Text of every element called `name` (any namespace), in document order.
    pub fn texts(&self, name: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(&self.xml).unwrap();
        doc.descendants()
            .filter(|n| n.tag_name().name() == name)
            .map(|n| n.text().unwrap_or("").to_string())
            .collect()
    }

    /// Value of `attr` on every element called `name`.
    pub fn attrs(&self, name: &str, attr: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(&self.xml).unwrap();
        doc.descendants()
            .filter(|n| n.tag_name().name() == name)
            .filter_map(|n| n.attribute(attr).map(str::to_string))
            .collect()
    }
}

/// XML 1.0 well-formedness, including the characters XML forbids, checked by roxmltree.
pub fn assert_well_formed(xml: &str) {
    if let Err(e) = roxmltree::Document::parse(xml) {
        panic!("not well-formed XML: {e}\n{xml}");
    }
    for c in xml.chars() {
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}');
        assert!(
            allowed,
            "character U+{:04X} is not allowed in XML 1.0",
            c as u32
        );
    }
}

/// An article in the standard layout; `{}`-free so tests can `replace` parts of it.
/// The numbered story most tests use: `新闻n` / `Story n`, dated in May 2024 (day n mod 28 + 1).
pub fn story(n: u64) -> String {
    article(
        &format!("新闻{n}"),
        &format!("Story {n}"),
        &format!("2024/05-{:02}", n % 28 + 1),
        "k",
    )
}

pub fn article(zh_title: &str, en_title: &str, date: &str, keywords: &str) -> String {
    format!(
        "{zh_title}\n\
         中新网杭州{month}月{day}日电(记者 王明)杭州港口扩建工程完工,集装箱码头新增泊位。\n\
         港口负责人表示,集装箱吞吐能力提高三成,港口航运企业可以更快装卸。\n\
         英语如下:\n\
         ### Title: {en_title}\n\
         ### Keywords: {keywords}\n\
         ### News Content: {en_title}\n\
         **China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – The port expansion is **done**.\n\
         Capacity rose by a third.\n\
         【来源】http://www.chinanews.com/cj/{date}/123456.shtml\n\
         Views: 42",
        month = date[5..7].trim_start_matches('0'),
        day = date[8..10].trim_start_matches('0'),
    )
}

/// An outside judge the tests run (a schema, a checker, a browser): the path `env` names, or
/// `default` (relative to the repository) when it exists. `None` when missing, after saying
/// so; with `BIFEED_REQUIRE_READERS=1` (CI, which installs them) a missing judge fails.
pub fn judge(what: &str, env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        let default = Path::new(default);
        if default.is_absolute() {
            default.to_path_buf()
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(default)
        }
    });
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{what}: {} not found (set {env}; .ci/run installs it)",
        path.display()
    );
    assert!(
        std::env::var_os("BIFEED_REQUIRE_READERS").is_none(),
        "required: {why}"
    );
    eprintln!("SKIPPED {why}");
    None
}

/// Parsed HTTP headers as (lower-case name, value) in the order sent.
pub fn headers(parsed: &[httparse::Header]) -> Vec<(String, String)> {
    parsed
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// Every file under `dir` whose name is `name`, as paths inside `dir`.
pub fn files_named(dir: &Path, name: &str) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.rsplit('/').next() == Some(name))
        .collect()
}

/// A site holding the articles of `from` (a folder of the repository), every article in
/// the feeds, topics from two articles on.
pub fn site_with_topics(from: &str) -> Site {
    let site = Site::new();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(from),
        &site.articles(),
    );
    site.config("base_url: https://news.example.com/\nlimit: 0\ntopics:\n  min_articles: 2\n");
    site
}

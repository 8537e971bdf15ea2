//! Write failures: the command fails with a clear message, the previous feeds are untouched,
//! and `watch` keeps running and succeeds once the problem is gone.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{FEEDS, Site, article, stderr};

const DEADLINE: Duration = Duration::from_secs(20);

fn site_with(n: u32) -> Site {
    let site = Site::new();
    for i in 1..=n {
        add(&site, i);
    }
    site
}

fn add(site: &Site, i: u32) {
    site.article(
        &format!("{i:04}_{i:016x}.txt"),
        article(
            &format!("新闻{i}"),
            &format!("Story {i}"),
            &format!("2024/05-{:02}", i % 28 + 1),
            "k",
        ),
    );
}

fn snapshot(out: &Path) -> Vec<Option<Vec<u8>>> {
    FEEDS.iter().map(|f| fs::read(out.join(f)).ok()).collect()
}

fn temp_files(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [out.to_path_buf(), out.join("zh"), out.join("en")] {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".bifeed-") {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn an_output_folder_that_cannot_be_written_is_a_clear_error() {
    let site = site_with(2);
    site.build();
    let before = snapshot(&site.out());
    // A file where the Chinese feeds' folder should be: no permission bits involved, so this
    // fails for root as well.
    fs::remove_dir_all(site.out().join("zh")).unwrap();
    fs::write(site.out().join("zh"), "in the way").unwrap();
    add(&site, 3);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot write feeds/zh"), "{err}");
    // The English feeds were not touched either: nothing is replaced when a write fails.
    assert_eq!(snapshot(&site.out())[2..], before[2..]);
}

/// A tmpfs of 96 KiB mounted at `out`, if this machine lets us (root on Linux); unmounted on
/// drop.
struct SmallDisk {
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path) -> Option<SmallDisk> {
        fs::create_dir_all(path).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=96k", "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| SmallDisk {
            path: path.to_path_buf(),
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_fails_the_build_and_keeps_the_previous_feeds() {
    let site = site_with(3);
    let disk = SmallDisk::mount(&site.out());
    site.build();
    let before = snapshot(&site.out());
    assert!(before.iter().all(Option::is_some));
    // Enough articles that the feeds no longer fit.
    for i in 4..=120 {
        add(&site, i);
    }
    let out = match &disk {
        Some(_) => site.run(&["build"]),
        // No tmpfs here: a file size limit fails the writes the same way (EFBIG).
        None => Command::new("sh")
            .args([
                "-c",
                &format!(
                    "ulimit -f 64 && exec {} build",
                    env!("CARGO_BIN_EXE_bifeed")
                ),
            ])
            .current_dir(site.dir.path())
            .output()
            .unwrap(),
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write feeds/"), "{err}");
    assert!(
        err.contains("No space left on device") || err.contains("File too large"),
        "{err}"
    );
    // Not one feed replaced: a failed build leaves all the old ones, not a mix.
    assert!(
        snapshot(&site.out()) == before,
        "a feed changed in a failed build"
    );
    assert!(
        temp_files(&site.out()).is_empty(),
        "{:?}",
        temp_files(&site.out())
    );
    drop(disk);
}

fn spawn_watch(site: &Site) -> (std::process::Child, std::path::PathBuf) {
    let log = site.dir.path().join("watch.log");
    let child = Command::new(env!("CARGO_BIN_EXE_bifeed"))
        .arg("watch")
        .current_dir(site.dir.path())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    (child, log)
}

fn wait_for(what: &str, log: &Path, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        let text = fs::read_to_string(log).unwrap_or_default();
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stop(mut child: std::process::Child, log: &Path) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "{}",
        fs::read_to_string(log).unwrap_or_default()
    );
}

#[test]
fn watch_survives_a_write_failure_and_recovers_when_it_is_gone() {
    let site = site_with(2);
    let (child, log) = spawn_watch(&site);
    let log_text = || fs::read_to_string(&log).unwrap_or_default();
    wait_for("the first build", &log, || log_text().contains("built in"));

    fs::remove_dir_all(site.out().join("en")).unwrap();
    fs::write(site.out().join("en"), "in the way").unwrap();
    add(&site, 3);
    wait_for("the failure to be reported", &log, || {
        log_text().contains("cannot write feeds/en") && log_text().contains("retrying in")
    });
    // Still running; the problem goes away without any new article event.
    fs::remove_file(site.out().join("en")).unwrap();
    wait_for("the retry to write the feeds", &log, || {
        fs::read_to_string(site.out().join("en/rss.xml")).is_ok_and(|f| f.contains("Story 3"))
    });
    let watched = snapshot(&site.out());
    let fresh = site.dir.path().join("fresh");
    assert!(
        site.run(&["build", "--out", fresh.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(watched, snapshot(&fresh));
    stop(child, &log);
}

#[test]
fn watch_recreates_an_output_folder_that_disappeared() {
    let site = site_with(2);
    let (child, log) = spawn_watch(&site);
    let log_text = || fs::read_to_string(&log).unwrap_or_default();
    wait_for("the first build", &log, || log_text().contains("built in"));
    fs::remove_dir_all(site.out()).unwrap();
    add(&site, 3);
    wait_for("the feeds to come back", &log, || {
        FEEDS.iter().all(|f| {
            fs::read_to_string(site.out().join(f))
                .is_ok_and(|t| t.contains("Story 3") || t.contains("新闻3"))
        })
    });
    stop(child, &log);
}

//! Crash safety: `bifeed build` killed with SIGKILL at random moments, over and over, never
//! leaves a reader a broken or truncated file, and leaves nothing for the next run to trip on.
//!
//! `BIFEED_CRASH_KILLS` sets the number of kills (default 30, to keep CI short); the figures in
//! docs/robustness.md come from a run with 1,000.
#![cfg(unix)]

use crate::common;
#[path = "../../examples/common/generate.rs"]
mod generate;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ARTICLES: usize = 1_000;

fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::tree(dir)
}

fn build(root: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_bifeed"))
        .args(["build", "--config", "bifeed.yaml", "--out"])
        .arg(out)
        .current_dir(root)
        .env("XDG_CACHE_HOME", root.join("cache"))
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// How long a complete build takes, and how much of it is writing (from its debug log).
fn timed_build(root: &Path, out: &Path) -> (Duration, Duration) {
    let started = Instant::now();
    let output = build(root, out).wait_with_output().unwrap();
    let total = started.elapsed();
    assert!(output.status.success());
    let log = String::from_utf8_lossy(&output.stderr);
    let written = log
        .split("written in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|us| us.parse().ok())
        .map(Duration::from_micros);
    // Without it, half the kills would aim at a guess rather than at the writes.
    let written =
        written.unwrap_or_else(|| panic!("the debug log says how long writing took:\n{log}"));
    (total, written)
}

/// The article that differs between the two states: the newest, so every feed shows it.
fn headline(root: &Path, state: usize) {
    let title = ["状态甲", "状态乙"][state];
    let text = common::article(title, &format!("State {state}"), "2026/01-01", "crash");
    fs::write(root.join("articles/zzz_00000000000crash.txt"), text).unwrap();
}

#[test]
fn sigkill_at_any_moment_leaves_only_complete_feeds() {
    let kills: usize = std::env::var("BIFEED_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generate::write_all(7, ARTICLES, &root.join("articles")).unwrap();
    // Every item in the feeds: the writes take long enough to be hit often.
    fs::write(root.join("bifeed.yaml"), "limit: 0\n").unwrap();

    // What a complete build writes in each state, and when it writes.
    let mut complete = Vec::new();
    let (mut total, mut writing) = (Duration::ZERO, Duration::ZERO);
    for state in 0..2 {
        headline(root, state);
        let reference = root.join(format!("reference-{state}"));
        let (t, w) = timed_build(root, &reference);
        (total, writing) = (total.max(t), writing.max(w));
        complete.push(files_under(&reference));
    }
    assert_ne!(complete[0]["zh/rss.xml"], complete[1]["zh/rss.xml"]);

    let out = root.join("feeds");
    let mut rng = fastrand::Rng::with_seed(20261127);
    let (mut states_checked, mut temp_files_seen, mut failures) = (0, 0, Vec::new());
    for kill in 0..kills {
        let state = kill % 2;
        headline(root, state);
        let mut child = build(root, &out);
        // Half the kills anywhere in the run, half while files are being written, which is
        // when a file could be left half done.
        let at = if kill % 4 < 2 {
            total.mul_f64(rng.f64() * 1.1)
        } else {
            total.saturating_sub(writing.mul_f64(1.2)) + writing.mul_f64(rng.f64() * 1.4)
        };
        let started = Instant::now();
        while started.elapsed() < at {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        drop(child.wait_with_output());

        for (name, bytes) in files_under(&out) {
            let file_name = Path::new(&name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if file_name.starts_with(".bifeed-") && file_name.ends_with(".tmp") {
                temp_files_seen += 1;
                continue;
            }
            states_checked += 1;
            let whole = complete.iter().any(|c| c.get(&name) == Some(&bytes));
            if !whole {
                failures.push(format!(
                    "kill {kill} after {at:?}: {name} is neither version"
                ));
            }
        }
    }
    println!(
        "{kills} kills over {ARTICLES} articles (build {total:?}, writing {writing:?}): \
         {states_checked} file states checked, {temp_files_seen} temporary files left by killed \
         runs, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");

    // The next run cleans up after the killed ones and writes the final state.
    let state = kills % 2;
    headline(root, state);
    assert!(build(root, &out).wait().unwrap().success());
    let after = files_under(&out);
    let leftovers: Vec<&String> = after.keys().filter(|n| n.contains(".bifeed-")).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert!(
        after == complete[state],
        "the final build differs from a complete one"
    );
}

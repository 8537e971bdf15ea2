//! What an operator relies on: `/healthz` says whether the last rebuild published (and why
//! not), `/metrics` reads as Prometheus text with an independent parser (prometheus-parse)
//! and counts what happened, both can be moved or switched off; `--version` names the
//! commit; `--log-format json` writes one JSON object per line.

use std::fs;

use crate::common::serving::Server;
use crate::common::{self, Site};

fn site_of(n: u64) -> Site {
    let site = Site::new();
    for i in 1..=n {
        site.article(&format!("{i:03}_{i:016x}.txt"), common::story(i));
    }
    site
}

/// The value of the sample `name` with `labels`, as a number, from Prometheus text.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
}

#[test]
fn healthz_says_ok_and_why_not_while_rebuilds_fail() {
    let server = Server::start(site_of(1));
    let ok = server.get("/healthz", &[]);
    assert_eq!(ok.status, 200);
    assert_eq!(String::from_utf8_lossy(&ok.body), "ok\n");
    assert_eq!(ok.header("cache-control"), Some("no-store"));

    // A file where the English feeds' folder goes: the next rebuild cannot publish.
    let out = server.site.out();
    fs::remove_dir_all(out.join("en")).unwrap();
    fs::write(out.join("en"), "in the way").unwrap();
    server
        .site
        .article("002_0000000000000002.txt", common::story(2));
    server.wait_for("an unhealthy answer", |s| {
        s.get("/healthz", &[]).status == 503
    });
    let failing = String::from_utf8_lossy(&server.get("/healthz", &[]).body).into_owned();
    assert!(
        failing.contains("the last rebuild failed") && failing.contains("cannot write"),
        "{failing}"
    );
    fs::remove_file(out.join("en")).unwrap();
    server.wait_for("health again", |s| s.get("/healthz", &[]).status == 200);
    server.stop();
}

#[test]
fn metrics_read_as_prometheus_text_and_count_what_happened() {
    let site = site_of(2);
    site.article("bad.txt", "no article here");
    let server = Server::start(site);
    for path in ["/zh/atom.xml", "/en/rss.xml", "/missing.xml"] {
        server.get(path, &[]);
    }
    let reply = server.get("/metrics", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/openmetrics-text")),
        "{:?}",
        reply.header("content-type")
    );
    let text = String::from_utf8(reply.body).unwrap();
    assert_eq!(
        sample(&text, "bifeed_articles", &[("lang", "zh")]),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "bifeed_articles", &[("lang", "en")]),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "bifeed_rejected_files", &[]),
        Some(1.0),
        "{text}"
    );
    let ok = sample(&text, "bifeed_http_requests_total", &[("status", "200")]).unwrap_or(0.0);
    assert!(ok >= 2.0, "{text}");
    let missing = sample(&text, "bifeed_http_requests_total", &[("status", "404")]).unwrap_or(0.0);
    assert!(missing >= 1.0, "{text}");
    assert!(sample(&text, "bifeed_rebuild_duration_seconds_count", &[]).unwrap_or(0.0) >= 1.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let last = sample(
        &text,
        "bifeed_last_successful_rebuild_timestamp_seconds",
        &[],
    )
    .unwrap();
    assert!((now - 600.0..=now + 1.0).contains(&last), "{last} vs {now}");
    assert_eq!(
        sample(&text, "bifeed_rebuild_failures_total", &[]),
        Some(0.0)
    );
    server.stop();
}

#[test]
fn health_and_metrics_can_be_moved_or_switched_off() {
    let site = site_of(1);
    site.config("serve:\n  health_path: /status/health\n  metrics_path: \"\"\n");
    let server = Server::start(site);
    assert_eq!(server.get("/status/health", &[]).status, 200);
    assert_eq!(server.get("/healthz", &[]).status, 404);
    assert_eq!(server.get("/metrics", &[]).status, 404);
    server.stop();

    let site = Site::new();
    site.config("serve:\n  health_path: healthz\n");
    let out = site.run(&["serve"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("serve.health_path"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn version_names_the_commit_built() {
    let out = Site::new().run(&["--version"]);
    assert!(out.status.success());
    let version = common::stdout(&out);
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let want = format!(
        "bifeed {} (commit {})\n",
        env!("CARGO_PKG_VERSION"),
        commit.as_deref().unwrap_or("unknown")
    );
    assert_eq!(version, want);
}

#[test]
fn json_logs_are_one_object_per_line() {
    let site = site_of(2);
    site.article("bad.txt", "no article here");
    let out = site.run(&["--log-format", "json", "build"]);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = common::stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 2);
    for line in &lines {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
        assert!(line["fields"]["message"].is_string(), "{line}");
    }
    assert!(lines.iter().any(|l| {
        l["level"] == "WARN"
            && l["fields"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("bad.txt")
    }));
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definitions() {
    let site = Site::new();
    let bash = site.run(&["completions", "bash"]);
    assert!(bash.status.success());
    let script = common::stdout(&bash);
    for word in [
        "build",
        "watch",
        "serve",
        "check",
        "--no-cache",
        "--log-format",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    // bash reads it without a syntax error.
    let path = site.dir.path().join("bifeed.bash");
    fs::write(&path, &script).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(checked.status.success(), "{}", common::stderr(&checked));
    for shell in ["zsh", "fish"] {
        let out = site.run(&["completions", shell]);
        assert!(
            out.status.success() && common::stdout(&out).contains("serve"),
            "{shell}"
        );
    }

    let man = site.run(&["man"]);
    assert!(man.status.success());
    let page = common::stdout(&man);
    assert!(page.contains(".TH bifeed 1"), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
    // groff formats it without a warning, when installed (man-db's formatter).
    let path = site.dir.path().join("bifeed.1");
    fs::write(&path, &page).unwrap();
    match std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
    {
        Ok(out) => assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            common::stderr(&out)
        ),
        Err(_) => eprintln!("SKIPPED groff: not installed"),
    }
}

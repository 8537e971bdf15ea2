//! WebSub, `serve` as its own hub (`websub.builtin: true`): a subscriber (a small HTTP server
//! of the tests) subscribes to a feed, is verified with a challenge, and receives the feed's
//! new body, signed, when an article lands; subscriptions survive a restart; leases end;
//! unsubscribing works; callbacks the hub must not reach, secrets the spec forbids and caps
//! are refused.

use std::time::{Duration, Instant};

use crate::common::serving::{Reply, Server};
use crate::common::subscriber::Subscriber;
use crate::common::watching::DEADLINE;
use crate::common::{self, Site};

const HUB_CONFIG: &str = "websub:\n  builtin: true\n  allow_callbacks: [\"127.0.0.1/32\"]\n  \
                          database: hub.sqlite\n";

fn site(extra: &str) -> Site {
    let site = Site::new();
    site.article("001_00000000000000a1.txt", common::story(1));
    site.config(&format!("{HUB_CONFIG}{extra}"));
    site
}

/// POSTs a subscription request to the server's hub.
fn ask(server: &Server, fields: &[(&str, &str)]) -> Reply {
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = server
        .agent
        .post(server.url("/hub"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send(form.as_bytes())
        .unwrap();
    Reply::from(response)
}

fn subscribe(server: &Server, sub: &Subscriber, topic: &str, extra: &[(&str, &str)]) -> Reply {
    let topic = server.url(topic);
    let callback = sub.url();
    let mut fields = vec![
        ("hub.mode", "subscribe"),
        ("hub.topic", topic.as_str()),
        ("hub.callback", callback.as_str()),
    ];
    fields.extend_from_slice(extra);
    ask(server, &fields)
}

/// Waits until `sub` confirmed a `mode` of `topic` (the hub stores it right after).
fn verified(server: &Server, sub: &Subscriber, mode: &str, topic: &str) {
    let url = server.url(topic);
    sub.wait_for(&format!("{mode} verified"), DEADLINE, |s| {
        s.verifications().iter().any(|v| {
            v.get("hub.mode").map(String::as_str) == Some(mode) && v.get("hub.topic") == Some(&url)
        })
    });
    let stored = match mode {
        "subscribe" => format!("subscribed to {url}"),
        _ => format!("unsubscribed from {url}"),
    };
    server.wait_for("the hub to store it", |s| s.log().contains(&stored));
}

/// An article that lands now, dated so that it is the newest.
fn land(server: &Server, n: u64) {
    std::fs::write(
        server.site.articles().join(format!("{n:03}_{n:016x}.txt")),
        common::article(
            &format!("新闻{n}"),
            &format!("Story {n}"),
            "2024/06-20",
            "port",
        ),
    )
    .unwrap();
}

/// HMAC-SHA256 of `body` keyed by `secret`, in hex, by Python's hmac module: not the crate
/// the hub signs with.
fn python_hmac(secret: &str, body: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body");
    std::fs::write(&path, body).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), \
             open(sys.argv[2],'rb').read(), hashlib.sha256).hexdigest())",
            secret,
            path.to_str().unwrap(),
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn a_verified_subscriber_receives_the_new_feed_signed_when_an_article_lands() {
    let server = Server::start(site(""));
    // Every feed names the hub.
    let atom = server.get("/zh/atom.xml", &[]);
    let text = String::from_utf8(atom.body.clone()).unwrap();
    assert!(
        text.contains(&format!("href=\"{}\" rel=\"hub\"", server.url("/hub"))),
        "{text}"
    );
    let sub = Subscriber::start();
    let reply = subscribe(
        &server,
        &sub,
        "/zh/atom.xml",
        &[("hub.secret", "s3cret"), ("hub.lease_seconds", "3600")],
    );
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    verified(&server, &sub, "subscribe", "/zh/atom.xml");
    let check = &sub.verifications()[0];
    assert_eq!(
        check.get("hub.lease_seconds").map(String::as_str),
        Some("3600")
    );
    assert_eq!(
        check.get("who").map(String::as_str),
        Some("test"),
        "callback query kept"
    );
    assert!(check.get("hub.challenge").is_some_and(|c| c.len() >= 32));

    let landed = Instant::now();
    land(&server, 2);
    sub.wait_for("the new feed", DEADLINE, |s| {
        s.deliveries()
            .iter()
            .any(|d| String::from_utf8_lossy(&d.body).contains("新闻2"))
    });
    let delivery = sub.deliveries().into_iter().last().unwrap();
    eprintln!(
        "article landed → subscriber held it: {} ms",
        (delivery.at - landed).as_millis()
    );
    // What it got is the feed as published, with its type and links.
    let published = std::fs::read(server.site.out().join("zh/atom.xml")).unwrap();
    assert_eq!(delivery.body, published);
    assert_eq!(
        delivery.headers.get("content-type").map(String::as_str),
        Some("application/atom+xml; charset=utf-8")
    );
    let link = delivery.headers.get("link").cloned().unwrap_or_default();
    assert!(
        link.contains(&format!("<{}>; rel=\"hub\"", server.url("/hub"))),
        "{link}"
    );
    assert!(
        link.contains(&format!("<{}>; rel=\"self\"", server.url("/zh/atom.xml"))),
        "{link}"
    );
    // Signed with the secret: the signature Python computes with it, and not with another.
    let signature = delivery
        .headers
        .get("x-hub-signature")
        .cloned()
        .unwrap_or_default();
    if let Some(expected) = python_hmac("s3cret", &delivery.body) {
        assert_eq!(signature, format!("sha256={expected}"));
        let forged = python_hmac("wrong", &delivery.body).unwrap();
        assert_ne!(signature, format!("sha256={forged}"));
    } else {
        panic!("python3 is needed to check the signature");
    }
    server.stop();
}

#[test]
fn a_subscription_outlives_a_restart_and_unsubscribing_ends_it() {
    let mut server = Server::start(site(""));
    let (kept, leaving) = (Subscriber::start(), Subscriber::start());
    for sub in [&kept, &leaving] {
        assert_eq!(subscribe(&server, sub, "/en/atom.xml", &[]).status, 202);
        verified(&server, sub, "subscribe", "/en/atom.xml");
    }
    server.restart();
    // The restarted server serves at another port: the subscription names the feed, not
    // the address, and is delivered as the feed is served now.
    let leave = server.url("/en/atom.xml");
    let callback = leaving.url();
    let reply = ask(
        &server,
        &[
            ("hub.mode", "unsubscribe"),
            ("hub.topic", leave.as_str()),
            ("hub.callback", callback.as_str()),
        ],
    );
    assert_eq!(reply.status, 202);
    verified(&server, &leaving, "unsubscribe", "/en/atom.xml");
    land(&server, 3);
    kept.wait_for("the new feed after a restart", DEADLINE, |s| {
        s.deliveries()
            .iter()
            .any(|d| String::from_utf8_lossy(&d.body).contains("Story 3"))
    });
    // The kept subscriber got its delivery; whatever was due to the other went with it.
    assert!(
        !leaving
            .deliveries()
            .iter()
            .any(|d| String::from_utf8_lossy(&d.body).contains("Story 3"))
    );
    server.stop();
}

#[test]
fn an_ended_lease_gets_no_more_feeds() {
    let server = Server::start(site(""));
    let (brief, witness) = (Subscriber::start(), Subscriber::start());
    assert_eq!(
        subscribe(
            &server,
            &brief,
            "/zh/atom.xml",
            &[("hub.lease_seconds", "1")]
        )
        .status,
        202
    );
    verified(&server, &brief, "subscribe", "/zh/atom.xml");
    assert_eq!(
        brief.verifications()[0]
            .get("hub.lease_seconds")
            .map(String::as_str),
        Some("1"),
        "a short lease is honoured"
    );
    assert_eq!(
        subscribe(&server, &witness, "/zh/atom.xml", &[]).status,
        202
    );
    verified(&server, &witness, "subscribe", "/zh/atom.xml");
    // Past the one-second lease (whole seconds: two of them to be past it for sure).
    let leased = Instant::now();
    while leased.elapsed() < Duration::from_millis(2100) {
        std::thread::sleep(Duration::from_millis(50));
    }
    land(&server, 4);
    witness.wait_for("the witness's delivery", DEADLINE, |s| {
        s.deliveries()
            .iter()
            .any(|d| String::from_utf8_lossy(&d.body).contains("新闻4"))
    });
    assert!(brief.deliveries().is_empty(), "the lease had ended");
    server.stop();
}

#[test]
fn callbacks_that_do_not_confirm_or_cannot_be_reached_are_not_subscribed() {
    let server = Server::start(site(""));
    let refusing = Subscriber::start();
    refusing.refuse();
    assert_eq!(
        subscribe(&server, &refusing, "/zh/atom.xml", &[]).status,
        202
    );
    refusing.wait_for("the verification", DEADLINE, |s| {
        !s.verifications().is_empty()
    });
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let topic = server.url("/zh/atom.xml");
    let unreachable = format!("http://127.0.0.1:{closed}/callback");
    let reply = ask(
        &server,
        &[
            ("hub.mode", "subscribe"),
            ("hub.topic", topic.as_str()),
            ("hub.callback", unreachable.as_str()),
        ],
    );
    assert_eq!(reply.status, 202);
    server.wait_for("both refusals logged", |s| {
        s.log().matches("not verified").count() >= 2
    });
    let witness = Subscriber::start();
    assert_eq!(
        subscribe(&server, &witness, "/zh/atom.xml", &[]).status,
        202
    );
    verified(&server, &witness, "subscribe", "/zh/atom.xml");
    land(&server, 5);
    witness.wait_for("the witness's delivery", DEADLINE, |s| {
        !s.deliveries().is_empty()
    });
    assert!(refusing.deliveries().is_empty());
    assert!(
        !server
            .log()
            .contains(&format!("delivered {topic} to {unreachable}"))
    );
    server.stop();
}

#[test]
fn requests_the_hub_must_refuse_are_refused_with_a_reason() {
    let server = Server::start(site("  max_per_feed: 1\n"));
    let sub = Subscriber::start();
    let topic = server.url("/zh/atom.xml");
    let callback = sub.url();
    let secret = "s".repeat(200);
    // The fields that differ from a good request, the status and the reason given.
    type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);
    let cases: [Case; 6] = [
        // WebSub 5.1: a secret is under 200 bytes.
        (
            vec![("hub.secret", secret.as_str())],
            400,
            "hub.secret must be 1 to 199 bytes",
        ),
        (
            vec![("hub.lease_seconds", "-5")],
            400,
            "hub.lease_seconds must be a positive number",
        ),
        (
            vec![("hub.mode", "publish")],
            400,
            "publishes the feeds it serves",
        ),
        (
            vec![("hub.topic", "http://elsewhere.example/feed.xml")],
            404,
            "not a feed served here",
        ),
        (
            vec![("hub.callback", "ftp://127.0.0.1/x")],
            400,
            "hub.callback must be an http(s) URL",
        ),
        // Loopback is allowed by this config, not the rest of the private ranges.
        (
            vec![("hub.callback", "http://10.0.0.1/cb")],
            403,
            "not a public address",
        ),
    ];
    for (overrides, status, reason) in cases {
        let mut fields = vec![
            ("hub.mode", "subscribe"),
            ("hub.topic", topic.as_str()),
            ("hub.callback", callback.as_str()),
        ];
        for (key, value) in overrides {
            fields.retain(|(k, _)| *k != key);
            fields.push((key, value));
        }
        let reply = ask(&server, &fields);
        let body = String::from_utf8_lossy(&reply.body).into_owned();
        assert_eq!(reply.status, status, "{fields:?}: {body}");
        assert!(body.contains(reason), "{fields:?}: {body}");
    }
    assert!(
        sub.verifications().is_empty(),
        "nothing refused was verified"
    );
    // One subscriber per feed in this config: the second is refused.
    assert_eq!(subscribe(&server, &sub, "/zh/atom.xml", &[]).status, 202);
    verified(&server, &sub, "subscribe", "/zh/atom.xml");
    let other = Subscriber::start();
    let reply = subscribe(&server, &other, "/zh/atom.xml", &[]);
    assert_eq!(
        reply.status,
        429,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    // A renewal adds no subscriber: taken at the cap.
    let reply = subscribe(
        &server,
        &sub,
        "/zh/atom.xml",
        &[("hub.lease_seconds", "7200")],
    );
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    sub.wait_for("the renewal verified", DEADLINE, |s| {
        s.verifications()
            .iter()
            .any(|v| v.get("hub.lease_seconds").map(String::as_str) == Some("7200"))
    });
    // GET is not how one subscribes.
    assert_eq!(server.get("/hub", &[]).status, 405);
    server.stop();
}

#[test]
fn without_allowed_networks_a_loopback_callback_is_refused() {
    let site = Site::new();
    site.article("001_00000000000000a1.txt", common::story(1));
    site.config("websub:\n  builtin: true\n  database: hub.sqlite\n");
    let server = Server::start(site);
    let sub = Subscriber::start();
    let reply = subscribe(&server, &sub, "/zh/atom.xml", &[]);
    assert_eq!(
        reply.status,
        403,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    // A name that resolves to loopback is refused when the hub connects.
    let topic = server.url("/zh/atom.xml");
    let by_name = format!("http://localhost:{}/callback", sub.port);
    let reply = ask(
        &server,
        &[
            ("hub.mode", "subscribe"),
            ("hub.topic", topic.as_str()),
            ("hub.callback", by_name.as_str()),
        ],
    );
    assert_eq!(reply.status, 202);
    server.wait_for("the refusal", |s| {
        s.log().contains("resolves to no public address")
    });
    assert!(sub.verifications().is_empty());
    server.stop();
}

//! End to end: several `newswire` workers sharing one feed list through
//! NATS JetStream (`[cluster]`), against a real `nats-server` and a
//! simulated site that logs which worker (by user agent) fetched what.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::nats::{
    kv_keys, kv_put, make_bucket, once_output as once, start_nats, stream_messages,
};
use support::{Site, article, newswire, rss};

/// The config of one worker of a cluster: its own state, user agent (so the
/// site can tell who fetched what) and id; the same NATS server and stream.
fn cluster_config(dir: &Path, site: &Site, nats_port: u16, id: &str, feeds: &[String]) -> PathBuf {
    let feeds: String = feeds
        .iter()
        .map(|p| format!("[[feeds]]\nurl = \"{}\"\n", site.url(p)))
        .collect();
    let path = dir.join("newswire.toml");
    std::fs::write(
        &path,
        format!(
            r#"[state]
dir = "{state}"
[dead_letter]
path = "{dead}"
[fetch]
allow_private_addresses = true
per_host_interval = "1ms"
per_host_concurrency = 4
retries = 0
retry_later_delay = "200ms"
user_agent = "worker-{id}"
[schedule]
min_interval = "1s"
initial_interval = "1s"
max_interval = "2s"
jitter = 0.0
[worker]
flush_interval = "50ms"
[ops]
listen = ""
[cluster]
url = "nats://127.0.0.1:{nats_port}"
worker_id = "{id}"
lease = "2s"
{feeds}
[[sinks]]
type = "nats"
url = "nats://127.0.0.1:{nats_port}"
subject = "news.articles"
stream = "NEWS"
"#,
            state = dir.join("state").display(),
            dead = dir.join("dead.ndjson").display(),
        ),
    )
    .unwrap();
    path
}

/// `newswire run` with its log in `dir/worker.log`.
fn spawn_run(config: &Path, dir: &Path) -> Child {
    newswire(config)
        .env("RUST_LOG", "info")
        .arg("run")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("worker.log")).unwrap())
        .spawn()
        .unwrap()
}

/// Stops a worker with SIGTERM and checks that it exits cleanly.
fn stop(mut worker: Child) {
    let pid = worker.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    assert!(worker.wait().unwrap().success());
}

/// Waits (bounded, so a bug fails instead of hanging) until `done` holds;
/// the workers' logs go with the failure.
fn wait_until(what: &str, logs: &[&Path], mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while !done() {
        if Instant::now() > deadline {
            let logs: Vec<String> = logs
                .iter()
                .map(|d| std::fs::read_to_string(d.join("worker.log")).unwrap_or_default())
                .collect();
            panic!(
                "gave up waiting for {what}; logs:\n{}",
                logs.join("\n----\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Which workers fetched `path`, by user agent, in order.
fn fetched_by(site: &Site, path: &str) -> Vec<String> {
    site.requests(path)
        .iter()
        .map(|h| h.get("user-agent").cloned().unwrap_or_default())
        .collect()
}

/// Two workers of a cluster split the feeds between them; every article is
/// fetched and published once, a worker that joins does not fetch the
/// articles the other delivered from its new feeds, and when a worker is
/// killed the other takes its feeds over, again without fetching their old
/// articles twice.
#[test]
fn cluster_workers_split_the_feeds_and_take_over_a_dead_ones() {
    let nats = start_nats();
    let site = Site::start();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let logs = [dir_a.path(), dir_b.path()];
    // Four feeds of each worker. Which worker owns a feed depends on its
    // URL, and so on the site's port: eight feeds picked blindly all go to
    // one worker once in 128 runs.
    let members = ["a".to_owned(), "b".to_owned()];
    let owner = |path: &str| {
        newswire::cluster::assign::owner(&site.url(path), &members).map(|m| format!("worker-{m}"))
    };
    let mut feeds: Vec<String> = Vec::new();
    for member in ["worker-a", "worker-b"] {
        feeds.extend(
            (0..)
                .map(|i| format!("/f{i}.xml"))
                .filter(|p| owner(p).as_deref() == Some(member))
                .take(4),
        );
    }
    let article_path = |feed: usize, round: usize| format!("/f{feed}-{round}");
    // Round `r` adds one article to each feed.
    let publish = |round: usize| {
        for (i, feed) in feeds.iter().enumerate() {
            let paths: Vec<String> = (0..=round).map(|r| article_path(i, r)).collect();
            for p in &paths {
                site.set(p, 200, &[], &article(&format!("Story {p}"), "Words."));
            }
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            site.set(feed, 200, &[], &rss(&site.base, &refs));
        }
    };
    let every_article_fetched_once = |rounds: usize| {
        for i in 0..feeds.len() {
            for r in 0..rounds {
                let p = article_path(i, r);
                let by = fetched_by(&site, &p);
                assert_eq!(by.len(), 1, "{p} fetched by {by:?}");
            }
        }
    };
    publish(0);
    let cfg_a = cluster_config(dir_a.path(), &site, nats.port, "a", &feeds);
    let cfg_b = cluster_config(dir_b.path(), &site, nats.port, "b", &feeds);

    // Alone, a polls every feed.
    let a = spawn_run(&cfg_a, dir_a.path());
    wait_until("a to deliver round 0", &logs, || {
        kv_keys(nats.port, "newswire_seen").len() == 8
    });
    assert_eq!(stream_messages(nats.port).len(), 8);

    // b joins; once both have renewed their view, the feeds are split.
    let mut b = spawn_run(&cfg_b, dir_b.path());
    wait_until("a to see b", &logs, || {
        let log = std::fs::read_to_string(dir_a.path().join("worker.log")).unwrap_or_default();
        log.contains(r#"members=["a", "b"]"#)
    });
    // A poll a began before it saw b may still be under way.
    std::thread::sleep(Duration::from_secs(1));
    publish(1);
    wait_until("round 1", &logs, || stream_messages(nats.port).len() == 16);
    wait_until("round 1 to be recorded", &logs, || {
        kv_keys(nats.port, "newswire_seen").len() == 16
    });
    every_article_fetched_once(2);
    let round1: Vec<String> = (0..feeds.len())
        .map(|i| fetched_by(&site, &article_path(i, 1))[0].clone())
        .collect();
    let owners: Vec<String> = feeds.iter().filter_map(|f| owner(f)).collect();
    assert_eq!(round1, owners, "each worker polls its own feeds");

    // b dies without a word; its lease lapses and a takes its feeds back.
    b.kill().unwrap();
    b.wait().unwrap();
    publish(2);
    wait_until("round 2", &logs, || stream_messages(nats.port).len() == 24);
    every_article_fetched_once(3);
    for i in 0..feeds.len() {
        assert_eq!(fetched_by(&site, &article_path(i, 2)), ["worker-a"]);
    }
    let ids: std::collections::HashSet<String> = stream_messages(nats.port)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids.len(), 24, "no article is published twice");

    // A clean stop gives the lease up at once.
    stop(a);
    assert!(kv_keys(nats.port, "newswire_workers").is_empty());
}

/// Two live workers configured with the same id are refused: the second
/// waits for the first's lease to lapse, and says why it gives up.
#[test]
fn a_worker_id_held_by_a_live_worker_is_a_clear_startup_error() {
    let nats = start_nats();
    let site = Site::start();
    site.set("/f.xml", 200, &[], &rss(&site.base, &[]));
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let feeds = ["/f.xml".to_owned()];
    let cfg_a = cluster_config(dir_a.path(), &site, nats.port, "same", &feeds);
    let cfg_b = cluster_config(dir_b.path(), &site, nats.port, "same", &feeds);
    let mut a = spawn_run(&cfg_a, dir_a.path());
    wait_until("a to join", &[dir_a.path()], || {
        kv_keys(nats.port, "newswire_workers") == ["same"]
    });
    let out = once(&cfg_b);
    let _ = a.kill();
    let _ = a.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("worker id `same` is held by another live worker"),
        "{stderr}"
    );
    assert!(stderr.contains("cluster.worker_id"), "{stderr}");
}

/// Articles a worker left pending when it stopped, and that another worker
/// delivered since, are not fetched again when it comes back.
#[test]
fn pending_articles_another_worker_delivered_are_not_fetched_on_return() {
    let nats = start_nats();
    let site = Site::start();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let logs = [dir_a.path(), dir_b.path()];
    let feeds = ["/g.xml".to_owned()];
    site.set("/g.xml", 200, &[], &rss(&site.base, &["/g-0"]));
    site.set("/g-0", 503, &[], b"try later");
    let cfg_a = cluster_config(dir_a.path(), &site, nats.port, "a", &feeds);
    let cfg_b = cluster_config(dir_b.path(), &site, nats.port, "b", &feeds);

    // b alone: the article fails for now and stays pending in b's store.
    let mut b = spawn_run(&cfg_b, dir_b.path());
    wait_until("b to try the article", &logs, || site.hits("/g-0") == 1);
    b.kill().unwrap();
    b.wait().unwrap();

    // a, alone once b's lease lapsed, delivers it.
    site.set(
        "/g-0",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    let a = spawn_run(&cfg_a, dir_a.path());
    wait_until("a to deliver", &logs, || {
        kv_keys(nats.port, "newswire_seen").len() == 1
    });
    stop(a);

    // b comes back: its pending article is done, not fetched again.
    let out = once(&cfg_b);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        fetched_by(&site, "/g-0"),
        ["worker-b", "worker-a"],
        "{stderr}"
    );
    assert_eq!(stream_messages(nats.port).len(), 1);
    let out = once(&cfg_b);
    assert!(out.status.success());
    assert_eq!(site.hits("/g-0"), 2, "and not on a later pass either");
}

/// The leases bucket sets how long a lease lasts for every worker: one
/// that never expires keys is refused, one with another `max_age` than
/// `cluster.lease` is followed, with a warning.
#[test]
fn the_leases_bucket_decides_the_lease() {
    let site = Site::start();
    site.set("/f.xml", 200, &[], &rss(&site.base, &[]));
    let dir = tempfile::tempdir().unwrap();
    let feeds = ["/f.xml".to_owned()];

    let nats = start_nats();
    make_bucket(nats.port, "newswire_workers", Duration::ZERO);
    let cfg = cluster_config(dir.path(), &site, nats.port, "a", &feeds);
    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("key-value bucket newswire_workers: has no max_age"),
        "{stderr}"
    );

    let nats = start_nats();
    make_bucket(nats.port, "newswire_workers", Duration::from_secs(3));
    let cfg = cluster_config(dir.path(), &site, nats.port, "a", &feeds);
    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("keeps leases for 3s"), "{stderr}");
}

/// A feed another worker claimed for a poll (two workers briefly both
/// taking themselves for its owner) is left alone until the claim lapses.
#[test]
fn a_feed_claimed_by_another_worker_is_not_polled_until_the_claim_lapses() {
    use sha2::{Digest, Sha256};
    let nats = start_nats();
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let feeds = ["/f0.xml".to_owned(), "/f1.xml".to_owned()];
    for f in &feeds {
        site.set(f, 200, &[], &rss(&site.base, &[]));
    }
    let cfg = cluster_config(dir.path(), &site, nats.port, "a", &feeds);
    make_bucket(nats.port, "newswire_polls", Duration::from_secs(2));
    let key: String = Sha256::digest(site.url("/f1.xml").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    kv_put(nats.port, "newswire_polls", &key, "elsewhere");

    let out = once(&cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!((site.hits("/f0.xml"), site.hits("/f1.xml")), (1, 0));

    std::thread::sleep(Duration::from_millis(2500));
    let out = once(&cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(site.hits("/f1.xml"), 1, "polled once the claim lapsed");
}

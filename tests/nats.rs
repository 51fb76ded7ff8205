//! End to end: the NATS JetStream sink against a real `nats-server`
//! process (installed by `./scripts/test`; `NATS_SERVER` names another).
//! Several workers sharing feeds through JetStream: `tests/cluster.rs`.

mod support;

use std::path::{Path, PathBuf};

use support::nats::{once_output as once, start_nats, start_nats_with, stream_messages};
use support::{Site, article, dead_letters, free_port, rss};

fn config(dir: &Path, site: &Site, nats_port: u16, extra: &str) -> PathBuf {
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
retries = 0
[[feeds]]
url = "{base}/feed.xml"
[[sinks]]
type = "nats"
url = "nats://127.0.0.1:{nats_port}"
subject = "news.articles"
stream = "NEWS"
connect_timeout = "2s"
{extra}
"#,
            state = dir.join("state").display(),
            dead = dir.join("dead.ndjson").display(),
            base = site.base,
        ),
    )
    .unwrap();
    path
}

#[test]
fn records_are_published_once_each_with_their_id_as_message_id() {
    let nats = start_nats();
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/b", 200, &[], &article("Bridge closes", "Bravo."));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    let cfg = config(dir.path(), &site, nats.port, "");

    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2 written"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing goes to stdout without a stdout sink"
    );
    let msgs = stream_messages(nats.port);
    assert_eq!(msgs.len(), 2);
    for (id, record) in &msgs {
        assert_eq!(record["id"].as_str(), Some(id.as_str()));
        assert_eq!(record["schema"], "newswire.article/1");
    }

    // A new entry: only it is published; the stream stays free of repeats.
    site.set("/c", 200, &[], &article("School opens library", "Charlie."));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/c", "/a", "/b"]));
    let out = once(&cfg);
    assert!(out.status.success());
    let msgs = stream_messages(nats.port);
    assert_eq!(msgs.len(), 3);
    assert!(msgs[2].1["url"].as_str().unwrap().ends_with("/c"));
}

#[test]
fn unreachable_server_and_missing_stream_are_clear_startup_errors() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &[]));
    // Nothing listens on this port.
    let dead_port = free_port();
    let cfg = config(dir.path(), &site, dead_port, "");
    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nats sink nats://127.0.0.1:{dead_port}: cannot connect"
        )),
        "{stderr}"
    );

    let nats = start_nats();
    let cfg = config(dir.path(), &site, nats.port, "create_stream = false");
    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stream NEWS"), "{stderr}");
    assert!(stderr.contains("create_stream = true"), "{stderr}");
}

/// A record larger than the server takes (its `max_payload`) cannot be
/// published: that article goes to the dead letter, named with both sizes,
/// and the run goes on with the others instead of failing on it again and
/// again.
#[test]
fn record_over_the_servers_payload_limit_is_dead_lettered_not_fatal() {
    let nats = start_nats_with("max_payload: 65536\n");
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let long = "word ".repeat(20_000);
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/long", 200, &[], &article("A very long read", &long));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/long"]));
    let cfg = config(dir.path(), &site, nats.port, "");

    let out = once(&cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let msgs = stream_messages(nats.port);
    assert_eq!(msgs.len(), 1, "{stderr}");
    assert!(msgs[0].1["url"].as_str().unwrap().ends_with("/a"));
    let dead = dead_letters(dir.path());
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0]["url"].as_str().unwrap().ends_with("/long"));
    let reason = dead[0]["reason"].as_str().unwrap();
    assert!(reason.contains("65536"), "{reason}");

    // Dead means done: the next run neither publishes nor fails on it.
    let out = once(&cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stream_messages(nats.port).len(), 1);
    assert_eq!(dead_letters(dir.path()).len(), 1);
}

/// A server on TLS with a private CA that verifies clients: the sink
/// publishes with `tls_ca`, `tls_cert` and `tls_key`, and says which file
/// or handshake failed otherwise.
#[test]
fn tls_with_a_private_ca_and_a_client_certificate() {
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let file = |name: &str| tls.join(name).display().to_string();
    let nats = start_nats_with(&format!(
        "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  ca_file: \"{}\"\n  verify: true\n}}\n",
        file("server.pem"),
        file("server-key.pem"),
        file("ca.pem"),
    ));
    let site = Site::start();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));

    let dir = tempfile::tempdir().unwrap();
    let ca = format!("tls_ca = \"{}\"\n", file("ca.pem"));
    let client = format!(
        "tls_cert = \"{}\"\ntls_key = \"{}\"\n",
        file("client.pem"),
        file("client-key.pem")
    );
    let out = once(&config(
        dir.path(),
        &site,
        nats.port,
        &format!("{ca}{client}"),
    ));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 written"), "{stderr}");

    // No client certificate: the server ends the handshake.
    let dir = tempfile::tempdir().unwrap();
    let out = once(&config(dir.path(), &site, nats.port, &ca));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nats sink nats://127.0.0.1:{}: cannot connect",
            nats.port
        )),
        "{stderr}"
    );

    // A CA file that is not there is named.
    let dir = tempfile::tempdir().unwrap();
    let out = once(&config(
        dir.path(),
        &site,
        nats.port,
        "tls_ca = \"/nonexistent/ca.pem\"\n",
    ));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read tls_ca /nonexistent/ca.pem"),
        "{stderr}"
    );
}

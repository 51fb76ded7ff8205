//! The HTTP sink against a loopback endpoint: what each request carries,
//! transient failures sent again, refusals that stop the run without
//! losing a record, and records too large for a request.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{
    Response, Site, article, config_with, dead_letters, ndjson, newswire, read_request, rss,
};

/// A site with three articles at `/a`, `/b`, `/c`, listed by `/feed.xml`,
/// and a directory for the worker.
fn three_articles() -> (Site, tempfile::TempDir) {
    let site = Site::start();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b", "/c"]));
    for (path, title) in [("/a", "Alpha"), ("/b", "Bravo"), ("/c", "Charlie")] {
        site.set(path, 200, &[], &article(title, title));
    }
    (site, tempfile::tempdir().unwrap())
}

/// A test config whose only sink is an HTTP sink with the `keys` given
/// (TOML lines) posting to `/ingest` on `site`.
fn http_config(dir: &Path, site: &Site, keys: &[&str]) -> PathBuf {
    let cfg = config_with(dir, site, &[], &["/feed.xml"]);
    let text = std::fs::read_to_string(&cfg).unwrap();
    let sink = format!(
        "[[sinks]]\ntype = \"http\"\nurl = \"{}\"\n{}\n",
        site.url("/ingest"),
        keys.join("\n")
    );
    std::fs::write(&cfg, text.replace("[[sinks]]\ntype = \"stdout\"\n", &sink)).unwrap();
    cfg
}

/// [`http_config`] posting to `url`, an endpoint of the test's own.
fn endpoint_config(dir: &Path, site: &Site, url: &str, keys: &[&str]) -> PathBuf {
    let cfg = http_config(dir, site, keys);
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace(&site.url("/ingest"), url)).unwrap();
    cfg
}

/// `newswire once`, which must succeed.
fn once_ok(cfg: &Path) {
    let out = newswire(cfg).arg("once").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The ids of the records in NDJSON request bodies.
fn ids(bodies: &[Vec<u8>]) -> Vec<String> {
    let mut ids: Vec<String> = bodies
        .iter()
        .flat_map(|b| {
            String::from_utf8(b.clone())
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|line| {
            let record: Value = serde_json::from_str(&line).unwrap();
            record["id"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn records_are_posted_as_ndjson_and_a_failed_request_is_sent_again() {
    let (site, dir) = three_articles();
    site.set("/ingest", 200, &[], b"");
    site.once(
        "/ingest",
        Response::new(503, &[("Retry-After", "0")], b"busy"),
    );
    let cfg = http_config(
        dir.path(),
        &site,
        &["headers = { Authorization = \"Bearer s3cret\" }"],
    );

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(out.stdout.is_empty(), "records go to the endpoint only");
    assert!(stderr.contains("503"), "the retry is logged: {stderr}");

    let requests = site.requests("/ingest");
    let bodies = site.bodies("/ingest");
    assert!(requests.len() >= 2, "{requests:?}");
    for request in &requests {
        assert_eq!(request[":method"], "POST");
        assert_eq!(request["content-type"], "application/x-ndjson");
        assert_eq!(request["authorization"], "Bearer s3cret");
        assert!(request["user-agent"].starts_with("newswire/"));
        // A length, not chunks: some endpoints take no chunked bodies.
        assert!(request.contains_key("content-length"), "{request:?}");
        assert!(!request.contains_key("transfer-encoding"), "{request:?}");
    }
    // The refused body is sent again as it was.
    assert_eq!(bodies[0], bodies[1]);
    let delivered = ids(&bodies[1..]);
    assert_eq!(delivered.len(), 3, "each record once: {delivered:?}");
    delivered.windows(2).for_each(|w| assert_ne!(w[0], w[1]));

    // Delivered means done: a second pass sends nothing.
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(site.hits("/ingest"), requests.len());
}

#[test]
fn a_refusing_endpoint_stops_the_run_and_the_next_run_delivers_every_record() {
    let (site, dir) = three_articles();
    site.set("/ingest", 401, &[], b"{\"error\": \"bad token\"}");
    let cfg = http_config(dir.path(), &site, &[]);

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&site.url("/ingest")), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(stderr.contains("credentials"), "{stderr}");
    assert!(stderr.contains("bad token"), "{stderr}");
    assert_eq!(site.hits("/ingest"), 1, "a refusal is not sent again");

    site.set("/ingest", 204, &[], b"");
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert!(ndjson(&out).is_empty(), "records go to the endpoint only");
    let bodies = site.bodies("/ingest");
    assert_eq!(ids(&bodies[1..]).len(), 3, "nothing was lost");
}

#[test]
fn an_endpoint_down_past_retry_for_fails_the_run_and_loses_nothing() {
    let (site, dir) = three_articles();
    site.set("/ingest", 502, &[], b"bad gateway");
    let cfg = http_config(dir.path(), &site, &["retry_for = \"1s\""]);

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("retry_for"), "{stderr}");
    assert!(stderr.contains("502"), "{stderr}");
    let tried = site.hits("/ingest");
    assert!(tried >= 2, "transient failures are sent again: {tried}");

    site.set("/ingest", 200, &[], b"");
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(ids(&site.bodies("/ingest")[tried..]).len(), 3);
}

#[test]
fn gzip_json_arrays_and_records_too_large_for_a_request() {
    let (site, dir) = three_articles();
    site.set("/ingest", 200, &[], b"");
    let cfg = http_config(
        dir.path(),
        &site,
        &["encoding = \"json\"", "compression = \"gzip\""],
    );
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let request = &site.requests("/ingest")[0];
    assert_eq!(request["content-type"], "application/json");
    assert_eq!(request["content-encoding"], "gzip");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&site.bodies("/ingest")[0][..])
        .read_to_string(&mut json)
        .unwrap();
    let records: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(records.len(), 3);

    // Every record is over 1 KiB: each goes to the dead letter, none is
    // sent, and the run goes on.
    let (site, small) = three_articles();
    let cfg = http_config(small.path(), &site, &["max_request_bytes = 1024"]);
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert!(ndjson(&out).is_empty(), "records go to the endpoint only");
    assert_eq!(site.hits("/ingest"), 0);
    let dead = dead_letters(small.path());
    assert_eq!(dead.len(), 3);
    assert!(
        dead[0]["reason"]
            .as_str()
            .unwrap()
            .contains("max_request_bytes"),
        "{dead:?}"
    );
}

/// The test certificates (see `tests/fixtures/tls/README.md`).
fn tls_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// An HTTPS endpoint on 127.0.0.1 with the fixtures' server certificate,
/// requiring a client certificate signed by the fixtures' CA; answers 200
/// to every request and keeps the request bodies.
fn tls_endpoint() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::{Arc, Mutex};

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for ca in CertificateDer::pem_file_iter(tls_fixture("ca.pem")).unwrap() {
        roots.add(ca.unwrap()).unwrap();
    }
    let clients = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(tls_fixture("server.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(tls_fixture("server-key.pem")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(clients)
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/ingest", listener.local_addr().unwrap());
    let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let kept = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let config = Arc::clone(&config);
            let kept = Arc::clone(&kept);
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                // A client without the certificate fails the handshake here.
                let Some((_, _, body)) = read_request(&mut tls) else {
                    return;
                };
                kept.lock().unwrap().push(body);
                let _ = std::io::Write::write_all(
                    &mut tls,
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                tls.conn.send_close_notify();
                let _ = std::io::Write::flush(&mut tls);
            });
        }
    });
    (url, bodies)
}

#[test]
fn an_https_endpoint_with_a_private_ca_and_client_certificates() {
    let (site, dir) = three_articles();
    let (url, bodies) = tls_endpoint();
    let keys = |tls: &str| endpoint_config(dir.path(), &site, &url, &["retry_for = \"1s\"", tls]);

    // Without the private CA the endpoint's certificate is not trusted.
    let cfg = keys("");
    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
    assert!(bodies.lock().unwrap().is_empty());

    // A missing file is named.
    let cfg = keys("tls_ca = \"/nonexistent/ca.pem\"");
    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read tls_ca /nonexistent/ca.pem"),
        "{stderr}"
    );

    // The endpoint asks for a client certificate.
    let cfg = keys(&format!("tls_ca = \"{}\"", tls_fixture("ca.pem").display()));
    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(bodies.lock().unwrap().is_empty());
    assert!(stderr.to_lowercase().contains("certificate"), "{stderr}");

    let cfg = keys(&format!(
        "tls_ca = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"",
        tls_fixture("ca.pem").display(),
        tls_fixture("client.pem").display(),
        tls_fixture("client-key.pem").display()
    ));
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert!(ndjson(&out).is_empty(), "records go to the endpoint only");
    assert_eq!(ids(&bodies.lock().unwrap()).len(), 3);
}

/// Request bodies an endpoint received, oldest first.
type Bodies = std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// An endpoint that keeps connections open and answers every request
/// `200` with the JSON body `answer` gives for it (the request's number,
/// from 0, and its body), as Elasticsearch's bulk API or a collector
/// does; counts the connections it accepted and keeps the request bodies.
fn keep_alive_endpoint(
    answer: impl Fn(usize, &[u8]) -> String + Send + Sync + 'static,
) -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    Bodies,
) {
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ingest", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (count, kept) = (connections.clone(), bodies.clone());
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let (kept, answer) = (kept.clone(), answer.clone());
            std::thread::spawn(move || {
                while let Some((_, _, body)) = read_request(&mut stream) {
                    let text = {
                        let mut kept = kept.lock().unwrap();
                        kept.push(body.clone());
                        answer(kept.len() - 1, &body)
                    };
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        text.len()
                    );
                    if stream.write_all(head.as_bytes()).is_err()
                        || stream.write_all(text.as_bytes()).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (url, connections, bodies)
}

/// A success answer with a body is read, so the next request reuses the
/// connection instead of opening a new one per flush.
#[test]
fn answers_with_a_body_leave_the_connection_open_for_the_next_request() {
    let (site, dir) = three_articles();
    let (url, connections, bodies) = keep_alive_endpoint(|_, _| {
        format!("{{\"errors\":false,\"items\":[{}]}}", "{},".repeat(500))
    });
    let cfg = endpoint_config(dir.path(), &site, &url, &[]);
    // A flush (and so a request) per record.
    let text = std::fs::read_to_string(&cfg).unwrap() + "[worker]\nbatch_size = 1\n";
    std::fs::write(&cfg, text).unwrap();
    once_ok(&cfg);
    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(ids(&bodies).len(), 3);
    assert_eq!(bodies.len(), 3, "one request per record");
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "all three requests on one connection"
    );
}

/// `encoding = "elasticsearch"`: an `index` action with the record's id
/// before each record; a record the bulk API answers 429 for sends the
/// body again, and a mapping error stops the run without losing a record.
#[test]
fn elasticsearch_bulk_requests_are_checked_record_by_record() {
    let (site, dir) = three_articles();
    let (url, _, bodies) = keep_alive_endpoint(|n, body| {
        let ids: Vec<String> = String::from_utf8_lossy(body)
            .lines()
            .step_by(2)
            .map(|action| {
                let action: Value = serde_json::from_str(action).unwrap();
                action["index"]["_id"].as_str().unwrap().to_owned()
            })
            .collect();
        let item = |i: usize, status: u16, error: &str| {
            format!(
                "{{\"index\":{{\"_id\":\"{}\",\"status\":{status}{error}}}}}",
                ids[i]
            )
        };
        let (first, errors) = match n {
            0 => (
                item(
                    0,
                    429,
                    ",\"error\":{\"type\":\"es_rejected_execution_exception\"}",
                ),
                true,
            ),
            1 => (
                item(
                    0,
                    400,
                    ",\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse field [published]\"}",
                ),
                true,
            ),
            _ => (item(0, 201, ""), false),
        };
        format!(
            "{{\"took\":1,\"errors\":{errors},\"items\":[{first},{},{}]}}",
            item(1, 201, ""),
            item(2, 201, "")
        )
    });
    let keys = ["encoding = \"elasticsearch\"", "index = \"news\""];
    let cfg = endpoint_config(dir.path(), &site, &url, &keys);

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("mapper_parsing_exception: failed to parse field [published]"),
        "{stderr}"
    );
    let sent = bodies.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "the busy answer sent the body again");
    assert_eq!(sent[0], sent[1]);
    let lines: Vec<Value> = String::from_utf8(sent[0].clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    for pair in lines.chunks(2) {
        assert_eq!(pair[0]["index"]["_index"], "news");
        assert_eq!(pair[0]["index"]["_id"], pair[1]["id"]);
    }
    assert!(
        stderr.contains(lines[0]["index"]["_id"].as_str().unwrap()),
        "{stderr}"
    );

    // The refused records stayed pending: the next run stores all three.
    once_ok(&cfg);
    let sent = bodies.lock().unwrap().clone();
    assert_eq!(sent.len(), 3);
    assert_eq!(String::from_utf8_lossy(&sent[2]).lines().count(), 6);
}

//! `newswire extract --url` and bare URLs against a loopback server:
//! fetched pages, fetch failures as error records, private addresses refused.

use super::*;

/// Serves `responses` (raw HTTP/1.1 responses), one per connection, on
/// 127.0.0.1, and returns the base URL.
fn serve(responses: Vec<Vec<u8>>) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[test]
fn url_alone_fetches_the_page() {
    let body = gzip(b"<html><head><title>Fetched</title></head><body><article><p>Caf\xe9 news, fetched over HTTP, with gzip.</p></article></body></html>");
    let base = serve(vec![http_response(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=windows-1252"),
            ("Content-Encoding", "gzip"),
        ],
        &body,
    )]);
    let url = format!("{base}/news/story?utm_source=feed");
    let out = newswire()
        .args(["extract", "--url", &url])
        .env("NEWSWIRE_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["title"], "Fetched");
    assert_eq!(recs[0]["http"]["status"], 200);
    assert_eq!(recs[0]["http"]["charset"], "windows-1252");
    assert_eq!(recs[0]["canonical_url"], format!("{base}/news/story"));
    assert!(recs[0]["text"].as_str().unwrap().contains("Café news"));
}

#[test]
fn url_fetch_failure_is_an_error_record() {
    let base = serve(vec![http_response("404 Not Found", &[], b"gone")]);
    let url = format!("{base}/missing");
    let out = newswire()
        .args(["extract", "--url", &url])
        .env("NEWSWIRE_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["status"], "error");
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains("404"));
}

#[test]
fn private_addresses_are_refused_by_default() {
    let base = serve(vec![http_response("200 OK", &[], b"<p>internal</p>")]);
    let port = base.rsplit(':').next().unwrap().to_owned();
    // An IP literal, and a host name that resolves to loopback.
    for url in [
        format!("{base}/admin"),
        format!("http://localhost:{port}/admin"),
    ] {
        let out = newswire()
            .args(["extract", "--url", &url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let recs = records(&out.stdout);
        let warning = recs[0]["warnings"][0].as_str().unwrap();
        assert!(
            warning.contains("allow_private_addresses"),
            "{url}: {warning}"
        );
    }
}

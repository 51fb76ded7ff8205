//! Unit tests of the HTTP sink: request bodies and their framing, and
//! which answers are transient.

use super::*;

fn sink(encoding: HttpEncoding, max_request_bytes: usize) -> HttpSink {
    let cfg: HttpSinkConfig = toml::from_str(&format!(
        "url = \"http://127.0.0.1:9/ingest\"\nmax_request_bytes = {max_request_bytes}\nencoding = \"{}\"",
        match encoding {
            HttpEncoding::Ndjson => "ndjson",
            HttpEncoding::Json => "json",
            HttpEncoding::Elasticsearch => "elasticsearch\"\nindex = \"news",
        }
    ))
    .unwrap();
    HttpSink::new(&cfg, CancellationToken::new()).unwrap()
}

fn joined(chunks: &Chunks) -> Vec<u8> {
    chunks.parts.concat()
}

#[test]
fn compressed_bodies_come_in_pieces_and_inflate_to_the_records() {
    let mut body = Chunks::default();
    let mut rng = 7u64;
    for _ in 0..2000 {
        // Bytes that do not compress much, so there are many pieces.
        let part: Vec<u8> = (0..100)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng as u8
            })
            .collect();
        body.push(Bytes::from(part));
    }
    let gz = body.compressed(Compression::Gzip).unwrap();
    assert!(gz.parts.len() > 2);
    assert!(gz.parts.iter().all(|p| p.len() <= COMPRESSED_PIECE));
    assert_eq!(gz.len, gz.parts.iter().map(Bytes::len).sum::<usize>());
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&joined(&gz)[..]),
        &mut inflated,
    )
    .unwrap();
    assert_eq!(inflated, joined(&body));
    let zst = body.compressed(Compression::Zstd).unwrap();
    assert_eq!(zstd::decode_all(&joined(&zst)[..]).unwrap(), joined(&body));
}

fn record(n: usize) -> Vec<u8> {
    format!("{{\"id\":\"{n:04}\",\"text\":\"{}\"}}", "x".repeat(80)).into_bytes()
}

#[test]
fn bodies_are_split_before_max_request_bytes_and_keep_whole_records() {
    let mut sink = sink(HttpEncoding::Ndjson, 1024);
    for n in 0..40 {
        sink.push("id", record(n));
    }
    sink.seal();
    assert!(sink.sealed.len() > 1);
    let mut seen = Vec::new();
    for body in &sink.sealed {
        assert!(body.len <= 1024, "{}", body.len);
        let body = joined(body);
        let text = std::str::from_utf8(&body).unwrap();
        assert!(text.ends_with('\n'));
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            seen.push(v["id"].as_str().unwrap().to_owned());
        }
    }
    let expected: Vec<String> = (0..40).map(|n| format!("{n:04}")).collect();
    assert_eq!(seen, expected, "every record once, in order");
}

#[test]
fn bulk_bodies_pair_each_record_with_its_action_within_the_limit() {
    let mut sink = sink(HttpEncoding::Elasticsearch, 2048);
    for n in 0..40 {
        sink.push(&format!("{n:04}"), record(n));
    }
    sink.seal();
    assert!(sink.sealed.len() > 1);
    let mut seen = 0;
    for body in &sink.sealed {
        assert!(body.len <= 2048, "{}", body.len);
        let body = joined(body);
        let lines: Vec<&str> = std::str::from_utf8(&body).unwrap().lines().collect();
        for pair in lines.chunks(2) {
            let action: serde_json::Value = serde_json::from_str(pair[0]).unwrap();
            let record: serde_json::Value = serde_json::from_str(pair[1]).unwrap();
            assert_eq!(action["index"]["_index"], "news");
            assert_eq!(action["index"]["_id"], record["id"]);
            assert_eq!(record["id"], format!("{seen:04}"));
            seen += 1;
        }
    }
    assert_eq!(seen, 40, "every record once, in order");
    assert!(sink.max_record_bytes() < 2048 - 100);
}

#[test]
fn json_bodies_are_arrays_within_the_limit() {
    let mut sink = sink(HttpEncoding::Json, 1024);
    for n in 0..25 {
        sink.push("id", record(n));
    }
    sink.seal();
    let mut count = 0;
    for body in &sink.sealed {
        assert!(body.len <= 1024, "{}", body.len);
        let records: Vec<serde_json::Value> = serde_json::from_slice(&joined(body)).unwrap();
        count += records.len();
    }
    assert_eq!(count, 25);
    // A record of exactly the largest size fits a body of its own.
    let mut alone = self::sink(HttpEncoding::Json, 1024);
    let big = vec![b'1'; alone.max_record_bytes()];
    alone.push("id", big);
    alone.seal();
    assert_eq!(alone.sealed[0].len, 1024);
    assert_eq!(joined(&alone.sealed[0]).len(), 1024);
}

#[test]
fn transient_statuses_and_hints() {
    for code in [408, 429, 500, 502, 503, 504] {
        assert!(is_transient(StatusCode::from_u16(code).unwrap()), "{code}");
    }
    for code in [400, 401, 403, 404, 413, 422] {
        assert!(!is_transient(StatusCode::from_u16(code).unwrap()), "{code}");
    }
    assert!(hint(StatusCode::PAYLOAD_TOO_LARGE).contains("max_request_bytes"));
    assert!(hint(StatusCode::UNAUTHORIZED).contains("headers"));
    assert_eq!(hint(StatusCode::BAD_REQUEST), "");
}

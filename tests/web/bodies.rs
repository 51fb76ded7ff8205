//! Response bodies: slow, huge, compressed and in legacy charsets.

use std::time::Duration;

use crate::support::{
    Behaviour, Response, Site, article, config_with, dead_letters, gzip, once, rss, status,
};
use crate::{reason, record};

#[test]
fn slow_bodies_fail_on_the_timeouts_and_the_run_completes() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let page = article("Harbour plan approved", "Alpha.");
    // Timeouts: read 1 s, total 3 s. Trickles steadily (never silent for
    // long) but would take ~6 s in all.
    site.respond(
        "/trickle",
        Response::new(200, &[], &page).with(Behaviour::Slow {
            chunk: page.len() / 20,
            pause: Duration::from_millis(300),
        }),
    );
    // Goes silent longer than the read timeout.
    site.respond(
        "/stall",
        Response::new(200, &[], &page).with(Behaviour::Slow {
            chunk: page.len() / 2,
            pause: Duration::from_secs(5),
        }),
    );
    // Sends nothing at all, not even headers, for longer than the read timeout.
    site.respond(
        "/silent",
        Response::new(200, &[], &page).with(Behaviour::Silent(Duration::from_secs(5))),
    );
    site.set(
        "/fine",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/trickle", "/stall", "/silent", "/fine"]),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[
            ("timeout", "\"3s\""),
            ("read_timeout", "\"1s\""),
            ("per_host_concurrency", "5"),
        ],
        &["/feed.xml"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    record(&recs, "/fine");
    assert!(stderr.contains("1 written, 3 failed"), "{stderr}");
    let dead = dead_letters(dir.path());
    for path in ["/trickle", "/stall", "/silent"] {
        let why = reason(&dead, path);
        assert!(why.contains(&site.url(path)), "{why}");
        assert!(why.contains("timed out"), "{why}");
    }
    let total = reason(&dead, "/trickle");
    assert!(total.contains("fetch.timeout"), "{total}");
    for path in ["/stall", "/silent"] {
        let read = reason(&dead, path);
        assert!(read.contains("fetch.read_timeout"), "{read}");
    }
    assert!(status(&cfg).contains("1 delivered, 3 dead-lettered, 0 pending"));
}

#[test]
fn huge_bodies_and_compression_bombs_are_aborted_at_the_cap() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let cap = 100_000usize;
    let mut huge = article("Too long", "Lima.");
    huge.resize(cap * 10, b' ');
    // Declares its length up front.
    site.set("/declared", 200, &[], &huge);
    // No length: the body just keeps coming until the connection closes.
    site.respond(
        "/streamed",
        Response::new(200, &[], &huge).with(Behaviour::NoLength),
    );
    // ~10 KB on the wire, 5 MB once decompressed.
    let mut bomb = article("Bomb", "Mike.");
    bomb.resize(5 * 1024 * 1024, b' ');
    let bomb = gzip(&bomb);
    assert!(bomb.len() < cap);
    site.set("/bomb", 200, &[("Content-Encoding", "gzip")], &bomb);
    // Under the cap after decompression: fine.
    site.set(
        "/small",
        200,
        &[("Content-Encoding", "gzip")],
        &gzip(&article("Bridge closes for repairs", "Bravo.")),
    );
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/declared", "/streamed", "/bomb", "/small"]),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[("max_body_bytes", &cap.to_string()), ("retries", "2")],
        &["/feed.xml"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert_eq!(
        record(&recs, "/small")["title"],
        "Bridge closes for repairs"
    );
    let dead = dead_letters(dir.path());
    for path in ["/declared", "/streamed", "/bomb"] {
        let why = reason(&dead, path);
        assert!(
            why.contains("exceeds the 100000-byte limit (fetch.max_body_bytes)"),
            "{why}"
        );
        // Too large is final: not retried.
        assert_eq!(site.hits(path), 1, "{path}");
    }
    assert!(status(&cfg).contains("1 delivered, 3 dead-lettered, 0 pending"));
}

#[test]
fn compressed_feed_and_pages_are_decoded() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/a",
        200,
        &[("Content-Encoding", "gzip"), ("Content-Type", "text/html")],
        &gzip(&article("Harbour plan approved", "Alpha.")),
    );
    site.set(
        "/feed.xml",
        200,
        &[("Content-Encoding", "gzip"), ("ETag", "\"z1\"")],
        &gzip(&rss(&site.base, &["/a"])),
    );
    site.set(
        "/z",
        200,
        &[("Content-Encoding", "zstd")],
        &zstd::encode_all(&article("Bridge closes for repairs", "Bravo.")[..], 3).unwrap(),
    );
    site.set(
        "/news.json",
        200,
        &[("Content-Encoding", "zstd"), ("Content-Type", "application/feed+json")],
        &zstd::encode_all(
            format!(r#"{{"version":"https://jsonfeed.org/version/1","title":"Z","items":[{{"id":"z","url":"{}"}}]}}"#, site.url("/z")).as_bytes(),
            3,
        )
        .unwrap(),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml", "/news.json"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 2, "{stderr}");
    assert_eq!(record(&recs, "/z")["title"], "Bridge closes for repairs");
    let a = record(&recs, "/a");
    assert_eq!(a["title"], "Harbour plan approved");
    assert!(a["text"].as_str().unwrap().contains("harbour plan"));
    assert_eq!(a["feed"]["title"], "Test feed");
    let asked = site.requests("/a");
    let accept = asked[0].get("accept-encoding").cloned().unwrap_or_default();
    assert!(
        accept.contains("gzip") && accept.contains("zstd"),
        "{accept}"
    );
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("2 not modified"), "{stderr}");
    assert!(status(&cfg).contains("2 delivered, 0 dead-lettered"));
}

#[test]
fn legacy_charsets_become_the_right_text() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let para = "Caf\u{e9} owners said \u{201c}the harbour plan\u{201d} will bring visitors, \
                and the na\u{ef}ve hope of a quick build was gone by the second meeting of the council.";
    let page = |head: &str, title: &str| {
        format!(
            "<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>\
             <p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
        )
    };
    let w1252 = encode(
        encoding_rs::WINDOWS_1252,
        &page("", "Cr\u{e8}me br\u{fb}l\u{e9}e"),
    );
    site.set(
        "/header",
        200,
        &[("Content-Type", "text/html; charset=windows-1252")],
        &w1252,
    );
    let latin1 = encode(
        encoding_rs::WINDOWS_1252,
        &page(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
            "Se\u{f1}or Mu\u{f1}oz",
        ),
    );
    site.set("/meta", 200, &[("Content-Type", "text/html")], &latin1);
    let japanese =
        "\u{6e2f}\u{6e7e}\u{8a08}\u{753b}\u{304c}\u{627f}\u{8a8d}\u{3055}\u{308c}\u{305f}";
    let ja_para = "\u{6e2f}\u{6e7e}\u{306e}\u{5de5}\u{4e8b}\u{306f}\u{6765}\u{6625}\u{306b}\u{59cb}\u{307e}\u{308a}\u{3001}\u{5e02}\u{8b70}\u{4f1a}\u{306f}\u{8cbb}\u{7528}\u{306b}\u{3064}\u{3044}\u{3066}\u{8b70}\u{8ad6}\u{3057}\u{305f}\u{3002}";
    let sjis = encode(
        encoding_rs::SHIFT_JIS,
        &format!(
            "<html><head><meta charset=\"Shift_JIS\"><title>{japanese}</title></head><body><article>\
         <h1>{japanese}</h1><p>{ja_para}</p><p>{ja_para}</p><p>{ja_para}</p></article></body></html>"
        ),
    );
    site.set("/sjis", 200, &[], &sjis);
    // A feed in ISO-8859-1, declared in its XML declaration.
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel>\
         <title>Nouvelles \u{e0} la une</title>\
         <item><title>Cr\u{e8}me</title><link>{b}/header</link></item>\
         <item><link>{b}/meta</link></item><item><link>{b}/sjis</link></item>\
         </channel></rss>",
        b = site.base
    );
    let feed = encode(encoding_rs::WINDOWS_1252, &feed);
    site.set("/feed.xml", 200, &[], &feed);
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 3, "{stderr}");

    let header = record(&recs, "/header");
    assert_eq!(header["title"], "Cr\u{e8}me br\u{fb}l\u{e9}e");
    assert_eq!(header["http"]["charset"], "windows-1252");
    assert_eq!(header["feed"]["title"], "Nouvelles \u{e0} la une");
    assert_eq!(header["feed"]["entry_title"], "Cr\u{e8}me");
    let meta = record(&recs, "/meta");
    assert_eq!(meta["title"], "Se\u{f1}or Mu\u{f1}oz");
    let sjis = record(&recs, "/sjis");
    assert_eq!(sjis["title"], japanese);
    assert_eq!(sjis["http"]["charset"], "shift_jis");
    let text = sjis["text"].as_str().unwrap();
    assert!(text.contains(ja_para), "{text}");
    for r in [header, meta] {
        let text = r["text"].as_str().unwrap();
        assert!(
            text.contains("Caf\u{e9} owners said \u{201c}the harbour plan\u{201d}"),
            "{text}"
        );
        assert!(!text.contains('\u{fffd}'), "{text}");
    }
}

/// `text` in `encoding` (every character must be representable).
fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text} in {}", encoding.name());
    bytes.into_owned()
}

#[test]
fn pages_that_cannot_be_read_go_to_the_dead_letter() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/empty", 200, &[("Content-Type", "text/html")], b"");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.resize(2048, 0);
    site.set("/image", 200, &[("Content-Type", "image/png")], &png);
    site.set("/ok", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/empty", "/image", "/ok"]),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert_eq!(record(&recs, "/ok")["status"], "ok");
    let dead = dead_letters(dir.path());
    let empty = reason(&dead, "/empty");
    assert!(empty.contains("input is empty"), "{empty}");
    let image = reason(&dead, "/image");
    assert!(image.contains("binary"), "{image}");
    assert!(image.contains(&site.url("/image")), "{image}");
    assert!(status(&cfg).contains("1 delivered, 2 dead-lettered, 0 pending"));
}

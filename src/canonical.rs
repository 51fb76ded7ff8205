//! Canonical article URLs and the stable ids derived from them.
//!
//! The same article reaches newswire under many URLs: with `utm_*` tracking
//! parameters, with a `#fragment`, with an upper-case host. Identity must not
//! depend on any of that, and it must not depend on feed GUIDs either (feeds
//! change them). So an article's id is a hash of its canonical URL:
//!
//! - scheme and host lower-cased (the `url` crate does this), default port dropped,
//! - fragment removed,
//! - tracking parameters removed ([`is_tracking_param`]), the rest kept in order,
//! - an empty query (`?`) removed.
//!
//! Paths are kept as they are: `/a` and `/a/` can be different pages.

use sha2::{Digest, Sha256};
use url::Url;

/// Query parameters that only say how a reader arrived, never what they read.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "igshid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wt_mc",
    "wt.mc_id",
    "cmpid",
    "ocid",
    "ncid",
    "sr_share",
    "smid",
    "soc_src",
    "soc_trk",
    "ito",
    "at_medium",
    "at_campaign",
    "rss",
    "ref_src",
    "s_cid",
    "__twitter_impression",
];

/// Parameter name prefixes that are tracking by convention.
const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "ga_", "hmb_", "__hs", "_ga"];

/// True when the query parameter `name` is tracking noise, not content.
pub fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str())
        || TRACKING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Normalizes `url` into its canonical form (see the module docs).
pub fn canonicalize(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    if out.query().is_some() {
        let kept: Vec<(String, String)> = out
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            out.set_query(None);
        } else {
            out.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    out
}

/// The stable record id for a canonical URL: 32 hex digits of its SHA-256.
///
/// 128 bits keep collisions out of reach for any realistic archive while
/// staying short enough to be a JetStream message id and a file-name part.
pub fn article_id(canonical: &str) -> String {
    digest_id(canonical.as_bytes())
}

/// The record id of a page with no URL (a file given to `extract`): a hash of
/// its bytes, so the same file always gets the same id.
pub fn content_id(bytes: &[u8]) -> String {
    let mut tagged = Vec::with_capacity(bytes.len() + 8);
    tagged.extend_from_slice(b"content:");
    tagged.extend_from_slice(bytes);
    digest_id(&tagged)
}

fn digest_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    hex(&digest[..16])
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonicalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn removes_tracking_and_fragment() {
        assert_eq!(
            canon("https://Example.COM:443/news/a?utm_source=x&id=7&fbclid=1#top"),
            "https://example.com/news/a?id=7"
        );
    }

    #[test]
    fn drops_query_made_empty() {
        assert_eq!(
            canon("http://example.com/a?utm_medium=rss&gclid=2"),
            "http://example.com/a"
        );
    }

    #[test]
    fn keeps_content_params_in_order() {
        assert_eq!(
            canon("http://example.com/a?b=2&a=1"),
            "http://example.com/a?b=2&a=1"
        );
    }

    #[test]
    fn id_is_stable_and_distinguishes() {
        let a = article_id("https://example.com/a");
        assert_eq!(a.len(), 32);
        assert_eq!(a, article_id("https://example.com/a"));
        assert_ne!(a, article_id("https://example.com/b"));
    }
}

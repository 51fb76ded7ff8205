//! Elasticsearch's (and OpenSearch's) `_bulk` API for the HTTP sink
//! (`encoding = "elasticsearch"`): an `index` action line before each
//! record, and the answer read item by item.
//!
//! The bulk API answers `200` even when some records failed, listing each
//! one's status, so a 2xx alone does not make the records delivered. A
//! failure that may pass (429 when the cluster is busy, 5xx) sends the
//! body again, as a failed request does; the `_id` is the record's, so a
//! record the first attempt stored is replaced, not repeated. Any other
//! failure (a mapping error) stops the run, naming the record and the
//! reason.

use serde::Deserialize;

/// The largest bulk answer read: about 200 bytes per record, so tens of
/// thousands of records.
pub const MAX_ANSWER: usize = 32 * 1024 * 1024;

/// The action line that stores a record under its `id` in `index`,
/// newline included.
pub fn action(index: &str, id: &str) -> Vec<u8> {
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    format!(
        "{{\"index\":{{\"_index\":{},\"_id\":{}}}}}\n",
        quote(index),
        quote(id)
    )
    .into_bytes()
}

/// The bytes an action line adds to a record of `id`, beyond the index's
/// own: the most [`action`] can take with escapes.
pub fn action_overhead(index: &str) -> usize {
    // `{"index":{"_index":"…","_id":"…"}}\n`, an id of 32 hex digits (or
    // 64 for a content hash) and an index escaped at worst 6 bytes a byte.
    40 + 64 + index.len() * 6
}

/// What a bulk answer says about the records of its request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every record was stored.
    Stored,
    /// Some records failed in a way that may pass: send the body again.
    Busy(String),
    /// Some records were refused: sending them again would not help.
    Rejected(String),
}

#[derive(Deserialize)]
struct Answer {
    errors: bool,
    #[serde(default)]
    items: Vec<std::collections::HashMap<String, Item>>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "_id", default)]
    id: Option<String>,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// Reads a 2xx bulk answer. `Err` when it is not one: the endpoint is no
/// bulk API, and nothing says the records were stored.
pub fn outcome(body: &[u8]) -> Result<Outcome, String> {
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| format!("the answer is not a bulk API response ({e})"))?;
    if !answer.errors {
        return Ok(Outcome::Stored);
    }
    let failed: Vec<&Item> = answer
        .items
        .iter()
        .flat_map(|actions| actions.values())
        .filter(|item| item.error.is_some() || !(200..300).contains(&item.status))
        .collect();
    let Some(first) = failed
        .iter()
        .find(|item| !busy(item.status))
        .or(failed.first())
    else {
        return Err("the answer says `errors` but lists no failed record".to_owned());
    };
    let summary = format!(
        "{} of {} records failed; record {}: {} {}",
        failed.len(),
        answer.items.len(),
        first.id.as_deref().unwrap_or("(no _id)"),
        first.status,
        reason(first.error.as_ref())
    );
    if failed.iter().all(|item| busy(item.status)) {
        Ok(Outcome::Busy(summary))
    } else {
        Ok(Outcome::Rejected(summary))
    }
}

/// A record status that may pass: the cluster was busy or failing.
fn busy(status: u16) -> bool {
    status == 429 || status >= 500
}

/// `type: reason` of an item's error.
fn reason(error: Option<&serde_json::Value>) -> String {
    let Some(error) = error else {
        return String::new();
    };
    let kind = error["type"].as_str().unwrap_or("error");
    match error["reason"].as_str() {
        Some(reason) => format!("{kind}: {reason}"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_lines_escape_and_fit_the_overhead() {
        let line = action("news\"x", "0123abcd");
        assert_eq!(
            line,
            b"{\"index\":{\"_index\":\"news\\\"x\",\"_id\":\"0123abcd\"}}\n"
        );
        let id = "f".repeat(64);
        assert!(action("news", &id).len() <= action_overhead("news"));
    }

    #[test]
    fn answers_are_stored_busy_or_rejected() {
        assert_eq!(
            outcome(br#"{"took":3,"errors":false,"items":[]}"#),
            Ok(Outcome::Stored)
        );
        let busy = br#"{"errors":true,"items":[
            {"index":{"_id":"a","status":201}},
            {"index":{"_id":"b","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}}]}"#;
        assert_eq!(
            outcome(busy),
            Ok(Outcome::Busy(
                "1 of 2 records failed; record b: 429 es_rejected_execution_exception: queue full"
                    .to_owned()
            ))
        );
        let rejected = br#"{"errors":true,"items":[
            {"index":{"_id":"a","status":429,"error":{"type":"es_rejected_execution_exception"}}},
            {"index":{"_id":"b","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [published]"}}}]}"#;
        let Ok(Outcome::Rejected(why)) = outcome(rejected) else {
            panic!("a 400 item is a rejection");
        };
        assert!(
            why.contains(
                "record b: 400 mapper_parsing_exception: failed to parse field [published]"
            ),
            "{why}"
        );
        assert!(
            outcome(b"ok")
                .unwrap_err()
                .contains("not a bulk API response")
        );
    }
}

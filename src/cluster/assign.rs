//! Which worker polls which feed: rendezvous (highest random weight)
//! hashing over the live workers.
//!
//! Every worker computes the same answer from the same member list, with no
//! messages between them, and when a worker joins or leaves only the feeds
//! it wins or held move; the rest stay where their validators and schedule
//! are. The weight is SHA-256, not `std`'s hasher, because workers built by
//! different compilers must agree.

use sha2::{Digest, Sha256};

/// The member that polls `feed`, or `None` when there are no members.
pub fn owner<'a>(feed: &str, members: &'a [String]) -> Option<&'a str> {
    members
        .iter()
        .max_by_key(|m| (weight(m, feed), m.as_str()))
        .map(String::as_str)
}

/// The pseudo-random weight of `member` for `feed`.
fn weight(member: &str, feed: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(member.as_bytes());
    h.update([0]);
    h.update(feed.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn feeds() -> Vec<String> {
        (0..3000)
            .map(|i| format!("https://site{}.example/feed.xml", i))
            .collect()
    }

    #[test]
    fn no_members_no_owner_one_member_owns_all() {
        assert_eq!(owner("https://a.example/feed", &[]), None);
        let one = members(&["w1"]);
        assert!(feeds().iter().all(|f| owner(f, &one) == Some("w1")));
    }

    #[test]
    fn feeds_spread_evenly_and_the_order_of_members_does_not_matter() {
        let three = members(&["w1", "w2", "w3"]);
        let shuffled = members(&["w3", "w1", "w2"]);
        let mut counts = std::collections::HashMap::new();
        for f in feeds() {
            let o = owner(&f, &three).unwrap();
            assert_eq!(Some(o), owner(&f, &shuffled));
            *counts.entry(o).or_insert(0) += 1;
        }
        for (m, n) in counts {
            assert!((800..1200).contains(&n), "{m} owns {n} of 3000");
        }
    }

    #[test]
    fn a_worker_leaving_moves_only_its_own_feeds() {
        let three = members(&["w1", "w2", "w3"]);
        let two = members(&["w1", "w3"]);
        let mut moved = 0;
        for f in feeds() {
            let before = owner(&f, &three).unwrap();
            let after = owner(&f, &two).unwrap();
            if before == "w2" {
                moved += 1;
            } else {
                assert_eq!(before, after, "{f} moved though its owner stayed");
            }
        }
        assert!(moved > 0);
    }
}

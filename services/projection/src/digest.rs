//! The digest: a SHA-256 over a canonical writing of the projection.
//!
//! It covers every ward's record and counters, every counted citizen and the totals, in a fixed
//! order, so it depends only on the messages applied — not on batch sizes, threads or where the
//! messages were read from. The stream position is not part of it.

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::Projection;

/// A projection's digest, as 64 lowercase hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digest(pub String);

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Projection {
    /// The digest of the projection.
    pub fn digest(&self) -> Digest {
        let mut hasher = Sha256::new();
        let mut line = String::new();
        let feed = |hasher: &mut Sha256, line: &mut String| {
            line.push('\n');
            hasher.update(line.as_bytes());
            line.clear();
        };
        for (code, ward) in self.wards_sorted() {
            let meta = canonical(&ward.meta);
            let _ = write!(line, "ward {code} {meta}");
            feed(&mut hasher, &mut line);
            for (day, counters) in &ward.days {
                let counters = canonical(counters);
                let _ = write!(line, "day {code} {day} {counters}");
                feed(&mut hasher, &mut line);
            }
        }
        for (province, citizen, flags) in self.citizens_sorted() {
            let _ = write!(line, "citizen {province} {citizen} {flags}");
            feed(&mut hasher, &mut line);
        }
        let totals = canonical(&self.totals);
        let _ = write!(line, "totals {totals}");
        feed(&mut hasher, &mut line);
        let bytes = hasher.finalize();
        Digest(bytes.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }))
    }
}

/// The JSON of a piece of state: maps with string keys and plain fields, so writing cannot fail.
fn canonical<T: Serialize>(value: &T) -> String {
    #[allow(clippy::expect_used)]
    serde_json::to_string(value).expect("projection state is plain JSON with string keys")
}

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
        // Millions of lines: written by hand, the same bytes as `citizen {province} {ref:032x}
        // {flags}`, and hashed in large pieces (the hash of the whole is the same).
        let mut lines = Vec::with_capacity(1 << 16);
        self.each_province_citizens_sorted(|province, refs| {
            let province = province.get();
            for (citizen, flags) in refs {
                citizen_line(&mut lines, province, *citizen, *flags);
                if lines.len() >= (1 << 16) - 64 {
                    hasher.update(&lines);
                    lines.clear();
                }
            }
        });
        hasher.update(&lines);
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

/// Appends `citizen PP HHHH…(32) F\n`.
fn citizen_line(out: &mut Vec<u8>, province: u8, citizen: u128, flags: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"citizen ");
    out.push(b'0' + province / 10);
    out.push(b'0' + province % 10);
    out.push(b' ');
    for byte in citizen.to_be_bytes() {
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    }
    out.push(b' ');
    if flags >= 100 {
        out.push(b'0' + flags / 100);
    }
    if flags >= 10 {
        out.push(b'0' + flags / 10 % 10);
    }
    out.push(b'0' + flags % 10);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::citizen_line;
    use ehb_proto::{CitizenRef, ProvinceCode};

    #[test]
    fn a_citizen_line_is_the_formatted_one() {
        for (province, citizen, flags) in [
            (1, 0u128, 0u8),
            (31, u128::MAX, 3),
            (96, 0xabc, 255),
            (9, 1 << 100, 10),
        ] {
            let mut line = Vec::new();
            citizen_line(&mut line, province, citizen, flags);
            let expected = format!(
                "citizen {} {} {flags}\n",
                ProvinceCode::from_number(province).expect("a code"),
                CitizenRef(citizen)
            );
            assert_eq!(String::from_utf8(line).expect("text"), expected);
        }
    }
}

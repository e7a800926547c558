//! The digest: a SHA-256 over a canonical writing of the projection, built from per-province parts.
//!
//! Each province's part is a SHA-256 over its wards' records and counters and its counted
//! citizens, in a fixed order; the digest is a SHA-256 over the parts (in province order) and the
//! totals. It depends only on the messages applied — not on batch sizes, threads or where the
//! messages were read from — and province partitions can be joined: the parts of disjoint sets
//! of provinces, with their totals added up, give the digest of one projection of them all. The
//! stream position is not part of it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ehb_proto::ProvinceCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use crate::{Projection, Totals};

/// A projection's digest, as 64 lowercase hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digest(pub String);

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a digest is made of: each province's part and the totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestParts {
    /// Each province's part (64 hexadecimal digits), by province code.
    pub provinces: BTreeMap<ProvinceCode, String>,
    /// The totals over every message applied.
    pub totals: Totals,
}

/// Why digest parts cannot be joined.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JoinError {
    /// Two partitions both hold a province, so their totals would count it twice.
    #[error("province {0} is in two partitions; each province must be folded by one")]
    ProvinceTwice(ProvinceCode),
}

impl DigestParts {
    /// Adds the parts of another partition (disjoint provinces) to these.
    pub fn join(&mut self, other: DigestParts) -> Result<(), JoinError> {
        for (province, part) in other.provinces {
            if self.provinces.insert(province, part).is_some() {
                return Err(JoinError::ProvinceTwice(province));
            }
        }
        self.totals.add_all(&other.totals);
        Ok(())
    }

    /// The digest these parts make.
    pub fn digest(&self) -> Digest {
        let mut hasher = Sha256::new();
        for (province, part) in &self.provinces {
            hasher.update(format!("province {province} {part}\n").as_bytes());
        }
        hasher.update(format!("totals {}\n", canonical(&self.totals)).as_bytes());
        Digest(hex(&hasher.finalize()))
    }
}

impl Projection {
    /// The digest of the projection.
    pub fn digest(&self) -> Digest {
        self.digest_parts().digest()
    }

    /// The digest's parts: each province's and the totals.
    pub fn digest_parts(&self) -> DigestParts {
        let mut hashers: BTreeMap<ProvinceCode, Sha256> = BTreeMap::new();
        let mut line = String::new();
        for (code, ward) in self.wards_sorted() {
            let hasher = hashers.entry(ward.meta.province).or_default();
            let meta = canonical(&ward.meta);
            let _ = writeln!(line, "ward {code} {meta}");
            for (day, counters) in &ward.days {
                let counters = canonical(counters);
                let _ = writeln!(line, "day {code} {day} {counters}");
            }
            hasher.update(line.as_bytes());
            line.clear();
        }
        // Millions of lines: written by hand, the same bytes as `citizen {province} {ref:032x}
        // {flags}`, and hashed in large pieces (the hash of the whole is the same).
        let mut lines = Vec::with_capacity(1 << 16);
        self.each_province_citizens_sorted(|province, refs| {
            if refs.is_empty() {
                return;
            }
            let hasher = hashers.entry(province).or_default();
            for (citizen, flags) in refs {
                citizen_line(&mut lines, province.get(), *citizen, *flags);
                if lines.len() >= (1 << 16) - 64 {
                    hasher.update(&lines);
                    lines.clear();
                }
            }
            hasher.update(&lines);
            lines.clear();
        });
        DigestParts {
            provinces: hashers
                .into_iter()
                .map(|(province, hasher)| (province, hex(&hasher.finalize())))
                .collect(),
            totals: self.totals.clone(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
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

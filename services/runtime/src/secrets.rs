//! Access files that name secrets by their SHA-256: the hash itself, and reading the TOML so
//! that an error never repeats the file's text (a line may hold a secret).

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};
use thiserror::Error;

/// Why an access file cannot be used. No variant repeats the file's text: a line may hold a
/// secret.
#[derive(Debug, Error)]
pub enum AccessFileError {
    /// It cannot be read.
    #[error("the access file {path} cannot be read: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system reported.
        #[source]
        source: std::io::Error,
    },
    /// It is not TOML of its shape (the line is named).
    #[error("the access file {path} is not valid: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, and on which line.
        reason: String,
    },
    /// One of its entries breaks a rule.
    #[error("the access file {path}, {entry}: {reason}")]
    Entry {
        /// The file.
        path: String,
        /// The entry, as the file names it (`publisher "vss"`, `pseudonym_key`).
        entry: String,
        /// Which rule it breaks.
        reason: String,
    },
}

/// The text of the access file at `path`, and the path as errors name it.
pub fn read_access_file(path: &Path) -> Result<(String, String), AccessFileError> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((shown, text)),
        Err(source) => Err(AccessFileError::Io {
            path: shown,
            source,
        }),
    }
}

/// An access file's text (`path` names it in errors) read as `T`.
pub fn parse_access_file<T: DeserializeOwned>(
    path: &str,
    text: &str,
) -> Result<T, AccessFileError> {
    parse_toml(text).map_err(|reason| AccessFileError::Invalid {
        path: path.to_owned(),
        reason,
    })
}

/// What an access file grants, by the SHA-256 of the secret that holds it.
#[derive(Debug, Clone)]
pub struct BySecret<V> {
    by_hash: HashMap<[u8; 32], V>,
}

impl<V> Default for BySecret<V> {
    fn default() -> Self {
        BySecret {
            by_hash: HashMap::new(),
        }
    }
}

impl<V> BySecret<V> {
    /// Adds what the secret whose SHA-256 is `hash` grants; false when that secret is listed
    /// already.
    pub fn insert(&mut self, hash: [u8; 32], value: V) -> bool {
        match self.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }

    /// What `secret` grants, if it is listed.
    pub fn get(&self, secret: &str) -> Option<&V> {
        self.by_hash.get(&secret_sha256(secret))
    }

    /// Everything granted, in no order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.by_hash.values()
    }
}

/// The SHA-256 of a secret (an API key, an official's token), as access files keep it.
pub fn secret_sha256(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// A SHA-256 written as 64 hexadecimal digits, or `None`.
pub fn parse_sha256_hex(text: &str) -> Option<[u8; 32]> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash).ok().map(|()| hash)
}

/// Reads a TOML document; an error says the line and the parser's message, without the excerpt
/// of the line the parser would quote.
pub fn parse_toml<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e: toml::de::Error| match e.span() {
        Some(span) => format!(
            "line {}: {}",
            text[..span.start.min(text.len())].lines().count().max(1),
            e.message()
        ),
        None => e.message().to_owned(),
    })
}

/// The credentials of an `Authorization` header of the Bearer scheme, whose name is
/// case-insensitive (RFC 7235): `Bearer x`, `bearer x` and `BEARER x` all give `x`.
pub fn bearer_credentials(header: &str) -> Option<&str> {
    let (scheme, credentials) = header.trim_start().split_once(' ')?;
    let credentials = credentials.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !credentials.is_empty()).then_some(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_read_back_and_errors_name_the_line_only() {
        let hash = secret_sha256("abc");
        assert_eq!(
            hex::encode(hash),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(parse_sha256_hex(&hex::encode(hash)), Some(hash));
        assert_eq!(parse_sha256_hex("00"), None);
        #[derive(serde::Deserialize, Debug)]
        struct File {
            #[allow(dead_code)]
            key: u32,
        }
        let err = parse_toml::<File>("\n\nkey = \"secret-value\n").expect_err("unterminated");
        assert!(err.starts_with("line 3: "), "{err}");
        assert!(!err.contains("secret-value"), "{err}");
    }

    #[test]
    fn the_bearer_scheme_is_named_in_any_case() {
        use super::bearer_credentials;
        for header in ["Bearer k1", "bearer k1", "BEARER  k1 ", " Bearer k1"] {
            assert_eq!(bearer_credentials(header), Some("k1"), "{header:?}");
        }
        for header in ["Basic k1", "Bearer", "Bearer ", "Bearerk1", "k1"] {
            assert_eq!(bearer_credentials(header), None, "{header:?}");
        }
    }

    #[test]
    fn secrets_are_found_by_their_hash_once_each() {
        use super::{BySecret, secret_sha256};
        let mut granted = BySecret::default();
        assert!(granted.insert(secret_sha256("k1"), "vss"));
        assert!(!granted.insert(secret_sha256("k1"), "c06"));
        assert_eq!(granted.get("k1"), Some(&"vss"));
        assert_eq!(granted.get("k2"), None);
        assert_eq!(granted.values().count(), 1);
    }

    #[test]
    fn a_missing_access_file_keeps_the_system_s_cause() {
        use super::{AccessFileError, read_access_file};
        let err = read_access_file(std::path::Path::new("/nonexistent/access.toml"))
            .err()
            .map(|e| match e {
                AccessFileError::Io { source, .. } => source.kind(),
                _ => std::io::ErrorKind::Other,
            });
        assert_eq!(err, Some(std::io::ErrorKind::NotFound));
    }
}

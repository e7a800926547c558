//! Access files that name secrets by their SHA-256: the hash itself, and reading the TOML so
//! that an error never repeats the file's text (a line may hold a secret).

use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

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
}

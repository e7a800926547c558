//! Who may read what: officials' tokens, each bound to a scope (one ward, one province, or the
//! nation), kept as SHA-256 in an access file. Without an access file the API is open (a local
//! run); with one, every data request needs `Authorization: Bearer <token>`.
//!
//! ```toml
//! [[official]]
//! name = "UBND phường 31001"
//! scope = "ward:31001"            # or "province:31", or "national"
//! token_sha256 = "<64 hex digits>"
//! ```

use std::path::Path;

use ehb_proto::{ProvinceCode, WardCode};
use ehb_runtime::BySecret;
use serde::Deserialize;

/// What an official may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every province.
    National,
    /// One province and its wards.
    Province(ProvinceCode),
    /// One ward.
    Ward(WardCode),
}

impl Scope {
    /// Reads `national`, `province:PP` or `ward:WWWWW`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text.split_once(':') {
            None if text == "national" => Some(Scope::National),
            Some(("province", p)) => ProvinceCode::parse(p).ok().map(Scope::Province),
            Some(("ward", w)) => WardCode::parse(w).ok().map(Scope::Ward),
            _ => None,
        }
    }

    /// Whether a ward of `province` may be read.
    pub fn sees_ward(&self, ward: WardCode, province: Option<ProvinceCode>) -> bool {
        match *self {
            Scope::National => true,
            Scope::Province(p) => province == Some(p),
            Scope::Ward(w) => w == ward,
        }
    }

    /// Whether a whole province may be read (its summary, its review).
    pub fn sees_province(&self, province: ProvinceCode) -> bool {
        match *self {
            Scope::National => true,
            Scope::Province(p) => p == province,
            Scope::Ward(_) => false,
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::National => f.write_str("national"),
            Scope::Province(p) => write!(f, "province:{p}"),
            Scope::Ward(w) => write!(f, "ward:{w}"),
        }
    }
}

/// Why the access file cannot be used.
pub use ehb_runtime::AccessFileError as AccessError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    official: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    scope: String,
    token_sha256: String,
}

/// The officials who may read, by token.
#[derive(Debug, Clone, Default)]
pub struct Officials {
    by_token: BySecret<Scope>,
}

/// The SHA-256 of a token, as kept in the access file.
pub use ehb_runtime::secret_sha256 as token_hash;

impl Officials {
    /// Reads the access file.
    pub fn load(path: &Path) -> Result<Self, AccessError> {
        let (shown, text) = ehb_runtime::read_access_file(path)?;
        let file: File = ehb_runtime::parse_access_file(&shown, &text)?;
        let mut by_token = BySecret::default();
        for entry in file.official {
            let fail = |reason: &str| AccessError::Entry {
                path: shown.clone(),
                entry: format!("official {:?}", entry.name),
                reason: reason.to_owned(),
            };
            let scope = Scope::parse(&entry.scope)
                .ok_or_else(|| fail("scope must be national, province:PP or ward:WWWWW"))?;
            let hash = ehb_runtime::parse_sha256_hex(&entry.token_sha256)
                .ok_or_else(|| fail("token_sha256 must be 64 hexadecimal digits"))?;
            if !by_token.insert(hash, scope) {
                return Err(fail("the same token is listed twice"));
            }
        }
        Ok(Officials { by_token })
    }

    /// The scope of `token`, if it is one of the officials'.
    pub fn scope_of(&self, token: &str) -> Option<Scope> {
        self.by_token.get(token).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_and_see_what_they_say() {
        let p31 = ProvinceCode::parse("31").expect("code");
        let p01 = ProvinceCode::parse("01").expect("code");
        let w = WardCode::parse("31001").expect("code");
        let other = WardCode::parse("31002").expect("code");
        assert_eq!(Scope::parse("national"), Some(Scope::National));
        assert_eq!(Scope::parse("province:31"), Some(Scope::Province(p31)));
        assert_eq!(Scope::parse("ward:31001"), Some(Scope::Ward(w)));
        for bad in ["nation", "province:3", "ward:x", "ward", "province:31:1"] {
            assert_eq!(Scope::parse(bad), None, "{bad}");
        }
        let ward = Scope::Ward(w);
        assert!(ward.sees_ward(w, Some(p31)) && !ward.sees_ward(other, Some(p31)));
        assert!(!ward.sees_province(p31));
        let province = Scope::Province(p31);
        assert!(province.sees_ward(other, Some(p31)) && !province.sees_ward(w, Some(p01)));
        assert!(province.sees_province(p31) && !province.sees_province(p01));
        assert!(Scope::National.sees_province(p01));
    }

    #[test]
    fn tokens_are_found_by_their_hash() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("access.toml");
        std::fs::write(
            &path,
            format!(
                "[[official]]\nname = \"Ward\"\nscope = \"ward:31001\"\ntoken_sha256 = \"{}\"\n",
                hex::encode(token_hash("t-ward"))
            ),
        )
        .expect("written");
        let officials = Officials::load(&path).expect("valid");
        assert_eq!(
            officials.scope_of("t-ward"),
            Some(Scope::Ward(WardCode::parse("31001").expect("code")))
        );
        assert_eq!(officials.scope_of("t-other"), None);
        std::fs::write(
            &path,
            "[[official]]\nname = \"x\"\nscope = \"city:1\"\ntoken_sha256 = \"00\"\n",
        )
        .expect("written");
        let err = Officials::load(&path).expect_err("invalid scope");
        assert!(err.to_string().contains("scope must be"), "{err}");
    }
}

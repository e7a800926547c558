//! Who may publish what: API keys (kept as SHA-256), each bound to a source, event types and
//! optionally provinces; and the key that pseudonymises citizens.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use ehb_proto::{Event, EventType, ProvinceCode};
use ehb_runtime::BySecret;
use rand::RngCore;
use serde::Deserialize;

use ehb_proto::PseudonymKey;

/// Why the access file cannot be used.
pub use ehb_runtime::AccessFileError as AccessError;

/// The file's shape.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    pseudonym_key: String,
    #[serde(default, rename = "publisher")]
    publishers: Vec<PublisherEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublisherEntry {
    name: String,
    source: String,
    key_sha256: String,
    types: Vec<String>,
    #[serde(default)]
    provinces: Option<Vec<String>>,
}

/// An upstream system allowed to publish, as its API key identifies it.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// A readable name, for logs and metrics.
    pub name: String,
    /// The `source` its events must carry.
    pub source: String,
    /// The event types it may publish.
    pub types: BTreeSet<EventType>,
    /// The provinces it may publish for (`None`: all).
    pub provinces: Option<BTreeSet<ProvinceCode>>,
}

/// Why a publisher may not publish an event (HTTP 403), naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    /// The envelope field at fault.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

impl Publisher {
    /// Whether this publisher may publish `event`.
    pub fn permits(&self, event: &Event<'_>) -> Result<(), Forbidden> {
        if !self.types.contains(&event.kind()) {
            let types: Vec<&str> = self.types.iter().map(|t| t.as_str()).collect();
            return Err(Forbidden {
                field: "type",
                reason: format!("this API key may publish {} only", types.join(", ")),
            });
        }
        if event.source.as_str() != self.source {
            return Err(Forbidden {
                field: "source",
                reason: format!("this API key publishes as source \"{}\"", self.source),
            });
        }
        if let Some(provinces) = &self.provinces
            && !provinces.contains(&event.province)
        {
            let codes: Vec<String> = provinces.iter().map(|p| p.to_string()).collect();
            return Err(Forbidden {
                field: "province",
                reason: format!(
                    "this API key may publish for province {} only",
                    codes.join(", ")
                ),
            });
        }
        Ok(())
    }
}

/// The loaded access file: publishers by key hash, and the pseudonymisation key.
pub struct Access {
    by_key: BySecret<Arc<Publisher>>,
    /// The key of the citizens' pseudonyms.
    pub pseudonym: PseudonymKey,
}

/// The SHA-256 of an API key, as kept in the access file.
pub use ehb_runtime::secret_sha256 as key_hash;

impl Access {
    /// Reads and checks the access file; `EHB_PSEUDONYM_KEY`, when set, replaces its key.
    pub fn load(path: &Path) -> Result<Self, AccessError> {
        let (shown, text) = ehb_runtime::read_access_file(path)?;
        let override_key = std::env::var("EHB_PSEUDONYM_KEY").ok();
        Access::parse(&shown, &text, override_key.as_deref())
    }

    /// Checks an access file's text (`path` names it in errors).
    pub fn parse(path: &str, text: &str, override_key: Option<&str>) -> Result<Self, AccessError> {
        let file: AccessFile = ehb_runtime::parse_access_file(path, text)?;
        let entry_error = |entry: String, reason: String| AccessError::Entry {
            path: path.to_owned(),
            entry,
            reason,
        };
        let pseudonym = PseudonymKey::from_hex(override_key.unwrap_or(&file.pseudonym_key))
            .map_err(|reason| entry_error("pseudonym_key".into(), reason.to_owned()))?;
        let mut by_key = BySecret::default();
        for entry in file.publishers {
            let fail = |reason: String| entry_error(format!("publisher {:?}", entry.name), reason);
            let hash = ehb_runtime::parse_sha256_hex(&entry.key_sha256)
                .ok_or_else(|| fail("key_sha256 must be 64 hexadecimal digits".into()))?;
            let publisher = Publisher::of(&entry).map_err(fail)?;
            if !by_key.insert(hash, Arc::new(publisher)) {
                return Err(fail("the same API key is listed twice".into()));
            }
        }
        Ok(Access { by_key, pseudonym })
    }

    /// The publisher an API key belongs to.
    pub fn publisher(&self, key: &str) -> Option<Arc<Publisher>> {
        self.by_key.get(key).cloned()
    }

    /// The configured publishers.
    pub fn publishers(&self) -> impl Iterator<Item = &Publisher> {
        self.by_key.values().map(|p| p.as_ref())
    }
}

impl Publisher {
    /// The publisher an entry of the file describes, or which of its rules the entry breaks.
    fn of(entry: &PublisherEntry) -> Result<Publisher, String> {
        ehb_proto::codes::check_source(&entry.source).map_err(|e| e.to_string())?;
        let types = entry
            .types
            .iter()
            .map(|t| t.parse::<EventType>().map_err(|e| e.to_string()))
            .collect::<Result<BTreeSet<_>, _>>()?;
        if types.is_empty() {
            return Err("types must name at least one event type".into());
        }
        let provinces = entry
            .provinces
            .as_ref()
            .map(|list| {
                list.iter()
                    .map(|p| ProvinceCode::parse(p).map_err(|e| e.to_string()))
                    .collect::<Result<BTreeSet<_>, _>>()
            })
            .transpose()?;
        Ok(Publisher {
            name: entry.name.clone(),
            source: entry.source.clone(),
            types,
            provinces,
        })
    }
}

/// The upstream sources of a new access file, with the event types each publishes.
pub const DEFAULT_SOURCES: [(&str, &str, &[&str]); 4] = [
    (
        "c06",
        "Police e-ID (C06) and the wards' police",
        &["account.activated", "card.integrated", "report.filed"],
    ),
    ("vss", "Social security (VSS)", &["card.integrated"]),
    (
        "ward-office",
        "Ward offices",
        &[
            "ward.baseline",
            "ward.opening",
            "team.formed",
            "report.filed",
        ],
    ),
    (
        "health",
        "Health facilities and regional health centres",
        &["facility.linked", "report.filed"],
    ),
];

/// A new API key: `ehb_` and 64 hexadecimal digits of randomness.
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("ehb_{}", hex::encode(bytes))
}

/// A new access file's text with a fresh pseudonymisation key and one key per source; returns
/// the text and the keys (source, key).
pub fn new_access_file() -> (String, Vec<(&'static str, String)>) {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let mut text = format!(
        "# ehb-gateway access: who may publish what, and the pseudonymisation key.\n\
         # Keep this file private. EHB_PSEUDONYM_KEY overrides pseudonym_key.\n\
         pseudonym_key = \"{}\"\n",
        hex::encode(secret)
    );
    let mut keys = Vec::new();
    for (source, name, types) in DEFAULT_SOURCES {
        let key = new_key();
        let types: Vec<String> = types.iter().map(|t| format!("\"{t}\"")).collect();
        text.push_str(&format!(
            "\n[[publisher]]\nname = \"{name}\"\nsource = \"{source}\"\nkey_sha256 = \"{}\"\ntypes = [{}]\n# provinces = [\"31\"]\n",
            hex::encode(key_hash(&key)),
            types.join(", ")
        ));
        keys.push((source, key));
    }
    (text, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_access_file_loads_and_knows_its_keys() {
        let (text, keys) = new_access_file();
        let access = Access::parse("test", &text, None).expect("valid");
        assert_eq!(access.publishers().count(), 4);
        for (source, key) in &keys {
            assert_eq!(access.publisher(key).expect("known").source, *source);
        }
        assert!(access.publisher("ehb_unknown").is_none());
        assert!(!text.contains(&keys[0].1), "the file keeps hashes only");
    }

    #[test]
    fn bad_entries_are_named() {
        let key = "a".repeat(64);
        let cases = [
            ("pseudonym_key = \"00\"\n", "pseudonym_key"),
            (
                "[[publisher]]\nname = \"x\"\nsource = \"vss\"\nkey_sha256 = \"zz\"\ntypes = [\"card.integrated\"]\n",
                "key_sha256",
            ),
            (
                "[[publisher]]\nname = \"x\"\nsource = \"vss\"\nkey_sha256 = \"K\"\ntypes = [\"card.lost\"]\n",
                "card.lost",
            ),
            (
                "[[publisher]]\nname = \"x\"\nsource = \"vss\"\nkey_sha256 = \"K\"\ntypes = []\n",
                "at least one",
            ),
            (
                "[[publisher]]\nname = \"x\"\nsource = \"vss\"\nkey_sha256 = \"K\"\ntypes = [\"card.integrated\"]\nprovinces = [\"3\"]\n",
                "province",
            ),
            ("colour = 1\n", "colour"),
            ("pseudonym_key = \"5a5a5a5a\" oops\n", "line 1"),
        ];
        for (body, expected) in cases {
            let text = if body.starts_with("pseudonym_key") {
                body.to_owned()
            } else {
                format!(
                    "pseudonym_key = \"{key}\"\n{}",
                    body.replace("\"K\"", &format!("\"{key}\""))
                )
            };
            let err = Access::parse("test", &text, None).err().expect(body);
            assert!(
                err.to_string().contains(expected),
                "{err} (expected {expected})"
            );
            assert!(
                !err.to_string().contains("5a5a5a5a"),
                "{err} repeats the key"
            );
        }
    }
}

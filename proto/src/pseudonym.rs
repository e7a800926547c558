//! The citizen's pseudonym: HMAC-SHA-256 of the personal identification number under a secret
//! key, truncated to 128 bits.

use crate::{CitizenId, CitizenRef, Pseudonymise};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret key of the pseudonyms (at least 32 bytes), ready to hash.
#[derive(Clone)]
pub struct PseudonymKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    /// A key from hexadecimal text of at least 32 bytes.
    pub fn from_hex(text: &str) -> Result<Self, &'static str> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "pseudonym_key must be hexadecimal (64 digits or more)")?;
        if bytes.len() < 32 {
            return Err("pseudonym_key must be at least 32 bytes (64 hexadecimal digits)");
        }
        let mac = Hmac::<Sha256>::new_from_slice(&bytes)
            .map_err(|_| "pseudonym_key cannot key HMAC-SHA-256")?;
        Ok(PseudonymKey { mac })
    }
}

impl Pseudonymise for PseudonymKey {
    fn citizen_ref(&self, id: CitizenId<'_>) -> CitizenRef {
        let mut mac = self.mac.clone();
        mac.update(id.digits());
        let tag = mac.finalize().into_bytes();
        let mut first = [0u8; 16];
        first.copy_from_slice(&tag[..16]);
        CitizenRef(u128::from_be_bytes(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonym_is_the_truncated_hmac() {
        // Known answer computed independently (Python: hmac.new(b"\x0b" * 32,
        // b"031204000017", hashlib.sha256).hexdigest()[:32]).
        let key = PseudonymKey::from_hex(&"0b".repeat(32)).expect("valid key");
        let id = CitizenId::parse("citizen_id", "031204000017").expect("valid id");
        assert_eq!(
            key.citizen_ref(id).to_string(),
            "e09ec4c240b2c8192ac9117d2693e009"
        );
        let other = PseudonymKey::from_hex(&"0c".repeat(32)).expect("valid key");
        assert_ne!(key.citizen_ref(id), other.citizen_ref(id));
        assert!(PseudonymKey::from_hex("00ff").is_err());
        assert!(PseudonymKey::from_hex("not hex").is_err());
    }
}

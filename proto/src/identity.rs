//! Raw personal identifiers as an upstream system may send them to the gateway, and the
//! pseudonymisation that replaces them before anything is stored.
//!
//! A raw identifier is validated here and handed to a [`Pseudonymise`] implementation; it is
//! never formatted, logged or echoed in an error (its `Debug` shows nothing of it).

use crate::{CitizenRef, ContractError};

/// The codes of the provinces where a birth can be registered, the first three digits of a
/// personal identification number (the 63 pre-2025 provinces).
const BIRTH_PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A validated 12-digit personal identification number (số định danh cá nhân).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CitizenId<'a>(&'a str);

impl std::fmt::Debug for CitizenId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CitizenId(…)")
    }
}

impl<'a> CitizenId<'a> {
    /// Checks the shape of a personal identification number; `field` names the field in errors,
    /// which never repeat the number.
    pub fn parse(field: &str, text: &'a str) -> Result<Self, ContractError> {
        let bytes = text.as_bytes();
        if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(ContractError::invalid(
                field,
                "a personal identification number is exactly 12 digits",
            ));
        }
        let province = bytes[..3]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        if BIRTH_PROVINCES.binary_search(&province).is_err() {
            return Err(ContractError::invalid(
                field,
                "the first three digits must be the code of a province of birth registration (001-096)",
            ));
        }
        Ok(CitizenId(text))
    }

    /// The twelve digits, for computing the pseudonym only.
    pub fn digits(&self) -> &'a [u8] {
        self.0.as_bytes()
    }
}

/// Computes a citizen's pseudonym from the personal identification number (a keyed hash whose
/// key only the gateway holds).
pub trait Pseudonymise {
    /// The citizen's pseudonym.
    fn citizen_ref(&self, id: CitizenId<'_>) -> CitizenRef;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_province_table_is_sorted_and_complete() {
        assert!(BIRTH_PROVINCES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(BIRTH_PROVINCES.len(), 63);
    }

    #[test]
    fn shapes_of_personal_identification_numbers() {
        assert!(CitizenId::parse("f", "031200000001").is_ok());
        assert!(CitizenId::parse("f", "096099999999").is_ok());
        for bad in [
            "",
            "03120000000",   // 11 digits
            "0312000000011", // 13 digits
            "03120000000a",
            "003200000001", // 003 is no province
            "097200000001",
            "٠٣١٢٠٠٠٠٠٠٠١", // non-ASCII digits
        ] {
            let err = CitizenId::parse("data.citizen_id", bad).expect_err(bad);
            assert_eq!(err.field(), "data.citizen_id");
            assert!(
                bad.is_empty() || !err.to_string().contains(bad),
                "the error repeats the number"
            );
        }
        assert_eq!(
            format!(
                "{:?}",
                CitizenId::parse("f", "031200000001").expect("valid")
            ),
            "CitizenId(…)"
        );
    }
}

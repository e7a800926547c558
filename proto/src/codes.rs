//! Administrative and personal reference codes: province, ward, group, citizen reference.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ContractError;

/// A province code, `01`…`96` (34 provinces since the July 2025 reform).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvinceCode(u8);

impl ProvinceCode {
    /// Parses a two-digit province code.
    pub fn parse(text: &str) -> Result<Self, ContractError> {
        let bytes = text.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(ContractError::invalid(
                "province",
                "must be a two-digit province code such as \"01\"",
            ));
        }
        let n = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if n == 0 || n > 96 {
            return Err(ContractError::invalid(
                "province",
                "must be between \"01\" and \"96\"",
            ));
        }
        Ok(ProvinceCode(n))
    }

    /// The code as a number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Builds a code from its number (1..=96).
    pub fn from_number(n: u8) -> Option<Self> {
        (1..=96).contains(&n).then_some(ProvinceCode(n))
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl TryFrom<String> for ProvinceCode {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ProvinceCode::parse(&value)
    }
}

impl From<ProvinceCode> for String {
    fn from(value: ProvinceCode) -> Self {
        value.to_string()
    }
}

/// A ward (commune-level unit) code: five digits, unique nationwide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WardCode(u32);

impl WardCode {
    /// Parses a five-digit ward code.
    pub fn parse(text: &str) -> Result<Self, ContractError> {
        let bytes = text.as_bytes();
        if bytes.len() != 5 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(ContractError::invalid(
                "ward",
                "must be a five-digit ward code such as \"31117\"",
            ));
        }
        let n = bytes
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        Ok(WardCode(n))
    }

    /// The code as a number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Builds a code from its number (0..=99999).
    pub fn from_number(n: u32) -> Option<Self> {
        (n <= 99_999).then_some(WardCode(n))
    }
}

impl fmt::Display for WardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

impl TryFrom<String> for WardCode {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        WardCode::parse(&value)
    }
}

impl From<WardCode> for String {
    fn from(value: WardCode) -> Self {
        value.to_string()
    }
}

/// Checks a residential group code (`tổ dân phố`, `thôn`, …): 1–40 of `A-Z a-z 0-9 - _`, and
/// nothing that reads as a personal identifier.
pub fn check_group(text: &str) -> Result<(), ContractError> {
    if plain_group(text.as_bytes()) {
        return Ok(());
    }
    check_token("group", text, 40)?;
    crate::screen::screen_identifiers("group", text)
}

/// Whether `code` passes both of [`check_group`]'s checks, in one pass over its bytes (nearly
/// every event names a group); the checks themselves then say why one that does not fails.
fn plain_group(code: &[u8]) -> bool {
    if code.is_empty() || code.len() > 40 {
        return false;
    }
    // The screen's rule over a token's bytes: a dash is the only separator a token can hold.
    let (mut digits, mut after_dash) = (0, false);
    for &b in code {
        if b.is_ascii_digit() {
            digits += 1;
            after_dash = false;
            if digits >= crate::screen::IDENTIFIER_DIGITS {
                return false;
            }
        } else if b == b'-' && digits > 0 && !after_dash {
            after_dash = true;
        } else if b.is_ascii_alphabetic() || b == b'-' || b == b'_' {
            digits = 0;
            after_dash = false;
        } else {
            return false;
        }
    }
    true
}

/// Checks a publisher's source name: 1–32 of `a-z 0-9 - _`.
pub fn check_source(text: &str) -> Result<(), ContractError> {
    if text.is_empty()
        || text.len() > 32
        || !text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(ContractError::invalid(
            "source",
            "must be 1 to 32 characters of a-z, 0-9, '-' or '_'",
        ));
    }
    Ok(())
}

/// Checks an identifier token such as a group or facility code: 1–`max` of `A-Z a-z 0-9 - _`.
pub fn check_token(field: &str, text: &str, max: usize) -> Result<(), ContractError> {
    if text.is_empty()
        || text.len() > max
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ContractError::invalid(
            field,
            format!("must be 1 to {max} characters of A-Z, a-z, 0-9, '-' or '_'"),
        ));
    }
    Ok(())
}

/// A citizen's pseudonym: the keyed hash of the personal identification number, 128 bits.
///
/// Written as 32 lowercase hexadecimal digits; the raw identifier never appears in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenRef(pub u128);

impl CitizenRef {
    /// Parses 32 lowercase hexadecimal digits; `field` names the field in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, ContractError> {
        let bytes = text.as_bytes();
        let digits: &[u8; 32] = bytes.try_into().map_err(|_| {
            ContractError::invalid(
                field,
                "must be a 128-bit keyed hash written as 32 lowercase hexadecimal digits",
            )
        })?;
        let n = crate::hex::thirty_two(digits).ok_or_else(|| {
            ContractError::invalid(field, "must be 32 lowercase hexadecimal digits (0-9, a-f)")
        })?;
        Ok(CitizenRef(n))
    }
}

impl fmt::Display for CitizenRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_group_passes_the_one_pass_check_exactly_when_it_passes_both_checks(
            code in "[0-9a-zA-Z_ .-]{0,42}|[0-9-]{0,20}|[^\\x00]{0,8}"
        ) {
            let both = super::check_token("group", &code, 40).is_ok()
                && crate::screen::screen_identifiers("group", &code).is_ok();
            prop_assert_eq!(super::plain_group(code.as_bytes()), both);
        }
    }

    #[test]
    fn province_codes() {
        assert_eq!(ProvinceCode::parse("01").map(ProvinceCode::get), Ok(1));
        assert_eq!(
            ProvinceCode::parse("96").map(|p| p.to_string()),
            Ok("96".into())
        );
        for bad in ["00", "97", "1", "001", "a1", ""] {
            assert_eq!(
                ProvinceCode::parse(bad).map_err(|e| e.field().to_owned()),
                Err("province".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn ward_codes() {
        assert_eq!(
            WardCode::parse("00123").map(|w| w.to_string()),
            Ok("00123".into())
        );
        assert_eq!(WardCode::parse("31117").map(WardCode::get), Ok(31117));
        for bad in ["3111", "311170", "3111x", ""] {
            assert!(WardCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn citizen_refs() {
        let text = "9f86d081884c7d659a2feaa0c55ad015";
        let r = CitizenRef::parse("data.citizen_ref", text).expect("valid ref");
        assert_eq!(r.to_string(), text);
        for bad in [
            "9F86D081884C7D659A2FEAA0C55AD015",
            "9f86d081884c7d659a2feaa0c55ad01",
            "9f86d081884c7d659a2feaa0c55ad015a",
            "9f86d081884c7d659a2feaa0c55ad01g",
            "079012345678",
        ] {
            let err = CitizenRef::parse("data.citizen_ref", bad).expect_err(bad);
            assert_eq!(err.field(), "data.citizen_ref");
        }
    }

    #[test]
    fn tokens() {
        assert!(check_group("31117-TDP05").is_ok());
        assert!(check_group("").is_err());
        assert!(check_group("tổ 5").is_err());
        assert!(check_group(&"a".repeat(41)).is_err());
        assert!(check_source("vss").is_ok());
        assert!(check_source("VSS").is_err());
    }
}

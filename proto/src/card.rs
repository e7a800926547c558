//! Health-insurance card numbers (thẻ BHYT): validation and reduction to what may be stored.
//!
//! Rules from the VNeID integration guide: 10 or 15 characters. A 15-character number is a
//! beneficiary code (two letters from a fixed list of 43), a benefit level (digit 1–5), two digits
//! naming the issuer (social security 01–96 and 99, army 97, police 98), then the 10 characters that
//! identify the card. A 10-character number is those 10 characters alone. Only the beneficiary code
//! and the issuer are ever kept; the number itself is discarded after validation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ContractError;

/// The 43 beneficiary codes a 15-character card may start with, in the guide's order.
pub const BENEFICIARY_CODES: [&str; 43] = [
    "DN", "HX", "CH", "NN", "TK", "HC", "XK", "HT", "TB", "NO", "CT", "XB", "TN", "CS", "QN", "CA",
    "CY", "XN", "MS", "CC", "CK", "CB", "KC", "HD", "TE", "BT", "HN", "DT", "DK", "XD", "TS", "TC",
    "TQ", "TA", "TY", "HG", "LS", "PV", "CN", "HS", "SV", "GB", "GD",
];

/// A beneficiary group (đối tượng) from a card's first two letters, e.g. `HS` for pupils.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Beneficiary(u8);

impl Beneficiary {
    /// The number of beneficiary codes.
    pub const COUNT: usize = BENEFICIARY_CODES.len();

    /// The code's two letters.
    pub fn code(self) -> &'static str {
        BENEFICIARY_CODES[usize::from(self.0)]
    }

    /// The code's position in [`BENEFICIARY_CODES`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The code at a position in [`BENEFICIARY_CODES`].
    pub fn from_index(index: usize) -> Option<Self> {
        (index < Self::COUNT).then_some(Beneficiary(index as u8))
    }
}

impl FromStr for Beneficiary {
    type Err = ContractError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Compared as two-byte words: comparing strings called memcmp once per code.
        let word = |b: &[u8]| <[u8; 2]>::try_from(b).ok();
        word(s.as_bytes())
            .and_then(|w| {
                BENEFICIARY_CODES
                    .iter()
                    .position(|c| word(c.as_bytes()) == Some(w))
            })
            .map(|i| Beneficiary(i as u8))
            .ok_or_else(|| {
                ContractError::invalid(
                    "beneficiary",
                    "is not one of the 43 beneficiary codes (DN, HX, CH, … HS, SV, GB, GD)",
                )
            })
    }
}

impl fmt::Display for Beneficiary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Beneficiary {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Beneficiary> for String {
    fn from(value: Beneficiary) -> Self {
        value.code().to_owned()
    }
}

/// Who issued a card, from its issuer digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Issuer {
    /// Vietnam Social Security (issuer digits 01–96 and 99).
    Vss,
    /// The army (97).
    Army,
    /// The police (98).
    Police,
}

impl Issuer {
    /// The issuer's name as written in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Issuer::Vss => "vss",
            Issuer::Army => "army",
            Issuer::Police => "police",
        }
    }
}

impl FromStr for Issuer {
    type Err = ContractError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vss" => Ok(Issuer::Vss),
            "army" => Ok(Issuer::Army),
            "police" => Ok(Issuer::Police),
            _ => Err(ContractError::invalid(
                "issuer",
                "must be one of \"vss\", \"army\", \"police\"",
            )),
        }
    }
}

/// What may be kept of a valid card number: the beneficiary group, benefit level and issuer.
///
/// A 10-character number carries none of these, so all three are `None` for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardFacts {
    /// The beneficiary group (15-character cards only).
    pub beneficiary: Option<Beneficiary>,
    /// The benefit level, 1–5 (15-character cards only).
    pub level: Option<u8>,
    /// The issuer (15-character cards only).
    pub issuer: Option<Issuer>,
}

/// Validates a card number and reduces it to the facts that may be stored.
///
/// `field` names the field in errors; the error text never repeats the number.
pub fn validate_card(field: &str, number: &str) -> Result<CardFacts, ContractError> {
    let b = number.as_bytes();
    let identifying_ok = |tail: &[u8]| tail.iter().all(u8::is_ascii_digit);
    match b.len() {
        10 => {
            if !identifying_ok(b) {
                return Err(ContractError::invalid(
                    field,
                    "a 10-character card number must be 10 digits",
                ));
            }
            Ok(CardFacts {
                beneficiary: None,
                level: None,
                issuer: None,
            })
        }
        15 => {
            let prefix = std::str::from_utf8(&b[..2]).unwrap_or("");
            let beneficiary: Beneficiary = prefix.parse().map_err(|_| {
                ContractError::invalid(
                    field,
                    "the first two letters must be one of the 43 beneficiary codes",
                )
            })?;
            let level = match b[2] {
                d @ b'1'..=b'5' => d - b'0',
                _ => {
                    return Err(ContractError::invalid(
                        field,
                        "the third character (benefit level) must be a digit from 1 to 5",
                    ));
                }
            };
            if !b[3].is_ascii_digit() || !b[4].is_ascii_digit() {
                return Err(ContractError::invalid(
                    field,
                    "the fourth and fifth characters (issuer) must be digits",
                ));
            }
            let issuer = match (b[3] - b'0') * 10 + (b[4] - b'0') {
                0 => {
                    return Err(ContractError::invalid(
                        field,
                        "issuer digits 00 are not assigned (social security 01-96 or 99, army 97, police 98)",
                    ));
                }
                97 => Issuer::Army,
                98 => Issuer::Police,
                _ => Issuer::Vss,
            };
            if !identifying_ok(&b[5..]) {
                return Err(ContractError::invalid(
                    field,
                    "the last 10 characters must be digits",
                ));
            }
            Ok(CardFacts {
                beneficiary: Some(beneficiary),
                level: Some(level),
                issuer: Some(issuer),
            })
        }
        _ => Err(ContractError::invalid(
            field,
            "a card number has 10 or 15 characters",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(number: &str) -> String {
        match validate_card("card", number) {
            Err(ContractError::Invalid { field, reason }) => {
                assert_eq!(field, "card");
                assert!(
                    number.is_empty() || !reason.contains(number),
                    "error repeats the number"
                );
                reason
            }
            other => panic!("{number}: expected an invalid-field error, got {other:?}"),
        }
    }

    #[test]
    fn there_are_43_distinct_codes() {
        let mut codes = BENEFICIARY_CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 43);
    }

    #[test]
    fn fifteen_characters_social_security() {
        let facts = validate_card("card", "HS4010123456789").expect("valid");
        assert_eq!(facts.beneficiary.map(Beneficiary::code), Some("HS"));
        assert_eq!(facts.level, Some(4));
        assert_eq!(facts.issuer, Some(Issuer::Vss));
        assert_eq!(
            validate_card("card", "SV1990123456789").map(|f| f.issuer),
            Ok(Some(Issuer::Vss))
        );
    }

    #[test]
    fn issuer_digits() {
        assert_eq!(
            validate_card("card", "CA5980123456789").map(|f| f.issuer),
            Ok(Some(Issuer::Police))
        );
        assert_eq!(
            validate_card("card", "QN5970123456789").map(|f| f.issuer),
            Ok(Some(Issuer::Army))
        );
        assert!(reason("HS4000123456789").contains("00"));
    }

    #[test]
    fn ten_characters() {
        let facts = validate_card("card", "0123456789").expect("valid");
        assert_eq!(facts.beneficiary, None);
        assert_eq!(facts.issuer, None);
        assert!(reason("012345678A").contains("10 digits"));
    }

    #[test]
    fn every_code_is_accepted_and_an_unlisted_one_refused() {
        for code in BENEFICIARY_CODES {
            let number = format!("{code}1010123456789");
            assert_eq!(
                validate_card("card", &number).map(|f| f.beneficiary.map(Beneficiary::code)),
                Ok(Some(code))
            );
        }
        assert!(reason("ZZ4010123456789").contains("beneficiary"));
        assert!(reason("hs4010123456789").contains("beneficiary"));
    }

    #[test]
    fn level_and_length_and_tail() {
        assert!(reason("HS0010123456789").contains("benefit level"));
        assert!(reason("HS6010123456789").contains("benefit level"));
        assert!(reason("HS4X10123456789").contains("issuer"));
        assert!(reason("HS401012345678X").contains("last 10"));
        assert!(reason("HS401012345678").contains("10 or 15"));
        assert!(reason("").contains("10 or 15"));
    }
}

//! Free text that must not carry a personal identifier: a group code, a ward's name, the text
//! sections of a report. Such text reaches the stream, the stores and the dashboards, where no
//! raw personal identification number, insurance card number or phone number may ever appear.

use crate::ContractError;

/// The fewest digits in a row that read as an identifier: an old identity card has 9, an
/// insurance code 10, a phone number 10, a personal identification number 12, a card number 13
/// after its two letters.
pub const IDENTIFIER_DIGITS: usize = 9;

/// The same rule as a JSON Schema pattern (for `"not": {"pattern": …}`): nine digits, each
/// followed by at most one space, dot or dash.
pub const IDENTIFIER_PATTERN: &str = "(?:[0-9][ .-]?){8}[0-9]";

/// Refuses `text` when it holds [`IDENTIFIER_DIGITS`] or more digits in a row, a single space,
/// dot or dash allowed between two of them; `field` names the field. The text itself is never
/// repeated in the error.
pub fn screen_identifiers(field: &str, text: &str) -> Result<(), ContractError> {
    let (mut digits, mut after_separator) = (0usize, false);
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            after_separator = false;
            if digits >= IDENTIFIER_DIGITS {
                return Err(ContractError::invalid(
                    field,
                    "must not hold a personal identification, card or phone number \
                     (9 or more digits in a row); write figures with fewer digits or in words",
                ));
            }
        } else if digits > 0 && !after_separator && matches!(c, ' ' | '.' | '-') {
            after_separator = true;
        } else {
            digits = 0;
            after_separator = false;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_refused_and_ordinary_text_is_not() {
        for text in [
            "031095123457",
            "CCCD 031 095 123 457",
            "số thẻ HS4010123456789",
            "gọi 0912.345.678",
            "0912-345-678",
            "123456789",
        ] {
            let err = screen_identifiers("data.difficulties", text).expect_err(text);
            assert_eq!(err.field(), "data.difficulties");
            assert!(!err.to_string().contains("123"), "{err}");
        }
        for text in [
            "12345678",
            "dân số 1.857.877 người, 46 % có thẻ BHYT",
            "từ 15/02/2026 đến 14/03/2026",
            "2026-03-10",
            "tổ 12 - 345 hộ - 6789 người",
            "31117-TDP05",
        ] {
            assert_eq!(
                screen_identifiers("data.difficulties", text),
                Ok(()),
                "{text}"
            );
        }
    }

    #[test]
    fn the_envelope_schema_refuses_by_the_same_pattern() {
        assert!(crate::ENVELOPE_SCHEMA.contains(IDENTIFIER_PATTERN));
    }
}

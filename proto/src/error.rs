//! Why an event does not satisfy the contract, naming the field at fault.

use thiserror::Error;

/// A reason an event cannot be accepted into the projection, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContractError {
    /// The bytes are not a JSON object of the envelope's shape.
    #[error("the event is not valid JSON for the envelope: {reason}")]
    Malformed {
        /// What the JSON decoder reported.
        reason: String,
    },
    /// A required field is absent.
    #[error("field `{field}` is required")]
    Missing {
        /// The dotted path of the missing field.
        field: String,
    },
    /// A field is present but its value breaks a rule of the contract.
    #[error("field `{field}` is invalid: {reason}")]
    Invalid {
        /// The dotted path of the field.
        field: String,
        /// Which rule the value breaks.
        reason: String,
    },
    /// The `type` is not one of the contract's event types.
    #[error("field `type`: unknown event type `{kind}`; known types are {known}")]
    UnknownType {
        /// The type the publisher sent.
        kind: String,
        /// The known types, comma separated.
        known: String,
    },
    /// The schema version cannot be read or upcast to the current one.
    #[error("field `v`: schema version {v} is not supported (current is {current})")]
    UnsupportedVersion {
        /// The version the publisher sent.
        v: u64,
        /// The version this contract reads.
        current: u32,
    },
    /// The subject the event was published on disagrees with its envelope.
    #[error("field `{field}`: the subject `{subject}` does not match the envelope")]
    SubjectMismatch {
        /// The envelope field that disagrees with the subject.
        field: String,
        /// The subject the message arrived on.
        subject: String,
    },
}

impl ContractError {
    /// The dotted path of the field the error is about (`""` when it concerns the whole event).
    pub fn field(&self) -> &str {
        match self {
            ContractError::Malformed { .. } => "",
            ContractError::Missing { field }
            | ContractError::Invalid { field, .. }
            | ContractError::SubjectMismatch { field, .. } => field,
            ContractError::UnknownType { .. } => "type",
            ContractError::UnsupportedVersion { .. } => "v",
        }
    }

    /// Builds an [`ContractError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ContractError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A short machine-readable name of the error's kind, for metrics and reject listings.
    pub fn kind(&self) -> &'static str {
        match self {
            ContractError::Malformed { .. } => "malformed",
            ContractError::Missing { .. } => "missing_field",
            ContractError::Invalid { .. } => "invalid_field",
            ContractError::UnknownType { .. } => "unknown_type",
            ContractError::UnsupportedVersion { .. } => "unsupported_version",
            ContractError::SubjectMismatch { .. } => "subject_mismatch",
        }
    }
}

/// Maps a serde_json error into the contract's error, recovering the field name when serde names it.
pub(crate) fn from_json(err: &serde_json::Error, prefix: &str) -> ContractError {
    let text = err.to_string();
    // serde reports "missing field `x` at line .." and "unknown field `x`, expected .."
    if let Some(name) = quoted_after(&text, "missing field `") {
        return ContractError::Missing {
            field: join(prefix, name),
        };
    }
    if let Some(name) = quoted_after(&text, "unknown field `") {
        return if contract_name(name) {
            ContractError::invalid(join(prefix, name), "unknown field")
        } else {
            ContractError::invalid(
                prefix,
                "an unknown field, whose name is not repeated: the contract's names are lowercase \
                 letters, digits and _, up to 32 characters",
            )
        };
    }
    let reason = redact(&text);
    if prefix.is_empty() {
        ContractError::Malformed { reason }
    } else {
        ContractError::invalid(prefix, reason)
    }
}

/// A decoder's message in the contract's words: what the field must be, never the value sent
/// (it may be a personal identifier sent by mistake), the position, or the code's own types.
pub(crate) fn redact(text: &str) -> String {
    let text = text.split(" at line ").next().unwrap_or(text);
    let expected = ["invalid type: ", "invalid value: ", "unknown variant "]
        .iter()
        .find_map(|kind| text.strip_prefix(kind))
        .and_then(|rest| rest.split_once(", expected "))
        .map(|(_, expected)| expected);
    if let Some(expected) = expected {
        return format!("must be {}", expectation(expected));
    }
    if text.starts_with("invalid length ") {
        return "has the wrong number of items".to_owned();
    }
    unquoted(text)
}

/// What serde says it expected, as the contract says it.
fn expectation(serde_says: &str) -> String {
    match serde_says {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        s if s.starts_with("struct ") || s.contains("map") || s.contains("object") => {
            "a JSON object".to_owned()
        }
        s if s.contains("string") => "a string".to_owned(),
        s if s.contains("sequence") => "a list".to_owned(),
        // `one of `daily`, `weekly``: the contract's own names.
        s => unquoted(&s.replace('`', "")),
    }
}

/// `text` with every quoted value left out and long runs of digits masked.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing = None;
    for c in text.chars() {
        match (c, closing) {
            ('"' | '`', None) => {
                closing = Some(c);
                out.push(c);
                out.push('…');
            }
            (c, Some(end)) if c == end => {
                closing = None;
                out.push(c);
            }
            (_, Some(_)) => {}
            (c, None) => out.push(c),
        }
    }
    // Long runs of digits may be identifiers; short numbers such as limits stay.
    mask_long_numbers(&out)
}

fn mask_long_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if run.len() >= 9 {
            out.push('…');
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Whether `name` could be a name of the contract (and so may be repeated in an answer): a
/// lowercase letter, then up to 31 lowercase letters, digits or `_`, with no run of digits that
/// could be an identifier.
fn contract_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.len() <= 32
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && mask_long_numbers(name) == name
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    rest.find('`').map(|end| &rest[..end])
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_hides_values_and_long_numbers() {
        assert_eq!(
            redact("invalid type: string \"079012345678\", expected u32 at line 1 column 9"),
            "must be a whole number, 0 or more"
        );
        assert_eq!(
            redact("invalid value: integer `-5`, expected u64"),
            "must be a whole number, 0 or more"
        );
        assert_eq!(
            redact("invalid type: sequence, expected struct DataIn"),
            "must be a JSON object"
        );
        assert_eq!(
            redact("unknown variant `079012345678`, expected one of `daily`, `weekly`"),
            "must be one of daily, weekly"
        );
        assert_eq!(
            redact("trailing characters `079012345678`"),
            "trailing characters `…`"
        );
        assert_eq!(
            redact("number 0790123456789 too large"),
            "number … too large"
        );
        assert_eq!(redact("must be at most 100000"), "must be at most 100000");
    }

    #[test]
    fn only_a_contract_name_is_repeated() {
        use super::contract_name;
        assert!(contract_name("colour"));
        assert!(contract_name("level2_accounts"));
        for odd in [
            "031299000123",
            "phone0912345678",
            "Colour",
            "",
            "a-b",
            &"x".repeat(33),
        ] {
            assert!(!contract_name(odd), "{odd}");
        }
    }
}

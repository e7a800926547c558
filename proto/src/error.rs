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
        return ContractError::invalid(join(prefix, name), "unknown field");
    }
    let reason = redact(&text);
    if prefix.is_empty() {
        ContractError::Malformed { reason }
    } else {
        ContractError::invalid(prefix, reason)
    }
}

/// Removes quoted values and the position from a decoder's message, so that an error never
/// repeats what the publisher sent (it may be a personal identifier sent by mistake).
pub(crate) fn redact(text: &str) -> String {
    let text = text.split(" at line ").next().unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut in_quotes = false;
    for c in text.chars() {
        match (c, in_quotes) {
            ('"', false) => {
                in_quotes = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                in_quotes = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
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
            "invalid type: string \"…\", expected u32"
        );
        assert_eq!(
            redact("invalid value: integer `079012345678`, expected u8"),
            "invalid value: integer `…`, expected u8"
        );
        assert_eq!(redact("must be at most 100000"), "must be at most 100000");
    }
}

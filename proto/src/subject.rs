//! Subjects and the stream that carries them.

use std::time::Duration;

use crate::{ContractError, Event, EventType, ProvinceCode, WardCode};

/// The JetStream stream that is the log of record.
pub const STREAM_NAME: &str = "EHB_EVENTS";

/// The subjects the stream captures.
pub const STREAM_SUBJECTS: &str = "ehb.v1.>";

/// The de-duplication window on `Nats-Msg-Id`; a publisher may retry with the same id within it.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The subject of an event: `ehb.v1.<province>.<ward>.<type with _>`.
pub fn subject(province: ProvinceCode, ward: WardCode, kind: EventType) -> String {
    format!("ehb.v1.{province}.{ward}.{}", kind.subject_token())
}

/// The filter that selects one province's events: `ehb.v1.<province>.>`.
pub fn province_filter(province: ProvinceCode) -> String {
    format!("ehb.v1.{province}.>")
}

/// The filter that selects one event type's events in every ward: `ehb.v1.*.*.<type with _>`.
pub fn type_filter(kind: EventType) -> String {
    format!("ehb.v1.*.*.{}", kind.subject_token())
}

/// Checks that `subject` is the one the event belongs on.
pub fn check(subject: &str, event: &Event<'_>) -> Result<(), ContractError> {
    // The usual case, `ehb.v1.PP.WWWWW.type`, is compared in place; anything else is split to
    // say which part disagrees.
    let b = subject.as_bytes();
    let token = event.kind().subject_token().as_bytes();
    if b.len() == 16 + token.len()
        && b.starts_with(b"ehb.v1.")
        && b[9] == b'.'
        && b[15] == b'.'
        && digits(&b[7..9]) == u32::from(event.province.get())
        && digits(&b[10..15]) == event.ward.get()
        && &b[16..] == token
    {
        return Ok(());
    }
    let mut parts = subject.split('.');
    let (prefix, version) = (parts.next(), parts.next());
    if prefix != Some("ehb") || version != Some("v1") {
        return Err(mismatch("v", subject));
    }
    if parts.next().map(ProvinceCode::parse) != Some(Ok(event.province)) {
        return Err(mismatch("province", subject));
    }
    if parts.next().map(WardCode::parse) != Some(Ok(event.ward)) {
        return Err(mismatch("ward", subject));
    }
    if parts.next() != Some(event.kind().subject_token()) || parts.next().is_some() {
        return Err(mismatch("type", subject));
    }
    Ok(())
}

/// The number written by ASCII digits, or `u32::MAX` when a byte is not a digit.
fn digits(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
        .unwrap_or(u32::MAX)
}

fn mismatch(field: &str, subject: &str) -> ContractError {
    ContractError::SubjectMismatch {
        field: field.to_owned(),
        subject: subject.chars().take(128).collect(),
    }
}

//! One archive line: how it is written, and read back (directly in the writer's layout, or
//! through the JSON parser for any other valid line).

use std::borrow::Cow;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Archived;

#[derive(Serialize)]
struct LineOut<'a> {
    seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_at: Option<String>,
    subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    msg_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_hex: Option<String>,
}

/// Writes the line of one message (without its newline) into `out`: the payload as `event` when
/// it is exactly one JSON value, otherwise as `payload_hex`.
pub(super) fn write(
    out: &mut Vec<u8>,
    seq: u64,
    recorded_at: Option<Timestamp>,
    subject: &str,
    msg_id: Option<&str>,
    payload: &[u8],
) -> serde_json::Result<()> {
    // One JSON value and nothing around it; a value spread over several lines would break the
    // archive's one-message-per-line layout, so it is kept as hex like any other odd payload.
    let event = serde_json::from_slice::<&RawValue>(payload)
        .ok()
        .filter(|raw| raw.get().len() == payload.len())
        .filter(|_| !payload.iter().any(|b| *b == b'\n' || *b == b'\r'));
    let line = LineOut {
        seq,
        recorded_at: recorded_at.map(|t| t.to_string()),
        subject,
        msg_id,
        event,
        payload_hex: event.is_none().then(|| hex::encode(payload)),
    };
    serde_json::to_writer(out, &line)
}

#[derive(Deserialize)]
struct LineIn<'a> {
    seq: u64,
    #[serde(default, borrow)]
    recorded_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subject: Cow<'a, str>,
    #[serde(default, borrow)]
    msg_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    event: Option<&'a RawValue>,
    #[serde(default)]
    payload_hex: Option<String>,
}

/// Counts and hashes the bytes that pass through.
pub(super) fn parse_line(line: &[u8]) -> Result<Archived<'_>, String> {
    if let Some(archived) = parse_written(line) {
        return Ok(archived);
    }
    let parsed: LineIn<'_> =
        serde_json::from_slice(line).map_err(|e| format!("not an archived message: {e}"))?;
    archived(parsed)
}

/// The line as [`ArchiveWriter`] writes it (fields in order, strings without escapes, an
/// `event`), or `None`. The file's checksum has been compared with the manifest by the end of
/// the reading, so a line read this way is one the writer wrote.
fn parse_written(line: &[u8]) -> Option<Archived<'_>> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let seq = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let mut rest = &rest[digits..];
    let mut field = |name: &[u8]| -> Option<Option<&[u8]>> {
        let Some(after) = rest
            .strip_prefix(b",\"")
            .and_then(|r| r.strip_prefix(name))
            .and_then(|r| r.strip_prefix(b"\":\""))
        else {
            return Some(None);
        };
        let end = memchr::memchr(b'"', after)?;
        let text = &after[..end];
        if text.contains(&b'\\') {
            return None;
        }
        rest = &after[end + 1..];
        Some(Some(text))
    };
    let recorded_at = match field(b"recorded_at")? {
        Some(text) => Some(match utc_instant(text) {
            Some(at) => at,
            None => std::str::from_utf8(text).ok()?.parse::<Timestamp>().ok()?,
        }),
        None => None,
    };
    let subject = std::str::from_utf8(field(b"subject")??).ok()?;
    let msg_id = match field(b"msg_id")? {
        Some(text) => Some(std::str::from_utf8(text).ok()?),
        None => None,
    };
    let event = rest.strip_prefix(b",\"event\":")?;
    let event = event
        .strip_suffix(b"\n")
        .unwrap_or(event)
        .strip_suffix(b"}")?;
    Some(Archived {
        seq,
        recorded_at,
        subject: Cow::Borrowed(subject),
        msg_id: msg_id.map(Cow::Borrowed),
        payload: Cow::Borrowed(event),
    })
}

/// An instant written as `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (as a `Timestamp` displays itself),
/// read without the general parser; `None` for anything else.
fn utc_instant(text: &[u8]) -> Option<Timestamp> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        text.get(range)?.iter().try_fold(0i64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if text.last() != Some(&b'Z') || separators.iter().any(|(i, c)| text.get(*i) != Some(c)) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day > month_days[(month - 1) as usize] {
        return None;
    }
    let nanos = match &text[19..text.len() - 1] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(20..20 + fraction.len())? * 10i64.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    Timestamp::new(seconds, nanos as i32).ok()
}

fn archived(line: LineIn<'_>) -> Result<Archived<'_>, String> {
    let recorded_at = line
        .recorded_at
        .map(|t| {
            t.parse::<Timestamp>()
                .map_err(|e| format!("recorded_at: {e}"))
        })
        .transpose()?;
    let payload = match (line.event, line.payload_hex) {
        (Some(raw), None) => Cow::Borrowed(raw.get().as_bytes()),
        (None, Some(hex_text)) => {
            Cow::Owned(hex::decode(hex_text).map_err(|e| format!("payload_hex: {e}"))?)
        }
        _ => return Err("exactly one of event and payload_hex is expected".to_owned()),
    };
    Ok(Archived {
        seq: line.seq,
        recorded_at,
        subject: line.subject,
        msg_id: line.msg_id,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_written_by_another_tool_is_read_too() {
        let line = br#"{ "subject": "s", "seq": 4, "event": {"a": "\u0041"} }"#;
        let read = parse_line(line).expect("a line");
        assert_eq!((read.seq, read.subject.as_ref()), (4, "s"));
        assert_eq!(read.payload.as_ref(), br#"{"a": "\u0041"}"#);
        let written = br#"{"seq":4,"subject":"s","event":{"a":1}}"#;
        let read = parse_written(written).expect("the writer's layout");
        assert_eq!((read.seq, read.payload.as_ref()), (4, &br#"{"a":1}"#[..]));
        assert!(parse_written(br#"{"seq":4,"subject":"s\"x","event":{}}"#).is_none());
    }

    #[test]
    fn instants_read_by_hand_equal_the_parsers() {
        for text in [
            "2026-03-01T00:05:00Z",
            "2026-11-25T14:02:44.962099885Z",
            "2024-02-29T23:59:59.5Z",
            "1999-12-31T00:00:00.000001Z",
            "2100-03-01T12:00:00Z",
        ] {
            let parsed: Timestamp = text.parse().expect("an instant");
            assert_eq!(utc_instant(text.as_bytes()), Some(parsed), "{text}");
            assert_eq!(parsed.to_string(), text);
        }
        for text in [
            "2026-04-31T00:00:00Z",
            "2026-03-01T00:05:00+07:00",
            "2026-03-01 00:05:00Z",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(utc_instant(text.as_bytes()), None, "{text}");
        }
    }
}

//! One submitted event's way in: decoded with the contract's validators (raw identifiers
//! pseudonymised), checked against the publisher's permissions and the campaign's time window,
//! and turned into the message to publish. No I/O here.

use std::time::Duration;

use ehb_eventlog::Outgoing;
use ehb_proto::{BusinessDay, ContractError, EventType, Pseudonymise, Uuid, WardCode};
use jiff::Timestamp;

use crate::access::Publisher;

/// Why one event is refused, with the HTTP status it gets on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 400 (not JSON or not UTF-8), 403 (not permitted) or 422 (breaks a rule).
    pub status: u16,
    /// A short machine-readable reason, for metrics.
    pub kind: &'static str,
    /// The field at fault (`""` for the whole event).
    pub field: String,
    /// Why, never repeating a submitted value.
    pub reason: String,
}

impl From<ContractError> for Refusal {
    fn from(err: ContractError) -> Self {
        let status = match err {
            ContractError::Malformed { .. } => 400,
            _ => 422,
        };
        let reason = match &err {
            ContractError::Invalid { reason, .. } => reason.clone(),
            ContractError::Missing { .. } => "is required".to_owned(),
            other => other.to_string(),
        };
        Refusal {
            status,
            kind: err.kind(),
            field: err.field().to_owned(),
            reason,
        }
    }
}

/// An event ready to publish.
#[derive(Debug, Clone)]
pub struct Admitted {
    /// The event's id.
    pub id: Uuid,
    /// Its type.
    pub kind: EventType,
    /// Its ward.
    pub ward: WardCode,
    /// The message carrying it, with no raw identifier left.
    pub message: Outgoing,
}

/// The span of time an `occurred_at` may fall in.
#[derive(Debug, Clone, Copy)]
pub struct TimeWindow {
    /// The campaign's first business day.
    pub campaign_start: BusinessDay,
    /// How far ahead of the gateway's clock an event may be.
    pub max_skew: Duration,
}

impl TimeWindow {
    fn check(&self, occurred_at: Timestamp, now: Timestamp) -> Result<(), Refusal> {
        if occurred_at < self.campaign_start.start() {
            return Err(Refusal {
                status: 422,
                kind: "before_campaign",
                field: "occurred_at".into(),
                reason: format!(
                    "is before the campaign's start, {} (UTC+07:00)",
                    self.campaign_start
                ),
            });
        }
        let skew = i64::try_from(self.max_skew.as_secs()).unwrap_or(i64::MAX);
        if occurred_at.as_second() > now.as_second().saturating_add(skew) {
            return Err(Refusal {
                status: 422,
                kind: "in_future",
                field: "occurred_at".into(),
                reason: format!("is more than {skew} s ahead of the gateway's clock"),
            });
        }
        Ok(())
    }
}

/// Reads one submitted event (`bytes`, one JSON object) for `publisher` at time `now`.
pub fn admit(
    bytes: &[u8],
    publisher: &Publisher,
    pseudonymise: &dyn Pseudonymise,
    window: &TimeWindow,
    now: Timestamp,
) -> Result<Admitted, Refusal> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(Refusal {
            status: 400,
            kind: "not_utf8",
            field: String::new(),
            reason: "the event is not valid UTF-8".into(),
        });
    }
    let event = ehb_proto::decode_submission(bytes, pseudonymise)?;
    publisher.permits(&event).map_err(|f| Refusal {
        status: 403,
        kind: "forbidden",
        field: f.field.to_owned(),
        reason: f.reason,
    })?;
    window.check(event.occurred_at, now)?;
    Ok(Admitted {
        id: event.id,
        kind: event.kind(),
        ward: event.ward,
        message: Outgoing::event(&event),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ehb_proto::PseudonymKey;
    use std::collections::BTreeSet;

    fn vss() -> Publisher {
        Publisher {
            name: "VSS".into(),
            source: "vss".into(),
            types: BTreeSet::from([EventType::CardIntegrated]),
            provinces: Some(BTreeSet::from([
                ehb_proto::ProvinceCode::parse("31").expect("code")
            ])),
        }
    }

    fn window() -> TimeWindow {
        TimeWindow {
            campaign_start: BusinessDay::parse("d", "2026-02-24").expect("day"),
            max_skew: Duration::from_secs(300),
        }
    }

    fn line(occurred_at: &str, province: &str, kind: &str) -> Vec<u8> {
        format!(
            r#"{{"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":"{kind}","v":1,"occurred_at":"{occurred_at}","province":"{province}","ward":"31117","source":"vss","data":{{"citizen_id":"031204000017","card":"HS4310123456789"}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn admitted_events_carry_no_raw_identifier() {
        let key = PseudonymKey::from_hex(&"0b".repeat(32)).expect("key");
        let now = Timestamp::from_second(1_773_140_000).expect("instant"); // 2026-03-10 18:13 +07:00
        let ok = admit(
            &line("2026-03-10T08:15:00+07:00", "31", "card.integrated"),
            &vss(),
            &key,
            &window(),
            now,
        )
        .expect("admitted");
        let text = String::from_utf8(ok.message.payload.to_vec()).expect("utf-8");
        assert!(text.contains("\"citizen_ref\":\"e09ec4c240b2c8192ac9117d2693e009\""));
        assert!(text.contains("\"beneficiary\":\"HS\""));
        assert!(!text.contains("031204000017") && !text.contains("0123456789"));
        assert_eq!(ok.message.subject, "ehb.v1.31.31117.card_integrated");
    }

    #[test]
    fn refusals_have_the_status_and_field() {
        let key = PseudonymKey::from_hex(&"0b".repeat(32)).expect("key");
        let now = Timestamp::from_second(1_773_140_000).expect("instant");
        let cases: [(Vec<u8>, u16, &str, &str); 5] = [
            (
                line("2026-02-23T23:59:59+07:00", "31", "card.integrated"),
                422,
                "occurred_at",
                "before_campaign",
            ),
            (
                line("2026-03-11T08:15:00+07:00", "31", "card.integrated"),
                422,
                "occurred_at",
                "in_future",
            ),
            (
                line("2026-03-10T08:15:00+07:00", "01", "card.integrated"),
                403,
                "province",
                "forbidden",
            ),
            (
                line("2026-03-10T08:15:00+07:00", "31", "account.activated"),
                422,
                "data.card",
                "invalid_field",
            ),
            (b"{\"id\": \xff}".to_vec(), 400, "", "not_utf8"),
        ];
        for (bytes, status, field, kind) in cases {
            let refusal = admit(&bytes, &vss(), &key, &window(), now).expect_err(field);
            assert_eq!(
                (refusal.status, refusal.field.as_str(), refusal.kind),
                (status, field, kind),
                "{refusal:?}"
            );
        }
    }
}

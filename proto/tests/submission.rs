//! What a publisher may send the gateway: raw identifiers are validated, replaced and never kept.

use ehb_proto::{
    Beneficiary, CitizenId, CitizenRef, Issuer, Payload, Pseudonymise, decode, decode_submission,
};
use serde_json::{Value, json};

/// A stand-in keyed hash for the contract's tests: the pseudonym is the digits read as a number
/// plus a constant, so the test can predict it.
struct Plus(u128);

impl Pseudonymise for Plus {
    fn citizen_ref(&self, id: CitizenId<'_>) -> CitizenRef {
        let n = id
            .digits()
            .iter()
            .fold(0u128, |n, d| n * 10 + u128::from(d - b'0'));
        CitizenRef(n + self.0)
    }
}

const RAW_ID: &str = "031204000017";
const RAW_CARD: &str = "HS4310123456789";

fn submission(kind: &str, data: Value) -> Value {
    json!({"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":kind,"v":1,
        "occurred_at":"2026-03-10T08:15:00+07:00","province":"31","ward":"31117",
        "source":"vss","data":data})
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("serialisable")
}

#[test]
fn raw_citizen_id_becomes_the_pseudonym_and_leaves_no_trace() {
    let sample = submission("account.activated", json!({"citizen_id": RAW_ID}));
    let raw = bytes(&sample);
    let event = decode_submission(&raw, &Plus(7)).expect("valid submission");
    assert_eq!(
        event.payload,
        Payload::AccountActivated {
            citizen: CitizenRef(31_204_000_017 + 7)
        }
    );
    let stored = String::from_utf8(event.to_json()).expect("utf-8");
    assert!(!stored.contains(RAW_ID), "{stored}");
    assert!(!stored.contains("citizen_id"), "{stored}");
    assert!(
        decode(stored.as_bytes()).is_ok(),
        "the result is a stream event"
    );
}

#[test]
fn raw_card_is_reduced_to_beneficiary_and_issuer() {
    let cases = [
        (RAW_CARD, Some("HS"), Some(Issuer::Vss)),
        ("CA5980000000001", Some("CA"), Some(Issuer::Police)),
        ("QN1970000000001", Some("QN"), Some(Issuer::Army)),
        ("0123456789", None, None),
    ];
    for (card, beneficiary, issuer) in cases {
        let sample = submission(
            "card.integrated",
            json!({"citizen_id": RAW_ID, "card": card}),
        );
        let raw = bytes(&sample);
        let event = decode_submission(&raw, &Plus(0)).expect(card);
        assert_eq!(
            event.payload,
            Payload::CardIntegrated {
                citizen: CitizenRef(31_204_000_017),
                beneficiary: beneficiary.map(|b| b.parse::<Beneficiary>().expect("code")),
                issuer,
            },
            "{card}"
        );
        let stored = String::from_utf8(event.to_json()).expect("utf-8");
        assert!(
            !stored.contains(card) && !stored.contains(&card[5..]),
            "{stored}"
        );
    }
}

#[test]
fn submissions_that_break_a_rule_name_the_field_without_the_value() {
    let cases = [
        // A card number sent by mistake as the beneficiary code is not repeated either.
        (
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "beneficiary": RAW_CARD}),
            "data.beneficiary",
        ),
        (json!({"citizen_id": "03120400001"}), "data.citizen_id"),
        (json!({"citizen_id": "099204000017"}), "data.citizen_id"),
        (json!({"citizen_id": 31204000017u64}), "data.citizen_id"),
        (
            json!({"citizen_id": RAW_ID, "citizen_ref": "9f86d081884c7d659a2feaa0c55ad015"}),
            "data.citizen_id",
        ),
        (json!({"card": RAW_CARD}), "data.citizen_id"),
        (
            json!({"citizen_id": RAW_ID, "card": "XX4310123456789"}),
            "data.card",
        ),
        (
            json!({"citizen_id": RAW_ID, "card": "HS6310123456789"}),
            "data.card",
        ),
        (
            json!({"citizen_id": RAW_ID, "card": "HS4000123456789"}),
            "data.card",
        ),
        (
            json!({"citizen_id": RAW_ID, "card": "HS43101234567a9"}),
            "data.card",
        ),
        (
            json!({"citizen_id": RAW_ID, "card": "HS431012345678"}),
            "data.card",
        ),
        (
            json!({"citizen_id": RAW_ID, "card": RAW_CARD, "beneficiary": "HS"}),
            "data.card",
        ),
    ];
    for (data, field) in cases {
        let sample = submission("card.integrated", data);
        let err = decode_submission(&bytes(&sample), &Plus(0)).expect_err(&sample.to_string());
        assert_eq!(err.field(), field, "{sample}: {err}");
        let text = err.to_string();
        assert!(
            !text.contains("31204000017") && !text.contains("0123456"),
            "{text}"
        );
    }
    let team = submission("team.formed", json!({"citizen_id": RAW_ID}));
    let err = decode_submission(&bytes(&team), &Plus(0)).expect_err("not for teams");
    assert_eq!(err.field(), "data.citizen_id");
}

#[test]
fn the_stream_refuses_raw_identifiers() {
    for data in [
        json!({"citizen_id": RAW_ID}),
        json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "card": RAW_CARD}),
    ] {
        let sample = submission("card.integrated", data);
        let err = decode(&bytes(&sample)).expect_err(&sample.to_string());
        assert!(
            err.field() == "data.citizen_id" || err.field() == "data.card",
            "{err}"
        );
        assert!(err.to_string().contains("never accepted on the stream"));
    }
}

#[test]
fn a_submission_may_carry_the_pseudonym_itself() {
    let sample = submission(
        "card.integrated",
        json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "beneficiary": "SV", "issuer": "vss"}),
    );
    let raw = bytes(&sample);
    let event = decode_submission(&raw, &Plus(0)).expect("valid");
    let stream = decode(&raw).expect("valid on the stream too");
    assert_eq!(event, stream);
}

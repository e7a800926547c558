//! The Rust validators accept and refuse events as the contract says, naming the field at fault.

mod common;
use common as samples;

use ehb_proto::{BusinessDay, ContractError, EventType, Payload, decode, decode_on_subject};
use serde_json::json;

fn bytes(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("serialisable")
}

#[test]
fn every_valid_sample_decodes_and_round_trips() {
    for sample in samples::valid() {
        let raw = bytes(&sample);
        let event = decode(&raw).unwrap_or_else(|e| panic!("{sample}: {e}"));
        assert_eq!(event.day().to_string(), "2026-03-10");
        let again = event.to_json();
        let back = decode(&again).expect("re-encoded event decodes");
        assert_eq!(back, event);
        let reparsed: serde_json::Value = serde_json::from_slice(&again).expect("json");
        assert_eq!(reparsed, sample, "encoding is the contract's JSON");
    }
}

#[test]
fn every_invalid_sample_names_its_field() {
    for (sample, field) in samples::invalid() {
        let raw = bytes(&sample);
        let err = decode(&raw).expect_err(&sample.to_string());
        assert!(
            err.field() == field || (field.starts_with("data.") && err.field().starts_with(field)),
            "{sample}: expected field {field}, got {:?} ({err})",
            err.field()
        );
    }
}

#[test]
fn not_json_is_malformed() {
    for raw in [&b"{"[..], b"[]", b"\xff\xfe", b"", b"null"] {
        assert!(
            matches!(decode(raw), Err(ContractError::Malformed { .. })),
            "{raw:?}"
        );
    }
}

#[test]
fn the_payload_is_typed() {
    let raw = bytes(&samples::valid()[1]);
    let event = decode(&raw).expect("valid");
    assert_eq!(event.kind(), EventType::CardIntegrated);
    match event.payload {
        Payload::CardIntegrated {
            beneficiary,
            issuer,
            citizen,
        } => {
            assert_eq!(beneficiary.map(|b| b.code()), Some("HS"));
            assert_eq!(issuer.map(|i| i.as_str()), Some("vss"));
            assert_eq!(citizen.to_string(), "9f86d081884c7d659a2feaa0c55ad015");
        }
        other => panic!("unexpected payload {other:?}"),
    }
}

#[test]
fn subjects_must_agree_with_the_envelope() {
    let raw = bytes(&samples::valid()[1]);
    assert!(decode_on_subject("ehb.v1.31.31117.card_integrated", &raw).is_ok());
    for (subject, field) in [
        ("ehb.v1.01.31117.card_integrated", "province"),
        ("ehb.v1.31.31118.card_integrated", "ward"),
        ("ehb.v1.31.31117.account_activated", "type"),
        ("ehb.v1.31.31117.card_integrated.x", "type"),
        ("ehb.v2.31.31117.card_integrated", "v"),
    ] {
        let err = decode_on_subject(subject, &raw).expect_err(subject);
        assert!(
            matches!(err, ContractError::SubjectMismatch { .. }),
            "{subject}"
        );
        assert_eq!(err.field(), field, "{subject}");
    }
}

#[test]
fn a_made_up_version_0_is_upcast() {
    let v0 = json!({
        "id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70", "type": "account.activated", "v": 0,
        "ts": "2026-03-10T23:30:00+07:00", "province": "31", "ward": "31117", "source": "c06",
        "data": {"citizen": "9f86d081884c7d659a2feaa0c55ad015"}
    });
    let raw = bytes(&v0);
    let event = decode(&raw).expect("v0 upcasts");
    assert_eq!(
        event.day(),
        BusinessDay::parse("d", "2026-03-10").expect("date")
    );
    assert!(matches!(event.payload, Payload::AccountActivated { .. }));
    let v1: serde_json::Value = serde_json::from_slice(&event.to_json()).expect("json");
    assert_eq!(v1["v"], 1);
    assert_eq!(
        v1["data"]["citizen_ref"],
        "9f86d081884c7d659a2feaa0c55ad015"
    );
    let future = json!({"id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70", "type": "account.activated", "v": 2,
        "occurred_at": "2026-03-10T23:30:00+07:00", "province": "31", "ward": "31117", "source": "c06",
        "data": {"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015"}});
    assert_eq!(
        decode(&bytes(&future)),
        Err(ContractError::UnsupportedVersion { v: 2, current: 1 })
    );
}

#[test]
fn an_event_is_a_json_object() {
    for bytes in [&b"[1, 2]"[..], b"\"text\"", b"42", b"", b"  "] {
        let err = decode(bytes).expect_err("not an object");
        assert!(matches!(err, ContractError::Malformed { .. }), "{err}");
        assert_eq!(err.field(), "");
    }
}

#[test]
fn data_is_a_json_object_too() {
    // Read field by field in the order of the contract's list, this array was an account.
    let array = json!({"id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70", "type": "account.activated", "v": 1,
        "occurred_at": "2026-03-10T23:30:00+07:00", "province": "31", "ward": "31117", "source": "c06",
        "data": ["9f86d081884c7d659a2feaa0c55ad015"]});
    let err = decode(&bytes(&array)).expect_err("data an array");
    assert_eq!(
        (
            err.field(),
            err.to_string().contains("must be a JSON object")
        ),
        ("data", true),
        "{err}"
    );
    // Cut short inside `data`: not JSON at all, whatever serde met first.
    let err = decode(b"{\"data\":[[").expect_err("truncated");
    assert!(matches!(err, ContractError::Malformed { .. }), "{err}");
}

#[test]
fn a_type_filter_selects_one_type_in_every_ward() {
    assert_eq!(
        ehb_proto::subject::type_filter(EventType::WardBaseline),
        "ehb.v1.*.*.ward_baseline"
    );
}

#[test]
fn compact_and_spaced_json_decode_alike() {
    // Compact JSON takes the canonical reader, spaced JSON the general one: same answers.
    let mut samples: Vec<serde_json::Value> = samples::valid();
    samples.extend(samples::invalid().into_iter().map(|(s, _)| s));
    for sample in samples {
        samples::decodes_alike(&sample).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn the_eligible_cannot_exceed_the_insured_nor_the_level2_holders() {
    let baseline = samples::valid()[8].clone();
    match ehb_proto::decode(&bytes(&baseline)).expect("valid").payload {
        ehb_proto::Payload::WardBaseline(b) => assert_eq!(b.eligible, Some(600_000)),
        other => panic!("a baseline, not {other:?}"),
    }
    for (eligible, other) in [(851_702, "data.insured"), (2_000, "data.level2_accounts")] {
        let mut sample = baseline.clone();
        sample["data"]["eligible"] = serde_json::json!(eligible);
        if other == "data.level2_accounts" {
            sample["data"]["level2_accounts"] = serde_json::json!(1_999);
        }
        let err = ehb_proto::decode(&bytes(&sample)).expect_err("refused");
        assert_eq!(err.field(), "data.eligible");
        assert_eq!(
            err.to_string(),
            format!("field `data.eligible` is invalid: cannot exceed {other}")
        );
    }
    // Optional: a baseline without it is valid, and says nothing of the eligible.
    let mut sample = baseline;
    sample["data"]
        .as_object_mut()
        .expect("data")
        .remove("eligible");
    match ehb_proto::decode(&bytes(&sample)).expect("valid").payload {
        ehb_proto::Payload::WardBaseline(b) => assert_eq!(b.eligible, None),
        other => panic!("a baseline, not {other:?}"),
    }
}

#[test]
fn an_opening_balance_counts_up_to_a_day_no_later_than_its_publication() {
    let opening = samples::valid()[10].clone();
    match ehb_proto::decode(&bytes(&opening)).expect("valid").payload {
        ehb_proto::Payload::WardOpening(o) => {
            assert_eq!(
                (o.as_of.to_string(), o.accounts, o.integrated),
                ("2026-02-28".to_owned(), 1250, 830)
            );
        }
        other => panic!("an opening balance, not {other:?}"),
    }
    // Published on 10/03 (UTC+07:00): a balance as of 11/03 would count what has not happened.
    let mut later = opening;
    later["data"]["as_of"] = serde_json::json!("2026-03-11");
    let err = ehb_proto::decode(&bytes(&later)).expect_err("refused");
    assert_eq!(err.field(), "data.as_of");
    assert_eq!(
        err.to_string(),
        "field `data.as_of` is invalid: cannot be later than the business day of occurred_at: \
         a balance counts what was done by then"
    );
    later["data"]["as_of"] = serde_json::json!("2026-02-30");
    assert_eq!(
        ehb_proto::decode(&bytes(&later))
            .expect_err("refused")
            .field(),
        "data.as_of"
    );
}

#[test]
fn a_team_s_composition_adds_up_to_its_members() {
    let team = samples::valid()[12].clone();
    match ehb_proto::decode(&bytes(&team)).expect("valid").payload {
        ehb_proto::Payload::TeamFormed {
            members,
            composition,
        } => {
            assert_eq!(members, Some(6));
            assert_eq!(composition.map(|c| (c.police, c.total())), Some((2, 6)));
        }
        other => panic!("a team, not {other:?}"),
    }
    // Only the composition: the members are its total.
    match ehb_proto::decode(&bytes(&samples::valid()[13]))
        .expect("valid")
        .payload
    {
        ehb_proto::Payload::TeamFormed {
            members,
            composition,
        } => assert_eq!(
            ehb_proto::Payload::team_members(members, composition),
            Some(4)
        ),
        other => panic!("a team, not {other:?}"),
    }
    let mut wrong = team;
    wrong["data"]["members"] = serde_json::json!(7);
    let err = ehb_proto::decode(&bytes(&wrong)).expect_err("refused");
    assert_eq!(
        (err.field(), err.to_string().as_str()),
        (
            "data.composition",
            "field `data.composition` is invalid: counts 6 members in all; data.members says 7"
        )
    );
}

#[test]
fn a_group_named_after_a_ward_belongs_to_that_ward() {
    let mut card = samples::valid()[1].clone();
    assert_eq!(card["group"], "31117-TDP05");
    card["group"] = serde_json::json!("31118-TDP05");
    let err = ehb_proto::decode(&bytes(&card)).expect_err("refused");
    assert_eq!(
        (err.field(), err.to_string().as_str()),
        (
            "group",
            "field `group` is invalid: is a group of ward 31118; the event's ward is 31117"
        )
    );
    // Codes that do not start with a ward's code are the ward's own naming.
    for group in ["TDP05", "thon-3", "3111-A", "31117X"] {
        card["group"] = serde_json::json!(group);
        assert!(ehb_proto::decode(&bytes(&card)).is_ok(), "{group}");
    }
}

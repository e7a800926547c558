//! Decoding never panics, whatever it is given, and the canonical reader agrees with the
//! general one on any event-like JSON object.

mod common;

use ehb_proto::decode;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// The envelope's fields, and one no event has.
const FIELDS: [&str; 10] = [
    "id",
    "type",
    "v",
    "occurred_at",
    "province",
    "ward",
    "group",
    "source",
    "data",
    "extra",
];

/// Event-like objects: the contract's fields with valid or odd values, sometimes missing, plus
/// sometimes an unknown field.
fn event_like() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        Just(json!("31")),
        Just(json!("31001")),
        Just(json!("card.integrated")),
        Just(json!("account.activated")),
        Just(json!("ward.opening")),
        Just(json!("2026-02-28")),
        Just(json!("2026-03-10T08:15:00+07:00")),
        Just(json!("0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70")),
        Just(json!("9f86d081884c7d659a2feaa0c55ad015")),
        Just(json!("HS")),
        Just(json!("vss")),
        Just(json!("a\"b\\c")),
        Just(json!("")),
        Just(json!(1)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!(null)),
        Just(json!([])),
        Just(json!({})),
    ];
    let keys = FIELDS;
    let data_keys = [
        "citizen_ref",
        "beneficiary",
        "issuer",
        "members",
        "residents",
        "card",
        "as_of",
        "accounts",
        "y",
    ];
    (
        prop::collection::vec((prop::sample::select(keys.to_vec()), text.clone()), 0..12),
        prop::collection::vec((prop::sample::select(data_keys.to_vec()), text), 0..5),
        any::<bool>(),
    )
        .prop_map(|(fields, data, with_data)| {
            let mut object = Map::new();
            for (k, v) in fields {
                object.insert(k.to_owned(), v);
            }
            if with_data {
                let data: Map<String, Value> =
                    data.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                object.insert("data".to_owned(), Value::Object(data));
            }
            Value::Object(object)
        })
}

/// A valid event with at most one field replaced, removed or added.
fn nearly_valid() -> impl Strategy<Value = Value> {
    let fields = FIELDS;
    let odd = prop_oneof![
        Just(None),
        Just(Some(json!("31"))),
        Just(Some(json!(1))),
        Just(Some(json!(2))),
        Just(Some(json!(null))),
        Just(Some(json!("x\\u0041"))),
        Just(Some(
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "members": 4})
        )),
        Just(Some(
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015"})
        )),
        Just(Some(json!({}))),
    ];
    (prop::option::of(prop::sample::select(fields.to_vec())), odd).prop_map(|(field, value)| {
        let mut event = json!({"id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70", "type": "card.integrated", "v": 1,
            "occurred_at": "2026-03-10T08:15:00+07:00", "province": "31", "ward": "31117",
            "source": "vss", "data": {"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "beneficiary": "HS", "issuer": "vss"}});
        if let (Some(field), Some(object)) = (field, event.as_object_mut()) {
            match value {
                Some(v) => object.insert(field.to_owned(), v),
                None => object.remove(field),
            };
        }
        event
    })
}

proptest! {
    #[test]
    fn nearly_valid_events_decode_alike_compact_and_spaced(value in nearly_valid()) {
        prop_assert!(common::decodes_alike(&value).is_ok(), "{:?}", common::decodes_alike(&value));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn compact_and_spaced_event_like_json_decode_alike(value in event_like()) {
        prop_assert!(common::decodes_alike(&value).is_ok(), "{:?}", common::decodes_alike(&value));
    }
}

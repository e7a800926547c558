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

/// Fields in the order they are written, from a list of key and written value.
fn object(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::from(*k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// Moves, drops, repeats or adds one of `fields` (each by its chosen index, when it has one).
fn disturbed(
    mut fields: Vec<(&'static str, String)>,
    (swap, drop, repeat, extra): (Option<usize>, Option<usize>, Option<usize>, Option<usize>),
) -> Vec<(&'static str, String)> {
    if let Some(i) = swap.filter(|i| i + 1 < fields.len()) {
        fields.swap(i, i + 1);
    }
    if let Some(i) = drop.filter(|i| *i < fields.len()) {
        fields.remove(i);
    }
    if let Some(i) = repeat.filter(|i| *i < fields.len()) {
        let again = fields[i].clone();
        fields.insert(i, again);
    }
    if let Some(i) = extra.filter(|i| *i <= fields.len()) {
        fields.insert(i, ("extra", json!("x").to_string()));
    }
    fields
}

/// An event written field by field in the layout's order (what every producer writes), or with
/// one field moved, dropped, repeated or added, in the envelope or in `data`.
fn in_written_order() -> impl Strategy<Value = String> {
    let change = || {
        (
            prop::option::of(0..10usize),
            prop::option::of(0..10usize),
            prop::option::of(0..10usize),
            prop::option::of(0..10usize),
        )
    };
    let with_group = any::<bool>();
    (change(), change(), with_group, 0..3usize).prop_map(|(outer, inner, with_group, kind)| {
        let (kind, data) = match kind {
            0 => (
                "account.activated",
                vec![(
                    "citizen_ref",
                    json!("9f86d081884c7d659a2feaa0c55ad015").to_string(),
                )],
            ),
            1 => (
                "card.integrated",
                vec![
                    (
                        "citizen_ref",
                        json!("9f86d081884c7d659a2feaa0c55ad015").to_string(),
                    ),
                    ("beneficiary", json!("HS").to_string()),
                    ("issuer", json!("vss").to_string()),
                ],
            ),
            _ => (
                "ward.opening",
                vec![
                    ("as_of", json!("2026-02-28").to_string()),
                    ("accounts", json!(1250).to_string()),
                    ("integrated", json!(830).to_string()),
                ],
            ),
        };
        let data = object(&disturbed(data, inner));
        let mut envelope = vec![
            (
                "id",
                json!("0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70").to_string(),
            ),
            ("type", json!(kind).to_string()),
            ("v", json!(1).to_string()),
            (
                "occurred_at",
                json!("2026-03-10T08:15:00+07:00").to_string(),
            ),
            ("province", json!("31").to_string()),
            ("ward", json!("31117").to_string()),
            ("group", json!("31117-TDP05").to_string()),
            ("source", json!("vss").to_string()),
        ];
        if !with_group {
            envelope.remove(6);
        }
        envelope.push(("data", data));
        object(&disturbed(envelope, outer))
    })
}

proptest! {
    #[test]
    fn events_in_or_near_the_written_order_decode_as_the_general_reader_reads_them(
        text in in_written_order()
    ) {
        // A leading space sends the same text to the general reader.
        let spaced = format!(" {text}");
        let (direct, general) = (decode(text.as_bytes()), decode(spaced.as_bytes()));
        match (&direct, &general) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!((a.field(), a.to_string()), (b.field(), b.to_string())),
            _ => prop_assert!(false, "{text}: direct {direct:?} but general {general:?}"),
        }
    }

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

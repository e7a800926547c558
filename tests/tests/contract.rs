//! The query API's OpenAPI document against its answers: every JSON answer a path documents
//! holds to the schema the document gives it, with no field the document does not describe.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::Stack;
use ehb_proto::ReportFigures;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_answer_holds_to_its_documented_schema() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);
    let mut e = Events::new();
    let mut events = vec![e.baseline(OPENED, "31001", 1000, 400, 2)];
    for c in 0..6 {
        events.push(e.account("2026-03-09T09:00:00+07:00", "31001", 1000 + c));
        events.push(e.integrated("2026-03-10T10:00:00+07:00", "31001", 1000 + c, "HS"));
    }
    events.push(e.team("2026-03-09T08:00:00+07:00", "31001", "31001-TDP01"));
    events.push(e.daily_report(
        "2026-03-10T07:45:00+07:00",
        "31001",
        "2026-03-09",
        ReportFigures {
            accounts_new: Some(6),
            ..ReportFigures::default()
        },
    ));
    let done = publisher
        .publish_all(out(&events))
        .await
        .expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;

    let (code, doc) = projector.get("/openapi.json").await;
    assert_eq!(code, 200);
    let components = closed(doc["components"].clone());
    let mut checked = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let ok = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        if ok.is_null() {
            continue;
        }
        let concrete = path.replace("{ward}", "31001").replace("{province}", "31");
        let (code, body) = projector.get(&concrete).await;
        assert_eq!(code, 200, "{concrete}: {body}");
        let mut schema = ok.clone();
        schema["components"] = components.clone();
        let validator = jsonschema::validator_for(&schema).expect("a JSON Schema");
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{concrete}: {errors:#?}");
        checked.push(path.clone());
    }
    checked.sort();
    assert_eq!(
        checked,
        [
            "/v1/days",
            "/v1/digest",
            "/v1/provinces",
            "/v1/provinces/{province}/series",
            "/v1/provinces/{province}/summary",
            "/v1/rejects",
            "/v1/review",
            "/v1/status",
            "/v1/wards/{ward}/daily",
            "/v1/wards/{ward}/groups",
            "/v1/wards/{ward}/series",
            "/v1/whoami",
        ]
    );

    // The check can fail: a field the document does not describe is refused.
    let mut daily_schema = json!({"$ref": "#/components/schemas/Daily"});
    daily_schema["components"] = components;
    let validator = jsonschema::validator_for(&daily_schema).expect("a JSON Schema");
    let (_, mut daily) = projector.get("/v1/wards/31001/daily").await;
    assert!(validator.is_valid(&daily));
    daily["undocumented"] = json!(1);
    assert!(!validator.is_valid(&daily));
}

/// The components with every object schema closed: a property it does not name is an error
/// (the parts of an `allOf`, a flattened answer, are closed once, as a whole).
fn closed(mut components: Value) -> Value {
    let open = components["schemas"].clone();
    for schema in components["schemas"]
        .as_object_mut()
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        close(schema, false, &open);
    }
    components
}

/// Closes `schema` unless it is a `part` of an `allOf`; `open` holds the schemas as written.
fn close(schema: &mut Value, part: bool, open: &Value) {
    match schema {
        Value::Object(map) => {
            let whole = map.contains_key("properties") || map.contains_key("allOf");
            if whole && !part {
                map.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
            }
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("allOf", Value::Array(parts)) => {
                        for p in parts {
                            // A part naming another schema is that schema, left open.
                            let named = p["$ref"]
                                .as_str()
                                .and_then(|r| r.strip_prefix("#/components/schemas/"));
                            if let Some(name) = named {
                                *p = open[name].clone();
                            }
                            close(p, true, open);
                        }
                    }
                    // The names of a schema's properties are not schemas themselves.
                    ("properties", Value::Object(properties)) => {
                        properties.values_mut().for_each(|p| close(p, false, open));
                    }
                    (_, value) => close(value, false, open),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| close(i, false, open)),
        _ => {}
    }
}

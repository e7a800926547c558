//! The JSON Schema in `proto/schema/` and the Rust validators accept and refuse the same samples.

mod common;
use common as samples;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(ehb_proto::ENVELOPE_SCHEMA).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

#[test]
fn schema_accepts_what_rust_accepts() {
    let schema = validator();
    for sample in samples::valid() {
        let raw = serde_json::to_vec(&sample).expect("json");
        assert!(ehb_proto::decode(&raw).is_ok(), "rust refuses {sample}");
        let errors: Vec<String> = schema.iter_errors(&sample).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "schema refuses {sample}: {errors:?}");
    }
}

#[test]
fn schema_refuses_what_rust_refuses() {
    let schema = validator();
    let mut checked = 0;
    for (sample, field) in samples::invalid() {
        let raw = serde_json::to_vec(&sample).expect("json");
        assert!(ehb_proto::decode(&raw).is_err(), "rust accepts {sample}");
        assert!(
            !schema.is_valid(&sample),
            "schema accepts {sample} (bad {field})"
        );
        checked += 1;
    }
    assert_eq!(checked, samples::invalid().len());
}

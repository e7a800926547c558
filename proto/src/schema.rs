//! The contract's values as OpenAPI schemas (feature `openapi`): codes, days and report periods
//! are strings of a fixed shape on the wire, and their schemas say that shape.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use crate::codes::{ProvinceCode, WardCode};
use crate::report::ReportPeriod;
use crate::time::BusinessDay;

/// A string schema with a pattern, a description and an example.
fn text(pattern: &str, description: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([example])
        .into()
}

/// Implements the two schema traits for a type written as a string of one shape.
macro_rules! string_schema {
    ($ty:ty, $name:literal, $schema:expr) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

string_schema!(
    ProvinceCode,
    "ProvinceCode",
    text(
        "^(0[1-9]|[1-8][0-9]|9[0-6])$",
        "Two-digit province code, 01 to 96",
        "31"
    )
);
string_schema!(
    WardCode,
    "WardCode",
    text("^[0-9]{5}$", "Five-digit ward code", "31117")
);
string_schema!(
    BusinessDay,
    "BusinessDay",
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some("A business day in Vietnam (UTC+07:00), YYYY-MM-DD"))
        .examples(["2026-03-11"])
        .into()
);
string_schema!(
    ReportPeriod,
    "ReportPeriod",
    text(
        "^(daily|weekly)/[0-9]{4}-[0-9]{2}-[0-9]{2}$|^(monthly|final)/[0-9]{4}-[0-9]{2}$",
        "The kind of report and the period it covers: daily/ or weekly/ and a day, monthly/ or final/ and a month",
        "weekly/2026-03-09"
    )
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every schema holds its own example, the example is a value its type reads, and a value of
    /// another shape fails the schema.
    #[test]
    fn each_schema_holds_exactly_the_values_its_type_reads() {
        let cases = [
            (ProvinceCode::schema(), "31", "331"),
            (ProvinceCode::schema(), "96", "97"),
            (ProvinceCode::schema(), "01", "00"),
            (WardCode::schema(), "31117", "3111"),
            (
                ReportPeriod::schema(),
                "weekly/2026-03-09",
                "weekly/2026-03",
            ),
        ];
        for (schema, good, bad) in cases {
            let schema = serde_json::to_value(schema).expect("JSON");
            let validator = jsonschema::validator_for(&schema).expect("a schema");
            assert!(validator.is_valid(&good.into()), "{schema} {good}");
            assert!(!validator.is_valid(&bad.into()), "{schema} {bad}");
            assert!(validator.is_valid(&schema["examples"][0]), "{schema}");
        }
        for (good, bad) in [("31", "331"), ("96", "97"), ("01", "00")] {
            assert!(ProvinceCode::parse(good).is_ok() && ProvinceCode::parse(bad).is_err());
        }
        assert!(WardCode::parse("31117").is_ok() && WardCode::parse("3111").is_err());
        let period = |t: &str| serde_json::from_value::<ReportPeriod>(t.into());
        assert!(period("weekly/2026-03-09").is_ok() && period("weekly/2026-03").is_err());
        let day = serde_json::to_value(BusinessDay::schema()).expect("JSON");
        assert_eq!(day["format"], "date");
        assert!(BusinessDay::parse("date", "2026-03-11").is_ok());
    }
}

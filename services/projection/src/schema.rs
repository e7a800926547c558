//! OpenAPI schemas (feature `openapi`) for the answers' values whose wire form is not their
//! Rust shape: a percentage is kept in hundredths and written as a number; flags and states are
//! names from fixed lists.

use std::borrow::Cow;

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::query::Percent;

impl PartialSchema for Percent {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
            .minimum(Some(0.0))
            .description(Some(
                "A percentage rounded half up to two decimals, e.g. 25.48 (may pass 100 when a \
                 population is understated)",
            ))
            .examples([25.48])
            .into()
    }
}

impl ToSchema for Percent {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Percent")
    }
}

/// The flags of a ward in a review: a list of [`FLAGS`](crate::query::review::FLAGS) names.
pub(crate) fn ward_flags() -> ArrayBuilder {
    names(&crate::query::review::FLAGS)
}

/// The flags of a residential group.
pub(crate) fn group_flags() -> ArrayBuilder {
    names(&crate::query::groups::GROUP_FLAGS)
}

/// The state of a day's report in a series.
pub(crate) fn report_state() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(crate::query::series::REPORT_STATES))
}

/// A list of some of `all`'s names, each once.
fn names(all: &[&'static str]) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(all.iter().copied())),
        )
        .unique_items(true)
}

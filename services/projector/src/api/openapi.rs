//! The query API's OpenAPI document (`GET /openapi.json`), derived from the handlers, their
//! parameters and their answers' types, so that what it says is what the code sends.

use std::borrow::Cow;

use ehb_http::ErrorBody;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{KnownFormat, RefOr, Required};
use utoipa::{IntoResponses, OpenApi, PartialSchema, ToSchema};

use super::{export, metrics, queries, status};

/// The OpenAPI document of the query API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ehb-tracker query API",
        description = "Ward-by-ward progress of the electronic health book campaign: daily figures, \
            series, province summaries, the two-day review and its report tables."
    ),
    paths(
        queries::daily, queries::series, queries::groups, export::groups_csv, export::groups_xlsx,
        queries::summary, export::summary_csv, export::summary_xlsx, queries::province_series,
        queries::provinces, queries::days, queries::review, export::review_csv,
        export::review_xlsx, queries::whoami, status::status, status::rejects, status::digest,
        metrics::metrics, status::healthz, status::ready
    ),
    components(schemas(ErrorBody)),
    modifiers(&OfficialToken, &EmptyIsLeftOut)
)]
pub struct ApiDoc;

/// The OpenAPI document of the query API.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The bearer scheme of officials' tokens.
struct OfficialToken;

impl utoipa::Modify for OfficialToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "official_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An official's token, bound to a ward, a province or the nation",
                    ))
                    .build(),
            ),
        );
    }
}

/// Marks every optional query parameter `allowEmptyValue`: the API reads `?date=` as `date` left
/// out (a form's empty field), and says so.
struct EmptyIsLeftOut;

impl utoipa::Modify for EmptyIsLeftOut {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let operations = openapi
            .paths
            .paths
            .values_mut()
            .filter_map(|item| item.get.as_mut());
        let parameters = operations.flat_map(|op| op.parameters.iter_mut().flatten());
        for parameter in parameters {
            let RefOr::T(parameter) = parameter else {
                continue;
            };
            let optional = matches!(parameter.required, Required::False);
            if optional && matches!(parameter.parameter_in, ParameterIn::Query) {
                parameter
                    .extensions
                    .get_or_insert_with(Default::default)
                    .insert("allowEmptyValue".to_owned(), true.into());
            }
        }
    }
}

/// The refusals of a question about a ward, a province or a day.
#[derive(IntoResponses)]
pub enum ReadRefusals {
    /// A parameter is malformed or out of range; `field` names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, or one that is no official's (with an access file).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Outside the token's scope; `field` says what (ward, province).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The ward or province is not known: no event has named it.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// The refusal of a request without an official's token.
#[derive(IntoResponses)]
pub enum SignIn {
    /// No token, or one that is no official's (with an access file).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
}

/// The refusals of what only a national token reads.
#[derive(IntoResponses)]
pub enum NationalOnly {
    /// No token, or one that is no official's (with an access file).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Not a national token.
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// The refusals of a page of what only a national token reads.
#[derive(IntoResponses)]
pub enum PageRefusals {
    /// `cursor` or `limit` is not a whole number in its range.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, or one that is no official's (with an access file).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Not a national token.
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// The failure of a file that could not be written or a store that could not be read.
#[derive(IntoResponses)]
pub enum Failed {
    /// The server could not finish the answer; `reason` says what failed.
    #[response(status = 500)]
    Internal(ErrorBody),
}

/// An answer interrupted before it was ready.
#[derive(IntoResponses)]
pub enum Interrupted {
    /// Interrupted (the server is stopping, say): ask again after `Retry-After` seconds.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// A file's bytes.
pub struct FileBytes;

impl PartialSchema for FileBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for FileBytes {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FileBytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> serde_json::Value {
        serde_json::to_value(document()).expect("JSON")
    }

    #[test]
    fn every_path_is_documented_with_its_answer_and_refusals() {
        let doc = doc();
        let paths = doc["paths"].as_object().expect("paths");
        assert_eq!(paths.len(), 21);
        let daily = &doc["paths"]["/v1/wards/{ward}/daily"]["get"];
        assert_eq!(daily["parameters"].as_array().map(Vec::len), Some(4));
        assert_eq!(
            daily["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Daily"
        );
        for code in ["400", "401", "403", "404"] {
            assert_eq!(
                daily["responses"][code]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{code}"
            );
        }
        assert!(doc["paths"]["/healthz"]["get"]["security"].is_null());
        assert_eq!(
            doc["paths"]["/v1/review"]["get"]["security"][0]["official_token"],
            serde_json::json!([])
        );
        let workbook = &doc["paths"]["/v1/review.xlsx"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            workbook[super::super::export::XLSX]["schema"]["$ref"],
            "#/components/schemas/FileBytes"
        );
        // Every 200 says what it sends.
        for (path, item) in paths {
            let ok = item["get"]["responses"]["200"]["content"].as_object();
            assert_eq!(ok.map(|c| c.len()), Some(1), "{path}");
        }
    }

    #[test]
    fn every_parameter_says_its_values_and_the_names_are_the_parsers() {
        let doc = doc();
        let mut seen = 0;
        for item in doc["paths"].as_object().expect("paths").values() {
            for p in item["get"]["parameters"].as_array().into_iter().flatten() {
                let schema = &p["schema"];
                let said = schema["pattern"].is_string()
                    || schema["enum"].is_array()
                    || schema["maximum"].is_number()
                    || schema["format"] == "date";
                assert!(said, "{p}");
                // An optional query parameter may be sent empty: it then counts as left out.
                let optional_query = p["in"] == "query" && p["required"] == false;
                assert_eq!(p["allowEmptyValue"] == true, optional_query, "{p}");
                seen += 1;
                for name in schema["enum"].as_array().into_iter().flatten() {
                    let name = name.as_str().expect("a name");
                    let parsed = match p["name"].as_str() {
                        Some("average") => name.parse::<ehb_projection::AverageKind>().is_ok(),
                        Some("rate") => name.parse::<ehb_projection::RateBasis>().is_ok(),
                        Some("locale") => name.parse::<ehb_forms::Locale>().is_ok(),
                        other => panic!("an enum on {other:?}"),
                    };
                    assert!(parsed, "{name}");
                }
            }
        }
        assert_eq!(seen, 47);
        let rates = &doc["components"]["schemas"]["RateBasis"]["enum"];
        use ehb_projection::RateBasis::*;
        for basis in [Residents, Insured, Level2, Eligible] {
            let name = serde_json::to_value(basis).expect("a name");
            assert!(rates.as_array().expect("names").contains(&name), "{name}");
        }
    }
}

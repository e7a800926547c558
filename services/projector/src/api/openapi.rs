//! The query API's OpenAPI document (`GET /openapi.json`): every path with its parameters and
//! the answers it can give, written as one table so that it reads like the API's index.

use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, HttpMethod, InfoBuilder, ObjectBuilder, OpenApi,
    OpenApiBuilder, PathItem, PathsBuilder, Ref, Required, ResponseBuilder, SecurityRequirement,
    Type,
};

/// One parameter of a path: its name, where it goes, whether it must be given, what it means,
/// and the values it takes.
struct Param(&'static str, ParameterIn, bool, &'static str, Values);

/// The values a parameter takes, as its schema says them.
enum Values {
    /// Text matching a pattern.
    Pattern(&'static str),
    /// One of these names.
    OneOf(&'static [&'static str]),
    /// A whole number within bounds.
    Whole(u64, u64),
}

const DAY: Values = Values::Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
const PROVINCE_CODE: Values = Values::Pattern("^[0-9]{2}$");
/// The names `average` takes ([`ehb_projection::AverageKind`]).
const AVERAGES: &[&str] = &["plain", "weighted"];
/// The names `rate` takes ([`ehb_projection::RateBasis`]).
const RATES: &[&str] = &["residents", "insured", "level2", "eligible"];

/// One GET path: its address, group, summary, parameters and the statuses it answers.
struct Route {
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: &'static [Param],
    ok: &'static str,
    statuses: &'static [u16],
}

const DATE: Param = Param(
    "date",
    ParameterIn::Query,
    false,
    "Business day YYYY-MM-DD; the last day with events when left out",
    DAY,
);
const WARD: Param = Param(
    "ward",
    ParameterIn::Path,
    true,
    "Five-digit ward code",
    Values::Pattern("^[0-9]{5}$"),
);
const PROVINCE: Param = Param(
    "province",
    ParameterIn::Path,
    true,
    "Two-digit province code",
    PROVINCE_CODE,
);
const AVERAGE: Param = Param(
    "average",
    ParameterIn::Query,
    false,
    "plain (mean of ward rates, the default) or weighted",
    Values::OneOf(AVERAGES),
);
const RATE: Param = Param(
    "rate",
    ParameterIn::Query,
    false,
    "residents (the default), insured, level2 (level-2 account holders) or eligible (insured level-2 account holders): which rate ranks and averages",
    Values::OneOf(RATES),
);
const FROM: Param = Param(
    "from",
    ParameterIn::Query,
    false,
    "First day (30 days before `to` when left out)",
    DAY,
);
const TO: Param = Param(
    "to",
    ParameterIn::Query,
    false,
    "Last day (the last day with events when left out)",
    DAY,
);
const REVIEW_PROVINCE: Param = Param(
    "province",
    ParameterIn::Query,
    false,
    "One province; all in the token's scope when left out",
    PROVINCE_CODE,
);

/// The names `locale` takes ([`ehb_forms::Locale`]).
const LOCALES: &[&str] = &["machine", "vi"];
const LOCALE: Param = Param(
    "locale",
    ParameterIn::Query,
    false,
    "machine (the default: commas, decimal point) or vi (for a Vietnamese-locale spreadsheet: semicolons, decimal comma; the file name ends in -vi.csv)",
    Values::OneOf(LOCALES),
);

const DAYS_WARD: Param = Param(
    "ward",
    ParameterIn::Query,
    false,
    "One ward: its province's days",
    Values::Pattern("^[0-9]{5}$"),
);

const ROUTES: &[Route] = &[
    Route {
        path: "/v1/wards/{ward}/daily",
        tag: "queries",
        summary: "A ward on a day: accounts and integrations (new and cumulative, with its opening balance), the rates over residents, insured, level-2 holders and eligible, those populations and who in each is not yet integrated, target, teams and their members, facilities, the ward office's day and period reports and the other reporters' (the police's final report on the month, health facilities', the regional health centre's), and where the ward stands in its province's two-day review (rank, average, flags)",
        params: &[WARD, DATE, AVERAGE, RATE],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/wards/{ward}/series",
        tag: "queries",
        summary: "A ward day by day (at most 366 days)",
        params: &[WARD, FROM, TO],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/wards/{ward}/groups",
        tag: "queries",
        summary: "A ward's residential groups on a day: each group's accounts and integrations (new, cumulative, in the review's two days), its guidance team (formed on, members, composition) and flags (no_team, no_progress); the facts that named no group; the teams' members",
        params: &[WARD, DATE],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/wards/{ward}/groups.csv",
        tag: "exports",
        summary: "A ward's residential groups as a report table (CSV, UTF-8 with a byte-order mark)",
        params: &[WARD, DATE, LOCALE],
        ok: "text/csv",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/wards/{ward}/groups.xlsx",
        tag: "exports",
        summary: "A ward's residential groups as a report table (XLSX, set up to print on A4 under an administrative heading)",
        params: &[WARD, DATE],
        ok: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/provinces/{province}/summary",
        tag: "queries",
        summary: "A province: its rates, populations and not yet integrated, guidance teams and their members, the average and the wards below it",
        params: &[PROVINCE, DATE, AVERAGE, RATE],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/provinces/{province}/summary.csv",
        tag: "exports",
        summary: "The province summary as a report table (CSV, UTF-8 with a byte-order mark)",
        params: &[PROVINCE, DATE, AVERAGE, RATE, LOCALE],
        ok: "text/csv",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/provinces/{province}/summary.xlsx",
        tag: "exports",
        summary: "The province summary as a report table (XLSX, set up to print on A4 under an administrative heading)",
        params: &[PROVINCE, DATE, AVERAGE, RATE],
        ok: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/provinces/{province}/series",
        tag: "queries",
        summary: "A province's registered wards day by day: integrations, accounts, running total, the rates",
        params: &[PROVINCE, FROM, TO],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/provinces",
        tag: "queries",
        summary: "The 34 provinces' codes and names (the July 2025 reform), for showing a name beside each code",
        params: &[],
        ok: "application/json",
        statuses: &[200, 401],
    },
    Route {
        path: "/v1/days",
        tag: "queries",
        summary: "The days the token's scope (or the province or ward asked) can be looked at: the first and the latest with events, and the last complete day that counted accounts or integrations (complete), where the dashboard opens",
        params: &[REVIEW_PROVINCE, DAYS_WARD],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/review",
        tag: "queries",
        summary: "The two-day review: every ward's gain over D-1..D against D-3..D-2, rank and flags",
        params: &[REVIEW_PROVINCE, DATE, AVERAGE, RATE],
        ok: "application/json",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/review.csv",
        tag: "exports",
        summary: "The two-day review as a report table (CSV, UTF-8 with a byte-order mark)",
        params: &[REVIEW_PROVINCE, DATE, AVERAGE, RATE, LOCALE],
        ok: "text/csv",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/review.xlsx",
        tag: "exports",
        summary: "The two-day review as a report table (XLSX, set up to print on A4 under an administrative heading)",
        params: &[REVIEW_PROVINCE, DATE, AVERAGE, RATE],
        ok: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        statuses: &[200, 400, 401, 403, 404],
    },
    Route {
        path: "/v1/whoami",
        tag: "queries",
        summary: "The token's scope: national, a province or a ward",
        params: &[],
        ok: "application/json",
        statuses: &[200, 401],
    },
    Route {
        path: "/v1/status",
        tag: "operations",
        summary: "The projector: stream and applied sequence, lag, events applied, duplicates, rejects (national token)",
        params: &[],
        ok: "application/json",
        statuses: &[200, 401, 403],
    },
    Route {
        path: "/v1/rejects",
        tag: "operations",
        summary: "Messages that could not be folded, with their reasons, in stream order (national token)",
        params: &[
            Param(
                "cursor",
                ParameterIn::Query,
                false,
                "Stream sequence to start after (0 by default)",
                Values::Whole(0, u64::MAX),
            ),
            Param(
                "limit",
                ParameterIn::Query,
                false,
                "At most this many (100 by default)",
                Values::Whole(1, 1000),
            ),
        ],
        ok: "application/json",
        statuses: &[200, 400, 401, 403],
    },
    Route {
        path: "/v1/digest",
        tag: "operations",
        summary: "SHA-256 of the projection's canonical form, the audit's digest (national token)",
        params: &[],
        ok: "application/json",
        statuses: &[200, 401, 403],
    },
    Route {
        path: "/metrics",
        tag: "operations",
        summary: "Prometheus metrics (national token)",
        params: &[],
        ok: "text/plain",
        statuses: &[200, 401, 403],
    },
    Route {
        path: "/healthz",
        tag: "operations",
        summary: "Alive (open)",
        params: &[],
        ok: "text/plain",
        statuses: &[200],
    },
    Route {
        path: "/readyz",
        tag: "operations",
        summary: "Ready: connected to NATS and caught up with the stream (open)",
        params: &[],
        ok: "text/plain",
        statuses: &[200, 503],
    },
];

/// What each status means on this API.
fn meaning(status: u16) -> &'static str {
    match status {
        200 => "The answer",
        400 => "A parameter is malformed or out of range; `field` names it",
        401 => "No token, or one that is no official's (with an access file)",
        403 => "Outside the token's scope; `field` says what (ward, province, authorization)",
        404 => "The ward, province or path is not known",
        503 => "Not ready yet",
        _ => "",
    }
}

impl Values {
    fn schema(&self) -> ObjectBuilder {
        match self {
            Values::Pattern(pattern) => ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(*pattern)),
            Values::OneOf(names) => ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(names.iter().copied())),
            Values::Whole(min, max) => ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(*min as f64))
                .maximum(Some(*max as f64)),
        }
    }
}

/// The OpenAPI document of the query API.
pub fn document() -> OpenApi {
    let error = Ref::from_schema_name("Error");
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut operation = OperationBuilder::new()
            .tag(route.tag)
            .summary(Some(route.summary))
            .parameters(Some(route.params.iter().map(|p| {
                ParameterBuilder::new()
                    .name(p.0)
                    .parameter_in(p.1.clone())
                    .required(if p.2 { Required::True } else { Required::False })
                    .description(Some(p.3))
                    .schema(Some(p.4.schema()))
                    .build()
            })));
        for &status in route.statuses {
            let content = if status == 200 {
                (route.ok, ContentBuilder::new().build())
            } else {
                (
                    "application/json",
                    ContentBuilder::new().schema(Some(error.clone())).build(),
                )
            };
            operation = operation.response(
                status.to_string(),
                ResponseBuilder::new()
                    .description(meaning(status))
                    .content(content.0, content.1),
            );
        }
        if route.statuses.contains(&401) {
            operation = operation.securities(Some([SecurityRequirement::new(
                "official_token",
                Vec::<String>::new(),
            )]));
        }
        paths = paths.path(route.path, PathItem::new(HttpMethod::Get, operation));
    }
    let error_schema = ObjectBuilder::new()
        .property(
            "error",
            ObjectBuilder::new()
                .property("field", ObjectBuilder::new().schema_type(Type::String))
                .property("reason", ObjectBuilder::new().schema_type(Type::String))
                .required("field")
                .required("reason"),
        )
        .required("error")
        .description(Some("{\"error\": {\"field\": …, \"reason\": …}}"));
    let components = ComponentsBuilder::new()
        .schema("Error", error_schema)
        .security_scheme(
            "official_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An official's token, bound to a ward, a province or the nation",
                    ))
                    .build(),
            ),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("ehb-tracker query API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Ward-by-ward progress of the electronic health book campaign: daily figures, \
                     series, province summaries, the two-day review and its report tables.",
                )),
        )
        .paths(paths)
        .components(Some(components))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_documented_once_with_its_statuses() {
        let doc = serde_json::to_value(document()).expect("JSON");
        let paths = doc["paths"].as_object().expect("paths");
        assert_eq!(paths.len(), ROUTES.len());
        let daily = &doc["paths"]["/v1/wards/{ward}/daily"]["get"];
        assert_eq!(daily["parameters"].as_array().map(Vec::len), Some(4));
        for code in ["200", "400", "401", "403", "404"] {
            assert!(daily["responses"][code].is_object(), "{code}");
        }
        assert_eq!(
            daily["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error"
        );
        assert!(doc["paths"]["/healthz"]["get"]["security"].is_null());
    }

    #[test]
    fn every_parameter_says_its_values_and_the_names_are_the_parsers() {
        let doc = serde_json::to_value(document()).expect("JSON");
        let mut seen = 0;
        for item in doc["paths"].as_object().expect("paths").values() {
            for p in item["get"]["parameters"].as_array().into_iter().flatten() {
                let schema = &p["schema"];
                let said = schema["pattern"].is_string()
                    || schema["enum"].is_array()
                    || schema["maximum"].is_number();
                assert!(said, "{p}");
                seen += 1;
            }
        }
        assert_eq!(seen, ROUTES.iter().map(|r| r.params.len()).sum::<usize>());
        for name in AVERAGES {
            assert!(
                name.parse::<ehb_projection::AverageKind>().is_ok(),
                "{name}"
            );
        }
        for name in RATES {
            assert!(name.parse::<ehb_projection::RateBasis>().is_ok(), "{name}");
        }
        // Every basis the projection knows is listed: each one's name as it serialises.
        use ehb_projection::RateBasis::*;
        for basis in [Residents, Insured, Level2, Eligible] {
            let name = serde_json::to_value(basis).expect("a name");
            assert!(RATES.contains(&name.as_str().unwrap_or_default()), "{name}");
        }
    }
}

//! Path and query parameters read by serde into typed structs of domain types, with one
//! rejection: a 400 naming the parameter and saying what it must be.

use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use ehb_projection::{AverageKind, RateBasis};
use ehb_proto::{BusinessDay, ProvinceCode, WardCode};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;

use super::error::ApiError;

/// A request's query string read into `T`; an empty value counts as left out.
pub struct QueryOf<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryOf<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map(QueryOf)
            .map_err(|e| rejected(&e.path().to_string(), e.into_inner(), "query"))
    }
}

/// A request's path parameters read into `T`.
pub struct PathOf<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PathOf<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request("path", e.body_text()))?;
        let pairs: Vec<(String, String)> = raw
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let map =
            serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs.into_iter());
        serde_path_to_error::deserialize(map)
            .map(PathOf)
            .map_err(|e| rejected(&e.path().to_string(), e.into_inner(), "path"))
    }
}

/// The 400 for a parameter that did not read; `whole` names the part when serde names none.
fn rejected(path: &str, err: impl Display, whole: &str) -> ApiError {
    let reason = err.to_string();
    // serde names a parameter given twice in its message, not in the path.
    let twice = reason
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name.to_owned());
    if let Some(name) = twice {
        return ApiError::bad_request(&name, "is given more than once");
    }
    let field = match path {
        "" | "." => whole,
        p => p,
    };
    ApiError::bad_request(field, reason)
}

/// `/v1/wards/{ward}/…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WardPath {
    /// Five-digit ward code.
    #[serde(deserialize_with = "ward")]
    #[param(inline)]
    pub ward: WardCode,
}

/// `/v1/provinces/{province}/…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProvincePath {
    /// Two-digit province code.
    #[serde(deserialize_with = "province")]
    #[param(inline)]
    pub province: ProvinceCode,
}

/// `?date=` alone.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// Business day YYYY-MM-DD; the last day with events when left out.
    #[serde(default, deserialize_with = "day")]
    #[param(inline)]
    pub date: Option<BusinessDay>,
}

/// `?date=&average=&rate=`: a day and how wards are ranked and averaged on it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankQuery {
    /// Business day YYYY-MM-DD; the last day with events when left out.
    #[serde(default, deserialize_with = "day")]
    #[param(inline)]
    pub date: Option<BusinessDay>,
    /// plain (mean of ward rates, the default) or weighted.
    #[serde(default, deserialize_with = "parsed")]
    #[param(inline)]
    pub average: AverageKind,
    /// residents (the default), insured, level2 (level-2 account holders) or eligible (insured
    /// level-2 account holders): which rate ranks and averages.
    #[serde(default, deserialize_with = "parsed")]
    #[param(inline)]
    pub rate: RateBasis,
}

/// `?province=&date=&average=&rate=`: the two-day review's province, day and ranking.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// One province; every province the token reads when left out.
    #[serde(default, deserialize_with = "optional_province")]
    #[param(inline)]
    pub province: Option<ProvinceCode>,
    /// Business day YYYY-MM-DD; the last day with events when left out.
    #[serde(default, deserialize_with = "day")]
    #[param(inline)]
    pub date: Option<BusinessDay>,
    /// plain (mean of ward rates, the default) or weighted.
    #[serde(default, deserialize_with = "parsed")]
    #[param(inline)]
    pub average: AverageKind,
    /// residents (the default), insured, level2 or eligible: which rate ranks and averages.
    #[serde(default, deserialize_with = "parsed")]
    #[param(inline)]
    pub rate: RateBasis,
}

/// `?province=` or `?ward=`: whose campaign days (the token's scope when left out).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// One province.
    #[serde(default, deserialize_with = "optional_province")]
    #[param(inline)]
    pub province: Option<ProvinceCode>,
    /// One ward: its province's days.
    #[serde(default, deserialize_with = "optional_ward")]
    #[param(inline)]
    pub ward: Option<WardCode>,
}

/// `?from=&to=`: the days of a series.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// The first day (30 days before `to` when left out).
    #[serde(default, deserialize_with = "day")]
    #[param(inline)]
    pub from: Option<BusinessDay>,
    /// The last day (the last with events when left out).
    #[serde(default, deserialize_with = "day")]
    #[param(inline)]
    pub to: Option<BusinessDay>,
}

/// `?cursor=&limit=`: a page of rejects.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Stream sequence to start after (0 by default).
    #[serde(default, deserialize_with = "cursor")]
    #[param(minimum = 0, maximum = 9007199254740991.0)]
    pub cursor: u64,
    /// At most this many (100 by default).
    #[serde(default = "default_limit", deserialize_with = "limit")]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: usize,
}

/// The largest cursor: 2^53 - 1.
const MAX_CURSOR: u64 = (1 << 53) - 1;

fn default_limit() -> usize {
    100
}

/// The parameter's text; `None` when it is empty, which counts as left out.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text: Cow<'de, str> = Deserialize::deserialize(d)?;
    Ok((!text.is_empty()).then(|| text.into_owned()))
}

fn day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BusinessDay>, D::Error> {
    text(d)?
        .map(|t| {
            BusinessDay::parse("date", &t)
                .map_err(|_| D::Error::custom("must be a date written YYYY-MM-DD"))
        })
        .transpose()
}

fn ward<'de, D: Deserializer<'de>>(d: D) -> Result<WardCode, D::Error> {
    ward_code(&text(d)?.unwrap_or_default())
}

fn ward_code<E: serde::de::Error>(text: &str) -> Result<WardCode, E> {
    WardCode::parse(text).map_err(|_| E::custom("must be a five-digit ward code such as 31117"))
}

fn optional_ward<'de, D: Deserializer<'de>>(d: D) -> Result<Option<WardCode>, D::Error> {
    text(d)?.map(|t| ward_code(&t)).transpose()
}

fn province<'de, D: Deserializer<'de>>(d: D) -> Result<ProvinceCode, D::Error> {
    province_code(&text(d)?.unwrap_or_default())
}

fn optional_province<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ProvinceCode>, D::Error> {
    text(d)?.map(|t| province_code(&t)).transpose()
}

fn province_code<E: serde::de::Error>(text: &str) -> Result<ProvinceCode, E> {
    ProvinceCode::parse(text)
        .map_err(|_| E::custom("must be a two-digit province code from 01 to 96"))
}

/// A choice among the contract's names (`average`, `rate`); its default when left out.
fn parsed<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = ehb_projection::QueryError> + Default,
{
    match text(d)? {
        None => Ok(T::default()),
        Some(t) => t.parse().map_err(|e: ehb_projection::QueryError| {
            D::Error::custom(super::error::refused(e).reason().to_owned())
        }),
    }
}

fn whole_number<'de, D: Deserializer<'de>>(
    d: D,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, D::Error> {
    text(d)?
        .map(|t| match t.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(D::Error::custom(format!(
                "must be a whole number from {} to {}",
                range.start(),
                range.end()
            ))),
        })
        .transpose()
}

fn cursor<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    // Stream sequences stay far below 2^53, the largest whole number a JSON reader keeps exact.
    Ok(whole_number(d, 0..=MAX_CURSOR)?.unwrap_or(0))
}

fn limit<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    Ok(whole_number(d, 1..=1000)?.map_or(default_limit(), |n| n as usize))
}

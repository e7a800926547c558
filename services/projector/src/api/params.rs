//! Reading path and query parameters into domain types, naming the parameter on failure.

use std::collections::HashMap;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use ehb_projection::{AverageKind, RateBasis};
use ehb_proto::{BusinessDay, ProvinceCode, WardCode};

use super::error::ApiError;

/// The query string as a map, or a 400 when it cannot be decoded.
pub type QueryMap = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The parameters of one request.
pub struct Params(HashMap<String, String>);

impl Params {
    /// Reads the query string.
    pub fn from(query: QueryMap) -> Result<Self, ApiError> {
        query
            .map(|Query(map)| Params(map))
            .map_err(|e| ApiError::bad_request("query", e.body_text()))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// An optional business day `YYYY-MM-DD`.
    pub fn day(&self, name: &'static str) -> Result<Option<BusinessDay>, ApiError> {
        self.get(name)
            .map(|v| {
                BusinessDay::parse(name, v)
                    .map_err(|_| ApiError::bad_request(name, "must be a date written YYYY-MM-DD"))
            })
            .transpose()
    }

    /// An optional province code.
    pub fn province(&self, name: &'static str) -> Result<Option<ProvinceCode>, ApiError> {
        self.get(name).map(province).transpose()
    }

    /// `average=plain|weighted` (default plain).
    pub fn average(&self) -> Result<AverageKind, ApiError> {
        self.get("average")
            .map_or(Ok(AverageKind::Plain), str::parse)
            .map_err(ApiError::from)
    }

    /// `rate=residents|insured|level2|eligible` (default residents).
    pub fn basis(&self) -> Result<RateBasis, ApiError> {
        self.get("rate")
            .map_or(Ok(RateBasis::Residents), str::parse)
            .map_err(ApiError::from)
    }

    /// An optional whole number within `range`.
    pub fn number(
        &self,
        name: &'static str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, ApiError> {
        self.get(name)
            .map(|v| match v.parse::<u64>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(
                    name,
                    format!(
                        "must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )),
            })
            .transpose()
    }
}

/// A ward code from the path.
pub fn ward(text: &str) -> Result<WardCode, ApiError> {
    WardCode::parse(text)
        .map_err(|_| ApiError::bad_request("ward", "must be a five-digit ward code such as 31117"))
}

/// A province code from the path or query.
pub fn province(text: &str) -> Result<ProvinceCode, ApiError> {
    ProvinceCode::parse(text).map_err(|_| {
        ApiError::bad_request(
            "province",
            "must be a two-digit province code from 01 to 96",
        )
    })
}

//! The official behind a request, and what their scope lets them read.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use ehb_proto::{ProvinceCode, WardCode};

use super::error::ApiError;
use crate::access::Scope;
use crate::shared::Shared;

/// The scope of the request's bearer token (the nation when the API is open).
#[derive(Debug, Clone, Copy)]
pub struct Official(pub Scope);

impl FromRequestParts<Arc<Shared>> for Official {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let Some(officials) = &shared.officials else {
            return Ok(Official(Scope::National));
        };
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match token {
            None => Err(ApiError::unauthorized(
                "sign in: send Authorization: Bearer <your token>",
            )),
            Some(token) => officials
                .scope_of(token)
                .map(Official)
                .ok_or_else(|| ApiError::unauthorized("this token is not an official's")),
        }
    }
}

impl Official {
    /// Refuses a ward outside the scope (`province`: the ward's, when known).
    pub fn ward(&self, ward: WardCode, province: Option<ProvinceCode>) -> Result<(), ApiError> {
        if self.0.sees_ward(ward, province) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "ward",
            format!("your token is for {}: ward {ward} is outside it", self.0),
        ))
    }

    /// Refuses a province outside the scope (a ward's token sees no whole province).
    pub fn province(&self, province: ProvinceCode) -> Result<(), ApiError> {
        if self.0.sees_province(province) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "province",
            format!(
                "your token is for {}: province {province} is outside it",
                self.0
            ),
        ))
    }

    /// The province a review is about: the one asked, checked, or the token's own.
    pub fn review_scope(
        &self,
        asked: Option<ProvinceCode>,
    ) -> Result<Option<ProvinceCode>, ApiError> {
        match (self.0, asked) {
            (Scope::National, asked) => Ok(asked),
            (Scope::Province(own), None) => Ok(Some(own)),
            (_, Some(p)) => self.province(p).map(|()| Some(p)),
            (Scope::Ward(w), None) => Err(ApiError::forbidden(
                "province",
                format!("your token is for ward {w}: ask /v1/wards/{w}/daily or /series"),
            )),
        }
    }

    /// Refuses what only a national token reads (rejects, the digest).
    pub fn national(&self) -> Result<(), ApiError> {
        match self.0 {
            Scope::National => Ok(()),
            other => Err(ApiError::forbidden(
                "authorization",
                format!("your token is for {other}: this needs a national token"),
            )),
        }
    }
}

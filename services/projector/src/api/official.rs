//! The official behind a request, and what their scope lets them read.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use ehb_projection::Projection;
use ehb_proto::{ProvinceCode, WardCode};

use super::error::ApiError;
use crate::access::Scope;
use crate::shared::Shared;

/// The official behind a request: their token's scope (the nation when the API is open) and, for
/// a ward's token, the ward's province, whose summary, review and report files the commune reads
/// too (the province sends every commune the same ranked list).
#[derive(Debug, Clone, Copy)]
pub struct Official {
    /// What the token is for.
    pub scope: Scope,
    /// A ward token's province, once an event has named the ward.
    home: Option<ProvinceCode>,
}

impl FromRequestParts<Arc<Shared>> for Official {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let Some(officials) = &shared.officials else {
            return Ok(Official {
                scope: Scope::National,
                home: None,
            });
        };
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(ehb_runtime::bearer_credentials);
        match token {
            None => Err(ApiError::unauthorized(
                "sign in: send Authorization: Bearer <your token>",
            )),
            Some(token) => {
                let scope = officials
                    .scope_of(token)
                    .ok_or_else(|| ApiError::unauthorized("this token is not an official's"))?;
                let home = match scope {
                    Scope::Ward(w) => shared.projection_read().ward(w).map(|w| w.meta.province),
                    _ => None,
                };
                Ok(Official { scope, home })
            }
        }
    }
}

impl Official {
    /// Refuses a ward outside the scope (`province`: the ward's, when known).
    pub fn ward(&self, ward: WardCode, province: Option<ProvinceCode>) -> Result<(), ApiError> {
        if self.scope.sees_ward(ward, province) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "ward",
            format!(
                "your token is for {}: ward {ward} is outside it",
                self.scope
            ),
        ))
    }

    /// Refuses a ward this official may not read.
    pub fn readable_ward(&self, projection: &Projection, ward: WardCode) -> Result<(), ApiError> {
        self.ward(ward, projection.ward(ward).map(|w| w.meta.province))
    }

    /// Refuses a province outside the scope; a ward's token reads its own province's summary,
    /// series, review and report files.
    pub fn province(&self, province: ProvinceCode) -> Result<(), ApiError> {
        if self.scope.sees_province(province) || self.home == Some(province) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "province",
            format!(
                "your token is for {}: province {province} is outside it",
                self.scope
            ),
        ))
    }

    /// The province a review is about: the one asked, checked, or the token's own.
    pub fn review_scope(
        &self,
        asked: Option<ProvinceCode>,
    ) -> Result<Option<ProvinceCode>, ApiError> {
        match (self.scope, asked) {
            (Scope::National, asked) => Ok(asked),
            (Scope::Province(own), None) => Ok(Some(own)),
            (_, Some(p)) => self.province(p).map(|()| Some(p)),
            (Scope::Ward(w), None) => self.home.map(Some).ok_or_else(|| {
                ApiError::not_found(
                    "ward",
                    format!("ward {w} is not known yet: no event has named it"),
                )
            }),
        }
    }

    /// Refuses what only a national token reads (rejects, the digest).
    pub fn national(&self) -> Result<(), ApiError> {
        match self.scope {
            Scope::National => Ok(()),
            other => Err(ApiError::forbidden(
                "authorization",
                format!("your token is for {other}: this needs a national token"),
            )),
        }
    }
}

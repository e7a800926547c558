//! The gateway's errors: the shared [`ApiError`] of the ehb-tracker APIs, and how a refused
//! event becomes one.

pub use ehb_http::{ApiError, ErrorBody, ErrorDetail, with_advice};

use crate::intake::Refusal;

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let status = axum::http::StatusCode::from_u16(refusal.status)
            .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
        ApiError::new(status, &refusal.field, refusal.reason)
    }
}

//! The one error type of the gateway's API, and how it becomes a response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::intake::Refusal;

/// Seconds a client should wait before retrying after a 503.
pub const RETRY_AFTER_SECS: u64 = 2;

/// The error body: `{"error": {"field": …, "reason": …}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The field at fault and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The dotted path of the field (`""` for the whole request or event).
    pub field: String,
    /// Why, never repeating a submitted value.
    pub reason: String,
}

/// A refused request: its status, the field at fault and the reason.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: ErrorDetail,
}

impl ApiError {
    fn new(status: StatusCode, field: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: ErrorDetail {
                field: field.to_owned(),
                reason: reason.into(),
            },
        }
    }

    /// 401: no API key, or an unknown one.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "authorization", reason)
    }

    /// 405: the path is known, the method is not one it answers.
    pub fn method_not_allowed(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method", reason)
    }

    /// 403: the key may not do this.
    pub fn forbidden(field: &str, reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, field, reason)
    }

    /// 400: the request as a whole is malformed.
    pub fn bad_request(field: &str, reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, field, reason)
    }

    /// 413: the body is too large or has too many lines.
    pub fn too_large(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body", reason)
    }

    /// 415: the content type is not one the gateway reads.
    pub fn unsupported_media_type(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "content-type", reason)
    }

    /// 503: the stream did not store the event; retry later with the same id.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "", reason)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError {
            status: StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST),
            detail: ErrorDetail {
                field: refusal.field,
                reason: refusal.reason,
            },
        }
    }
}

/// Adds `Retry-After` to a 503 and `WWW-Authenticate` to a 401.
pub fn with_advice(mut response: Response) -> Response {
    match response.status() {
        StatusCode::SERVICE_UNAVAILABLE => {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        StatusCode::UNAUTHORIZED => {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ehb-gateway\""),
            );
        }
        _ => {}
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        with_advice((self.status, Json(ErrorBody { error: self.detail })).into_response())
    }
}

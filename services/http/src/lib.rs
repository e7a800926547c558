//! What the ehb-tracker HTTP APIs (the gateway, the projector's query API, the query front)
//! share: one error type, [`ApiError`], answered as `{"error": {"field": …, "reason": …}}` with
//! the headers its status calls for (`WWW-Authenticate` on 401, `Retry-After` on 503).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

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
    /// The field, parameter or header at fault (`""` for the whole request).
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
    /// An answer of `status` naming `field` and saying why.
    pub fn new(status: StatusCode, field: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: ErrorDetail {
                field: field.to_owned(),
                reason: reason.into(),
            },
        }
    }

    /// 400: the request, or one of its parameters, is malformed.
    pub fn bad_request(field: &str, reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, field, reason)
    }

    /// 401: no credential, or an unknown one.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "authorization", reason)
    }

    /// 403: the credential may not do this; `field` says what is outside it.
    pub fn forbidden(field: &str, reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, field, reason)
    }

    /// 404: the path names nothing known.
    pub fn not_found(field: &str, reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, field, reason)
    }

    /// 405: the path is known, the method is not one it answers.
    pub fn method_not_allowed(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method", reason)
    }

    /// 413: the body is too large.
    pub fn too_large(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body", reason)
    }

    /// 415: the content type is not one the path reads.
    pub fn unsupported_media_type(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "content-type", reason)
    }

    /// 500: the service failed; the log says more.
    pub fn internal(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "", reason)
    }

    /// 503: not available now; retry after [`RETRY_AFTER_SECS`].
    pub fn unavailable(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "", reason)
    }

    /// The status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The field, parameter or header at fault.
    pub fn field(&self) -> &str {
        &self.detail.field
    }

    /// Why the request was refused.
    pub fn reason(&self) -> &str {
        &self.detail.reason
    }
}

/// Adds `Retry-After` to a 503 and `WWW-Authenticate` to a 401, whatever answered them.
pub fn with_advice(mut response: Response) -> Response {
    match response.status() {
        StatusCode::SERVICE_UNAVAILABLE => {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        StatusCode::UNAUTHORIZED => {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_answered_in_one_shape_with_its_advice() {
        let response = ApiError::unauthorized("sign in").into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let response = ApiError::unavailable("not ready").into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        let body = serde_json::to_value(ErrorBody {
            error: ApiError::bad_request("date", "must be a date").detail,
        });
        assert_eq!(
            body.ok(),
            Some(serde_json::json!({"error": {"field": "date", "reason": "must be a date"}}))
        );
    }
}

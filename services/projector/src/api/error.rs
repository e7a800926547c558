//! The one error type of the query API, and how it becomes a response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ehb_projection::QueryError;
use serde_json::json;

use ehb_store::StoreError;

/// A failed request: its status, the field at fault and the reason.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    field: String,
    reason: String,
}

impl ApiError {
    /// 400: a parameter is malformed or out of range.
    pub fn bad_request(field: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: field.to_owned(),
            reason: reason.into(),
        }
    }

    /// 404: the path names nothing known.
    pub fn not_found(field: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            field: field.to_owned(),
            reason: reason.into(),
        }
    }

    /// Why the request was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// 405: the path is known, the method is not one it answers.
    pub fn method_not_allowed() -> Self {
        ApiError {
            status: StatusCode::METHOD_NOT_ALLOWED,
            field: "method".to_owned(),
            reason: "this path answers GET only (the Allow header lists its methods)".to_owned(),
        }
    }

    /// 401: no token, or one that is no official's.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            field: "authorization".to_owned(),
            reason: reason.into(),
        }
    }

    /// 403: the token's scope does not cover what was asked.
    pub fn forbidden(field: &str, reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::FORBIDDEN,
            field: field.to_owned(),
            reason: reason.into(),
        }
    }

    /// 500: something on the projector's side failed (the log says what).
    pub fn internal(reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            field: String::new(),
            reason: reason.into(),
        }
    }

    /// 503: the projector is not ready to answer.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            field: String::new(),
            reason: reason.into(),
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(err: QueryError) -> Self {
        let field = err.field();
        match err {
            QueryError::UnknownWard(_) | QueryError::UnknownProvince(_) => {
                ApiError::not_found(field, err.to_string())
            }
            QueryError::Invalid { reason, .. } => ApiError::bad_request(field, reason),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "StoreReadFailed");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            field: String::new(),
            reason: "the store could not be read; see the projector's log".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({"error": {"field": self.field, "reason": self.reason}}));
        let mut response = (self.status, body).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

//! The query API's errors: the shared [`ApiError`] of the ehb-tracker APIs, and how the
//! projection's and the store's failures become one.

pub use ehb_http::ApiError;
use ehb_projection::QueryError;
use ehb_store::StoreError;

/// A question the projection could not answer: 404 for a ward or province it does not know,
/// 400 for a parameter out of range.
pub fn refused(err: QueryError) -> ApiError {
    let field = err.field();
    match err {
        QueryError::UnknownWard(_) | QueryError::UnknownProvince(_) => {
            ApiError::not_found(field, err.to_string())
        }
        QueryError::Invalid { reason, .. } => ApiError::bad_request(field, reason),
    }
}

/// A store read that failed: logged with its cause, answered 500 without it.
pub fn unread(err: StoreError) -> ApiError {
    tracing::error!(error = %err, "StoreReadFailed");
    ApiError::internal("the store could not be read; see the projector's log")
}

/// 405: the query API answers GET only.
pub fn get_only() -> ApiError {
    ApiError::method_not_allowed("this path answers GET only (the Allow header lists its methods)")
}

//! What keeps a dashboard polling every few seconds cheap on mobile data: every answer carries
//! an entity tag, a question repeated with `If-None-Match` is answered 304 without a body while
//! the figures are unchanged, and bodies are compressed for clients that accept gzip.

use std::hash::{BuildHasher, Hasher};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest answer given a tag (the national review is about 1.3 MB).
const TAGGED_UP_TO: usize = 64 * 1024 * 1024;

/// Tags a GET's 200 answer by its bytes and answers 304 when the client holds that answer.
///
/// The tag is a hash of the answer itself, so a 304 never stands for figures other than those
/// the client already has, whatever the applied sequence. Answers are `private` (they depend on
/// the official's token) and revalidated every time (`no-cache`).
pub async fn entity_tags(request: Request, next: Next) -> Response {
    let held = request.headers().get(IF_NONE_MATCH).cloned();
    let get = request.method() == Method::GET;
    let response = next.run(request).await;
    if !get || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, TAGGED_UP_TO).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = tag_of(&bytes);
    if !parts.headers.contains_key(CACHE_CONTROL) {
        parts
            .headers
            .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    let unchanged = held.as_ref().is_some_and(|h| matches(h, &tag));
    parts.headers.insert(ETAG, tag);
    if unchanged {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [ETAG, CACHE_CONTROL] {
            if let Some(value) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        return not_modified;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A weak tag (the same figures, whatever the encoding on the wire) of an answer's bytes.
fn tag_of(bytes: &[u8]) -> HeaderValue {
    let mut hasher = foldhash::quality::FixedState::with_seed(0x6568_622d_7461_6773).build_hasher();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    let value = format!("W/\"{:016x}\"", hasher.finish());
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""))
}

/// Whether an `If-None-Match` header names `tag` (or is `*`).
fn matches(held: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(held) = held.to_str() else {
        return false;
    };
    let tag = tag.to_str().unwrap_or_default();
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    held.split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_the_answer_s_and_matches_weakly() {
        let a = tag_of(b"{\"integrated\":1}");
        assert_eq!(a, tag_of(b"{\"integrated\":1}"));
        assert_ne!(a, tag_of(b"{\"integrated\":2}"));
        let text = a.to_str().unwrap_or_default().to_owned();
        assert!(text.starts_with("W/\"") && text.len() == 20, "{text}");
        let strong = text.trim_start_matches("W/").to_owned();
        for held in [
            text.clone(),
            strong,
            format!("\"x\", {text}"),
            "*".to_owned(),
        ] {
            let held =
                HeaderValue::from_str(&held).unwrap_or_else(|_| HeaderValue::from_static(""));
            assert!(matches(&held, &a), "{held:?}");
        }
        assert!(!matches(&HeaderValue::from_static("W/\"1\""), &a));
    }
}

//! The national query front: one API over projectors that each own a set of provinces.
//!
//! A question about one ward or one province goes to the partitions in turn, and the first
//! answer that is not "unknown" (404) is passed on as it is. The national two-day review is
//! combined: each partition reviews its provinces on the same day (the latest day any of them
//! has, unless a day is asked), and the provinces are put together in code order, which is what
//! one projector over the whole stream answers. The national digest is joined from the
//! partitions' per-province parts, the national report table laid out from the joined review,
//! and the rejects merged in stream order. The official's token is passed to the partitions, which
//! enforce its scope.

mod combine;
mod join;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clap::Parser;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

/// Serves one query API over province-partitioned projectors.
#[derive(Debug, Clone, Parser)]
#[command(name = "ehb-front", version)]
pub struct Config {
    /// The partitions' base URLs (`http://projector-a:8080`), comma separated.
    #[arg(
        long = "partition",
        env = "EHB_PARTITIONS",
        value_delimiter = ',',
        required = true
    )]
    pub partitions: Vec<String>,
    /// Address the API listens on.
    #[arg(long, env = "EHB_LISTEN", default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
}

/// Why the front stopped.
#[derive(Debug, Error)]
pub enum FrontError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed.
    #[error("the API server failed: {0}")]
    Serve(std::io::Error),
}

/// What every request handler shares: the partitions and an HTTP client.
pub struct Front {
    partitions: Vec<String>,
    http: reqwest::Client,
}

/// One partition's answer: status, the headers worth passing on, and the body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) disposition: Option<HeaderValue>,
    pub(crate) body: bytes::Bytes,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(v) = self.content_type {
            headers.insert(header::CONTENT_TYPE, v);
        }
        if let Some(v) = self.disposition {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        response
    }
}

/// An error answer in the API's shape, `{"error": {"field", "reason"}}`.
pub(crate) fn refusal(status: StatusCode, field: &str, reason: String) -> Response {
    ehb_http::ApiError::new(status, field, reason).into_response()
}

impl Front {
    /// Asks partition `i` for `path_and_query` with the official's `authorization`.
    pub(crate) async fn ask(
        &self,
        i: usize,
        path_and_query: &str,
        authorization: Option<&HeaderValue>,
    ) -> Result<Answer, String> {
        let mut request = self
            .http
            .get(format!("{}{path_and_query}", self.partitions[i]));
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("partition {} did not answer: {e}", self.partitions[i]))?;
        let status =
            StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let pick = |name: header::HeaderName| {
            response
                .headers()
                .get(name.as_str())
                .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok())
        };
        let (content_type, disposition) = (
            pick(header::CONTENT_TYPE),
            pick(header::CONTENT_DISPOSITION),
        );
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("partition {} broke off: {e}", self.partitions[i]))?;
        Ok(Answer {
            status,
            content_type,
            disposition,
            body,
        })
    }

    /// The first answer that is not 404, asking the partitions in turn; 404 when every one
    /// answered 404, 503 when one that did not answer may own what was asked.
    pub(crate) async fn first_known(&self, path_and_query: &str, headers: &HeaderMap) -> Response {
        let authorization = headers.get(header::AUTHORIZATION);
        let mut unknown = None;
        let mut silent = None;
        for i in 0..self.partitions.len() {
            match self.ask(i, path_and_query, authorization).await {
                Ok(answer) if answer.status == StatusCode::NOT_FOUND => unknown = Some(answer),
                Ok(answer) => return answer.into_response(),
                Err(reason) => silent = Some(reason),
            }
        }
        match (silent, unknown) {
            (Some(reason), _) => refusal(StatusCode::SERVICE_UNAVAILABLE, "partition", reason),
            (None, Some(answer)) => answer.into_response(),
            (None, None) => refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "partition",
                "no partition is configured".into(),
            ),
        }
    }
}

/// The front's routes.
pub fn router(front: Arc<Front>) -> Router {
    Router::new()
        .route("/v1/review", get(combine::review))
        .route("/v1/review.csv", get(combine::review_table))
        .route("/v1/review.xlsx", get(combine::review_table))
        .route("/v1/status", get(combine::status))
        .route("/v1/whoami", get(combine::whoami))
        .route("/v1/digest", get(combine::digest))
        .route("/v1/rejects", get(combine::rejects))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(get(forward).fallback(method_not_allowed))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(front)
}

/// 405: the query API answers GET only.
async fn method_not_allowed() -> Response {
    refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "the query API answers GET only (the Allow header lists the methods)".into(),
    )
}

/// Any other GET (a ward, a province, who am I, the dashboard's page): the first partition that
/// knows it answers.
async fn forward(State(front): State<Arc<Front>>, request: Request) -> Response {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    front.first_known(&path_and_query, request.headers()).await
}

/// Serves the front until `cancel` fires.
pub async fn run(config: Config, cancel: CancellationToken) -> Result<(), FrontError> {
    let front = Arc::new(Front {
        partitions: config
            .partitions
            .iter()
            .map(|p| p.trim().trim_end_matches('/').to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        http: reqwest::Client::new(),
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| FrontError::Listen {
            addr: config.listen,
            source,
        })?;
    tracing::info!(listen = %config.listen, partitions = ?front.partitions, "FrontListening");
    axum::serve(listener, router(front))
        .with_graceful_shutdown(cancel.cancelled_owned())
        .await
        .map_err(FrontError::Serve)
}

//! The gateway's HTTP API: ingest, health, readiness, metrics and its OpenAPI document.

mod error;
mod events;
mod fates;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ehb_eventlog::Publisher;
use utoipa::OpenApi;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use fates::{BatchAnswer, EventsAnswer, Fate, NotStoredAnswer, Status};

use crate::access::Access;
use crate::intake::TimeWindow;
use crate::metrics::Metrics;
use crate::registry::Registry;

/// Request size limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most events in one batch.
    pub max_lines: usize,
    /// Most bytes in one body.
    pub max_bytes: usize,
}

/// What the handlers share.
pub struct App {
    /// Who may publish what, and the pseudonymisation key.
    pub access: Access,
    /// The span an `occurred_at` may fall in.
    pub window: TimeWindow,
    /// The wards with a baseline.
    pub registry: Arc<Registry>,
    /// Publishes to the stream.
    pub publisher: Publisher,
    /// The NATS connection (its state tells whether publishing can work).
    pub client: async_nats::Client,
    /// Set once the stream exists with the contract's settings.
    pub stream_ready: AtomicBool,
    /// Size limits.
    pub limits: Limits,
    /// Counters and histograms.
    pub metrics: Metrics,
}

impl App {
    /// Whether the NATS connection is up.
    pub fn connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    /// Whether events can be published now.
    pub fn ready(&self) -> bool {
        self.connected() && self.stream_ready.load(Ordering::Relaxed)
    }
}

/// The OpenAPI document of the gateway.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ehb-tracker ingest gateway",
        description = "Authenticated HTTP publishing of campaign events into the event log. \
            Retrying with the same event `id` is always safe: the log stores an id once."
    ),
    paths(events::post_events, healthz, readyz, metrics),
    components(schemas(Fate, Status, BatchAnswer, EventsAnswer, NotStoredAnswer, ErrorBody, ErrorDetail)),
    modifiers(&BearerKey)
)]
pub struct ApiDoc;

struct BearerKey;

impl utoipa::Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The publisher's API key from the access file"))
                    .build(),
            ),
        );
    }
}

/// The router over the shared state.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/events", post(events::post_events))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/schema/event.v1.json", get(schema))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::method_not_allowed(
                "this path answers another method: POST for /v1/events, GET for the others \
                 (the Allow header lists them)",
            )
        })
        .with_state(app)
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive")))]
async fn healthz() -> &'static str {
    "ok\n"
}

/// Events can be published: NATS is connected and the stream exists.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready"),
    (status = 503, description = "Not connected to NATS, or the stream is not set up yet", body = ErrorBody)
))]
async fn readyz(State(app): State<Arc<App>>) -> Response {
    if app.ready() {
        "ready\n".into_response()
    } else {
        ApiError::unavailable("not connected to the event log yet").into_response()
    }
}

/// Counters and histograms in Prometheus text format: every province's events, so for a key of
/// national reach only (as the projector's are for a national official's token).
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("api_key" = [])), responses(
    (status = 200, description = "Prometheus text format", content_type = "text/plain"),
    (status = 401, description = "No API key, or an unknown one", body = error::ErrorBody),
    (status = 403, description = "A key limited to some provinces", body = error::ErrorBody),
))]
async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match events::authenticate(&app, &headers) {
        Err(err) => return err.into_response(),
        Ok(key) if key.provinces.is_some() => {
            return ApiError::forbidden(
                "authorization",
                "the metrics count every province's events; this key publishes for some provinces only",
            )
            .into_response();
        }
        Ok(_) => {}
    }
    app.metrics.nats_connected.set(i64::from(app.connected()));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}

async fn openapi() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

async fn schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        ehb_proto::ENVELOPE_SCHEMA,
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(ErrorBody {
            error: ErrorDetail {
                field: "path".into(),
                reason: "no such endpoint; see /openapi.json".into(),
            },
        }),
    )
        .into_response()
}

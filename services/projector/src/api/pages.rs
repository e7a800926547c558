//! The dashboard: one page and its script, style and vendored chart library, served from the
//! binary (no CDN: the machines that run this may have no internet).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};

/// The dashboard's page (national, province and ward views, chosen by the URL's fragment).
pub async fn index() -> impl IntoResponse {
    Html(include_str!("../../assets/index.html"))
}

/// The dashboard's script.
pub async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    )
}

/// What the views and the shell share (session, labels, formats, API calls).
pub async fn core_script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/core.js"),
    )
}

/// The national, province and ward views.
pub async fn views_script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/views.js"),
    )
}

/// Labels in both languages and the number formats.
pub async fn labels_script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/i18n.js"),
    )
}

/// The dashboard's style sheet.
pub async fn style() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/app.css"),
    )
}

/// Chart.js, vendored with its licence (`assets/vendor/chart.js/`).
pub async fn chart_js() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/vendor/chart.js/chart.umd.min.js"),
    )
}

/// Chart.js's licence, as shipped.
pub async fn chart_js_licence() -> impl IntoResponse {
    asset(
        "text/plain; charset=utf-8",
        include_str!("../../assets/vendor/chart.js/LICENSE.md"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")],
        body,
    )
}

//! The dashboard: one page and its scripts, style and vendored chart library, served from the
//! binary (no CDN: the machines that run this may have no internet), by one handler over a
//! table of assets.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// A file the dashboard loads: its address, its content type and its text, built in.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const SCRIPT: &str = "text/javascript; charset=utf-8";

/// Every asset of the dashboard.
const ASSETS: &[Asset] = &[
    // The page (national, province and ward views, chosen by the URL's fragment).
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../../assets/index.html"),
    },
    // The shell: sign-in, navigation, refresh.
    Asset {
        path: "/ui/app.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/app.js"),
    },
    // What the views and the shell share (session, labels, formats, API calls).
    Asset {
        path: "/ui/core.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/core.js"),
    },
    // The national, province and ward views.
    Asset {
        path: "/ui/views.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/views.js"),
    },
    // The charts: rates against the average, integrations per day, a ward's groups.
    Asset {
        path: "/ui/charts.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/charts.js"),
    },
    // Tables sorted and filtered, the official's place kept across refreshes.
    Asset {
        path: "/ui/tables.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/tables.js"),
    },
    // Labels in both languages and the number formats.
    Asset {
        path: "/ui/i18n.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/i18n.js"),
    },
    Asset {
        path: "/ui/app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/app.css"),
    },
    // Chart.js, vendored with its licence (`assets/vendor/chart.js/`).
    Asset {
        path: "/ui/vendor/chart.umd.min.js",
        content_type: SCRIPT,
        body: include_str!("../../assets/vendor/chart.js/chart.umd.min.js"),
    },
    Asset {
        path: "/ui/vendor/chart.js-LICENSE.md",
        content_type: "text/plain; charset=utf-8",
        body: include_str!("../../assets/vendor/chart.js/LICENSE.md"),
    },
];

/// `router` with a route to every asset of the dashboard.
pub fn routes<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    ASSETS.iter().fold(router, |router, asset| {
        router.route(asset.path, get(move || async move { serve(asset) }))
    })
}

/// One asset, revalidated by the browser at every load (a new release shows at once).
fn serve(asset: &'static Asset) -> Response {
    (
        [
            (CONTENT_TYPE, asset.content_type),
            (CACHE_CONTROL, "no-cache"),
        ],
        asset.body,
    )
        .into_response()
}

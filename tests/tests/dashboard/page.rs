//! What the tests read off the dashboard and the API: formats of each language, API answers,
//! the page's figures, table rows and charts, and the officials' access file.

use std::path::PathBuf;

use ehb_e2e::Browser;
use ehb_projection::query::table::vietnamese_count;
use serde_json::{Value, json};

pub const NATIONAL: &str = "dashboard-national-token";
pub const PROVINCE_31: &str = "dashboard-province-31-token";
pub const WARD: &str = "dashboard-ward-token";

/// The language a page is read in, with its number and date formats.
#[derive(Clone, Copy)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn count(self, n: &Value) -> String {
        let vi = vietnamese_count(n.as_u64().expect("a count"));
        match self {
            Lang::Vi => vi,
            Lang::En => vi.replace('.', ","),
        }
    }

    pub fn percent(self, v: &Value) -> String {
        match (v.as_f64(), self) {
            (None, _) => "—".to_owned(),
            (Some(v), Lang::Vi) => format!("{v:.2} %").replace('.', ","),
            (Some(v), Lang::En) => format!("{v:.2}%"),
        }
    }

    pub fn day(self, iso: &Value) -> String {
        let iso = iso.as_str().expect("a day");
        // dd/mm/yyyy in both languages, as Vietnamese forms write it.
        format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4])
    }
}

/// A successful GET of the API with `token`.
pub async fn fetch(base: &str, path: &str, token: &str) -> reqwest::Response {
    let response = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response
}

/// A GET of the API with `token`: the JSON answer.
pub async fn api(base: &str, path: &str, token: &str) -> Value {
    fetch(base, path, token).await.json().await.expect("JSON")
}

/// A GET of the API with `token`: the bytes.
pub async fn api_bytes(base: &str, path: &str, token: &str) -> Vec<u8> {
    fetch(base, path, token)
        .await
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}

pub fn screenshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/screenshots")
        .join(format!("{name}.png"))
}

/// The access file of the three demo officials: the nation, province 31 and `ward`.
pub fn access_file(dir: &std::path::Path, ward: &str) -> PathBuf {
    let ward_scope = format!("ward:{ward}");
    ehb_e2e::officials_file(
        dir,
        &[
            ("national", NATIONAL),
            ("province:31", PROVINCE_31),
            (&ward_scope, WARD),
        ],
    )
}

/// The text of every `data-k` figure in the element matching `css`, by key.
pub async fn figures(browser: &Browser, css: &str) -> serde_json::Map<String, Value> {
    let found = browser
        .eval(
            "const root = document.querySelector(arguments[0]); const out = {};
             for (const e of root.querySelectorAll('[data-k]')) {
               if (!(e.dataset.k in out)) out[e.dataset.k] = e.textContent.trim(); }
             return out;",
            vec![json!(css)],
        )
        .await;
    found.as_object().expect("an object").clone()
}

/// Each row of the table matching `css`: its key attribute, figures by key and flags.
pub async fn rows(browser: &Browser, css: &str, key: &str) -> Vec<Value> {
    let found = browser
        .eval(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map(tr => {
               const cells = {};
               for (const e of tr.querySelectorAll('[data-k]')) cells[e.dataset.k] = e.textContent.trim();
               return { key: tr.dataset[arguments[1]], cells,
                        flags: [...tr.querySelectorAll('[data-flag]')].map(f => f.dataset.flag) };
             });",
            vec![json!(css), json!(key)],
        )
        .await;
    found.as_array().expect("rows").clone()
}

/// The data of a chart's datasets, as drawn by Chart.js on the canvas `id`.
pub async fn chart(browser: &Browser, id: &str) -> Vec<Value> {
    let data = browser
        .eval(
            "return Chart.getChart(arguments[0]).data.datasets.map(d => d.data);",
            vec![json!(id)],
        )
        .await;
    data.as_array().expect("datasets").clone()
}

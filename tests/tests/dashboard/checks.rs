//! Each page's figures against the API's answers, and the downloaded exports' cells.

use ehb_e2e::{Browser, xlsx_cells};
use serde_json::{Value, json};

use crate::page::{Lang, NATIONAL, PROVINCE_31, api, api_bytes, chart, figures, rows};

/// The province page shows the API's summary, review and series for `date` (or the latest).
pub async fn check_province(browser: &Browser, base: &str, token: &str, lang: Lang) {
    let date = picked(browser).await;
    let review = api(base, &format!("/v1/review?province=31&date={date}"), token).await;
    let summary = api(
        base,
        &format!("/v1/provinces/31/summary?date={date}&average=plain"),
        token,
    )
    .await;
    let insured = api(
        base,
        &format!("/v1/provinces/31/summary?date={date}&average=plain&rate=insured"),
        token,
    )
    .await;
    let province = &review["provinces"][0];
    let shown = figures(browser, "#view").await;
    let expect = [
        (
            "average-insured",
            lang.percent(&insured["average"]["value"]),
        ),
        (
            "heading",
            format!("Hải Phòng (31) · {}", lang.day(&review["date"])),
        ),
        ("integrated", lang.count(&summary["integrated"])),
        (
            "rate-residents",
            lang.percent(&summary["rates"]["per_residents"]),
        ),
        (
            "rate-insured",
            lang.percent(&summary["rates"]["per_insured"]),
        ),
        ("rate-level2", lang.percent(&summary["rates"]["per_level2"])),
        (
            "rate-eligible",
            lang.percent(&summary["rates"]["per_eligible"]),
        ),
        ("level2", lang.count(&summary["populations"]["level2"])),
        (
            "eligible-not-integrated",
            lang.count(&summary["not_integrated"]["eligible"]),
        ),
        ("residents", lang.count(&summary["residents"])),
        ("insured", lang.count(&summary["insured"])),
        ("average", lang.percent(&summary["average"]["value"])),
        ("accounts", lang.count(&summary["accounts"])),
        ("teams", lang.count(&summary["teams"])),
        ("team-members", lang.count(&summary["team_members"])),
        ("gain", lang.count(&province["gain"])),
        ("previous-gain", lang.count(&province["previous_gain"])),
    ];
    for (key, value) in expect {
        assert_eq!(shown[key], value, "{key}");
    }
    let wards = province["wards"].as_array().expect("wards");
    let shown = rows(browser, "#wards", "ward").await;
    assert_eq!(shown.len(), wards.len());
    for (row, ward) in shown.iter().zip(wards) {
        assert_eq!(row["key"], ward["ward"]);
        let cells = &row["cells"];
        assert_eq!(cells["rank"], ward["rank"].to_string());
        assert_eq!(cells["name"], ward["name"]);
        assert_eq!(cells["gain"], lang.count(&ward["gain"]));
        assert_eq!(cells["previous-gain"], lang.count(&ward["previous_gain"]));
        assert_eq!(cells["integrated"], lang.count(&ward["integrated"]));
        assert_eq!(
            cells["rate-residents"],
            lang.percent(&ward["rates"]["per_residents"])
        );
        assert_eq!(
            cells["rate-insured"],
            lang.percent(&ward["rates"]["per_insured"])
        );
        assert_eq!(row["flags"], ward["flags"], "{}", ward["ward"]);
    }
    // The bar chart: each ward's rate in rank order, and the plain mean drawn across.
    let bars = chart(browser, "chart-rates").await;
    let rates: Vec<Option<f64>> = wards
        .iter()
        .map(|w| w["rates"]["per_residents"].as_f64())
        .collect();
    assert_eq!(numbers(&bars[0]), rates);
    assert_eq!(
        numbers(&bars[1]),
        vec![summary["average"]["value"].as_f64(); wards.len()]
    );
    // The line chart: integrations per day over the 30 days up to the day shown.
    let series = api(
        base,
        &format!(
            "/v1/provinces/31/series?to={}",
            review["date"].as_str().unwrap_or_default()
        ),
        token,
    )
    .await;
    let all = series["days"].as_array().expect("days");
    assert_eq!(all.len(), 30);
    // From the first day that counted an integration: the weeks before the campaign are left out.
    let days = from_first_integration(all);
    assert!(days.len() < all.len() && days[0]["integrated_new"].as_u64() > Some(0));
    let per_day: Vec<Value> = days.iter().map(|d| d["integrated_new"].clone()).collect();
    assert_eq!(
        chart(browser, "chart-daily").await[0],
        Value::Array(per_day)
    );
    // Each chart says what it shows; the legend names the hatched bars below the average.
    let below = wards
        .iter()
        .filter(|w| {
            w["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&json!("below_average")))
        })
        .count();
    let said = described(browser, "chart-rates").await;
    assert!(said.contains(&format!(": {below}")), "{said}");
    assert!(!described(browser, "chart-daily").await.is_empty());
    let legend = browser
        .eval(
            "return Chart.getChart('chart-rates').legend.legendItems.map((i) => i.text);",
            vec![],
        )
        .await;
    assert_eq!(legend.as_array().map(Vec::len), Some(3), "{legend}");
}

/// The days of a series from the first that counted an integration.
fn from_first_integration(days: &[Value]) -> &[Value] {
    let first = days
        .iter()
        .position(|d| d["integrated_new"].as_u64() > Some(0))
        .unwrap_or(0);
    &days[first..]
}

/// A chart's data as numbers: the browser writes 46.0 as 46, the API as 46.0.
fn numbers(data: &Value) -> Vec<Option<f64>> {
    data.as_array()
        .into_iter()
        .flatten()
        .map(Value::as_f64)
        .collect()
}

/// A chart's accessible description: `role="img"` and its `aria-label`.
async fn described(browser: &Browser, id: &str) -> String {
    let said = browser
        .eval(
            "const c = document.getElementById(arguments[0]); return c.getAttribute('role') === 'img' ? c.getAttribute('aria-label') : '';",
            vec![json!(id)],
        )
        .await;
    said.as_str().unwrap_or_default().to_owned()
}

/// The ward page shows the API's daily answer, its reports and its series.
pub async fn check_ward(browser: &Browser, base: &str, token: &str, ward: &str, lang: Lang) {
    let date = picked(browser).await;
    let daily = api(base, &format!("/v1/wards/{ward}/daily?date={date}"), token).await;
    let shown = figures(browser, "#view").await;
    let expect = [
        (
            "heading",
            format!(
                "{} ({ward}) · {}",
                daily["name"].as_str().unwrap_or_default(),
                lang.day(&daily["date"])
            ),
        ),
        ("integrated-new", lang.count(&daily["integrated"]["new"])),
        ("integrated", lang.count(&daily["integrated"]["cumulative"])),
        (
            "rate-residents",
            lang.percent(&daily["rates"]["per_residents"]),
        ),
        ("rate-insured", lang.percent(&daily["rates"]["per_insured"])),
        ("rate-level2", lang.percent(&daily["rates"]["per_level2"])),
        (
            "rate-eligible",
            lang.percent(&daily["rates"]["per_eligible"]),
        ),
        ("level2", lang.count(&daily["populations"]["level2"])),
        (
            "rank",
            format!(
                "{}/{}",
                lang.count(&daily["standing"]["rank"]),
                lang.count(&daily["standing"]["ranked"])
            ),
        ),
        (
            "province-average",
            lang.percent(&daily["standing"]["average"]["value"]),
        ),
        (
            "eligible-not-integrated",
            lang.count(&daily["not_integrated"]["eligible"]),
        ),
        ("target", lang.percent(&daily["target"]["percent"])),
        ("target-count", lang.count(&daily["target"]["target"])),
        ("accounts-new", lang.count(&daily["accounts"]["new"])),
        ("accounts", lang.count(&daily["accounts"]["cumulative"])),
        ("with-team", lang.count(&daily["groups"]["with_team"])),
        ("groups-total", lang.count(&daily["groups"]["total"])),
        ("without-team", lang.count(&daily["groups"]["without_team"])),
        ("facilities", lang.count(&daily["facilities"]["linked"])),
    ];
    for (key, value) in expect {
        assert_eq!(shown[key], value, "{key}");
    }
    // A ward that joined with an opening balance shows it under both cumulative figures.
    let opening = &daily["opening"];
    for (key, figure) in [
        ("opening-integrated", "integrated"),
        ("opening-accounts", "accounts"),
    ] {
        let expected = (!opening.is_null()).then(|| Value::from(lang.count(&opening[figure])));
        assert_eq!(shown.get(key).cloned(), expected, "{key}");
    }
    check_groups(browser, base, token, ward, &daily, lang).await;
    // Not filed: pending while its deadline is after the end of the day shown (UTC+7).
    let end_of_day = format!("{}T17:00:00Z", daily["date"].as_str().unwrap_or_default());
    let state = |r: &Value| match (r["filed"].as_bool(), r["on_time"].as_bool()) {
        (Some(true), Some(true)) => "on_time",
        (Some(true), _) => "late",
        _ if r["due"].as_str().unwrap_or_default() > end_of_day.as_str() => "pending",
        _ => "missing",
    };
    let mut reports = vec![&daily["report"]];
    reports.extend(daily["period_reports"].as_array().expect("periods"));
    reports.extend(daily["other_reports"].as_array().expect("other reporters'"));
    let shown = browser
        .eval(
            "return [...document.querySelectorAll('#reports tbody tr')].map(tr =>
               [tr.querySelector('[data-k=report-state]').dataset.state,
                tr.querySelectorAll('[data-figure]').length,
                [...tr.querySelectorAll('[data-text]')].map(p => p.dataset.text)]);",
            vec![],
        )
        .await;
    // Each report's state, its differences, and the text sections it was filed with.
    let expected: Vec<Value> = reports
        .iter()
        .map(|r| {
            let text: Vec<&str> = ["difficulties", "proposals"]
                .into_iter()
                .filter(|k| r["text"][*k].is_string())
                .collect();
            json!([
                state(r),
                r["differences"].as_array().map_or(0, Vec::len),
                text
            ])
        })
        .collect();
    assert_eq!(shown, Value::Array(expected));
    let series = api(
        base,
        &format!(
            "/v1/wards/{ward}/series?to={}",
            daily["date"].as_str().unwrap_or_default()
        ),
        token,
    )
    .await;
    let days = from_first_integration(series["days"].as_array().expect("days"));
    let drawn = chart(browser, "chart-daily").await;
    assert_eq!(
        drawn[0],
        json!(
            days.iter()
                .map(|d| d["integrated_new"].clone())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        drawn[1],
        json!(
            days.iter()
                .map(|d| d["integrated_cumulative"].clone())
                .collect::<Vec<_>>()
        )
    );
}

/// The national page shows every province of the API's national review.
pub async fn check_national(browser: &Browser, base: &str, lang: Lang) -> Value {
    let date = picked(browser).await;
    let review = api(base, &format!("/v1/review?date={date}"), NATIONAL).await;
    let provinces = review["provinces"].as_array().expect("provinces");
    let shown = rows(browser, "#provinces", "province").await;
    assert_eq!(shown.len(), provinces.len());
    assert_eq!(provinces.len(), 2);
    for (row, p) in shown.iter().zip(provinces) {
        assert_eq!(row["key"], p["province"]);
        let cells = &row["cells"];
        assert_eq!(cells["gain"], lang.count(&p["gain"]));
        assert_eq!(cells["previous-gain"], lang.count(&p["previous_gain"]));
        assert_eq!(
            cells["rate-residents"],
            lang.percent(&p["rates"]["per_residents"])
        );
        assert_eq!(
            cells["rate-insured"],
            lang.percent(&p["rates"]["per_insured"])
        );
        assert_eq!(cells["average"], lang.percent(&p["average"]["value"]));
        assert_eq!(
            cells["below-average"],
            lang.count(&p["flagged"]["below_average"])
        );
        assert_eq!(
            cells["no-progress"],
            lang.count(&p["flagged"]["no_progress"])
        );
        assert_eq!(
            cells["missing-report"],
            lang.count(&p["flagged"]["missing_report"])
        );
    }
    // One bar per province, its rate over residents.
    let rates: Vec<Option<f64>> = provinces
        .iter()
        .map(|p| p["rates"]["per_residents"].as_f64())
        .collect();
    let bars = chart(browser, "chart-provinces").await;
    assert_eq!(bars.len(), 1);
    assert_eq!(numbers(&bars[0]), rates);
    review
}

/// The cells of a downloaded export, CSV (semicolon-separated when for a Vietnamese-locale
/// spreadsheet, `…-vi.csv`) or XLSX, as text.
fn cells(name: &str, bytes: Vec<u8>) -> Vec<Vec<String>> {
    if name.ends_with(".xlsx") {
        return xlsx_cells(bytes, "Bao_cao");
    }
    let text = String::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let delimiter = if name.ends_with("-vi.csv") {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

/// Clicks an export button, waits for the file, and checks it is the API's file with each
/// ward's code and cumulative integrations in rank order, and the total.
pub async fn check_export(
    browser: &Browser,
    base: &str,
    button: &str,
    api_path: &str,
    name: &str,
    review: &Value,
    total: &Value,
) {
    browser.click(&format!("[data-k=\"{button}\"]")).await;
    let table = cells(name, browser.downloaded(name).await);
    // The API's own file has the same cells (an XLSX also records when it was made).
    let from_api = cells(name, api_bytes(base, api_path, PROVINCE_31).await);
    assert!(
        table == from_api,
        "{name}: {table:?} is not the API's {from_api:?}"
    );
    let header = table
        .iter()
        .position(|r| r.iter().any(|c| c == "Mã xã"))
        .expect("a header row");
    let column = |title: &str| {
        table[header]
            .iter()
            .position(|c| c == title)
            .unwrap_or_else(|| panic!("a column {title}"))
    };
    let (code, integrated) = (column("Mã xã"), column("Lũy kế đã tích hợp"));
    let number = |text: &str| -> u64 {
        text.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .expect("a number")
    };
    let wards = review["provinces"][0]["wards"].as_array().expect("wards");
    for (i, ward) in wards.iter().enumerate() {
        let row = &table[header + 1 + i];
        assert_eq!(
            row[code],
            ward["ward"].as_str().unwrap_or_default(),
            "{name}"
        );
        assert_eq!(
            Some(number(&row[integrated])),
            ward["integrated"].as_u64(),
            "{name}"
        );
    }
    let totals = &table[header + 1 + wards.len()];
    assert!(
        totals.iter().any(|c| c == "Tổng cộng"),
        "{name}: {totals:?}"
    );
    assert_eq!(Some(number(&totals[integrated])), total.as_u64(), "{name}");
}

/// The ward page's groups table against `/v1/wards/{ward}/groups`: one row per group, in code
/// order, and one for the facts without a group.
async fn check_groups(
    browser: &Browser,
    base: &str,
    token: &str,
    ward: &str,
    daily: &Value,
    lang: Lang,
) {
    let date = daily["date"].as_str().unwrap_or_default();
    let answer = api(base, &format!("/v1/wards/{ward}/groups?date={date}"), token).await;
    let row = |key: &str, f: &Value, flags: &Value| {
        json!({"key": key, "flags": flags, "cells": {
            "accounts": lang.count(&f["accounts"]["cumulative"]),
            "integrated-new": lang.count(&f["integrated"]["new"]),
            "integrated": lang.count(&f["integrated"]["cumulative"]),
            "gain": lang.count(&f["gain"]),
        }})
    };
    let mut expected: Vec<Value> = answer["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| row(g["group"].as_str().unwrap_or_default(), g, &g["flags"]))
        .collect();
    expected.push(row("", &answer["without_group"], &json!([])));
    let shown: Vec<Value> = rows(browser, "#groups", "group")
        .await
        .into_iter()
        .map(|mut r| {
            // The group's label and team are compared apart, its flags by their codes.
            if let Some(cells) = r["cells"].as_object_mut() {
                cells.remove("group");
                cells.remove("team");
                cells.remove("flags");
            }
            r
        })
        .collect();
    assert!(expected.len() > 1, "the ward has groups");
    assert_eq!(shown, expected);
    let figures = figures(browser, "#view").await;
    assert_eq!(
        figures["team-members"],
        lang.count(&daily["groups"]["team_members"])
    );
    assert_eq!(
        figures["groups-without-progress"],
        lang.count(&answer["totals"]["without_progress"])
    );
    // The groups' chart: each group's integrations, and a summary naming the highest and how
    // many groups have no team.
    let groups = answer["groups"].as_array().expect("groups");
    let per_group: Vec<Value> = groups
        .iter()
        .map(|g| g["integrated"]["cumulative"].clone())
        .collect();
    assert_eq!(
        chart(browser, "chart-groups").await[0],
        Value::Array(per_group)
    );
    let top = groups.iter().fold(None::<&Value>, |best, g| match best {
        Some(b)
            if b["integrated"]["cumulative"].as_u64() >= g["integrated"]["cumulative"].as_u64() =>
        {
            Some(b)
        }
        _ => Some(g),
    });
    let top = top.expect("a group");
    let no_team = groups
        .iter()
        .filter(|g| {
            g["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&json!("no_team")))
        })
        .count();
    let (said, highest, without) = match lang {
        Lang::Vi => (
            "Biểu đồ số đã tích hợp theo tổ dân phố / thôn, số tổ",
            "cao nhất",
            "chưa có Tổ hướng dẫn",
        ),
        Lang::En => (
            "Chart of integrations by residential group, groups",
            "highest",
            "no guidance team",
        ),
    };
    assert_eq!(
        described(browser, "chart-groups").await,
        format!(
            "{said}: {}; {highest} {} {}; {without}: {no_team}",
            groups.len(),
            top["group"].as_str().unwrap_or_default(),
            lang.count(&top["integrated"]["cumulative"])
        )
    );
}

/// The day the page shows, as its date picker holds it.
pub async fn picked(browser: &Browser) -> String {
    let date = browser
        .eval("return document.getElementById('date').value;", vec![])
        .await;
    date.as_str().expect("the picked day").to_owned()
}

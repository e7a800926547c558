//! Publish events to a real nats-server, then ask the projector: exact numbers, and clear errors.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::{Stack, xlsx_form};
use ehb_proto::ReportFigures;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_events_answer_daily_summary_review_and_series_exactly() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);

    let mut e = Events::new();
    let mut events = vec![
        e.baseline(OPENED, "31001", 1000, 400, 2),
        e.baseline(OPENED, "31002", 2000, 1000, 3),
    ];
    for c in 0..30 {
        events.push(e.account("2026-03-09T09:00:00+07:00", "31001", 1000 + c));
        events.push(e.integrated(
            "2026-03-09T10:00:00+07:00",
            "31001",
            1000 + c,
            if c % 3 == 0 { "HS" } else { "GD" },
        ));
    }
    for c in 0..20 {
        events.push(e.integrated("2026-03-10T23:59:00+07:00", "31002", 2000 + c, "SV"));
    }
    // 17:30 UTC is 00:30 the next day in Vietnam.
    events.push(e.integrated("2026-03-10T17:30:00Z", "31001", 1100, "TE"));
    events.push(e.team("2026-03-09T08:00:00+07:00", "31001", "31001-TDP01"));
    events.push(e.daily_report(
        "2026-03-10T07:45:00+07:00",
        "31001",
        "2026-03-09",
        ReportFigures {
            accounts_new: Some(30),
            integrated_new: Some(29),
            ..ReportFigures::default()
        },
    ));
    let published = publisher
        .publish_all(out(&events))
        .await
        .expect("published");
    assert_eq!((published.stored, published.duplicates), (85, 0));
    projector
        .wait_applied(published.last_seq, Duration::from_secs(30))
        .await;

    let (status, daily) = projector.get("/v1/wards/31001/daily?date=2026-03-09").await;
    assert_eq!(status, 200);
    assert_eq!(daily["accounts"], json!({"new": 30, "cumulative": 30}));
    assert_eq!(daily["integrated"]["new"], 30);
    assert_eq!(
        daily["integrated"]["by_beneficiary"],
        json!({"GD": 20, "HS": 10})
    );
    assert_eq!(
        daily["rates"],
        json!({"per_residents": 3.0, "per_insured": 7.5, "per_level2": 5.66, "per_eligible": null})
    );
    // Level-2 holders: the baseline's 500 and the 30 accounts activated; these baselines do not
    // give the eligible.
    assert_eq!(
        daily["populations"],
        json!({"residents": 1000, "insured": 400, "level2": 530, "eligible": null})
    );
    assert_eq!(
        daily["not_integrated"],
        json!({"residents": 970, "insured": 370, "level2": 500, "eligible": null,
               "insured_without_level2": null})
    );
    assert_eq!(
        daily["groups"],
        json!({"with_team": 1, "total": 2, "without_team": 1, "team_members": 5})
    );
    assert_eq!(daily["report"]["on_time"], true);
    assert_eq!(
        daily["report"]["differences"],
        json!([{"figure": "integrated_new", "claimed": 29, "events": 30}])
    );

    let (_, d11) = projector.get("/v1/wards/31001/daily?date=2026-03-11").await;
    assert_eq!(
        d11["integrated"],
        json!({"new": 1, "cumulative": 31, "by_beneficiary": {"GD": 20, "HS": 10, "TE": 1},
        "by_issuer": {"vss": 31, "army": 0, "police": 0, "unknown": 0}})
    );
    assert_eq!(d11["report"]["filed"], false);

    let (_, summary) = projector
        .get("/v1/provinces/31/summary?date=2026-03-11")
        .await;
    assert_eq!(summary["integrated"], 51);
    assert_eq!(
        summary["rates"],
        json!({"per_residents": 1.7, "per_insured": 3.64, "per_level2": 3.33, "per_eligible": null})
    );
    assert_eq!(
        summary["average"],
        json!({"kind": "plain", "basis": "residents", "value": 2.05})
    );
    assert_eq!(summary["below_average"].as_array().map(Vec::len), Some(1));
    assert_eq!(summary["below_average"][0]["ward"], "31002");
    let (_, weighted) = projector
        .get("/v1/provinces/31/summary?date=2026-03-11&average=weighted&rate=insured")
        .await;
    assert_eq!(
        weighted["average"],
        json!({"kind": "weighted", "basis": "insured", "value": 3.64})
    );
    let (_, level2) = projector
        .get("/v1/provinces/31/summary?date=2026-03-11&average=weighted&rate=level2")
        .await;
    assert_eq!(
        level2["average"],
        json!({"kind": "weighted", "basis": "level2", "value": 3.33})
    );
    // No ward's baseline gives the eligible: no average on them.
    let (status, eligible) = projector
        .get("/v1/provinces/31/summary?date=2026-03-11&rate=eligible")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        eligible["average"],
        json!({"kind": "plain", "basis": "eligible", "value": null})
    );

    let (_, review) = projector
        .get("/v1/review?province=31&date=2026-03-11")
        .await;
    let wards = &review["provinces"][0]["wards"];
    assert_eq!(wards[0]["ward"], "31001");
    assert_eq!(
        (
            wards[0]["rank"].clone(),
            wards[0]["gain"].clone(),
            wards[0]["previous_gain"].clone()
        ),
        (json!(1), json!(1), json!(30))
    );
    assert_eq!(
        wards[1]["flags"],
        json!(["below_average", "missing_report", "groups_without_team"])
    );
    assert_eq!(wards[1]["gain"], 20);

    exports_are_the_review_and_the_summary_as_report_tables(&projector.base).await;

    let (_, series) = projector
        .get("/v1/wards/31002/series?from=2026-03-09&to=2026-03-11")
        .await;
    let per_day: Vec<u64> = series["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d["integrated_new"].as_u64().unwrap_or(99))
        .collect();
    assert_eq!(per_day, vec![0, 20, 0]);

    let (_, status) = projector.get("/v1/status").await;
    assert_eq!(
        (
            status["events_applied"].clone(),
            status["rejects"].clone(),
            status["lag"].clone()
        ),
        (json!(85), json!(0), json!(0))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_parameters_get_400_with_the_field_and_unknown_things_404() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);
    let mut e = Events::new();
    let done = publisher
        .publish_all(out(&[e.baseline(OPENED, "31001", 1000, 400, 2)]))
        .await
        .expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    // Every path the OpenAPI document lists answers, with one of the statuses it documents; and
    // it lists the paths DESIGN §7 promises of the projector.
    let (code, doc) = projector.get("/openapi.json").await;
    assert_eq!(code, 200);
    let paths = doc["paths"].as_object().expect("paths");
    for promised in [
        "/v1/wards/{ward}/daily",
        "/v1/wards/{ward}/series",
        "/v1/provinces/{province}/summary",
        "/v1/review",
        "/v1/status",
        "/v1/rejects",
        "/metrics",
    ] {
        assert!(paths.contains_key(promised), "{promised} is documented");
    }
    for (path, item) in paths {
        let concrete = path.replace("{ward}", "31001").replace("{province}", "31");
        let (got, body) = projector.get(&concrete).await;
        let documented = item["get"]["responses"].as_object().expect("responses");
        assert!(
            documented.contains_key(&got.to_string()),
            "{path} answered {got}, not documented: {body}"
        );
        assert!(got < 500, "{path}: {got}");
    }

    for (path, status, field) in [
        ("/v1/wards/3100/daily", 400, "ward"),
        ("/v1/wards/31001/daily?date=2026-02-30", 400, "date"),
        ("/v1/wards/31001/daily?date=09/03/2026", 400, "date"),
        ("/v1/wards/55555/daily", 404, "ward"),
        (
            "/v1/wards/31001/series?from=2025-01-01&to=2026-03-01",
            400,
            "from",
        ),
        (
            "/v1/wards/31001/series?from=2026-03-05&to=2026-03-01",
            400,
            "to",
        ),
        (
            "/v1/provinces/31/series?from=2025-01-01&to=2026-03-01",
            400,
            "from",
        ),
        (
            "/v1/provinces/31/series?from=2026-03-05&to=2026-03-01",
            400,
            "to",
        ),
        ("/v1/provinces/01/series", 404, "province"),
        ("/v1/provinces/99/series", 400, "province"),
        ("/v1/provinces/99/summary", 400, "province"),
        ("/v1/provinces/01/summary", 404, "province"),
        ("/v1/provinces/31/summary?average=median", 400, "average"),
        ("/v1/provinces/31/summary?rate=people", 400, "rate"),
        ("/v1/review?province=3", 400, "province"),
        ("/v1/review?date=tomorrow", 400, "date"),
        ("/v1/review?date=2026-03-10&date=2026-03-11", 400, "date"),
        ("/v1/wards/31001/daily?date=%FF%FE", 400, "date"),
        ("/v1/wards/31001/groups?date=10%2F03%2F2026", 400, "date"),
        ("/v1/wards/31001%2F1/daily", 400, "ward"),
        ("/v1/rejects?limit=0", 400, "limit"),
        ("/v1/rejects?cursor=-1", 400, "cursor"),
        ("/v1/nothing", 404, "path"),
    ] {
        let (got, body) = projector.get(path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
        assert!(
            body["error"]["reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{path}: {body}"
        );
    }
    // A repeated question is answered 304 while the answer is unchanged, and compressed for a
    // client that accepts gzip: an answer in one piece, and the review, written from the
    // provinces' parts as kept.
    let http = reqwest::Client::new();
    for path in ["/v1/provinces/31/summary", "/v1/review"] {
        let path = format!("{}{path}", projector.base);
        let first = http.get(&path).send().await.expect("an answer");
        let tag = first.headers()["etag"].clone();
        assert_eq!(first.headers()["cache-control"], "private, no-cache");
        let plain = first.bytes().await.expect("a body");
        let parsed: serde_json::Value = serde_json::from_slice(&plain).expect("JSON");
        assert!(parsed.is_object(), "{path}: {parsed}");
        let again = http
            .get(&path)
            .header("if-none-match", tag.clone())
            .send()
            .await
            .expect("an answer");
        assert_eq!(again.status().as_u16(), 304);
        assert_eq!(again.headers()["etag"], tag);
        assert!(again.bytes().await.expect("no body").is_empty());
        let changed = http
            .get(&path)
            .header("if-none-match", "W/\"0000000000000000\"")
            .send()
            .await
            .expect("an answer");
        assert_eq!(changed.status().as_u16(), 200);
        let zipped = http
            .get(&path)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("an answer");
        assert_eq!(zipped.headers()["content-encoding"], "gzip");
        assert_eq!(zipped.headers()["etag"], tag);
        let zipped = zipped.bytes().await.expect("a body");
        assert!(
            zipped.len() < plain.len(),
            "{} against {}",
            zipped.len(),
            plain.len()
        );
    }
    // The dashboard's files, each with its type, revalidated at every load.
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/ui/app.js", "text/javascript; charset=utf-8"),
        ("/ui/tables.js", "text/javascript; charset=utf-8"),
        ("/ui/core.js", "text/javascript; charset=utf-8"),
        ("/ui/views.js", "text/javascript; charset=utf-8"),
        ("/ui/charts.js", "text/javascript; charset=utf-8"),
        ("/ui/i18n.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "text/css; charset=utf-8"),
        (
            "/ui/vendor/chart.umd.min.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/ui/vendor/chart.js-LICENSE.md",
            "text/plain; charset=utf-8",
        ),
    ] {
        let (status, headers, body) = fetch(&projector.base, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(headers["content-type"], content_type, "{path}");
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        assert!(body.len() > 100, "{path}: {} bytes", body.len());
    }
}

/// GET a path: status, headers and body bytes.
async fn fetch(base: &str, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::get(format!("{base}{path}"))
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.bytes().await.expect("a body").to_vec(),
    )
}

/// The exports of the review on 11/3 (see the test above): the same figures as the JSON answers,
/// laid out with a title, the unit, the date, Vietnamese headers and a totals row.
async fn exports_are_the_review_and_the_summary_as_report_tables(base: &str) {
    let (status, headers, body) = fetch(base, "/v1/review.csv?province=31&date=2026-03-11").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"ra-soat-2-ngay-31-2026-03-11.csv\""
    );
    let text = String::from_utf8(body).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    // The empty line between the heading and the table is a true empty line (readers skip it).
    assert!(text.contains("2,05 %\"\n\nTỉnh,"), "{text}");
    assert_eq!(records.len(), 8);
    assert_eq!(
        records[0],
        row(&["KẾT QUẢ RÀ SOÁT 2 NGÀY – TÍCH HỢP SỔ SỨC KHỎE ĐIỆN TỬ TRÊN VNeID"])
    );
    assert_eq!(records[1], row(&["Đơn vị: tỉnh/thành phố 31"]));
    assert_eq!(
        records[2],
        row(&["Ngày 11/03/2026: tăng trong 10/03/2026–11/03/2026 so với 08/03/2026–09/03/2026"])
    );
    // The average the flags compare with.
    assert_eq!(
        records[3],
        row(&["Bình quân tỷ lệ các xã (đã tích hợp/dân số): 2,05 %"])
    );
    assert_eq!(
        records[4][..4],
        row(&["Tỉnh", "Hạng", "Mã xã", "Tên xã/phường"])
    );
    // Level-2 holders: the baselines' half of the residents and the accounts activated; these
    // baselines do not give the eligible, so their column and rate stay empty.
    assert_eq!(records[4].len(), 18);
    assert_eq!(
        records[5][..17],
        row(&[
            "31",
            "1",
            "31001",
            "Phường 31001",
            "1",
            "30",
            "0",
            "31",
            "1000",
            "400",
            "530",
            "",
            "3.10",
            "7.75",
            "5.85",
            "",
            "1"
        ])
    );
    assert_eq!(records[5][17], "thiếu báo cáo, tổ chưa có nhóm hỗ trợ");
    assert_eq!(
        records[6][..17],
        row(&[
            "31",
            "2",
            "31002",
            "Phường 31002",
            "20",
            "0",
            "0",
            "20",
            "2000",
            "1000",
            "1000",
            "",
            "1.00",
            "2.00",
            "2.00",
            "",
            "3"
        ])
    );
    assert_eq!(
        records[6][17],
        "dưới bình quân, thiếu báo cáo, tổ chưa có nhóm hỗ trợ"
    );
    assert_eq!(
        records[7],
        row(&[
            "Tổng cộng",
            "",
            "",
            "2 xã/phường",
            "21",
            "30",
            "0",
            "51",
            "3000",
            "1400",
            "1530",
            "",
            "1.70",
            "3.64",
            "3.33",
            "",
            "4",
            ""
        ])
    );

    let (status, headers, body) = fetch(base, "/v1/review.xlsx?province=31&date=2026-03-11").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    // Under the administrative heading: the unit, the national motto, the place and date, the
    // title and its lines; the signatures below the table.
    let form = xlsx_form(body, "Bao_cao");
    assert_eq!(
        form.heading,
        row(&[
            "THÀNH PHỐ HẢI PHÒNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hải Phòng, ngày 11 tháng 3 năm 2026",
            "KẾT QUẢ RÀ SOÁT 2 NGÀY – TÍCH HỢP SỔ SỨC KHỎE ĐIỆN TỬ TRÊN VNeID",
            "Đơn vị: tỉnh/thành phố 31",
            "Ngày 11/03/2026: tăng trong 10/03/2026–11/03/2026 so với 08/03/2026–09/03/2026",
            "Bình quân tỷ lệ các xã (đã tích hợp/dân số): 2,05 %",
        ])
    );
    assert_eq!(
        form.below,
        row(&[
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "(Ký, ghi rõ họ tên)",
            "(Ký, ghi rõ họ tên)",
        ])
    );
    assert_eq!(form.table.len(), 4);
    let cell = |r: usize, c: usize| form.table[r][c].clone();
    assert_eq!(
        (cell(0, 2), cell(0, 7)),
        ("Mã xã".to_owned(), "Lũy kế đã tích hợp".to_owned())
    );
    assert_eq!(
        (
            cell(1, 2),
            cell(1, 7),
            cell(1, 10),
            cell(1, 12),
            cell(1, 13),
            cell(1, 14)
        ),
        (
            "31001".to_owned(),
            "31".to_owned(),
            "530".to_owned(),
            "3.1".to_owned(),
            "7.75".to_owned(),
            "5.85".to_owned()
        )
    );
    assert_eq!(
        (cell(2, 2), cell(2, 4), cell(2, 16)),
        ("31002".to_owned(), "20".to_owned(), "3".to_owned())
    );
    assert_eq!(
        (
            cell(3, 0),
            cell(3, 7),
            cell(3, 10),
            cell(3, 12),
            cell(3, 13)
        ),
        (
            "Tổng cộng".to_owned(),
            "51".to_owned(),
            "1530".to_owned(),
            "1.7".to_owned(),
            "3.64".to_owned()
        )
    );

    let (status, headers, body) =
        fetch(base, "/v1/provinces/31/summary.xlsx?date=2026-03-11").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"tong-hop-31-2026-03-11.xlsx\""
    );
    let form = xlsx_form(body, "Bao_cao");
    assert_eq!(
        form.heading[5..],
        row(&[
            "Đơn vị: tỉnh/thành phố 31",
            "Số liệu đến hết ngày 11/03/2026",
            "Bình quân tỷ lệ các xã (đã tích hợp/dân số): 2,05 %"
        ])
    );
    assert_eq!(form.table.len(), 4);
    let cell = |r: usize, c: usize| form.table[r][c].clone();
    assert_eq!(
        (cell(0, 0), cell(0, 3), cell(0, 14)),
        (
            "Hạng".to_owned(),
            "Lũy kế đã tích hợp".to_owned(),
            "So với bình quân".to_owned()
        )
    );
    assert_eq!(
        (cell(1, 1), cell(1, 3), cell(1, 8)),
        ("31001".to_owned(), "31".to_owned(), "3.1".to_owned())
    );
    // The province's letters report teams and their members together.
    assert_eq!(
        (cell(0, 12), cell(1, 12), cell(1, 13), cell(2, 12)),
        (
            "Tổ hướng dẫn".to_owned(),
            "1".to_owned(),
            "5".to_owned(),
            "0".to_owned()
        )
    );
    assert_eq!(
        (cell(2, 1), cell(2, 14)),
        ("31002".to_owned(), "dưới bình quân".to_owned())
    );
    assert_eq!(
        (cell(3, 0), cell(3, 3), cell(3, 4), cell(3, 14)),
        (
            "Tổng cộng".to_owned(),
            "51".to_owned(),
            "3000".to_owned(),
            "1 xã dưới bình quân".to_owned()
        )
    );

    let (status, _, body) = fetch(base, "/v1/provinces/31/summary.csv?date=2026-03-11").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(
        text.contains(
            "\nTổng cộng,,2 xã/phường,51,3000,1400,1530,,1.70,3.64,3.33,,1,5,1 xã dưới bình quân\n"
        ),
        "{text}"
    );

    // For a Vietnamese-locale spreadsheet: semicolons, decimal commas, counts without separators.
    let (status, headers, body) =
        fetch(base, "/v1/review.csv?province=31&date=2026-03-11&locale=vi").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"ra-soat-2-ngay-31-2026-03-11-vi.csv\""
    );
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(text.starts_with('\u{feff}'), "{text}");
    assert!(
        text.contains(
            "\n31;1;31001;Phường 31001;1;30;0;31;1000;400;530;;3,10;7,75;5,85;;1;thiếu báo cáo, tổ chưa có nhóm hỗ trợ\n"
        ),
        "{text}"
    );
    let (status, _, body) = fetch(
        base,
        "/v1/provinces/31/summary.csv?date=2026-03-11&locale=vi",
    )
    .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(
        text.contains(
            "\nTổng cộng;;2 xã/phường;51;3000;1400;1530;;1,70;3,64;3,33;;1;5;1 xã dưới bình quân\n"
        ),
        "{text}"
    );

    for (path, status, field) in [
        ("/v1/review.csv?province=31&locale=en", 400, "locale"),
        ("/v1/provinces/31/summary.csv?locale=EU", 400, "locale"),
        ("/v1/review.xlsx?date=11/03/2026", 400, "date"),
        ("/v1/review.csv?province=3", 400, "province"),
        ("/v1/provinces/48/summary.csv", 404, "province"),
    ] {
        let (got, _, body) = fetch(base, path).await;
        let error: serde_json::Value = serde_json::from_slice(&body).expect("a JSON error");
        assert_eq!(
            (got, error["error"]["field"].as_str()),
            (status, Some(field)),
            "{path}"
        );
    }
}

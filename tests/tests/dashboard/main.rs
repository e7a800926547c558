//! The dashboard in headless Chromium against a projector fed by a real nats-server: each page's
//! figures equal the API's, in Vietnamese and in English; officials sign in with ward, province
//! and national tokens and are refused outside their scope; both export formats download with
//! the right cells; the page follows the campaign live. Screenshots (desktop and a 360 px
//! phone) are saved in `docs/screenshots/`.

mod behaviour;
mod checks;
#[path = "../common/mod.rs"]
mod common;
mod page;

use std::time::Duration;

use behaviour::{kept_across_a_refresh, names_are_text_on_the_page};
use checks::{check_export, check_national, check_province, check_ward};
use common::{Events, out};
use ehb_e2e::{Browser, NatsServer, Projector, Shown, publisher};
use ehb_simulator::Scenario;
use page::{Lang, NATIONAL, PROVINCE_31, WARD, access_file, api, screenshot};
use serde_json::{Value, json};

/// Signs in with `token` on the sign-in form and waits for the answer: the view drawn, or the
/// form again with its error.
async fn sign_in(browser: &Browser, token: &str) -> Shown {
    browser.type_into("#token", token).await;
    browser.click("#signin-button").await;
    let answered = "return document.getElementById('signin').hidden
        || document.getElementById('signin-error').textContent !== '';";
    assert!(browser.wait_until(answered, Duration::from_secs(10)).await);
    browser.wait_drawn().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officials_read_their_scope_on_the_dashboard_in_a_real_browser() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    // Province 31 with 14 wards (more than a phone shows standing bars for), and province 01
    // with 3, over two weeks.
    let (p31, p01) = common::two_provinces(
        Scenario::small(5, 14, 70_000, 14),
        Scenario::small(6, 3, 15_000, 14),
    );
    let wards31: Vec<String> = p31.truth.wards.keys().map(ToString::to_string).collect();
    let ward01 = p01.truth.wards.keys().next().expect("a ward").to_string();
    let (own, other) = (wards31[0].clone(), wards31[1].clone());
    let access = access_file(dir.path(), &own);
    let projector = Projector::start_with(
        &nats.url(),
        &dir.path().join("store"),
        &["--access", access.to_str().expect("UTF-8")],
    )
    .await;
    let base = projector.base.clone();
    let projector = projector.with_token(NATIONAL);
    let publisher = publisher(&nats.url()).await;
    let messages = p31
        .messages
        .iter()
        .chain(&p01.messages)
        .map(|m| m.message.clone());
    let done = publisher.publish_all(messages).await.expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;

    let browser = Browser::start(1366, 900).await;
    // Not signed in: the sign-in form, and a token that is no official's is refused.
    assert_eq!(browser.open(&format!("{base}/")).await, Shown::SignIn);
    assert_eq!(sign_in(&browser, "not-a-token").await, Shown::SignIn);
    assert_eq!(
        browser.text("#signin-error").await,
        "Mã truy cập không đúng."
    );

    // The province's official lands on the province page.
    assert_eq!(sign_in(&browser, PROVINCE_31).await, Shown::Ready);
    assert_eq!(
        browser.eval("return location.hash;", vec![]).await,
        "#/province/31"
    );
    check_province(&browser, &base, PROVINCE_31, Lang::Vi).await;
    browser.screenshot(&screenshot("province-desktop")).await;
    browser.resize(360, 780).await;
    assert_eq!(browser.wait_drawn().await, Shown::Ready);
    let overflow = browser
        .eval("return document.documentElement.scrollWidth;", vec![])
        .await;
    assert_eq!(overflow, 360, "nothing wider than a 360 px phone");
    // On a phone the ward rates' bars lie down, every ward's name beside its bar: the page drawn
    // at a desktop's width lays them down once the screen narrows.
    let lying = "const c = Chart.getChart('chart-rates');
        return c.options.indexAxis === 'y' && c.data.labels.length === 14;";
    assert!(browser.wait_until(lying, Duration::from_secs(10)).await);
    browser.screenshot(&screenshot("province-phone")).await;
    kept_across_a_refresh(&browser, &base, (&projector, &publisher), &own).await;
    browser.resize(1366, 900).await;

    // In English, the same figures in English formats; and back.
    browser.click("#lang").await;
    assert!(
        browser
            .wait_until(
                "return document.querySelector('[data-k=heading]').textContent.startsWith('Hải Phòng (31)') && document.getElementById('view').textContent.includes('Two-day window');",
                Duration::from_secs(10),
            )
            .await
    );
    check_province(&browser, &base, PROVINCE_31, Lang::En).await;
    browser.screenshot(&screenshot("province-desktop-en")).await;
    browser.click("#lang").await;
    assert!(
        browser
            .wait_until(
                "return document.querySelector('[data-k=heading]').textContent.startsWith('Hải Phòng (31)') && document.getElementById('view').textContent.includes('Cửa sổ 2 ngày');",
                Duration::from_secs(10),
            )
            .await
    );

    // The ward table sorted by a column (ascending, descending, then as answered) and filtered
    // by a flag, as an official works it.
    let date = checks::picked(&browser).await;
    let review = api(
        &base,
        &format!("/v1/review?province=31&date={date}"),
        PROVINCE_31,
    )
    .await;
    let wards = review["provinces"][0]["wards"]
        .as_array()
        .expect("wards")
        .clone();
    let order = "return [...document.querySelectorAll('#wards tbody tr')].filter((r) => !r.hidden).map((r) => r.dataset.ward);";
    let codes = |ws: &[Value]| -> Value { ws.iter().map(|w| w["ward"].clone()).collect() };
    let mut ascending = wards.clone();
    ascending.sort_by_key(|w| w["integrated"].as_u64());
    let mut descending = wards.clone();
    descending.sort_by_key(|w| std::cmp::Reverse(w["integrated"].as_u64()));
    for expected in [&ascending, &descending, &wards] {
        browser.click("#wards thead th:nth-child(5)").await;
        assert_eq!(browser.eval(order, vec![]).await, codes(expected));
    }
    let below: Vec<Value> = wards
        .iter()
        .filter(|w| {
            w["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&Value::from("below_average")))
        })
        .cloned()
        .collect();
    assert!(!below.is_empty() && below.len() < wards.len());
    // Groups without a team counted as groups, with the wards they are in.
    let groups_without: u64 = wards
        .iter()
        .filter_map(|w| w["groups_without_team"].as_u64())
        .sum();
    assert!(groups_without > 0);
    assert_eq!(
        browser.text("[data-k=groups-without-team]").await,
        Lang::Vi.count(&Value::from(groups_without))
    );
    assert_eq!(
        browser.text("[data-k=flagged-groups_without_team]").await,
        Lang::Vi.count(&review["provinces"][0]["flagged"]["groups_without_team"])
    );
    browser
        .click("[data-k=flagged] .flag[data-flag=below_average]")
        .await;
    assert_eq!(browser.eval(order, vec![]).await, codes(&below));
    browser
        .click("[data-k=flagged] .flag[data-flag=below_average]")
        .await;
    assert_eq!(browser.eval(order, vec![]).await, codes(&wards));

    // The three files of both tables download, equal to the API's files, with the expected cells.
    let summary = api(
        &base,
        &format!("/v1/provinces/31/summary?date={date}"),
        PROVINCE_31,
    )
    .await;
    // Each kind: its button's key, extension, added query and file name ending.
    for (kind, ext, locale, ending) in [
        ("csv", "csv", "", ".csv"),
        ("csv-vi", "csv", "&locale=vi", "-vi.csv"),
        ("xlsx", "xlsx", "", ".xlsx"),
    ] {
        check_export(
            &browser,
            &base,
            &format!("export-export_review-{kind}"),
            &format!("/v1/review.{ext}?province=31&date={date}{locale}"),
            &format!("ra-soat-2-ngay-31-{date}{ending}"),
            &review,
            &summary["integrated"],
        )
        .await;
        check_export(
            &browser,
            &base,
            &format!("export-export_summary-{kind}"),
            &format!("/v1/provinces/31/summary.{ext}?date={date}{locale}"),
            &format!("tong-hop-31-{date}{ending}"),
            &review,
            &summary["integrated"],
        )
        .await;
    }

    // The picker lists the days with data, newest first, written as officials write them.
    let days = api(&base, "/v1/days?province=31", PROVINCE_31).await;
    let listed = browser
        .eval(
            "return [...document.getElementById('date').options].map((o) => [o.value, o.textContent]);",
            vec![],
        )
        .await;
    let listed = listed.as_array().expect("options");
    let day_of = |d: &Value| serde_json::json!([d, Lang::Vi.day(d)]);
    assert_eq!(listed.first(), Some(&day_of(&days["latest"])));
    assert_eq!(listed.last(), Some(&day_of(&days["first"])));
    let span = |d: &Value| {
        jiff::civil::Date::strptime("%Y-%m-%d", d.as_str().unwrap_or_default()).expect("a day")
    };
    let expected = (span(&days["latest"]) - span(&days["first"])).get_days() + 1;
    assert_eq!(listed.len() as i32, expected);
    // A day outside them, named by a link, says so rather than showing zeros alone.
    assert_eq!(
        browser.go("#/province/31?date=2026-01-15").await,
        Shown::Ready
    );
    let outside = browser.text("[data-k=outside-days]").await;
    assert!(outside.contains(&Lang::Vi.day(&days["first"])), "{outside}");
    assert_eq!(browser.go("#/province/31").await, Shown::Ready);

    // An earlier day from the date picker: the page shows that day's figures.
    let earlier = browser
        .eval(
            "const d = document.getElementById('date');
             const day = new Date(d.value + 'T00:00:00Z'); day.setUTCDate(day.getUTCDate() - 4);
             d.value = day.toISOString().slice(0, 10); d.dispatchEvent(new Event('change'));
             return d.value;",
            vec![],
        )
        .await;
    assert_eq!(browser.wait_drawn().await, Shown::Ready);
    assert_eq!(
        browser.eval("return location.hash;", vec![]).await,
        format!("#/province/31?date={}", earlier.as_str().expect("a day"))
    );
    assert_eq!(
        browser.text("[data-k=heading]").await,
        format!("Hải Phòng (31) · {}", Lang::Vi.day(&earlier))
    );
    check_province(&browser, &base, PROVINCE_31, Lang::Vi).await;
    // "Mới nhất" asks for the days, then goes to the latest.
    browser.click("#latest").await;
    let latest = format!(
        "return location.hash === '#/province/31?date={}';",
        days["latest"].as_str().unwrap_or_default()
    );
    assert!(browser.wait_until(&latest, Duration::from_secs(10)).await);
    assert_eq!(browser.wait_drawn().await, Shown::Ready);

    // The province official reads its wards, and nothing of another province.
    assert_eq!(browser.go(&format!("#/ward/{other}")).await, Shown::Ready);
    check_ward(&browser, &base, PROVINCE_31, &other, Lang::Vi).await;
    // That ward joined with the pilot's balance, so the page's balance was checked.
    let daily = api(&base, &format!("/v1/wards/{other}/daily"), PROVINCE_31).await;
    assert_eq!(daily["opening"]["as_of"], "2026-02-28");
    assert_eq!(
        browser.go(&format!("#/ward/{ward01}")).await,
        Shown::Refused(403)
    );
    assert_eq!(browser.go("#/province/01").await, Shown::Refused(403));
    // The refusal in the page's language, naming the official's scope; the API's own reason
    // under technical details.
    assert_eq!(
        browser.text("[data-k=refusal-text]").await,
        "Trang này nằm ngoài phạm vi mã truy cập của bạn, là Hải Phòng (31)."
    );
    // The API answers a province's token with its own province: the national page refuses.
    assert_eq!(browser.go("#/national").await, Shown::Refused(403));

    // The ward's official: its ward, and its province's ranked list (not another ward's page).
    browser.click("#signout").await;
    assert_eq!(browser.wait_drawn().await, Shown::SignIn);
    // Signed out everywhere: the field, the header, storage and the session's memory.
    let left = browser
        .eval(
            "return [document.getElementById('token').value, document.getElementById('scope').textContent,
                     sessionStorage.getItem('ehb.token'), document.getElementById('signout').hidden];",
            vec![],
        )
        .await;
    assert_eq!(left, serde_json::json!(["", "", null, true]));
    assert_eq!(sign_in(&browser, WARD).await, Shown::Ready);
    assert_eq!(
        browser.eval("return location.hash;", vec![]).await,
        format!("#/ward/{own}")
    );
    check_ward(&browser, &base, WARD, &own, Lang::Vi).await;
    // The header names the ward; the way up offers its province, not the nation.
    let own_daily = api(&base, &format!("/v1/wards/{own}/daily"), WARD).await;
    assert_eq!(
        browser.text("#scope").await,
        format!("{} ({own})", own_daily["name"].as_str().unwrap_or_default())
    );
    let links = "return [...document.querySelectorAll('.crumbs a')].map((a) => a.dataset.k);";
    assert_eq!(browser.eval(links, vec![]).await, json!(["crumb-province"]));
    browser.screenshot(&screenshot("ward-desktop")).await;
    // The ward's page in English too, then back.
    browser.click("#lang").await;
    let english = "return document.documentElement.lang === 'en'
        && document.querySelector('#view [data-k=heading]') !== null
        && document.getElementById('view').textContent.includes('Integrations per day');";
    assert!(browser.wait_until(english, Duration::from_secs(10)).await);
    check_ward(&browser, &base, WARD, &own, Lang::En).await;
    browser.click("#lang").await;
    let vietnamese =
        "return document.getElementById('view').textContent.includes('Số tích hợp mỗi ngày');";
    assert!(
        browser
            .wait_until(vietnamese, Duration::from_secs(10))
            .await
    );
    browser.resize(360, 780).await;
    assert_eq!(browser.wait_drawn().await, Shown::Ready);
    let width = browser
        .eval("return document.documentElement.scrollWidth;", vec![])
        .await;
    assert_eq!(width, 360, "nothing wider than a 360 px phone");
    browser.screenshot(&screenshot("ward-phone")).await;
    browser.resize(1366, 900).await;
    assert_eq!(
        browser.go(&format!("#/ward/{other}")).await,
        Shown::Refused(403)
    );
    assert_eq!(browser.go("#/province/31").await, Shown::Ready);
    // Its province's ranked list links its own ward's page only, and no page above.
    let linked = "return [...document.querySelectorAll('#wards a[data-k=name]')].map((a) => a.getAttribute('href'));";
    assert_eq!(
        browser.eval(linked, vec![]).await,
        json!([format!("#/ward/{own}")])
    );
    assert_eq!(browser.eval(links, vec![]).await, json!([]));
    assert_eq!(browser.go("#/national").await, Shown::Refused(403));

    // The national official: every province, and the page follows the campaign live.
    browser.click("#signout").await;
    assert_eq!(browser.wait_drawn().await, Shown::SignIn);
    assert_eq!(sign_in(&browser, NATIONAL).await, Shown::Ready);
    assert_eq!(
        browser.eval("return location.hash;", vec![]).await,
        "#/national"
    );
    // Without a picked day the page opens on the last complete day that counted facts, says
    // so, and links to the latest day (here the next morning's reports only).
    let days = api(&base, "/v1/days", NATIONAL).await;
    assert_ne!(days["complete"], days["latest"]);
    assert_eq!(
        checks::picked(&browser).await,
        days["complete"].as_str().unwrap_or_default()
    );
    let note = browser.text("[data-k=opening-day]").await;
    assert!(
        note.contains(&Lang::Vi.day(&days["complete"]))
            && note.contains(&Lang::Vi.day(&days["latest"])),
        "{note}"
    );
    // The footer says how fresh the figures are: the last event's record time, at UTC+07:00.
    let as_of: jiff::Timestamp = days["figures_as_of"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("a record time");
    let as_of = as_of
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%H:%M %d/%m")
        .to_string();
    let footer = browser.text("#status").await;
    assert!(footer.contains(&format!("Số liệu đến {as_of}")), "{footer}");
    let before = check_national(&browser, &base, Lang::Vi).await;
    browser.screenshot(&screenshot("national-desktop")).await;
    // The national page in English too, then back.
    browser.click("#lang").await;
    let english = "return document.documentElement.lang === 'en'
        && document.getElementById('view').textContent.includes('Integration rate by province');";
    assert!(browser.wait_until(english, Duration::from_secs(10)).await);
    check_national(&browser, &base, Lang::En).await;
    browser.click("#lang").await;
    let vietnamese =
        "return document.getElementById('view').textContent.includes('Tỷ lệ tích hợp theo tỉnh');";
    assert!(
        browser
            .wait_until(vietnamese, Duration::from_secs(10))
            .await
    );
    let day = before["date"].as_str().expect("a day");
    let mut e = Events::new();
    let more: Vec<_> = (0..25u128)
        .map(|i| {
            e.integrated(
                &format!("{day}T10:00:00+07:00"),
                &own,
                0xdead_0000 + i,
                "HS",
            )
        })
        .collect();
    let done = publisher.publish_all(out(&more)).await.expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    let after = api(&base, &format!("/v1/review?date={day}"), NATIONAL).await;
    let p31 = |r: &Value| {
        r["provinces"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["province"] == "31").cloned())
            .expect("province 31")
    };
    assert_eq!(
        p31(&after)["gain"].as_u64(),
        p31(&before)["gain"].as_u64().map(|g| g + 25)
    );
    let expected = Lang::Vi.count(&p31(&after)["gain"]);
    let live = format!(
        "return document.querySelector('[data-province=\"31\"] [data-k=gain]').textContent === '{expected}';"
    );
    assert!(
        browser.wait_until(&live, Duration::from_secs(20)).await,
        "the page shows the new gain {expected} without a reload"
    );
    check_national(&browser, &base, Lang::Vi).await;
    names_are_text_on_the_page(&browser, &projector, &publisher).await;

    // The server gone: the page keeps its figures and says since when they are shown.
    let mut projector = projector;
    assert!(projector.terminate(), "the projector stops on SIGTERM");
    assert!(
        browser
            .wait_until(
                "const s = document.getElementById('stale'); return !s.hidden && s.textContent.includes('Số liệu trên trang là số liệu cập nhật lúc');",
                Duration::from_secs(20),
            )
            .await,
        "a stale banner"
    );
    let kept = browser.eval(&live, vec![]).await;
    assert_eq!(kept, Value::Bool(true), "the figures stay on the page");
    browser.screenshot(&screenshot("national-stale")).await;
    browser.close().await;
}

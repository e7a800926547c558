//! What the page keeps and refuses while the figures move: an official's place across a refresh,
//! and names shown as the text they hold.

use std::time::Duration;

use ehb_e2e::{Browser, Projector, Shown};
use serde_json::{Value, json};

use crate::common::{Events, OPENED, out};
use crate::page::{Lang, PROVINCE_31, api};

/// On a phone, the ward table scrolled sideways and a column's header focused stay so when new
/// figures redraw the page.
pub async fn kept_across_a_refresh(
    browser: &Browser,
    base: &str,
    (projector, publisher): (&Projector, &ehb_eventlog::Publisher),
    ward: &str,
) {
    let scrolled = browser
        .eval(
            "const box = document.getElementById('wards').closest('.scroll'); box.scrollLeft = 90;
             document.querySelector('#wards thead th:nth-child(5)').focus(); return box.scrollLeft;",
            vec![],
        )
        .await;
    assert!(
        scrolled.as_u64() > Some(0),
        "the table scrolls sideways: {scrolled}"
    );
    let date = crate::checks::picked(browser).await;
    let summary = format!("/v1/provinces/31/summary?date={date}");
    let before = api(base, &summary, PROVINCE_31).await["integrated"].as_u64();
    // Ids of their own: the stream keeps one message per id, and later events start from 1.
    let more: Vec<_> = (0..3u128)
        .map(|i| {
            let at = format!("{date}T11:00:00+07:00");
            let mut event = Events::new().integrated(&at, ward, 0xbeef_0000 + i, "HS");
            event.id = ehb_proto::Uuid::from_u128(0xbeef_0000 + i);
            event
        })
        .collect();
    let done = publisher.publish_all(out(&more)).await.expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    // Three more integrations on the day shown: the page must show the new total.
    let after = api(base, &summary, PROVINCE_31).await["integrated"].clone();
    assert_eq!(after.as_u64(), before.map(|n| n + 3));
    let expected = Lang::Vi.count(&after);
    let shown = format!(
        "return document.querySelector('[data-k=integrated]').textContent === '{expected}';"
    );
    assert!(
        browser.wait_until(&shown, Duration::from_secs(20)).await,
        "the page shows the new figures ({expected})"
    );
    let place = browser
        .eval(
            "const box = document.getElementById('wards').closest('.scroll');
             const th = document.querySelector('#wards thead th:nth-child(5)');
             return [box.scrollLeft, document.activeElement === th];",
            vec![],
        )
        .await;
    assert_eq!(place, json!([scrolled, true]));
}

/// A unit's name is text on the page, whatever it holds: a baseline naming a ward with markup
/// shows those characters, and no element is made of them.
pub async fn names_are_text_on_the_page(
    browser: &Browser,
    projector: &Projector,
    publisher: &ehb_eventlog::Publisher,
) {
    let name = r#"<img src=x onerror="document.title='x'"> Phường <b>Hòa</b> & "Bình""#;
    let mut baseline = Events::new().baseline(OPENED, "31999", 8_000, 4_000, 2);
    baseline.id = ehb_proto::Uuid::from_u128(0x5afe);
    if let ehb_proto::Payload::WardBaseline(b) = &mut baseline.payload {
        b.name = Some(ehb_proto::Text::from(name.to_owned()));
    }
    let done = publisher
        .publish_all(out(&[baseline]))
        .await
        .expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    assert_eq!(browser.go("#/province/31").await, Shown::Ready);
    // Read in one script, so that a redraw between two cannot fall between them.
    let shown = "const a = document.querySelector('[data-ward=\"31999\"] [data-k=name]');
        return a ? [a.textContent, a.children.length, document.title === 'x'] : null;";
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = browser.eval(shown, vec![]).await;
        if !seen.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        seen,
        json!([name, 0, false]),
        "the ward is listed, its name as text"
    );
    assert_eq!(browser.go("#/national").await, Shown::Ready);
}

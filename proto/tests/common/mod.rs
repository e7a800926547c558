//! Sample events shared by the contract's tests: each valid one, and variations that break a rule.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use serde_json::{Value, json};

/// A valid event of every type.
pub fn valid() -> Vec<Value> {
    let envelope = |kind: &str, data: Value| {
        json!({
            "id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70",
            "type": kind, "v": 1,
            "occurred_at": "2026-03-10T08:15:00+07:00",
            "province": "31", "ward": "31117", "group": "31117-TDP05",
            "source": "vss", "data": data
        })
    };
    vec![
        envelope(
            "account.activated",
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015"}),
        ),
        envelope(
            "card.integrated",
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015", "beneficiary": "HS", "issuer": "vss"}),
        ),
        envelope(
            "card.integrated",
            json!({"citizen_ref": "9f86d081884c7d659a2feaa0c55ad015"}),
        ),
        envelope("team.formed", json!({"members": 6})),
        envelope("team.formed", json!({})),
        envelope(
            "report.filed",
            json!({"kind": "daily", "period": "2026-03-09", "figures": {"accounts_new": 120, "integrated_new": 80}}),
        ),
        envelope(
            "report.filed",
            json!({"kind": "weekly", "period": "2026-03-09",
                   "difficulties": "Người cao tuổi chưa có điện thoại thông minh; 1.857.877 dân.",
                   "proposals": "Bố trí thêm tổ hỗ trợ tại 3 thôn."}),
        ),
        envelope(
            "report.filed",
            json!({"kind": "monthly", "period": "2026-03"}),
        ),
        envelope(
            "ward.baseline",
            json!({"name": "Phường Lê Thanh Nghị", "residents": 1857877, "insured": 851701,
                   "level2_accounts": 1200000, "eligible": 600000, "groups": 36, "facilities": 4,
                   "target": 700000}),
        ),
        envelope("facility.linked", json!({"facility": "TYT-31117"})),
        envelope(
            "ward.opening",
            json!({"as_of": "2026-02-28", "accounts": 1250, "integrated": 830}),
        ),
        envelope(
            "ward.opening",
            json!({"as_of": "2026-03-10", "accounts": 0, "integrated": 0}),
        ),
        envelope(
            "team.formed",
            json!({"members": 6, "composition": {"police": 2, "health": 1, "organisations": 2, "group_officials": 1}}),
        ),
        envelope(
            "team.formed",
            json!({"composition": {"digital": 3, "other": 1}}),
        ),
        envelope(
            "report.filed",
            json!({"reporter": "police", "kind": "final", "period": "2026-03",
                   "figures": {"accounts_total": 1200, "integrated_total": 830},
                   "difficulties": "Một số hộ đi làm ăn xa."}),
        ),
        envelope(
            "report.filed",
            json!({"reporter": "health_centre", "kind": "weekly", "period": "2026-03-09"}),
        ),
    ]
}

/// Events that break one rule each, with the field the Rust validator must name.
pub fn invalid() -> Vec<(Value, &'static str)> {
    let base = valid();
    let card = base[1].clone();
    let with = |mut v: Value, path: &[&str], value: Value| {
        let mut cursor = &mut v;
        for key in &path[..path.len() - 1] {
            cursor = &mut cursor[*key];
        }
        cursor[path[path.len() - 1]] = value;
        v
    };
    let without = |mut v: Value, path: &[&str]| {
        let mut cursor = &mut v;
        for key in &path[..path.len() - 1] {
            cursor = &mut cursor[*key];
        }
        if let Some(map) = cursor.as_object_mut() {
            map.remove(path[path.len() - 1]);
        }
        v
    };
    vec![
        (with(card.clone(), &["id"], json!("not-a-uuid")), "id"),
        (with(card.clone(), &["type"], json!("card.revoked")), "type"),
        (with(card.clone(), &["v"], json!(7)), "v"),
        (
            with(card.clone(), &["occurred_at"], json!("2026-03-10T08:15:00")),
            "occurred_at",
        ),
        (
            with(
                card.clone(),
                &["occurred_at"],
                json!("2026-03-10 08:15:00+07:00"),
            ),
            "occurred_at",
        ),
        (
            with(
                card.clone(),
                &["occurred_at"],
                json!("2026-02-30T08:15:00+07:00"),
            ),
            "occurred_at",
        ),
        (with(card.clone(), &["province"], json!("97")), "province"),
        (with(card.clone(), &["province"], json!("1")), "province"),
        (with(card.clone(), &["ward"], json!("3111")), "ward"),
        (with(card.clone(), &["ward"], json!(31117)), "ward"),
        (with(card.clone(), &["group"], json!("tổ 5")), "group"),
        (with(card.clone(), &["source"], json!("VSS")), "source"),
        (with(card.clone(), &["extra"], json!(1)), "extra"),
        (without(card.clone(), &["source"]), "source"),
        (without(card.clone(), &["data"]), "data"),
        (
            with(
                card.clone(),
                &["data", "citizen_ref"],
                json!("079012345678"),
            ),
            "data.citizen_ref",
        ),
        (
            with(
                card.clone(),
                &["data", "citizen_ref"],
                json!("9F86D081884C7D659A2FEAA0C55AD015"),
            ),
            "data.citizen_ref",
        ),
        (
            with(card.clone(), &["data", "beneficiary"], json!("ZZ")),
            "data.beneficiary",
        ),
        (
            with(card.clone(), &["data", "issuer"], json!("bank")),
            "data.issuer",
        ),
        (
            with(
                card.clone(),
                &["data", "card_number"],
                json!("HS4010123456789"),
            ),
            "data.card_number",
        ),
        (without(card, &["data", "citizen_ref"]), "data.citizen_ref"),
        (
            with(base[0].clone(), &["data", "beneficiary"], json!("HS")),
            "data.beneficiary",
        ),
        (
            with(base[9].clone(), &["data", "members"], json!(3)),
            "data.members",
        ),
        (without(base[8].clone(), &["data", "target"]), "data.target"),
        (without(base[3].clone(), &["group"]), "group"),
        (
            with(base[3].clone(), &["data", "members"], json!(0)),
            "data.members",
        ),
        (
            with(base[5].clone(), &["data", "kind"], json!("yearly")),
            "data.kind",
        ),
        (
            with(base[5].clone(), &["data", "period"], json!("2026-3-9")),
            "data.period",
        ),
        (
            with(base[7].clone(), &["data", "period"], json!("2026-13")),
            "data.period",
        ),
        (
            with(
                base[5].clone(),
                &["data", "figures", "accounts_new"],
                json!(-1),
            ),
            "data.figures",
        ),
        (
            with(base[5].clone(), &["data", "figures", "teams"], json!(3)),
            "data.figures",
        ),
        (
            with(base[8].clone(), &["data", "residents"], json!(0)),
            "data.residents",
        ),
        (
            without(base[8].clone(), &["data", "insured"]),
            "data.insured",
        ),
        (
            with(base[8].clone(), &["data", "name"], json!("")),
            "data.name",
        ),
        (
            with(base[9].clone(), &["data", "facility"], json!("trạm y tế")),
            "data.facility",
        ),
        // Free text that holds a personal identifier, in any field that takes text.
        (
            with(base[1].clone(), &["group"], json!("031095123457")),
            "group",
        ),
        (
            with(
                base[8].clone(),
                &["data", "name"],
                json!("Phường 0912 345 678"),
            ),
            "data.name",
        ),
        (
            with(
                base[6].clone(),
                &["data", "difficulties"],
                json!("Công dân số định danh 031095123457 chưa tích hợp"),
            ),
            "data.difficulties",
        ),
        (
            with(
                base[6].clone(),
                &["data", "proposals"],
                json!("thẻ HS4010123456789"),
            ),
            "data.proposals",
        ),
        (
            with(base[6].clone(), &["data", "proposals"], json!("")),
            "data.proposals",
        ),
        // An opening balance: a date, both figures, in range, nothing else.
        (
            with(base[10].clone(), &["data", "as_of"], json!("28/02/2026")),
            "data.as_of",
        ),
        (
            without(base[10].clone(), &["data", "integrated"]),
            "data.integrated",
        ),
        (
            with(
                base[10].clone(),
                &["data", "accounts"],
                json!(1_000_000_001u64),
            ),
            "data.accounts",
        ),
        (
            with(base[10].clone(), &["data", "target"], json!(5)),
            "data.target",
        ),
        // Who files a report, and a final report's month.
        (
            with(base[14].clone(), &["data", "reporter"], json!("army")),
            "data.reporter",
        ),
        (
            with(base[14].clone(), &["data", "period"], json!("2026-03-31")),
            "data.period",
        ),
        // A team's composition: known forces, counts in range.
        (
            with(base[12].clone(), &["data", "composition", "army"], json!(1)),
            "data.composition",
        ),
        (
            with(
                base[12].clone(),
                &["data", "composition", "police"],
                json!(-1),
            ),
            "data.composition",
        ),
        (
            with(base[12].clone(), &["data", "composition"], json!({})),
            "data.composition",
        ),
    ]
}

/// Whether `value` decodes the same written compact (the canonical reader) and pretty-printed
/// (the general reader): the same event, or the same error; otherwise what differs.
pub fn decodes_alike(value: &Value) -> Result<(), String> {
    let compact = serde_json::to_vec(value).expect("JSON");
    let spaced = serde_json::to_vec_pretty(value).expect("JSON");
    match (ehb_proto::decode(&compact), ehb_proto::decode(&spaced)) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(a), Err(b)) if (a.field(), a.to_string()) == (b.field(), b.to_string()) => Ok(()),
        (a, b) => Err(format!("{value}: compact {a:?} but spaced {b:?}")),
    }
}

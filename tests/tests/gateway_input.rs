//! Every kind of bad input the gateway can get, each with its status and the field it names;
//! the answer never repeats a raw identifier, and nothing refused reaches the stream.

use ehb_e2e::{Gateway, NatsServer, publisher, stream_messages};
use serde_json::{Value, json};

const RAW_ID: &str = "031299000123";
const RAW_CARD: &str = "HS4319900001234";

fn good(kind: &str) -> Value {
    let data = match kind {
        "account.activated" => json!({"citizen_id": RAW_ID}),
        "card.integrated" => json!({"citizen_id": RAW_ID, "card": RAW_CARD}),
        "team.formed" => json!({"members": 5}),
        "report.filed" => json!({"kind": "daily", "period": "2026-03-10"}),
        "ward.baseline" => json!({"residents": 1000, "insured": 600, "level2_accounts": 100,
            "groups": 4, "facilities": 2, "target": 500}),
        "ward.opening" => json!({"as_of": "2026-02-28", "accounts": 120, "integrated": 80}),
        _ => json!({"facility": "BV-31-001"}),
    };
    let source = match kind {
        "account.activated" => "c06",
        "card.integrated" => "vss",
        "facility.linked" => "health",
        _ => "ward-office",
    };
    let mut event = json!({"id": "0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70", "type": kind, "v": 1,
        "occurred_at": "2026-03-10T09:00:00+07:00", "province": "31", "ward": "31117",
        "source": source, "data": data});
    if kind == "team.formed" {
        event["group"] = json!("31117-TDP01");
    }
    event
}

/// `good(kind)` with `path` (dotted) set to `value`, or removed when `value` is `None`.
fn with(kind: &str, path: &str, value: Option<Value>) -> Vec<u8> {
    let mut event = good(kind);
    let mut target = &mut event;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        target = &mut target[*part];
    }
    let last = parts[parts.len() - 1];
    let object = target.as_object_mut().expect("an object");
    match value {
        Some(v) => {
            object.insert(last.to_owned(), v);
        }
        None => {
            object.remove(last);
        }
    }
    serde_json::to_vec(&event).expect("serialisable")
}

enum Key {
    Missing,
    Raw(&'static str),
    C06,
    Vss,
    Vss31,
    Ward,
}

struct Case {
    name: &'static str,
    key: Key,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    field: &'static str,
}

fn case(
    name: &'static str,
    kind_key: Key,
    body: Vec<u8>,
    status: u16,
    field: &'static str,
) -> Case {
    Case {
        name,
        key: kind_key,
        content_type: Some("application/json"),
        body,
        status,
        field,
    }
}

fn cases() -> Vec<Case> {
    use Key::*;
    let acc = "account.activated";
    let card = "card.integrated";
    let s = |v: &str| Some(json!(v));
    let ok_card = serde_json::to_vec(&good(card)).expect("json");
    let mut all = vec![
        // Authentication and permissions.
        case("no key", Missing, ok_card.clone(), 401, "authorization"),
        case(
            "unknown key",
            Raw("Bearer ehb_nobody"),
            ok_card.clone(),
            401,
            "authorization",
        ),
        case(
            "not a bearer key",
            Raw("Basic dXNlcjpwYXNz"),
            ok_card.clone(),
            401,
            "authorization",
        ),
        case("type not allowed", Ward, ok_card.clone(), 403, "type"),
        case(
            "source not its own",
            Vss,
            with(card, "source", s("c06")),
            403,
            "source",
        ),
        case(
            "province not allowed",
            Vss31,
            with(card, "province", s("01")),
            403,
            "province",
        ),
        // The body as a whole.
        case("empty body", Vss, Vec::new(), 400, "body"),
        case("not JSON", Vss, b"{\"id\": ".to_vec(), 400, ""),
        case(
            "not UTF-8",
            Vss,
            b"{\"id\": \"\xff\xfe\"}".to_vec(),
            400,
            "",
        ),
        case("JSON but not an object", Vss, b"[1, 2]".to_vec(), 400, ""),
        case("too large", Vss, vec![b' '; 70 * 1024], 413, "body"),
        // Envelope fields.
        case("id missing", Vss, with(card, "id", None), 422, "id"),
        case("id not a UUID", Vss, with(card, "id", s("42")), 422, "id"),
        case("type missing", Vss, with(card, "type", None), 422, "type"),
        case(
            "type unknown",
            Vss,
            with(card, "type", s("card.lost")),
            422,
            "type",
        ),
        case("v missing", Vss, with(card, "v", None), 422, "v"),
        case(
            "v unsupported",
            Vss,
            with(card, "v", Some(json!(7))),
            422,
            "v",
        ),
        case(
            "occurred_at missing",
            Vss,
            with(card, "occurred_at", None),
            422,
            "occurred_at",
        ),
        case(
            "occurred_at without offset",
            Vss,
            with(card, "occurred_at", s("2026-03-10T09:00:00")),
            422,
            "occurred_at",
        ),
        case(
            "occurred_at not a time",
            Vss,
            with(card, "occurred_at", s("yesterday")),
            422,
            "occurred_at",
        ),
        case(
            "occurred_at before the campaign",
            Vss,
            with(card, "occurred_at", s("2025-12-31T09:00:00+07:00")),
            422,
            "occurred_at",
        ),
        case(
            "occurred_at in the future",
            Vss,
            with(card, "occurred_at", s("2099-01-01T09:00:00+07:00")),
            422,
            "occurred_at",
        ),
        case(
            "province missing",
            Vss,
            with(card, "province", None),
            422,
            "province",
        ),
        case(
            "province not a code",
            Vss,
            with(card, "province", s("00")),
            422,
            "province",
        ),
        case("ward missing", Vss, with(card, "ward", None), 422, "ward"),
        case(
            "ward not 5 digits",
            Vss,
            with(card, "ward", s("3111")),
            422,
            "ward",
        ),
        case(
            "group malformed",
            Vss,
            with(card, "group", s("tổ 1")),
            422,
            "group",
        ),
        case(
            "source missing",
            Vss,
            with(card, "source", None),
            422,
            "source",
        ),
        case("data missing", Vss, with(card, "data", None), 422, "data"),
        case(
            "unknown envelope field",
            Vss,
            with(card, "colour", s("red")),
            422,
            "colour",
        ),
        // An unknown field is named only by a name of the contract's alphabet.
        case(
            "unknown envelope field named by a raw identifier",
            Vss,
            with(card, RAW_ID, Some(json!(1))),
            422,
            "",
        ),
        case(
            "unknown data field named by a raw identifier",
            Ward,
            with("ward.baseline", &format!("data.{RAW_ID}"), Some(json!(1))),
            422,
            "data",
        ),
        case(
            "unknown field with a long name",
            Vss,
            with(card, &"x".repeat(20_000), Some(json!(1))),
            422,
            "",
        ),
        // Read field by field in the order of the contract's list, this array was an event.
        case(
            "data an array that reads as an account",
            C06,
            with(acc, "data", Some(json!([null, RAW_ID]))),
            422,
            "data",
        ),
        case(
            "data an array",
            Vss,
            with(card, "data", Some(json!([[RAW_ID, RAW_CARD]]))),
            422,
            "data",
        ),
        case("truncated JSON", Vss, b"{\"data\":[[".to_vec(), 400, ""),
        case(
            "a negative count",
            Ward,
            with("ward.baseline", "data.residents", Some(json!(-5))),
            422,
            "data.residents",
        ),
        case(
            "a count that is text",
            Ward,
            with("ward.baseline", "data.groups", s("mười")),
            422,
            "data.groups",
        ),
        // Citizens.
        case(
            "citizen missing",
            C06,
            with(acc, "data.citizen_id", None),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_id 11 digits",
            C06,
            with(acc, "data.citizen_id", s("03129900012")),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_id with a letter",
            C06,
            with(acc, "data.citizen_id", s("03129900012a")),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_id of no province",
            C06,
            with(acc, "data.citizen_id", s("099299000123")),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_id a number",
            C06,
            with(acc, "data.citizen_id", Some(json!(31_299_000_123u64))),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_id and citizen_ref",
            C06,
            with(
                acc,
                "data.citizen_ref",
                s("9f86d081884c7d659a2feaa0c55ad015"),
            ),
            422,
            "data.citizen_id",
        ),
        case(
            "citizen_ref not hex",
            C06,
            {
                let mut e = good(acc);
                e["data"] = json!({"citizen_ref": "ZZ86d081884c7d659a2feaa0c55ad015"});
                serde_json::to_vec(&e).expect("json")
            },
            422,
            "data.citizen_ref",
        ),
        // Card numbers: each rule of the integration guide.
        case(
            "card of 12 characters",
            Vss,
            with(card, "data.card", s("HS4319900001")),
            422,
            "data.card",
        ),
        case(
            "card beneficiary not in the list",
            Vss,
            with(card, "data.card", s("XX4319900001234")),
            422,
            "data.card",
        ),
        case(
            "card level 0",
            Vss,
            with(card, "data.card", s("HS0319900001234")),
            422,
            "data.card",
        ),
        case(
            "card level 6",
            Vss,
            with(card, "data.card", s("HS6319900001234")),
            422,
            "data.card",
        ),
        case(
            "card issuer 00",
            Vss,
            with(card, "data.card", s("HS4009900001234")),
            422,
            "data.card",
        ),
        case(
            "card issuer not digits",
            Vss,
            with(card, "data.card", s("HS4A19900001234")),
            422,
            "data.card",
        ),
        case(
            "card tail not digits",
            Vss,
            with(card, "data.card", s("HS431990000123X")),
            422,
            "data.card",
        ),
        case(
            "10-character card not digits",
            Vss,
            with(card, "data.card", s("99000012A4")),
            422,
            "data.card",
        ),
        case(
            "card and beneficiary",
            Vss,
            with(card, "data.beneficiary", s("HS")),
            422,
            "data.card",
        ),
        // Other types' data.
        case(
            "team without group",
            Ward,
            with("team.formed", "group", None),
            422,
            "group",
        ),
        case(
            "team of 0 members",
            Ward,
            with("team.formed", "data.members", Some(json!(0))),
            422,
            "data.members",
        ),
        case(
            "report period malformed",
            Ward,
            with("report.filed", "data.period", s("10/03/2026")),
            422,
            "data.period",
        ),
        case(
            "report kind unknown",
            Ward,
            with("report.filed", "data.kind", s("hourly")),
            422,
            "data.kind",
        ),
        // Free text holding a personal identifier, a card number or a phone number.
        case(
            "group holding an identification number",
            Ward,
            with("team.formed", "group", s("031095123457")),
            422,
            "group",
        ),
        case(
            "report difficulties holding a phone number",
            Ward,
            with(
                "report.filed",
                "data.difficulties",
                s("Liên hệ 0912 345 678"),
            ),
            422,
            "data.difficulties",
        ),
        case(
            "report proposals holding a card number",
            Ward,
            with(
                "report.filed",
                "data.proposals",
                s("Thẻ DN4010123456789 lỗi"),
            ),
            422,
            "data.proposals",
        ),
        case(
            "baseline name holding an identification number",
            Ward,
            with("ward.baseline", "data.name", s("Xã 031095123457")),
            422,
            "data.name",
        ),
        case(
            "baseline insured above residents",
            Ward,
            with("ward.baseline", "data.insured", Some(json!(2000))),
            422,
            "data.insured",
        ),
        case(
            "baseline residents missing",
            Ward,
            with("ward.baseline", "data.residents", None),
            422,
            "data.residents",
        ),
        case(
            "unknown data field",
            Ward,
            with("ward.baseline", "data.phone", s("0912345678")),
            422,
            "data.phone",
        ),
        case(
            "a group of another ward",
            Vss,
            with(card, "group", s("31118-TDP01")),
            422,
            "group",
        ),
        case(
            "a team whose composition does not add up to its members",
            Ward,
            with(
                "team.formed",
                "data.composition",
                Some(json!({"police": 2, "health": 1})),
            ),
            422,
            "data.composition",
        ),
        case(
            "opening balance as of a day after its publication",
            Ward,
            with("ward.opening", "data.as_of", s("2026-03-11")),
            422,
            "data.as_of",
        ),
        case(
            "opening balance without its integrations",
            Ward,
            with("ward.opening", "data.integrated", None),
            422,
            "data.integrated",
        ),
        case(
            "opening balance of a report's figures",
            Ward,
            with(
                "ward.opening",
                "data.figures",
                Some(json!({"integrated_new": 1})),
            ),
            422,
            "data.figures",
        ),
    ];
    // Content types.
    for (name, content_type, status, field) in [
        ("no content type", None, 415, "content-type"),
        ("text/plain", Some("text/plain"), 415, "content-type"),
        (
            "form data",
            Some("application/x-www-form-urlencoded"),
            415,
            "content-type",
        ),
    ] {
        all.push(Case {
            name,
            key: Vss,
            content_type,
            body: ok_card.clone(),
            status,
            field,
        });
    }
    // Batches as a whole.
    let line = String::from_utf8(ok_card).expect("utf-8");
    for (name, body, status) in [
        ("batch of only blank lines", "\n\n\r\n".to_owned(), 400),
        (
            "batch over the line limit",
            [line.as_str(); 6].join("\n"),
            413,
        ),
    ] {
        all.push(Case {
            name,
            key: Vss,
            content_type: Some("application/x-ndjson"),
            body: body.into_bytes(),
            status,
            field: "body",
        });
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_gets_its_status_and_field() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (keys, gateway) = Gateway::start_ready(
        &nats.url(),
        dir.path(),
        &["--max-bytes", "65536", "--max-lines", "5"],
    )
    .await;
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for case in cases {
        let bearer = |key: &str| Some(format!("Bearer {key}"));
        let authorization = match case.key {
            Key::Missing => None,
            Key::Raw(header) => Some(header.to_owned()),
            Key::C06 => bearer(&keys.c06),
            Key::Vss => bearer(&keys.vss),
            Key::Vss31 => bearer(&keys.vss31),
            Key::Ward => bearer(&keys.ward),
        };
        let answer = gateway
            .post_with_authorization(
                authorization.as_deref(),
                case.content_type,
                case.body.clone(),
            )
            .await;
        assert_eq!(
            (answer.status, answer.body["error"]["field"].as_str()),
            (case.status, Some(case.field)),
            "{}: {}",
            case.name,
            answer.text
        );
        let reason = answer.body["error"]["reason"].as_str().unwrap_or("");
        assert!(!reason.is_empty(), "{}: the reason is given", case.name);
        // Reasons speak of the contract, not of the code's types, and repeat nothing sent.
        for internal in [
            "struct", "DataIn", "WireIn", "u64", "u32", "-5", "mười", "xxxx",
        ] {
            assert!(
                !reason.contains(internal),
                "{}: the reason says {internal:?}: {reason}",
                case.name
            );
        }
        assert!(
            answer.text.len() < 1024,
            "{}: an answer of {} bytes",
            case.name,
            answer.text.len()
        );
        for raw in [
            RAW_ID,
            &RAW_CARD[5..],
            "0912345678",
            "03129900012",
            "99000012A4",
        ] {
            assert!(
                !answer.text.contains(raw),
                "{}: the answer repeats a raw value: {}",
                case.name,
                answer.text
            );
        }
    }
    // Nothing refused reached the stream.
    assert_eq!(
        stream_messages(publisher(&nats.url()).await.context()).await,
        0
    );
}

/// Sends `body` chunked, 8 KiB at a time, over a raw connection, and reads the whole answer:
/// what a client streaming a file sees. Also says whether every write went through (a client
/// that stops at a broken connection never reads the answer).
async fn post_chunked(base: &str, key: &str, body: &[u8]) -> (bool, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut connection = tokio::net::TcpStream::connect(address)
        .await
        .expect("connected");
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut written = connection.write_all(head.as_bytes()).await.is_ok();
    for chunk in body.chunks(8192) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if connection.write_all(&framed).await.is_err() {
            written = false;
            break;
        }
    }
    written &= connection.write_all(b"0\r\n\r\n").await.is_ok();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        connection.read_to_end(&mut answer),
    )
    .await;
    (written, String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_is_answered_413_not_cut_off() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (keys, gateway) =
        Gateway::start_ready(&nats.url(), dir.path(), &["--max-bytes", "4194304"]).await;
    // Nearly four times the limit (more than the connection's buffers hold), of valid lines:
    // only the size is wrong.
    let line = serde_json::to_vec(&good("card.integrated")).expect("json");
    let mut body = Vec::new();
    while body.len() < 15 * 1_048_576 {
        body.extend_from_slice(&line);
        body.push(b'\n');
    }
    for _ in 0..3 {
        let (written, answer) = post_chunked(&gateway.base, &keys.vss, &body).await;
        assert!(written, "the body was cut off mid-upload");
        assert!(answer.starts_with("HTTP/1.1 413"), "the answer: {answer:?}");
        assert!(answer.contains(r#""field":"body""#), "{answer}");
    }
    // Within the limit, the same framing is read whole.
    let small = [line.as_slice(), b"\n"].concat();
    let (written, answer) = post_chunked(&gateway.base, &keys.vss, &small).await;
    assert!(written);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""accepted":1"#), "{answer}");
    assert_eq!(
        stream_messages(publisher(&nats.url()).await.context()).await,
        1
    );
    // A log written to a file holds no terminal colour codes.
    let log = std::fs::read_to_string(&gateway.log).expect("the gateway's log");
    assert!(log.contains("INFO"), "{log}");
    assert!(!log.contains('\u{1b}'), "escape codes in the log: {log}");
}

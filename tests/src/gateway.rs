//! The gateway under test: its access file, process and requests.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ehb_proto::PseudonymKey;
use ehb_proto::{CitizenId, Pseudonymise};

use ehb_eventlog::Outgoing;

use crate::Service;

/// The pseudonymisation key of the test access files.
pub const PSEUDONYM_KEY: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

/// A test access file: one key per upstream source, and a key for source `vss` restricted to
/// province 31.
pub struct Access {
    /// The file.
    pub path: PathBuf,
    /// Police: `account.activated`, `card.integrated`, the wards' police's reports.
    pub c06: String,
    /// Social security: `card.integrated`.
    pub vss: String,
    /// Social security, province 31 only.
    pub vss31: String,
    /// Ward offices: baselines, teams, reports.
    pub ward: String,
    /// Health facilities and centres: `facility.linked`, their reports.
    pub health: String,
}

impl Access {
    /// Writes the access file in `dir`.
    pub fn write(dir: &Path) -> Self {
        let keys = ["c06", "vss", "vss31", "ward", "health"]
            .map(|name| format!("ehb_test_{name}_{}", uuid::Uuid::now_v7().simple()));
        let entry = |name: &str, source: &str, key: &str, types: &str, provinces: &str| {
            format!(
                "[[publisher]]\nname = \"{name}\"\nsource = \"{source}\"\nkey_sha256 = \"{}\"\ntypes = [{types}]\n{provinces}\n",
                hex_hash(key)
            )
        };
        let text = [
            format!("pseudonym_key = \"{PSEUDONYM_KEY}\"\n"),
            entry(
                "Police",
                "c06",
                &keys[0],
                "\"account.activated\", \"card.integrated\", \"report.filed\"",
                "",
            ),
            entry(
                "Social security",
                "vss",
                &keys[1],
                "\"card.integrated\"",
                "",
            ),
            entry(
                "Social security 31",
                "vss",
                &keys[2],
                "\"card.integrated\"",
                "provinces = [\"31\"]",
            ),
            entry(
                "Ward offices",
                "ward-office",
                &keys[3],
                "\"ward.baseline\", \"ward.opening\", \"team.formed\", \"report.filed\"",
                "",
            ),
            entry(
                "Health",
                "health",
                &keys[4],
                "\"facility.linked\", \"report.filed\"",
                "",
            ),
        ]
        .concat();
        let path = dir.join("gateway-access.toml");
        std::fs::write(&path, text).expect("the access file is written");
        let [c06, vss, vss31, ward, health] = keys;
        Access {
            path,
            c06,
            vss,
            vss31,
            ward,
            health,
        }
    }
}

impl Access {
    /// The key of the source that publishes `message`: by its type, and for reports (which
    /// the police and health facilities file too) by the source it names.
    pub fn key_for(&self, message: &Outgoing) -> &str {
        let names = |source: &str| {
            let needle = format!("\"source\":\"{source}\"");
            message
                .payload
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        };
        match message.subject.rsplit('.').next() {
            Some("account_activated") => &self.c06,
            Some("card_integrated") => &self.vss,
            Some("facility_linked") => &self.health,
            Some("report_filed") if names("c06") => &self.c06,
            Some("report_filed") if names("health") => &self.health,
            _ => &self.ward,
        }
    }

    /// `messages` cut into NDJSON batches for the gateway: up to `size` consecutive messages,
    /// split by the key of the source that publishes each.
    pub fn batches(&self, messages: &[Outgoing], size: usize) -> Vec<(String, Vec<bytes::Bytes>)> {
        let mut batches = Vec::new();
        for chunk in messages.chunks(size) {
            let mut by_key: std::collections::BTreeMap<&str, Vec<bytes::Bytes>> =
                Default::default();
            for m in chunk {
                by_key
                    .entry(self.key_for(m))
                    .or_default()
                    .push(m.payload.clone());
            }
            batches.extend(by_key.into_iter().map(|(k, lines)| (k.to_owned(), lines)));
        }
        batches
    }

    /// Writes the simulator's keys file (`<source> <key>` per line) in `dir`.
    pub fn write_keys_file(&self, dir: &Path) -> PathBuf {
        let path = dir.join("gateway-keys.txt");
        let text = format!(
            "c06 {}\nvss {}\nward-office {}\nhealth {}\n",
            self.c06, self.vss, self.ward, self.health
        );
        std::fs::write(&path, text).expect("the keys file is written");
        path
    }
}

fn hex_hash(key: &str) -> String {
    hex::encode(ehb_runtime::secret_sha256(key))
}

/// The `citizen_ref` the test gateway computes for a raw personal identification number.
pub fn citizen_ref(raw: &str) -> String {
    let key = PseudonymKey::from_hex(PSEUDONYM_KEY).expect("the test key is valid");
    let id = CitizenId::parse("citizen_id", raw).expect("a valid test identifier");
    key.citizen_ref(id).to_string()
}

/// A running `ehb-gateway` process with its own access file and log.
pub struct Gateway {
    process: Service,
    /// The base URL of its API.
    pub base: String,
    /// Its log file (standard error).
    pub log: PathBuf,
    http: reqwest::Client,
}

/// The answer to a request: status, headers and body.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: serde_json::Value,
    /// The body as text.
    pub text: String,
}

impl Gateway {
    /// Starts a gateway on `nats_url` with the access file `access`, logging beside it, and
    /// waits until its API answers.
    pub async fn start(nats_url: &str, access: &Path, extra: &[&str]) -> Self {
        let log = access.with_extension("log");
        let mut args = vec![OsString::from("--access"), access.into()];
        args.extend(extra.iter().map(OsString::from));
        let process = Service::start("ehb-gateway", nats_url, &args, &log).await;
        Gateway {
            base: process.base.clone(),
            process,
            log,
            http: reqwest::Client::new(),
        }
    }

    /// Writes a test access file in `dir`, starts a gateway with it and waits until it is ready.
    pub async fn start_ready(nats_url: &str, dir: &Path, extra: &[&str]) -> (Access, Self) {
        let keys = Access::write(dir);
        let gateway = Gateway::start(nats_url, &keys.path, extra).await;
        gateway.wait_ready(Duration::from_secs(30)).await;
        (keys, gateway)
    }

    /// Waits until the gateway is ready to publish (panics after `timeout`).
    pub async fn wait_ready(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let ready = self
                .http
                .get(format!("{}/readyz", self.base))
                .send()
                .await
                .map(|r| r.status().as_u16() == 200)
                .unwrap_or(false);
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the gateway did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs `body` to `/v1/events` with an optional API key and content type.
    pub async fn post(
        &self,
        key: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let authorization = key.map(|key| format!("Bearer {key}"));
        self.post_with_authorization(authorization.as_deref(), content_type, body)
            .await
    }

    /// POSTs `body` to `/v1/events` with an optional `Authorization` header and content type.
    pub async fn post_with_authorization(
        &self,
        authorization: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/v1/events", self.base))
            .body(body);
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("the gateway answers");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Answer {
            status,
            retry_after,
            body,
            text,
        }
    }

    /// POSTs one event as JSON.
    pub async fn post_one(&self, key: &str, event: &serde_json::Value) -> Answer {
        let body = serde_json::to_vec(event).expect("serialisable");
        self.post(Some(key), Some("application/json"), body).await
    }

    /// POSTs events as an NDJSON batch.
    pub async fn post_batch(&self, key: &str, events: &[serde_json::Value]) -> Answer {
        let mut body = Vec::new();
        for event in events {
            serde_json::to_writer(&mut body, event).expect("serialisable");
            body.push(b'\n');
        }
        self.post(Some(key), Some("application/x-ndjson"), body)
            .await
    }

    /// GET a path as text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        self.get_text_as(path, None).await
    }

    /// GET `path` with an API key (or none): the status and the body as text.
    pub async fn get_text_as(&self, path: &str, key: Option<&str>) -> (u16, String) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("the gateway answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// Stops the process with SIGTERM and returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        self.process.terminate()
    }
}

/// What posting one batch came to, retries included.
#[derive(Debug, Clone, Copy, Default)]
pub struct Posted {
    /// Lines stored for the first time.
    pub accepted: u64,
    /// Lines the stream already held (stored by an attempt that was not acknowledged).
    pub duplicates: u64,
    /// Requests made again.
    pub retries: u64,
    /// The highest stream sequence acknowledged.
    pub last_seq: u64,
}

impl Posted {
    /// Both postings together.
    pub fn and(self, other: Posted) -> Posted {
        Posted {
            accepted: self.accepted + other.accepted,
            duplicates: self.duplicates + other.duplicates,
            retries: self.retries + other.retries,
            last_seq: self.last_seq.max(other.last_seq),
        }
    }
}

/// Posts `lines` with `key` as a client that must not lose an event would: whatever the
/// gateway did not acknowledge (a refused request, or lines answered `unavailable`) is posted
/// again, with the same ids, until every line is stored or recognised as a duplicate.
pub async fn post_until_acknowledged(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    mut lines: Vec<bytes::Bytes>,
) -> Posted {
    let mut posted = Posted::default();
    loop {
        let mut body = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in &lines {
            body.extend_from_slice(line);
            body.push(b'\n');
        }
        let body = bytes::Bytes::from(body);
        if let Ok(answer) = ehb_simulator::load::post_ndjson(http, url, key, body).await {
            let mut again = Vec::new();
            for result in answer["results"].as_array().expect("per-line results") {
                let line = result["line"].as_u64().expect("a line number") as usize;
                posted.last_seq = posted.last_seq.max(result["seq"].as_u64().unwrap_or(0));
                match result["status"].as_str() {
                    Some("accepted") => posted.accepted += 1,
                    Some("duplicate") => posted.duplicates += 1,
                    Some("rejected") => panic!("a valid event was rejected: {result}"),
                    _ => again.push(lines[line - 1].clone()),
                }
            }
            if again.is_empty() {
                return posted;
            }
            lines = again;
        }
        posted.retries += 1;
        assert!(posted.retries < 600, "not acknowledged after 600 tries");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

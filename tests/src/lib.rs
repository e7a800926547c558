//! The end-to-end test harness: real `nats-server` and projector processes on free loopback ports.
//!
//! Layout:
//! - [`NatsServer`]: starts `nats-server` (the project's pinned release) with JetStream on a free port and a temporary
//!   store; stops it on drop (or on demand, to test outages).
//! - [`Projector`]: starts the `ehb-projector` binary on a free port over a given store; can be
//!   stopped gracefully, killed with SIGKILL, and queried over HTTP.
//! - [`Gateway`]: starts the `ehb-gateway` binary on a free port with an access file, and posts
//!   events to it.
//! - [`publisher`]: a publisher connected to a server.
//! - [`xlsx_cells`], [`xlsx_form`]: the report workbooks read back as cells, or as their heading,
//!   table and signatures.
//!
//! Binaries are taken from the same target folder as the running test; `cargo build --workspace
//! --bins` (the test script does) puts them there.

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use ehb_eventlog::Publisher;

pub mod browser;
pub mod cluster;
pub mod compare;
mod forms;
pub mod gateway;
mod nats;
mod process;
pub use browser::{Browser, Shown};
pub use cluster::NatsCluster;
pub use ehb_simulator::load::{peak_rss_kib, percentile};
pub use forms::{XlsxForm, xlsx_cells, xlsx_form};
pub use gateway::{Answer, Gateway};
pub(crate) use nats::print_log_tail;
pub use nats::{NatsServer, nats_server_binary};
pub use process::Service;

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("the loopback interface gives a free port")
}

/// The path of a workspace binary built beside the running test.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the process knows its own path");
    let here = exe.parent().expect("an executable lives in a folder");
    // Tests run from target/<profile>/deps, binaries (the benchmark) from target/<profile>.
    let path = [here.join(name), here.parent().unwrap_or(here).join(name)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| here.join(name));
    assert!(
        path.exists(),
        "{} is missing: build the binaries first with `cargo build --workspace --bins` (scripts/test does)",
        path.display()
    );
    path
}

pub(crate) fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

pub(crate) fn signal(child: &Child, sig: i32) {
    // The pid is our own child's; sending it a signal has no memory-safety concern.
    let pid = child.id() as libc::pid_t;
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, sig);
    }
}

/// A running `ehb-projector` process.
pub struct Projector {
    process: Service,
    /// The base URL of its API.
    pub base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl Projector {
    /// Starts a projector on `nats_url` over the store in `store`, and waits until its API answers.
    pub async fn start(nats_url: &str, store: &Path) -> Self {
        Projector::start_with(nats_url, store, &[]).await
    }

    /// Starts a projector with extra command-line arguments.
    pub async fn start_with(nats_url: &str, store: &Path, extra: &[&str]) -> Self {
        let mut args = vec![OsString::from("--store"), store.into()];
        args.extend(extra.iter().map(OsString::from));
        let process = Service::start(
            "ehb-projector",
            nats_url,
            &args,
            &store.with_extension("log"),
        )
        .await;
        Projector {
            base: process.base.clone(),
            process,
            http: reqwest::Client::new(),
            token: None,
        }
    }

    /// The same projector, asked with an official's `token` from now on.
    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// GET a path; the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the projector answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// Waits until the projector has applied `seq` (panics after `timeout`).
    pub async fn wait_applied(&self, seq: u64, timeout: Duration) -> serde_json::Value {
        let deadline = Instant::now() + timeout;
        loop {
            let (_, status) = self.get("/v1/status").await;
            if status["applied_seq"].as_u64() >= Some(seq)
                && status["committed_seq"].as_u64() >= Some(seq)
            {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "projector did not apply seq {seq} in time; status {status}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the projector has folded `events` events (panics after 60 s): a partition's
    /// position is a stream sequence it may never reach, so its count is what tells.
    pub async fn wait_events(&self, events: usize) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, status) = self.get("/v1/status").await;
            if status["events_applied"].as_u64() == Some(events as u64) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{events} events not folded: {status}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The value of the counter `name` on the projector's `/metrics` (no token asked).
    pub async fn metric(&self, name: &str) -> u64 {
        let text = reqwest::get(format!("{}/metrics", self.base))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        let prefix = format!("{name} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The projector's digest.
    pub async fn digest(&self) -> String {
        let (_, body) = self.get("/v1/digest").await;
        body["digest"].as_str().expect("a digest").to_owned()
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// Kills the process with SIGKILL, as a crash would.
    pub fn kill9(&mut self) {
        self.process.kill9();
    }

    /// Stops the process with SIGTERM and returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        self.process.terminate()
    }
}

/// A publisher with 4,096 publishes in flight, connected to `url`, with the stream ensured.
pub async fn publisher(url: &str) -> Publisher {
    let client = ehb_eventlog::connect_now(url, "ehb-e2e")
        .await
        .expect("connects to the test server");
    let publisher = Publisher::new(client, 4096);
    let started = Instant::now();
    ehb_eventlog::ensure_stream(
        publisher.context(),
        &ehb_eventlog::StreamSettings::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("the stream is not ready after {:?}: {e}", started.elapsed()));
    publisher
}

/// Asserts that every ward's cumulative integrations, accounts, opening balance, level-2 holders,
/// eligible, teams and linked facilities on `day`, as the projector answers them, equal the simulator's truth.
pub async fn assert_wards_match_truth(
    projector: &Projector,
    wards: &std::collections::BTreeMap<ehb_proto::WardCode, ehb_simulator::WardTruth>,
    day: ehb_proto::BusinessDay,
) {
    for (ward, expected) in wards {
        let (code, daily) = projector
            .get(&format!("/v1/wards/{ward}/daily?date={day}"))
            .await;
        assert_eq!(code, 200);
        assert_eq!(
            daily["integrated"]["cumulative"], expected.integrated,
            "{ward}"
        );
        assert_eq!(daily["accounts"]["cumulative"], expected.accounts, "{ward}");
        let opening = expected.opening.map(|(as_of, accounts, integrated)| {
            serde_json::json!([as_of.to_string(), accounts, integrated])
        });
        let shown = &daily["opening"];
        let shown = (!shown.is_null())
            .then(|| serde_json::json!([shown["as_of"], shown["accounts"], shown["integrated"]]));
        assert_eq!(shown, opening, "{ward}: the opening balance");
        assert_eq!(daily["populations"]["level2"], expected.level2, "{ward}");
        assert_eq!(
            daily["populations"]["eligible"], expected.eligible,
            "{ward}"
        );
        assert_eq!(daily["groups"]["with_team"], expected.teams, "{ward}");
        assert_eq!(daily["facilities"]["linked"], expected.facilities, "{ward}");
        assert_eq!(
            daily["groups"]["team_members"], expected.team_members,
            "{ward}"
        );
        assert_reports_match_truth(projector, *ward, expected).await;
        assert_groups_match_truth(projector, *ward, expected, day).await;
    }
}

/// Checks a ward's residential groups on `day`: every group's cumulative accounts and
/// integrations, the facts without a group, the teams' members.
async fn assert_groups_match_truth(
    projector: &Projector,
    ward: ehb_proto::WardCode,
    expected: &ehb_simulator::WardTruth,
    day: ehb_proto::BusinessDay,
) {
    let (code, answer) = projector
        .get(&format!("/v1/wards/{ward}/groups?date={day}"))
        .await;
    assert_eq!(code, 200, "{answer}");
    let figures = |v: &serde_json::Value| {
        (
            v["accounts"]["cumulative"].as_u64().unwrap_or(u64::MAX),
            v["integrated"]["cumulative"].as_u64().unwrap_or(u64::MAX),
        )
    };
    let mut shown = std::collections::BTreeMap::new();
    for row in answer["groups"].as_array().expect("groups") {
        let group = row["group"].as_str().expect("a code").to_owned();
        let counts = figures(row);
        // Groups with a team and no fact show zeros; the truth leaves them out.
        if counts != (0, 0) {
            shown.insert(group, counts);
        }
    }
    assert_eq!(shown, expected.by_group, "{ward}: groups");
    assert_eq!(
        figures(&answer["without_group"]),
        expected.without_group,
        "{ward}: facts without a group"
    );
    assert_eq!(
        answer["totals"]["team_members"], expected.team_members,
        "{ward}"
    );
}

/// Checks every report of a ward, as the simulator made them: the ward office's daily and weekly
/// reports (filed or not, on time or late, figures that differ from the events or not), and the
/// other reporters' (the police's final, health facilities' and centres' weekly) listed with the
/// days they cover.
async fn assert_reports_match_truth(
    projector: &Projector,
    ward: ehb_proto::WardCode,
    expected: &ehb_simulator::WardTruth,
) {
    use ehb_proto::{ReportId, ReportPeriod, Reporter};
    let mut seen = std::collections::BTreeSet::new();
    for day in expected.integrated_by_day.keys() {
        let (_, daily) = projector
            .get(&format!("/v1/wards/{ward}/daily?date={day}"))
            .await;
        let mut shown = vec![(
            ReportId::ward_office(ReportPeriod::Daily(*day)),
            daily["report"].clone(),
        )];
        if day.date().weekday() == jiff::civil::Weekday::Monday {
            shown.push((
                ReportId::ward_office(ReportPeriod::Weekly(*day)),
                daily["period_reports"][0].clone(),
            ));
        }
        for other in daily["other_reports"].as_array().expect("other reports") {
            let id = match (other["reporter"].as_str(), other["period"].as_str()) {
                (Some("ward_office"), Some(period)) => period.to_owned(),
                (Some(reporter), Some(period)) => format!("{reporter}:{period}"),
                _ => panic!("{ward}: a report without reporter or period: {other}"),
            };
            let id = ReportId::try_from(id).expect("a report's identity");
            shown.push((id, other.clone()));
        }
        for (id, report) in shown {
            let filed = expected.reports.get(&id);
            assert_eq!(report["filed"], filed.is_some(), "{ward} {id}: {report}");
            let Some(filed) = filed else { continue };
            seen.insert(id);
            assert_eq!(report["on_time"], !filed.late, "{ward} {id}: {report}");
            let differs = report["differences"]
                .as_array()
                .is_some_and(|d| !d.is_empty());
            assert_eq!(differs, filed.wrong, "{ward} {id}: {report}");
        }
    }
    let checked: Vec<&ReportId> = expected
        .reports
        .keys()
        .filter(|id| {
            id.reporter != Reporter::WardOffice || matches!(id.period, ReportPeriod::Weekly(_))
        })
        .collect();
    assert!(
        checked.iter().all(|id| seen.contains(*id)),
        "{ward}: every weekly and other reporter's report checked"
    );
}

/// The value following `name` on a command line, when present and parseable.
pub fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// The bytes the files under `path` take on disk.
pub fn disk_bytes(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_bytes(&e.path()),
            Ok(m) => m.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// The province codes a two-day review answer lists, in its order.
pub fn review_provinces(review: &serde_json::Value) -> Vec<&str> {
    review["provinces"]
        .as_array()
        .expect("provinces")
        .iter()
        .filter_map(|p| p["province"].as_str())
        .collect()
}

/// How many messages the stream holds.
pub async fn stream_messages(js: &async_nats::jetstream::Context) -> u64 {
    js.get_stream(ehb_proto::subject::STREAM_NAME)
        .await
        .expect("the stream exists")
        .cached_info()
        .state
        .messages
}

/// A nats-server, a projector over a fresh store, and a publisher: what most tests start from.
pub struct Stack {
    /// The server.
    pub nats: NatsServer,
    /// The folder holding the projector's store (removed on drop).
    pub dir: tempfile::TempDir,
    /// The projector's store.
    pub store: PathBuf,
    /// The projector.
    pub projector: Projector,
    /// A publisher to the server.
    pub publisher: Publisher,
}

impl Stack {
    /// Starts all three.
    pub async fn start() -> Self {
        let nats = NatsServer::start();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = dir.path().join("store");
        let projector = Projector::start(&nats.url(), &store).await;
        let publisher = publisher(&nats.url()).await;
        Stack {
            nats,
            dir,
            store,
            projector,
            publisher,
        }
    }
}

/// Whether `needle` occurs anywhere in the files under `dir` (recursively), as raw bytes.
pub fn folder_contains(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            found.push(path);
        }
    }
    found
}

/// Writes an officials' access file in `dir` with one official per `(scope, token)` (named after
/// the scope; the token kept as its SHA-256) and answers its path.
pub fn officials_file(dir: &Path, officials: &[(&str, &str)]) -> PathBuf {
    let text: String = officials
        .iter()
        .map(|(scope, token)| {
            let hash = hex::encode(ehb_runtime::secret_sha256(token));
            format!("[[official]]\nname = \"{scope}\"\nscope = \"{scope}\"\ntoken_sha256 = \"{hash}\"\n\n")
        })
        .collect();
    let path = dir.join("officials.toml");
    std::fs::write(&path, text).expect("the access file is written");
    path
}

/// A log line without its terminal colour codes (the services colour their field names).
pub fn without_colours(line: &str) -> String {
    let mut plain = String::new();
    let mut escape = false;
    for c in line.chars() {
        match (escape, c) {
            (false, '\u{1b}') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, c) => plain.push(c),
        }
    }
    plain
}

//! A single `nats-server` with JetStream for the tests, and what the cluster shares with it:
//! where the binary is, a scratch folder for stores, the monitor's answers, log tails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{free_port, signal, wait_for_port};

/// The nats-server to run: `$NATS_SERVER`, else the project's own (`.tools/bin/nats-server`, the
/// pinned release `scripts/install-deps` installs).
pub fn nats_server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NATS_SERVER") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/bin/nats-server")
}

/// A temporary folder for a test server's store: in memory (`/dev/shm`) when it has room, so a
/// busy shared disk neither slows nor fills the tests, else in the system's temporary folder.
pub(crate) fn scratch_dir() -> tempfile::TempDir {
    const ROOM: u64 = 4 << 30;
    let shm = Path::new("/dev/shm");
    if free_bytes(shm).is_some_and(|free| free >= ROOM)
        && let Ok(dir) = tempfile::Builder::new().prefix("ehb-e2e-").tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("a temporary folder")
}

/// The bytes free for an unprivileged writer on the file system holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // The path is NUL-terminated and `stat` is a valid place for the answer.
    #[allow(unsafe_code)]
    let stat = unsafe {
        if libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// Prints the last `lines` lines of the log at `path` to the test's output, under `label`; a
/// failing test shows what the process said.
pub(crate) fn print_log_tail(label: &str, path: &Path, lines: usize) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let all: Vec<&str> = text.lines().collect();
    let tail = &all[all.len().saturating_sub(lines)..];
    eprintln!(
        "--- the last {} lines of {label}'s log ({}) ---",
        tail.len(),
        path.display()
    );
    for line in tail {
        eprintln!("{line}");
    }
}

/// The body of `path` on the HTTP monitor at `port`, when it answers 200.
pub(crate) fn monitor_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.0 200").then(|| body.to_owned())
}

/// Whether the HTTP monitor on `port` answers `/healthz` with status ok (JetStream ready).
pub(crate) fn healthy(port: u16) -> bool {
    monitor_get(port, "/healthz").is_some_and(|body| body.contains("\"ok\""))
}

/// Starts `nats-server` with `args` and the environment `env`, its log appended to `log`.
pub(crate) fn spawn_nats(args: &[String], env: &[(String, String)], log: &Path) -> Child {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("a log file");
    Command::new(nats_server_binary())
        .args(args)
        .envs(env.iter().cloned())
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot start {} ({err}): scripts/install-deps installs it",
                nats_server_binary().display()
            )
        })
}

/// Waits until the server on `port` accepts clients and its monitor on `monitor` says
/// JetStream is healthy (on a cluster: a meta leader is known); panics after 60 s.
pub(crate) fn wait_ready(port: u16, monitor: u16, log: &Path) {
    wait_ready_unless(port, monitor, log, || false);
}

/// [`wait_ready`], answering `false` as soon as `exited` says the server is gone.
fn wait_ready_unless(
    port: u16,
    monitor: u16,
    log: &Path,
    mut exited: impl FnMut() -> bool,
) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !(healthy(monitor) && wait_for_port(port, Duration::ZERO)) {
        if exited() {
            return false;
        }
        if Instant::now() > deadline {
            print_log_tail("nats-server", log, 40);
            panic!("nats-server on {port} was not ready within 60 s");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    true
}

/// A `nats-server` with JetStream, on a free loopback port, storing in a temporary folder.
pub struct NatsServer {
    child: Option<Child>,
    port: u16,
    monitor_port: u16,
    dir: tempfile::TempDir,
}

impl NatsServer {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> Self {
        NatsServer::start_in(scratch_dir())
    }

    /// Starts a server whose store is in a new folder under `parent` (on disk, for streams
    /// larger than memory).
    pub fn start_under(parent: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ehb-nats-")
            .tempdir_in(parent)
            .expect("a folder for the server's store");
        NatsServer::start_in(dir)
    }

    fn start_in(dir: tempfile::TempDir) -> Self {
        let mut server = NatsServer {
            child: None,
            port: free_port(),
            monitor_port: free_port(),
            dir,
        };
        // A port found free can be taken before the server binds it (another test's client
        // leaves from it): a server that exits at once is started again on other ports.
        for _ in 0..4 {
            if server.spawn_once() {
                return server;
            }
            server.port = free_port();
            server.monitor_port = free_port();
        }
        server.spawn();
        server
    }

    /// Starts the server; `false` if it exited before it was ready (its port was taken). On a
    /// timeout the panic drops the server, which stops it.
    fn spawn_once(&mut self) -> bool {
        let (port, monitor, log) = (self.port, self.monitor_port, self.log_path());
        let child = self.child.insert(spawn_nats(&self.args(), &[], &log));
        let ready = wait_ready_unless(port, monitor, &log, || {
            matches!(child.try_wait(), Ok(Some(_)))
        });
        if !ready {
            print_log_tail("nats-server", &log, 5);
            self.child = None;
        }
        ready
    }

    fn args(&self) -> [String; 9] {
        [
            "-js".to_owned(),
            "-a".to_owned(),
            "127.0.0.1".to_owned(),
            "-p".to_owned(),
            self.port.to_string(),
            "-m".to_owned(),
            self.monitor_port.to_string(),
            "-sd".to_owned(),
            self.dir.path().join("jetstream").display().to_string(),
        ]
    }

    fn spawn(&mut self) {
        self.child = Some(spawn_nats(&self.args(), &[], &self.log_path()));
        wait_ready(self.port, self.monitor_port, &self.log_path());
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("nats.log")
    }

    /// The client URL.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server (SIGTERM), keeping its store.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, libc::SIGTERM);
            let _ = child.wait();
        }
    }

    /// The folder holding the server's JetStream store (the stream's files on disk).
    pub fn store_dir(&self) -> PathBuf {
        self.dir.path().join("jetstream")
    }

    /// Starts the server again on the same port and store.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            print_log_tail("nats-server", &self.log_path(), 40);
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

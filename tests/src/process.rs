//! A service binary of the workspace running as a child process with its HTTP API on a free
//! loopback port: started, waited for, stopped gracefully or killed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{binary, free_port, print_log_tail, signal, wait_for_port};

/// A running service process (killed with SIGKILL when dropped).
pub struct Service {
    child: Option<Child>,
    name: String,
    log: PathBuf,
    /// The base URL of its API.
    pub base: String,
}

impl Service {
    /// Starts the binary `name` with `--nats-url`, `--listen` on a free port and `args`, its log
    /// appended to `log`, and waits until its API accepts connections.
    pub async fn start(name: &str, nats_url: &str, args: &[OsString], log: &Path) -> Self {
        let mut all = vec![OsString::from("--nats-url"), OsString::from(nats_url)];
        all.extend(args.iter().cloned());
        Service::start_without_nats(name, &all, log).await
    }

    /// Starts the binary `name` with `--listen` on a free port and `args`, its log appended to
    /// `log`, and waits until its API accepts connections.
    pub async fn start_without_nats(name: &str, args: &[OsString], log: &Path) -> Self {
        let port = free_port();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("a log file");
        let child = Command::new(binary(name))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} starts: {e}"));
        let service = Service {
            child: Some(child),
            name: name.to_owned(),
            log: log.to_owned(),
            base: format!("http://127.0.0.1:{port}"),
        };
        assert!(
            tokio::task::spawn_blocking(move || wait_for_port(port, Duration::from_secs(60)))
                .await
                .unwrap_or(false),
            "the API of {name} did not come up"
        );
        service
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the process with SIGKILL, as a crash would.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, libc::SIGKILL);
            let _ = child.wait();
        }
    }

    /// Stops the process with SIGTERM and returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        match self.child.take() {
            Some(mut child) => {
                signal(&child, libc::SIGTERM);
                child.wait().map(|s| s.success()).unwrap_or(false)
            }
            None => false,
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if std::thread::panicking() {
            print_log_tail(&self.name, &self.log, 40);
        }
        self.kill9();
    }
}

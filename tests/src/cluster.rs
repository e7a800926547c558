//! A 3-node JetStream cluster started from `docker/nats/`: the very configuration files
//! `docker/compose.yaml` uses, run as plain `nats-server` processes on loopback with the ports
//! (4222, 6222, 8222), the host names `nats-1`..`nats-3` and the store folder substituted.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::nats::{monitor_get, print_log_tail, scratch_dir, spawn_nats, wait_ready};
use crate::{free_port, signal};

/// The NATS users of `docker/nats/accounts.conf`.
pub const USERS: [&str; 7] = [
    "police",
    "vss",
    "ward-office",
    "health",
    "gateway",
    "projector",
    "audit",
];

/// The password the cluster under test gives `user` (letters and digits).
pub fn password(user: &str) -> String {
    format!("test{}", user.replace('-', ""))
}

/// The environment variable holding `user`'s password.
pub fn password_variable(user: &str) -> String {
    format!(
        "EHB_NATS_{}_PASSWORD",
        user.to_uppercase().replace('-', "_")
    )
}

/// The repository's `docker/` folder.
pub fn docker_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docker")
}

struct Node {
    client: u16,
    monitor: u16,
    conf: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

/// Three `nats-server` processes forming the cluster `ehb` with JetStream.
pub struct NatsCluster {
    nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

impl NatsCluster {
    /// Starts the three nodes and waits until each reports JetStream healthy. A free port can be
    /// taken by another process before a node binds it; then the cluster is started again on
    /// other ports (three tries).
    pub fn start() -> Self {
        for _ in 0..2 {
            let mut cluster = NatsCluster::spawn_all();
            if cluster.all_alive() {
                cluster.wait_all_ready();
                return cluster;
            }
            eprintln!("a cluster node could not bind its ports; starting again on other ports");
            cluster.stop_all();
        }
        let cluster = NatsCluster::spawn_all();
        cluster.wait_all_ready();
        cluster
    }

    /// Whether every node still runs a moment after starting (one that cannot bind its ports
    /// exits at once).
    fn all_alive(&mut self) -> bool {
        std::thread::sleep(Duration::from_millis(500));
        self.nodes.iter_mut().all(|n| {
            n.child
                .as_mut()
                .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
        })
    }

    fn wait_all_ready(&self) {
        for node in &self.nodes {
            wait_ready(node.client, node.monitor, &node.log);
        }
    }

    fn stop_all(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Writes the three nodes' configurations on fresh ports and starts them.
    fn spawn_all() -> Self {
        let dir = scratch_dir();
        let source = docker_dir().join("nats");
        std::fs::copy(
            source.join("accounts.conf"),
            dir.path().join("accounts.conf"),
        )
        .expect("accounts.conf copied");
        let ports: Vec<(u16, u16, u16)> = (0..3)
            .map(|_| (free_port(), free_port(), free_port()))
            .collect();
        let mut nodes = Vec::new();
        for (i, &(client, route, monitor)) in ports.iter().enumerate() {
            let name = format!("nats-{}", i + 1);
            let text = std::fs::read_to_string(source.join(format!("{name}.conf")))
                .expect("the node's configuration");
            let mut text = text
                .replace("0.0.0.0:4222", &format!("127.0.0.1:{client}"))
                .replace("0.0.0.0:6222", &format!("127.0.0.1:{route}"))
                .replace("0.0.0.0:8222", &format!("127.0.0.1:{monitor}"))
                .replace(
                    "/data/jetstream",
                    &dir.path().join(&name).display().to_string(),
                );
            for (j, &(_, other, _)) in ports.iter().enumerate() {
                text = text.replace(
                    &format!("nats-{}:6222", j + 1),
                    &format!("127.0.0.1:{other}"),
                );
            }
            assert!(
                !text.contains("0.0.0.0") && !text.contains(":6222\""),
                "{name}.conf has an address the tests do not substitute:\n{text}"
            );
            let conf = dir.path().join(format!("{name}.conf"));
            std::fs::write(&conf, text).expect("the node's configuration written");
            nodes.push(Node {
                client,
                monitor,
                conf,
                log: dir.path().join(format!("{name}.log")),
                child: None,
            });
        }
        let mut cluster = NatsCluster { nodes, _dir: dir };
        for i in 0..3 {
            cluster.spawn(i);
        }
        cluster
    }

    fn spawn(&mut self, i: usize) {
        let env: Vec<(String, String)> = USERS
            .iter()
            .map(|user| (password_variable(user), password(user)))
            .collect();
        let node = &mut self.nodes[i];
        let args = ["-c".to_owned(), node.conf.display().to_string()];
        node.child = Some(spawn_nats(&args, &env, &node.log));
    }

    /// The URL list of every node, with `user`'s credentials.
    pub fn url(&self, user: &str) -> String {
        let password = password(user);
        self.nodes
            .iter()
            .map(|n| format!("nats://{user}:{password}@127.0.0.1:{}", n.client))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The URL of node `i` alone, with `user`'s credentials.
    pub fn node_url(&self, i: usize, user: &str) -> String {
        format!(
            "nats://{user}:{}@127.0.0.1:{}",
            password(user),
            self.nodes[i].client
        )
    }

    /// The index of the node named `name` (`nats-2` → 1).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        let n: usize = name.strip_prefix("nats-")?.parse().ok()?;
        (1..=self.nodes.len()).contains(&n).then(|| n - 1)
    }

    /// Kills node `i` with SIGKILL, as a crash would.
    pub fn kill9(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            signal(&child, libc::SIGKILL);
            let _ = child.wait();
        }
    }

    /// Starts node `i` again on its ports and store, and waits until it is healthy.
    pub fn restart(&mut self, i: usize) {
        self.kill9(i);
        self.spawn(i);
        let node = &self.nodes[i];
        wait_ready(node.client, node.monitor, &node.log);
    }

    /// How many messages node `i` holds in its streams (its monitor's `/jsz`), when it answers.
    pub fn messages_on(&self, i: usize) -> Option<u64> {
        let body = monitor_get(self.nodes[i].monitor, "/jsz")?;
        let jsz: serde_json::Value = serde_json::from_str(&body).ok()?;
        jsz["messages"].as_u64()
    }

    /// Waits until node `i` holds `messages` messages; false after `timeout`.
    pub fn wait_messages_on(&self, i: usize, messages: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.messages_on(i) == Some(messages) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// Every permission violation the nodes logged (`Publish Violation`, `Subscription
    /// Violation`): none is expected from the services, which ask only what their user may.
    pub fn violations(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter_map(|n| std::fs::read_to_string(&n.log).ok())
            .flat_map(|log| {
                log.lines()
                    .filter(|l| l.contains("Violation"))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Node `i`'s log.
    pub fn log(&self, i: usize) -> &Path {
        &self.nodes[i].log
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        let panicking = std::thread::panicking();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            if panicking {
                print_log_tail(&format!("nats-{}", i + 1), &node.log, 25);
            }
        }
        self.stop_all();
    }
}

//! `docker/compose.yaml` as Debian's `docker-compose` reads it (offline): valid, with the
//! services the README describes, passwords demanded from the environment, two projectors that
//! own every province exactly once, and the NATS release the project runs everywhere else.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use ehb_e2e::cluster::{USERS, docker_dir, password, password_variable};
use ehb_proto::ProvinceCode;

fn compose(args: &[&str], with_passwords: bool) -> Output {
    let mut command = Command::new("docker-compose");
    command
        .current_dir(docker_dir())
        .args(["-f", "compose.yaml"])
        .args(args);
    for user in USERS {
        command.env_remove(password_variable(user));
        if with_passwords {
            command.env(password_variable(user), password(user));
        }
    }
    command
        .output()
        .expect("docker-compose is installed (scripts/install-deps --test)")
}

#[test]
fn the_compose_file_is_valid_and_its_projectors_split_the_provinces() {
    let services = compose(&["config", "--services"], true);
    assert!(services.status.success(), "{services:?}");
    let mut names: Vec<String> = String::from_utf8_lossy(&services.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "front",
            "gateway",
            "nats-1",
            "nats-2",
            "nats-3",
            "projector-a",
            "projector-b",
            "simulator"
        ]
    );

    // Without the NATS passwords the file is refused, naming the first one missing.
    let refused = compose(&["config"], false);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("EHB_NATS_POLICE_PASSWORD"),
        "{refused:?}"
    );

    // The resolved configuration: each projector's provinces, disjoint, 34 in all.
    let resolved = compose(&["config"], true);
    assert!(resolved.status.success(), "{resolved:?}");
    let text = String::from_utf8_lossy(&resolved.stdout);
    let lists: Vec<Vec<String>> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("EHB_PROVINCES:"))
        .map(|value| {
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .split(',')
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert_eq!(lists.len(), 2, "{text}");
    let mut all = BTreeSet::new();
    for list in &lists {
        assert_eq!(list.len(), 17);
        for code in list {
            ProvinceCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(all.insert(code.clone()), "{code} is owned twice");
        }
    }
    assert_eq!(all.len(), 34);
    // The cluster runs the release the project installs for its own runs and tests.
    let install = std::fs::read_to_string(docker_dir().join("../scripts/install-deps"))
        .expect("scripts/install-deps");
    let version = install
        .lines()
        .find_map(|line| line.strip_prefix("NATS_VERSION="))
        .expect("scripts/install-deps pins NATS_VERSION");
    let images: Vec<&str> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("image: nats:"))
        .collect();
    assert_eq!(images, vec![format!("{version}-alpine"); 3], "{text}");
    // Every service reaches NATS on all three nodes, with its own user.
    for user in ["gateway", "projector"] {
        let url = format!("nats://{user}:{}@nats-3:4222", password(user));
        assert!(text.contains(&url), "{user}: {text}");
    }
}

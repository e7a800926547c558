//! `ehb-gateway`: parses its settings, starts the service, stops it on SIGTERM or Ctrl-C; or
//! writes a new access file, or hashes an API key.

use std::io::{Read, Write};

use anyhow::Context;
use clap::Parser;
use ehb_gateway::access;
use ehb_gateway::config::{Cli, Command};

/// Many small allocations per request: mimalloc serves them faster than the system's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ehb_runtime::init_logging();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::InitAccess { path }) => init_access(&path),
        Some(Command::HashKey) => {
            let mut key = String::new();
            std::io::stdin().read_to_string(&mut key)?;
            println!("{}", hex::encode(access::key_hash(key.trim())));
            Ok(())
        }
        None => {
            ehb_gateway::run(cli.serve, ehb_runtime::shutdown_token()).await?;
            Ok(())
        }
    }
}

fn init_access(path: &std::path::Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let (text, keys) = access::new_access_file();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    file.write_all(text.as_bytes())?;
    for (source, key) in keys {
        println!("{source} {key}");
    }
    Ok(())
}

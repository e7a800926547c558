//! `ehb-projector`: parses its settings, starts the service, stops it on SIGTERM or Ctrl-C.

use clap::Parser;
use ehb_projector::Config;

/// Many small allocations per stream message: mimalloc serves them faster than the system's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ehb_runtime::init_logging();
    let config = Config::parse();
    ehb_projector::run(config, ehb_runtime::shutdown_token()).await?;
    Ok(())
}

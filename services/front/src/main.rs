//! `ehb-front`: parses its settings, serves until SIGTERM or Ctrl-C.

use clap::Parser;
use ehb_front::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ehb_runtime::init_logging();
    let config = Config::parse();
    ehb_front::run(config, ehb_runtime::shutdown_token()).await?;
    Ok(())
}

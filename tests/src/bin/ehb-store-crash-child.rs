//! `ehb-store-crash-child`: folds a seeded campaign into a store exactly as the projector does
//! (batches committed with their position), resuming from the store's position; the crash test
//! kills it with SIGKILL at random points and starts it again.
//!
//! `ehb-store-crash-child STORE SEED RESIDENTS BATCH` prints `folding from N` once the store is
//! loaded and the campaign generated, and `done` when the whole campaign is committed.

use std::io::Write as _;

use ehb_projection::ReportDeadlines;
use ehb_simulator::{Scenario, generate};
use ehb_store::Store;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 5, "usage: STORE SEED RESIDENTS BATCH");
    let (seed, residents, batch): (u64, u64, usize) =
        (args[2].parse()?, args[3].parse()?, args[4].parse()?);
    let (store, mut projection, aside) =
        Store::open_or_set_aside(args[1].as_ref(), ReportDeadlines::default())?;
    if let Some(aside) = aside {
        println!("set aside {}", aside.display());
    }
    let messages = generate(&Scenario::small(seed, 12, residents, 20)).messages;
    let from = projection.position().seq as usize;
    println!("folding from {from}");
    std::io::stdout().flush()?;
    for (i, chunk) in messages.chunks(batch).enumerate().skip(from / batch) {
        for (j, m) in chunk.iter().enumerate() {
            let seq = (i * batch + j + 1) as u64;
            projection.apply(seq, None, &m.message.subject, &m.message.payload);
        }
        let changes = projection.take_changes();
        store.commit(Store::prepare(&projection, &changes))?;
    }
    store.flush()?;
    println!("done");
    Ok(())
}

//! Where replayed messages come from: an archive file, or the stream itself.

use std::path::PathBuf;

use ehb_projection::ReportDeadlines;
use indicatif::ProgressBar;

use crate::AuditError;
use crate::cutoff::Cutoff;
use crate::replay::{Replay, Replayer};

/// A source of stored messages.
#[derive(Debug, Clone)]
pub enum Source {
    /// An archive written by `export` (checked against its manifest while read).
    Archive(PathBuf),
    /// The stream on a NATS server, read up to its last sequence at the start (or `until`).
    Stream {
        /// The server's URL(s).
        url: String,
        /// Read no further than this sequence.
        until: Option<u64>,
    },
}

/// How a replay runs.
#[derive(Debug, Clone)]
pub struct ReplaySettings {
    /// Where it stops.
    pub cutoff: Cutoff,
    /// The province's report deadlines (the projector's flags).
    pub deadlines: ReportDeadlines,
    /// Messages per batch of changes.
    pub batch: usize,
    /// Also write the projection into a fresh store in this folder.
    pub store: Option<PathBuf>,
}

/// Replays `source` into a fresh projection, showing progress on `bar` when given. With a
/// store folder, the store is written beside it (`<folder>.partial`) and takes the folder's name
/// only once the whole source has been read and checked.
pub async fn replay(
    source: &Source,
    settings: &ReplaySettings,
    bar: Option<ProgressBar>,
) -> Result<Replay, AuditError> {
    let Some(dir) = &settings.store else {
        let replayer = Replayer::new(settings.cutoff, settings.deadlines, settings.batch);
        return replay_into(source, replayer, bar).await;
    };
    // A projector resumes after the store's last sequence: everything before it must be in it.
    if !matches!(settings.cutoff, Cutoff::End | Cutoff::Seq(_)) {
        return Err(AuditError::StoreNeedsPrefix);
    }
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(AuditError::StoreNotFresh(dir.display().to_string()));
    }
    let partial = PathBuf::from(format!("{}.partial", dir.display()));
    let _ = std::fs::remove_dir_all(&partial);
    let store = ehb_store::Store::open(&partial)?;
    // Loading the empty store records the rules (report deadlines, contract version) it is
    // built by, which a projector checks before it trusts the store.
    store.load(settings.deadlines)?;
    let replayer =
        Replayer::new(settings.cutoff, settings.deadlines, settings.batch).with_store(store);
    match replay_into(source, replayer, bar).await {
        Ok(replayed) => {
            let _ = std::fs::remove_dir(dir);
            std::fs::rename(&partial, dir).map_err(|e| AuditError::io(dir, e))?;
            Ok(replayed)
        }
        Err(err) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(err)
        }
    }
}

async fn replay_into(
    source: &Source,
    mut replayer: Replayer,
    bar: Option<ProgressBar>,
) -> Result<Replay, AuditError> {
    let tick = |bar: &Option<ProgressBar>, n: u64| {
        if let Some(bar) = bar
            && n.is_multiple_of(65_536)
        {
            bar.set_position(n);
        }
    };
    match source {
        Source::Archive(path) => {
            let path = path.clone();
            let manifest = crate::archive::read_manifest(&path)?;
            if let Some(bar) = &bar {
                bar.set_length(manifest.count);
            }
            let replayed = tokio::task::spawn_blocking(move || {
                crate::parallel::replay_archive(&path, replayer, |n| tick(&bar, n))
            })
            .await
            .map_err(|e| AuditError::Stream(ehb_eventlog::LogError::Stream(e.into())))??;
            Ok(replayed)
        }
        Source::Stream { url, until } => {
            let client = ehb_eventlog::connect_now(url, "ehb-audit").await?;
            let js = async_nats::jetstream::new(client);
            let (first, last) = ehb_eventlog::stream_range(&js).await?;
            let last = until.map_or(last, |u| u.min(last));
            if let Some(bar) = &bar {
                bar.set_length(last.saturating_sub(first) + 1);
            }
            let mut n = 0;
            ehb_eventlog::read_range(&js, url, first, last, |m| {
                replayer.offer(m.seq, m.recorded_at, &m.subject, &m.payload);
                n += 1;
                tick(&bar, n);
                true
            })
            .await?;
            Ok(replayer.finish()?)
        }
    }
}

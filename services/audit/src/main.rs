//! `ehb-audit`: export the stream to an archive, replay it to a cut-off, verify a projector.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ehb_audit::archive::{ArchiveWriter, read_archive};
use ehb_audit::cutoff::Cutoff;
use ehb_audit::replay::Replay;
use ehb_audit::report::Certification;
use ehb_audit::source::{ReplaySettings, Source, replay};
use ehb_audit::verify::ProjectorApi;
use ehb_proto::BusinessDay;
use indicatif::{ProgressBar, ProgressStyle};

/// The projector's allocator: replay allocates on one thread and frees on another.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Certifies a campaign's figures from the raw events: archive, replay, digest, verify.
#[derive(Debug, Parser)]
#[command(name = "ehb-audit", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes the stream (or a range of it) to a zstd-compressed NDJSON archive with a manifest,
    /// then reads it back to check it.
    Export {
        /// NATS server URL(s).
        #[arg(long, env = "EHB_NATS_URL", default_value = "nats://127.0.0.1:4222")]
        nats_url: String,
        /// The archive to write (its manifest goes beside it, `<file>.manifest.json`).
        #[arg(long)]
        out: PathBuf,
        /// First stream sequence (default: the stream's first).
        #[arg(long)]
        from_seq: Option<u64>,
        /// Last stream sequence (default: the stream's last when the export starts).
        #[arg(long)]
        to_seq: Option<u64>,
    },
    /// Replays into a fresh projection up to a cut-off; prints every ward's figures and the digest.
    Replay {
        #[command(flatten)]
        replay: ReplayArgs,
        /// Also write the figures, the counts and the digest as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Replays to a cut-off and writes the certification report: `report.html` and `report.xlsx`.
    Report {
        #[command(flatten)]
        replay: ReplayArgs,
        /// The folder to write the report into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replays to the sequence a running projector has applied and compares: the digest, then
    /// every ward's figures and the totals. Exits with status 1 on any difference.
    Verify {
        #[command(flatten)]
        replay: ReplayArgs,
        /// The projector's query API.
        #[arg(
            long,
            env = "EHB_PROJECTOR_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        projector_url: String,
        /// A national official's token, when the projector's API needs one.
        #[arg(long, env = "EHB_PROJECTOR_TOKEN")]
        token: Option<String>,
    },
}

#[derive(Debug, Args)]
struct ReplayArgs {
    /// Replay from this archive.
    #[arg(long)]
    archive: Option<PathBuf>,
    /// Replay from the stream on this NATS server (when no archive is given).
    #[arg(long, env = "EHB_NATS_URL")]
    nats_url: Option<String>,
    /// Stop after this stream sequence.
    #[arg(long, group = "cutoff")]
    until_seq: Option<u64>,
    /// Only what the stream had recorded by this instant (RFC 3339, e.g. 2026-03-31T23:59:59+07:00).
    #[arg(long, group = "cutoff")]
    until_recorded: Option<String>,
    /// Only events that occurred on or before this business day (YYYY-MM-DD), whenever recorded.
    #[arg(long, group = "cutoff")]
    until_day: Option<String>,
    /// Messages per batch of changes (the digest does not depend on it).
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Also write the replayed projection into a fresh store in this (new or empty) folder, in
    /// the projector's format: `ehb-projector --store` on it serves the replayed figures.
    #[arg(long)]
    store: Option<PathBuf>,
    /// When reports are due.
    #[command(flatten)]
    deadlines: ehb_projection::DeadlineArgs,
}

impl ReplayArgs {
    fn source(&self) -> anyhow::Result<Source> {
        match (&self.archive, &self.nats_url) {
            (Some(path), _) => Ok(Source::Archive(path.clone())),
            (None, Some(url)) => Ok(Source::Stream {
                url: url.clone(),
                until: None,
            }),
            (None, None) => anyhow::bail!("give --archive FILE or --nats-url URL"),
        }
    }

    fn cutoff(&self) -> anyhow::Result<Cutoff> {
        if let Some(seq) = self.until_seq {
            return Ok(Cutoff::Seq(seq));
        }
        if let Some(text) = &self.until_recorded {
            return Ok(Cutoff::Recorded(ehb_proto::parse_instant(
                "until-recorded",
                text,
            )?));
        }
        if let Some(text) = &self.until_day {
            return Ok(Cutoff::Day(BusinessDay::parse("until-day", text)?));
        }
        Ok(Cutoff::End)
    }

    /// The cut-off in words, for the report.
    fn describe_cutoff(&self) -> String {
        if let Some(seq) = self.until_seq {
            format!("tin #{seq}")
        } else if let Some(at) = &self.until_recorded {
            format!("ghi nhận đến {at}")
        } else if let Some(day) = &self.until_day {
            format!("xảy ra đến hết ngày {day}")
        } else {
            "toàn bộ dữ liệu".to_owned()
        }
    }

    fn settings(&self, cutoff: Cutoff) -> ReplaySettings {
        ReplaySettings {
            cutoff,
            deadlines: self.deadlines.deadlines(),
            batch: self.batch,
            store: self.store.clone(),
        }
    }
}

/// Replays with a progress bar (on a terminal).
async fn replay_with_progress(
    source: &Source,
    settings: &ReplaySettings,
) -> anyhow::Result<Replay> {
    let progress = bar("replaying");
    let replayed = replay(source, settings, Some(progress.clone())).await?;
    progress.finish_and_clear();
    Ok(replayed)
}

fn bar(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} messages, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what);
    bar
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    ehb_runtime::init_logging();
    match Cli::parse().command {
        Command::Export {
            nats_url,
            out,
            from_seq,
            to_seq,
        } => export(&nats_url, &out, from_seq, to_seq).await,
        Command::Replay { replay: args, json } => {
            let replayed =
                replay_with_progress(&args.source()?, &args.settings(args.cutoff()?)).await?;
            let digest = replayed.projection.digest();
            let wards = replayed.ward_figures(None);
            print_replay(&replayed, &wards, &digest);
            if let Some(path) = json {
                let figures = serde_json::json!({
                    "digest": digest,
                    "counts": replayed.stats,
                    "totals": replayed.projection.totals(),
                    "wards": wards,
                });
                std::fs::write(&path, serde_json::to_vec_pretty(&figures)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            replay: args,
            projector_url,
            token,
        } => verify(&args, &projector_url, token).await,
        Command::Report { replay: args, out } => {
            let replayed =
                replay_with_progress(&args.source()?, &args.settings(args.cutoff()?)).await?;
            let certification = Certification::of(&replayed, args.describe_cutoff());
            certification.write(&out)?;
            println!(
                "report of {} wards written to {} (report.html, report.xlsx); digest {}",
                certification.wards.len(),
                out.display(),
                certification.digest
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn export(
    url: &str,
    out: &std::path::Path,
    from: Option<u64>,
    to: Option<u64>,
) -> anyhow::Result<ExitCode> {
    let client = ehb_eventlog::connect_now(url, "ehb-audit").await?;
    let js = async_nats::jetstream::new(client);
    let (first, last) = ehb_eventlog::stream_range(&js).await?;
    let (from, to) = (
        from.unwrap_or(first).max(first),
        to.unwrap_or(last).min(last),
    );
    let progress = bar("exporting");
    progress.set_length(to.saturating_sub(from) + 1);
    let mut writer = ArchiveWriter::create(out)?;
    let mut failed = None;
    ehb_eventlog::read_range(&js, url, from, to, |m| {
        let written = writer.append(
            m.seq,
            m.recorded_at,
            m.subject.as_str(),
            m.msg_id(),
            &m.payload,
        );
        progress.inc(1);
        match written {
            Ok(()) => true,
            Err(err) => {
                failed = Some(err);
                false
            }
        }
    })
    .await?;
    if let Some(err) = failed {
        return Err(err.into());
    }
    let manifest = writer.finish(ehb_proto::subject::STREAM_NAME)?;
    progress.finish_and_clear();
    // Read it back: the file must match its manifest before anyone relies on it.
    let out_owned = out.to_owned();
    let checked =
        tokio::task::spawn_blocking(move || read_archive(&out_owned, |_| Ok(true))).await??;
    anyhow::ensure!(
        checked == manifest,
        "the archive read back differs from its manifest"
    );
    println!(
        "exported {} messages (sequences {}..{}) to {}: {} bytes, SHA-256 {}; checked by reading it back",
        manifest.count,
        manifest.first_seq,
        manifest.last_seq,
        out.display(),
        manifest.bytes,
        manifest.sha256
    );
    Ok(ExitCode::SUCCESS)
}

fn print_replay(
    replayed: &Replay,
    wards: &[ehb_projection::query::daily::Daily],
    digest: &ehb_projection::Digest,
) {
    let s = &replayed.stats;
    let totals = replayed.projection.totals();
    println!(
        "replayed {} messages: {} folded, {} left out by the cut-off, {} late (occurred before the cut-off, recorded after it); last sequence {}",
        s.read, s.applied, s.skipped, s.late, s.last_seq
    );
    println!(
        "rejects {}, duplicates absorbed {}",
        totals.rejects(),
        totals.duplicates
    );
    println!(
        "ward\taccounts\tintegrated\tper residents %\tper insured %\tgroups with team\tfacilities"
    );
    for daily in wards {
        let pct = |p: Option<ehb_projection::Percent>| {
            p.map_or("-".to_owned(), |p| format!("{:.2}", p.value()))
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            daily.ward,
            daily.accounts.cumulative,
            daily.integrated.cumulative,
            pct(daily.rates.per_residents),
            pct(daily.rates.per_insured),
            daily.groups.with_team,
            daily.facilities.linked
        );
    }
    println!("digest {digest}");
}

async fn verify(
    args: &ReplayArgs,
    projector_url: &str,
    token: Option<String>,
) -> anyhow::Result<ExitCode> {
    let api = ProjectorApi::new(projector_url, token);
    let standing = api.standing().await?;
    let source = match args.source()? {
        Source::Stream { url, .. } => Source::Stream {
            url,
            until: Some(standing.applied_seq),
        },
        archive => archive,
    };
    let replayed =
        replay_with_progress(&source, &args.settings(Cutoff::Seq(standing.applied_seq))).await?;
    anyhow::ensure!(
        replayed.stats.last_seq == standing.applied_seq,
        "the projector has applied up to sequence {} but the source ends at {}: export again, or verify against the stream",
        standing.applied_seq,
        replayed.stats.last_seq
    );
    let digest = replayed.projection.digest().0;
    println!(
        "sequence {}: replayed digest {digest}",
        standing.applied_seq
    );
    println!(
        "sequence {}: projector digest {}",
        standing.applied_seq, standing.digest
    );
    if digest == standing.digest {
        println!("verified: the projector's figures equal the replay's");
        return Ok(ExitCode::SUCCESS);
    }
    let differences = api.differences(&replayed, None).await?;
    for d in &differences {
        println!(
            "DIFFERS ward {} {}: replayed {} projector {}",
            d.ward, d.figure, d.replayed, d.projector
        );
    }
    println!(
        "NOT verified: the digests differ; {} figures differ",
        differences.len()
    );
    Ok(ExitCode::from(1))
}

//! Audit after campaign close: the stream exported to an archive, replayed to a cut-off into a
//! fresh projection with its digest, and a running projector verified against it.
//!
//! Layout:
//! - [`archive`]: the archive file and its manifest.
//! - [`cutoff`]: where a replay stops (a sequence, a record time, a business day).
//! - [`replay`]: folding a source up to a cut-off, with what was left out.
//! - [`parallel`]: replaying an archive on two threads.
//! - [`report`]: the certification report, HTML and XLSX.
//! - [`source`]: where messages come from (an archive or the stream).
//! - [`verify`]: comparing a replay with a running projector.

use std::path::Path;

use thiserror::Error;

pub mod archive;
pub mod cutoff;
pub mod parallel;
pub mod replay;
pub mod report;
pub mod source;
pub mod verify;

/// Why an audit step failed.
#[derive(Debug, Error)]
pub enum AuditError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The archive does not match its manifest or is not an archive at all; do not use it.
    #[error("the archive {path} is damaged: {reason}")]
    Damaged {
        /// The file.
        path: String,
        /// What does not match.
        reason: String,
    },
    /// Messages were offered out of stream order.
    #[error("sequence {seq} offered after {after}: an archive holds messages in stream order")]
    OutOfOrder {
        /// The sequence offered.
        seq: u64,
        /// The last sequence written.
        after: u64,
    },
    /// The replayed projection could not be written to its store.
    #[error(transparent)]
    Store(#[from] ehb_store::StoreError),
    /// A store is written only for a replay of a whole prefix of the stream.
    #[error(
        "--store needs a replay of everything up to a sequence (--until-seq, or no cut-off): a projector resumes after the store's last sequence, so no message before it may be left out"
    )]
    StoreNeedsPrefix,
    /// A replay writes into a fresh store only.
    #[error("{0} is not empty: a replay writes into a fresh store; give a new folder")]
    StoreNotFresh(String),
    /// The stream could not be read.
    #[error("reading the stream failed: {0}")]
    Stream(#[from] ehb_eventlog::LogError),
    /// The projector could not be asked.
    #[error("the projector at {url} did not answer: {reason}")]
    Projector {
        /// What was asked.
        url: String,
        /// Why it failed.
        reason: String,
    },
}

impl AuditError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        AuditError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

//! Replaying an archive on two threads. One reads (decompresses, checks the checksum, splits
//! lines); the other folds, which must happen in order on one thread. Decoding the events, the
//! largest share of the work, goes to whichever side has time: when the folding side falls
//! behind, the reading side decodes what it hands over; otherwise it hands over raw messages.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ehb_proto::{ContractError, Event, decode_on_subject};
use jiff::Timestamp;

use crate::AuditError;
use crate::replay::{Replay, Replayer};

/// A message handed from the reading thread to the folding one.
struct Handed {
    seq: u64,
    recorded_at: Option<Timestamp>,
    body: Body,
}

enum Body {
    /// Decoded by the reading side (the subject stays: the fold may still reject the event).
    Decoded {
        subject: std::ops::Range<usize>,
        decoded: Result<Event<'static>, ContractError>,
    },
    /// Left for the folding side to decode: where the subject and the payload are in the
    /// batch's bytes.
    Raw {
        subject: std::ops::Range<usize>,
        payload: std::ops::Range<usize>,
    },
}

/// Messages handed over together, and the bytes of those left raw (one buffer for the batch,
/// reused once emptied, rather than an allocation per message).
#[derive(Default)]
struct Batch {
    messages: Vec<Handed>,
    bytes: Vec<u8>,
}

impl Batch {
    fn new() -> Self {
        Batch {
            messages: Vec::with_capacity(HANDOFF),
            bytes: Vec::with_capacity(HANDOFF * 320),
        }
    }

    fn keep(&mut self, bytes: &[u8]) -> std::ops::Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(bytes);
        start..self.bytes.len()
    }
}

/// Messages handed over at a time.
const HANDOFF: usize = 4096;
/// Handed-over batches waiting, from which the reading side starts decoding them itself.
const BEHIND: usize = 2;

/// Replays the archive at `path` into `replayer`, calling `progress` with the messages folded.
pub fn replay_archive(
    path: &Path,
    mut replayer: Replayer,
    mut progress: impl FnMut(u64),
) -> Result<Replay, AuditError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(16);
    // Emptied batches go back to be filled again, rather than each batch taking fresh memory.
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch>();
    let waiting = Arc::new(AtomicUsize::new(0));
    let reading = {
        let (owned, waiting) = (path.to_owned(), waiting.clone());
        std::thread::Builder::new()
            .name("archive-reader".to_owned())
            .spawn(move || {
                let mut batch = Batch::new();
                let mut decode_here = false;
                let read = crate::archive::read_archive(&owned, |m| {
                    let body = if decode_here {
                        let decoded =
                            decode_on_subject(&m.subject, &m.payload).map(Event::into_owned);
                        Body::Decoded {
                            subject: batch.keep(m.subject.as_bytes()),
                            decoded,
                        }
                    } else {
                        Body::Raw {
                            subject: batch.keep(m.subject.as_bytes()),
                            payload: batch.keep(&m.payload),
                        }
                    };
                    batch.messages.push(Handed {
                        seq: m.seq,
                        recorded_at: m.recorded_at,
                        body,
                    });
                    if batch.messages.len() < HANDOFF {
                        return Ok(true);
                    }
                    let empty = back_rx.try_recv().unwrap_or_else(|_| Batch::new());
                    let full = std::mem::replace(&mut batch, empty);
                    decode_here = waiting.fetch_add(1, Ordering::Relaxed) + 1 >= BEHIND;
                    // The folding side hung up: nothing more is wanted.
                    Ok(tx.send(full).is_ok())
                });
                if !batch.messages.is_empty() {
                    let _ = tx.send(batch);
                }
                read
            })
            .map_err(|e| AuditError::io(path, e))?
    };
    let mut n = 0;
    for mut batch in rx {
        waiting.fetch_sub(1, Ordering::Relaxed);
        for m in batch.messages.drain(..) {
            match m.body {
                Body::Decoded { subject, decoded } => {
                    let subject = text(&batch.bytes[subject]);
                    replayer.offer_decoded(m.seq, m.recorded_at, subject, decoded);
                }
                Body::Raw { subject, payload } => {
                    let subject = text(&batch.bytes[subject]);
                    replayer.offer(m.seq, m.recorded_at, subject, &batch.bytes[payload]);
                }
            }
            n += 1;
        }
        batch.bytes.clear();
        let _ = back_tx.send(batch);
        progress(n);
    }
    reading.join().map_err(|_| AuditError::Damaged {
        path: path.display().to_string(),
        reason: "the reading thread failed".to_owned(),
    })??;
    Ok(replayer.finish()?)
}

/// A subject kept in a batch's bytes (it was a `str` when it was kept).
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

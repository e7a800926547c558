//! The archive: the stored messages as zstd-compressed NDJSON, one message per line in stream
//! order, with a manifest (first and last sequence, count, size and SHA-256 of the file).
//!
//! A line is `{"seq":…,"recorded_at":"…","subject":"…","msg_id":"…","event":{…}}`; a message
//! whose bytes are not a single JSON value (a malformed one) is kept exactly as `"payload_hex"`
//! instead of `"event"`. The same messages always give the same bytes.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::AuditError;

mod line;
use line::parse_line;

/// The archive format this program writes and reads.
pub const FORMAT: &str = "ehb-archive/1";
/// The zstd level: fixed, so that the same messages give the same bytes.
const LEVEL: i32 = 3;

/// What an archive holds, written beside it as `<archive>.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The stream the messages came from.
    pub stream: String,
    /// The first stream sequence in the archive (0 when empty).
    pub first_seq: u64,
    /// The last stream sequence in the archive (0 when empty).
    pub last_seq: u64,
    /// Messages in the archive.
    pub count: u64,
    /// Size of the archive file in bytes.
    pub bytes: u64,
    /// SHA-256 of the archive file, 64 hexadecimal digits.
    pub sha256: String,
    /// `zstd`.
    pub compression: String,
}

/// The manifest's path for an archive.
pub fn manifest_path(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// One archived message, as read back.
#[derive(Debug, Clone)]
pub struct Archived<'a> {
    /// Its stream sequence.
    pub seq: u64,
    /// When the stream recorded it.
    pub recorded_at: Option<Timestamp>,
    /// Its subject.
    pub subject: Cow<'a, str>,
    /// Its de-duplication id, when it had one.
    pub msg_id: Option<Cow<'a, str>>,
    /// Its exact bytes.
    pub payload: Cow<'a, [u8]>,
}

struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    fn finish(self) -> (T, u64, String) {
        (self.inner, self.bytes, hex::encode(self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Writes an archive.
pub struct ArchiveWriter {
    path: PathBuf,
    encoder: zstd::Encoder<'static, Hashing<BufWriter<File>>>,
    line: Vec<u8>,
    first_seq: u64,
    last_seq: u64,
    count: u64,
}

impl ArchiveWriter {
    /// Creates (or replaces) the archive at `path`.
    pub fn create(path: &Path) -> Result<Self, AuditError> {
        let file = File::create(path).map_err(|e| AuditError::io(path, e))?;
        let encoder = zstd::Encoder::new(Hashing::new(BufWriter::new(file)), LEVEL)
            .map_err(|e| AuditError::io(path, e))?;
        Ok(ArchiveWriter {
            path: path.to_owned(),
            encoder,
            line: Vec::with_capacity(1024),
            first_seq: 0,
            last_seq: 0,
            count: 0,
        })
    }

    /// Appends one message; sequences must increase.
    pub fn append(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        msg_id: Option<&str>,
        payload: &[u8],
    ) -> Result<(), AuditError> {
        if seq <= self.last_seq {
            return Err(AuditError::OutOfOrder {
                seq,
                after: self.last_seq,
            });
        }
        self.line.clear();
        line::write(&mut self.line, seq, recorded_at, subject, msg_id, payload)
            .map_err(|e| AuditError::io(&self.path, e.into()))?;
        self.line.push(b'\n');
        self.encoder
            .write_all(&self.line)
            .map_err(|e| AuditError::io(&self.path, e))?;
        if self.count == 0 {
            self.first_seq = seq;
        }
        self.last_seq = seq;
        self.count += 1;
        Ok(())
    }

    /// Finishes the file and writes its manifest beside it.
    pub fn finish(self, stream: &str) -> Result<Manifest, AuditError> {
        let path = self.path;
        let hashing = self
            .encoder
            .finish()
            .map_err(|e| AuditError::io(&path, e))?;
        let (mut writer, bytes, sha256) = hashing.finish();
        writer.flush().map_err(|e| AuditError::io(&path, e))?;
        writer
            .get_ref()
            .sync_all()
            .map_err(|e| AuditError::io(&path, e))?;
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            stream: stream.to_owned(),
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            count: self.count,
            bytes,
            sha256,
            compression: "zstd".to_owned(),
        };
        let manifest_file = manifest_path(&path);
        let mut text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| AuditError::io(&manifest_file, e.into()))?;
        text.push('\n');
        std::fs::write(&manifest_file, text).map_err(|e| AuditError::io(&manifest_file, e))?;
        Ok(manifest)
    }
}

/// Reads the manifest of the archive at `path`.
pub fn read_manifest(path: &Path) -> Result<Manifest, AuditError> {
    let file = manifest_path(path);
    let text = std::fs::read_to_string(&file).map_err(|e| AuditError::io(&file, e))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| AuditError::Damaged {
        path: file.display().to_string(),
        reason: format!("the manifest is not readable: {e}"),
    })?;
    if manifest.format != FORMAT {
        return Err(AuditError::Damaged {
            path: file.display().to_string(),
            reason: format!("format {:?}, this program reads {FORMAT}", manifest.format),
        });
    }
    Ok(manifest)
}

/// Reads every message of the archive at `path` in order, handing each to `each`, and checks the
/// whole file against its manifest (size, SHA-256, count, first and last sequence): a damaged
/// archive is an error even when `each` has seen all it wanted (answered `false`).
pub fn read_archive(
    path: &Path,
    mut each: impl FnMut(Archived<'_>) -> Result<bool, AuditError>,
) -> Result<Manifest, AuditError> {
    let manifest = read_manifest(path)?;
    let damaged = |reason: String| AuditError::Damaged {
        path: path.display().to_string(),
        reason,
    };
    let file = File::open(path).map_err(|e| AuditError::io(path, e))?;
    let mut hashing = Hashing::new(BufReader::with_capacity(1 << 20, file));
    let (mut count, mut first, mut last) = (0u64, 0u64, 0u64);
    {
        let decoder = zstd::Decoder::with_buffer(BufReader::new(&mut hashing))
            .map_err(|e| damaged(format!("not a zstd stream: {e}")))?;
        let mut lines = BufReader::with_capacity(1 << 20, decoder);
        let mut wanted = true;
        let mut one = |line: &[u8]| -> Result<(), AuditError> {
            let parsed = parse_line(line)
                .map_err(|reason| damaged(format!("line {}: {reason}", count + 1)))?;
            if parsed.seq <= last {
                return Err(damaged(format!(
                    "line {}: sequence {} after {last}",
                    count + 1,
                    parsed.seq
                )));
            }
            count += 1;
            if first == 0 {
                first = parsed.seq;
            }
            last = parsed.seq;
            if wanted {
                wanted = each(parsed)?;
            }
            Ok(())
        };
        // Lines are read where the decompressor put them; only a line cut by the end of its
        // buffer is copied.
        let mut cut: Vec<u8> = Vec::with_capacity(4096);
        loop {
            let buffer = lines
                .fill_buf()
                .map_err(|e| damaged(format!("cannot be decompressed: {e}")))?;
            if buffer.is_empty() {
                if !cut.is_empty() {
                    one(&cut)?;
                }
                break;
            }
            let mut start = 0;
            if !cut.is_empty() {
                match memchr::memchr(b'\n', buffer) {
                    Some(end) => {
                        cut.extend_from_slice(&buffer[..=end]);
                        one(&cut)?;
                        cut.clear();
                        start = end + 1;
                    }
                    None => {
                        cut.extend_from_slice(buffer);
                        start = buffer.len();
                    }
                }
            }
            while let Some(end) = memchr::memchr(b'\n', &buffer[start..]) {
                one(&buffer[start..=start + end])?;
                start += end + 1;
            }
            cut.extend_from_slice(&buffer[start..]);
            let used = buffer.len();
            lines.consume(used);
        }
    }
    // Whatever was left unread still counts towards the checksum.
    io::copy(&mut hashing, &mut io::sink()).map_err(|e| AuditError::io(path, e))?;
    let (_, bytes, sha256) = hashing.finish();
    if bytes != manifest.bytes || sha256 != manifest.sha256 {
        return Err(damaged(format!(
            "its SHA-256 is {sha256} ({bytes} bytes) but the manifest says {} ({} bytes)",
            manifest.sha256, manifest.bytes
        )));
    }
    if (count, first, last) != (manifest.count, manifest.first_seq, manifest.last_seq) {
        return Err(damaged(format!(
            "it holds {count} messages {first}..{last} but the manifest says {} messages {}..{}",
            manifest.count, manifest.first_seq, manifest.last_seq
        )));
    }
    Ok(manifest)
}

/// Reads one line: the layout this program writes is read directly; any other valid line (say,
/// one re-serialised by another tool) through the JSON parser.
#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path) -> Manifest {
        let mut w = ArchiveWriter::create(path).expect("created");
        let at = "2026-03-31T16:59:00Z".parse::<Timestamp>().ok();
        w.append(
            3,
            at,
            "ehb.v1.31.31001.account_activated",
            Some("id-3"),
            br#"{"a":1}"#,
        )
        .expect("appended");
        w.append(7, at, "ehb.v1.31.31001.card_integrated", None, b"{\"broken")
            .expect("appended");
        w.append(
            9,
            None,
            "ehb.v1.31.31001.card_integrated",
            None,
            b" {\"a\" : 2} ",
        )
        .expect("appended");
        w.append(
            12,
            None,
            "ehb.v1.31.31001.card_integrated",
            None,
            b"{\"a\":\n 2}",
        )
        .expect("appended");
        w.finish("EHB_EVENTS").expect("finished")
    }

    #[test]
    fn messages_come_back_exactly_and_the_same_messages_give_the_same_bytes() {
        let dir = tempfile::tempdir().expect("dir");
        let (a, b) = (dir.path().join("a.zst"), dir.path().join("b.zst"));
        let manifest = write(&a);
        assert_eq!(
            (manifest.first_seq, manifest.last_seq, manifest.count),
            (3, 12, 4)
        );
        write(&b);
        assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
        let mut seen = Vec::new();
        read_archive(&a, |m| {
            seen.push((
                m.seq,
                m.recorded_at,
                m.subject.into_owned(),
                m.msg_id.map(Cow::into_owned),
                m.payload.into_owned(),
            ));
            Ok(true)
        })
        .expect("read");
        let at = "2026-03-31T16:59:00Z".parse::<Timestamp>().ok();
        assert_eq!(
            seen,
            vec![
                (
                    3,
                    at,
                    "ehb.v1.31.31001.account_activated".into(),
                    Some("id-3".into()),
                    br#"{"a":1}"#.to_vec()
                ),
                (
                    7,
                    at,
                    "ehb.v1.31.31001.card_integrated".into(),
                    None,
                    b"{\"broken".to_vec()
                ),
                (
                    9,
                    None,
                    "ehb.v1.31.31001.card_integrated".into(),
                    None,
                    b" {\"a\" : 2} ".to_vec()
                ),
                (
                    12,
                    None,
                    "ehb.v1.31.31001.card_integrated".into(),
                    None,
                    b"{\"a\":\n 2}".to_vec()
                ),
            ]
        );
    }

    #[test]
    fn one_changed_byte_is_detected_even_when_reading_stops_early() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("a.zst");
        write(&path);
        let mut bytes = std::fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        std::fs::write(&path, bytes).expect("written");
        let err = read_archive(&path, |_| Ok(false)).expect_err("damaged");
        assert!(matches!(err, AuditError::Damaged { .. }), "{err}");
    }

    #[test]
    fn sequences_must_increase() {
        let dir = tempfile::tempdir().expect("dir");
        let mut w = ArchiveWriter::create(&dir.path().join("a.zst")).expect("created");
        w.append(5, None, "s", None, b"{}").expect("appended");
        let err = w.append(5, None, "s", None, b"{}").expect_err("refused");
        assert!(matches!(err, AuditError::OutOfOrder { seq: 5, after: 5 }));
    }
}

//! The projection's durable copy in sled: state and stream position written in one atomic batch.
//!
//! One tree, keys by prefix:
//! - `m:position`, `m:totals`, `m:rules`: where the projection stands and the rules it was built by;
//! - `w:<ward u32>`: a ward's baseline, facilities, opening balance (JSON);
//! - `t:<ward u32><group>`: one of a ward's guidance teams (JSON), written once, when formed;
//! - `p:<ward u32><kind u8><day>`: one of a ward's reports (JSON), apart from the ward's record so
//!   that filing a report writes that report only;
//! - `d:<ward u32><day>`: a ward-day's counters (binary, see `day_record`);
//! - `c:<seq u64><part u16>`: the citizens a batch counted, as 18-byte records (province, citizen
//!   u128, facts flags): a few writes per batch rather than one per citizen, since sled is the
//!   slowest part; parts stay small so that sled keeps them inline in its log (never as blobs);
//! - `r:<seq u64>`: a rejected message's reason (JSON).
//!
//! Integers are big-endian so keys sort in order.

use std::path::Path;

use std::collections::BTreeMap;

use ehb_projection::{
    Changes, GroupTeam, OpeningBalance, Position, Projection, Reject, ReportDeadlines,
    ReportRecord, Totals, WardBaseline, WardMeta,
};
use ehb_proto::{BusinessDay, CitizenRef, ProvinceCode};
use serde::Serialize;
use thiserror::Error;

/// Why the store could not be read or written.
#[derive(Debug, Error)]
pub enum StoreError {
    /// sled reported an error (disk full, permissions, corruption).
    #[error("the store at {path} failed: {source}")]
    Sled {
        /// The store's folder.
        path: String,
        /// sled's error.
        source: sled::Error,
    },
    /// A record in the store could not be read back.
    #[error(
        "the store holds an unreadable record under {key}: {reason}; delete the store to rebuild it from the stream"
    )]
    Corrupt {
        /// The record's key, printable.
        key: String,
        /// What went wrong.
        reason: String,
    },
    /// The store was built under other rules (contract version, report deadlines).
    #[error("the store at {path} was built under other rules ({found}); these are {wanted}")]
    OtherRules {
        /// The store's folder.
        path: String,
        /// The rules it was built by.
        found: String,
        /// The rules of this projector.
        wanted: String,
    },
    /// A damaged store could not be moved aside.
    #[error("the damaged store at {path} could not be moved aside to {to}: {source}")]
    SetAside {
        /// The store's folder.
        path: String,
        /// Where it was to go.
        to: String,
        /// Why it could not.
        source: std::io::Error,
    },
}

const POSITION: &[u8] = b"m:position";
const TOTALS: &[u8] = b"m:totals";
const RULES: &[u8] = b"m:rules";

/// The projector's sled store.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
    path: String,
}

/// A batch of writes prepared from a projection's changes, ready to commit.
pub struct PreparedCommit {
    batch: sled::Batch,
    /// The stream position the batch brings the store to.
    pub position: Position,
    /// How many records the batch writes.
    pub records: usize,
}

mod aside;
mod day_record;
mod keys;

use keys::{
    CITIZEN_RECORD, CITIZENS_PER_PART, citizens_key, day_key, reject_key, report_key, team_key,
    ward_day_of, ward_key, ward_of, ward_report_of, ward_team_of,
};

/// The store's log segments. sled writes a log item above a quarter of a segment as a separate
/// blob file, which a crash can leave torn, and an item can be a whole leaf of up to 16 records
/// (a leaf splits above 16 entries and is rewritten whole); 8 MiB segments keep a leaf of
/// citizens' parts (16 × 36 KiB) inline. Smaller segments would leave a smaller store (a
/// province's catch-up: 38–42 MiB with 2 MiB segments, 56 MiB with these) but write such leaves
/// as blobs.
const SEGMENT_BYTES: usize = 8 * 1024 * 1024;

/// Entries above which sled splits a leaf (sled 0.34's `Node::should_split`).
const LEAF_RECORDS: usize = 16;

const _: () = assert!(LEAF_RECORDS * CITIZENS_PER_PART * CITIZEN_RECORD < SEGMENT_BYTES / 4);

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Never write an empty record in place of one that failed to serialise.
    #[allow(clippy::expect_used)]
    serde_json::to_vec(value).expect("projection records are plain JSON with string keys")
}

/// The records' layout: 2 since reports are kept apart from their ward's record, 3 since a
/// ward-day counts the eligible the events add, 4 since it counts each residential group's
/// accounts and integrations and a report's key names its reporter, 5 since a ward-day is
/// written in binary and a ward's teams are records of their own. A store of an earlier layout is set aside and rebuilt from the
/// stream (its records lack what this one keeps).
const RECORDS: u32 = 5;

/// A ward's record: its meta without the reports and teams, which have records of their own.
#[derive(Serialize)]
struct WardRecord<'a> {
    province: ProvinceCode,
    baseline: &'a Option<WardBaseline>,
    facilities: &'a BTreeMap<String, BusinessDay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opening: &'a Option<OpeningBalance>,
    unregistered_events: u64,
}

impl<'a> WardRecord<'a> {
    fn of(meta: &'a WardMeta) -> Self {
        // Destructured in full, so that a new field of the meta cannot be left out unseen.
        let WardMeta {
            province,
            baseline,
            teams: _,
            facilities,
            reports: _,
            opening,
            unregistered_events,
        } = meta;
        WardRecord {
            province: *province,
            baseline,
            facilities,
            opening,
            unregistered_events: *unregistered_events,
        }
    }
}

/// The rules a projection was built by, so that a change of rules rebuilds it.
fn rules(deadlines: &ReportDeadlines) -> String {
    format!(
        "contract=v{};types={};records={RECORDS};daily_by={};weekly_before={:?};monthly_before={};monthly_closes_on={};final_before={}",
        ehb_proto::SCHEMA_VERSION,
        // A type the contract gains was a reject in a store built before it.
        ehb_proto::EventType::ALL.len(),
        deadlines.daily_by_hour,
        deadlines.weekly_before,
        deadlines.monthly_before_day,
        deadlines.monthly_closes_on,
        deadlines.final_before_day
    )
}

impl Store {
    /// Opens (or creates) the store in `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let display = path.display().to_string();
        let wrap = |source| StoreError::Sled {
            path: display.clone(),
            source,
        };
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(256 * 1024 * 1024)
            .segment_size(SEGMENT_BYTES)
            .flush_every_ms(Some(200))
            .open()
            .map_err(wrap)?;
        let tree = db.open_tree("projection").map_err(wrap)?;
        Ok(Store {
            db,
            tree,
            path: display,
        })
    }

    fn err(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    /// The store's folder.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Loads the projection kept in the store; an empty store gives an empty projection.
    ///
    /// A store built under other rules (report deadlines, contract version) is refused with
    /// [`StoreError::OtherRules`]; [`Store::open_or_set_aside`] moves such a store aside.
    pub fn load(&self, deadlines: ReportDeadlines) -> Result<Projection, StoreError> {
        let mut projection = Projection::new(deadlines);
        let wanted = rules(&deadlines);
        match self.tree.get(RULES).map_err(|e| self.err(e))? {
            Some(found) if found.as_ref() == wanted.as_bytes() => {}
            Some(found) => {
                return Err(StoreError::OtherRules {
                    path: self.path.clone(),
                    found: String::from_utf8_lossy(&found).into_owned(),
                    wanted,
                });
            }
            None => {
                self.tree
                    .insert(RULES, wanted.as_bytes())
                    .map_err(|e| self.err(e))?;
                return Ok(projection);
            }
        }
        for item in self.tree.scan_prefix(b"w:") {
            let (key, value) = item.map_err(|e| self.err(e))?;
            let meta: WardMeta = decode(&key, &value)?;
            projection.restore_ward(ward_of(&key)?, meta);
        }
        self.each(b"t:", |key, value| {
            let (ward, group) = ward_team_of(key)?;
            let team: GroupTeam = decode(key, value)?;
            of_a_ward(projection.restore_team(ward, group, team), key, "a team")
        })?;
        self.each(b"p:", |key, value| {
            let (ward, report) = ward_report_of(key)?;
            let record: ReportRecord = decode(key, value)?;
            of_a_ward(
                projection.restore_report(ward, report, record),
                key,
                "a report",
            )
        })?;
        self.each(b"d:", |key, value| {
            let (ward, day) = ward_day_of(key)?;
            let counters = day_record::decode(ward, key, value)?;
            of_a_ward(
                projection.restore_day(ward, day, counters),
                key,
                "a day's counters",
            )
        })?;
        for item in self.tree.scan_prefix(b"c:") {
            let (key, value) = item.map_err(|e| self.err(e))?;
            if value.len() % CITIZEN_RECORD != 0 {
                return Err(corrupt(&key, "a citizen part has the wrong size"));
            }
            for record in value.chunks_exact(CITIZEN_RECORD) {
                let province = ProvinceCode::from_number(record[0])
                    .ok_or_else(|| corrupt(&key, "bad province"))?;
                let mut raw = [0u8; 16];
                raw.copy_from_slice(&record[1..17]);
                projection.restore_citizen(
                    province,
                    CitizenRef(u128::from_be_bytes(raw)),
                    record[17],
                );
            }
        }
        let position: Position = match self.tree.get(POSITION).map_err(|e| self.err(e))? {
            Some(v) => decode(POSITION, &v)?,
            None => Position::default(),
        };
        let totals: Totals = match self.tree.get(TOTALS).map_err(|e| self.err(e))? {
            Some(v) => decode(TOTALS, &v)?,
            None => Totals::default(),
        };
        projection.restore_position(position, totals);
        Ok(projection)
    }

    /// Reads every record under `prefix`, in key order.
    fn each(
        &self,
        prefix: &[u8],
        mut read: impl FnMut(&[u8], &[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for item in self.tree.scan_prefix(prefix) {
            let (key, value) = item.map_err(|e| self.err(e))?;
            read(&key, &value)?;
        }
        Ok(())
    }

    /// Prepares the writes for `changes` (taken from `projection`), with its position and totals.
    pub fn prepare(projection: &Projection, changes: &Changes) -> PreparedCommit {
        let mut batch = sled::Batch::default();
        let mut records = 0;
        for code in &changes.wards {
            if let Some(ward) = projection.ward(*code) {
                batch.insert(&ward_key(*code)[..], json(&WardRecord::of(&ward.meta)));
                records += 1;
            }
        }
        for (code, id) in &changes.reports {
            if let Some(report) = projection.ward(*code).and_then(|w| w.meta.reports.get(id)) {
                batch.insert(&report_key(*code, *id)[..], json(report));
                records += 1;
            }
        }
        for (code, group) in &changes.teams {
            if let Some(team) = projection.ward(*code).and_then(|w| w.meta.teams.get(group)) {
                batch.insert(team_key(*code, group), json(team));
                records += 1;
            }
        }
        for (code, day) in &changes.days {
            if let Some(counters) = projection.ward(*code).and_then(|w| w.days.get(day)) {
                batch.insert(
                    &day_key(*code, *day)[..],
                    day_record::encode(*code, counters),
                );
                records += 1;
            }
        }
        let position = projection.position();
        for (part, citizens) in changes.citizens.chunks(CITIZENS_PER_PART).enumerate() {
            let mut chunk = Vec::with_capacity(citizens.len() * CITIZEN_RECORD);
            for (province, citizen, flags) in citizens {
                chunk.push(province.get());
                chunk.extend_from_slice(&citizen.0.to_be_bytes());
                chunk.push(*flags);
            }
            batch.insert(&citizens_key(position.seq, part as u16)[..], chunk);
            records += citizens.len();
        }
        for reject in &changes.rejects {
            batch.insert(&reject_key(reject.seq)[..], json(reject));
            records += 1;
        }
        batch.insert(POSITION, json(&position));
        batch.insert(TOTALS, json(projection.totals()));
        PreparedCommit {
            batch,
            position,
            records,
        }
    }

    /// Writes a prepared batch atomically: all of it or, after a crash, none of it.
    pub fn commit(&self, prepared: PreparedCommit) -> Result<Position, StoreError> {
        self.tree
            .apply_batch(prepared.batch)
            .map_err(|e| self.err(e))?;
        Ok(prepared.position)
    }

    /// Flushes everything written to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.err(e))
    }

    /// Up to `limit` rejects with a sequence above `after`, in order.
    pub fn rejects(&self, after: u64, limit: usize) -> Result<Vec<Reject>, StoreError> {
        let start = reject_key(after.saturating_add(1));
        let mut out = Vec::new();
        for item in self.tree.range(&start[..]..) {
            let (key, value) = item.map_err(|e| self.err(e))?;
            if !key.starts_with(b"r:") || out.len() >= limit {
                break;
            }
            out.push(decode(&key, &value)?);
        }
        Ok(out)
    }
}

/// A record restored into its ward, or refused when the store holds no record of that ward.
fn of_a_ward(restored: bool, key: &[u8], what: &str) -> Result<(), StoreError> {
    if restored {
        Ok(())
    } else {
        Err(corrupt(
            key,
            &format!("{what} of a ward that has no record"),
        ))
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(value).map_err(|e| corrupt(key, &e.to_string()))
}

pub(crate) fn corrupt(key: &[u8], reason: &str) -> StoreError {
    StoreError::Corrupt {
        key: String::from_utf8_lossy(&key[..key.len().min(2)]).into_owned()
            + &hex(&key[key.len().min(2)..]),
        reason: reason.to_owned(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

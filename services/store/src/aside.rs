//! A store that cannot serve is moved aside, never overwritten: it is renamed beside itself and
//! a fresh store takes its place, which the projector fills again from the stream.

use std::path::{Path, PathBuf};

use ehb_projection::{Projection, ReportDeadlines};

use crate::{Store, StoreError};

impl StoreError {
    /// Whether the store itself is unusable (damaged, or built under other rules), rather than
    /// the machine failing it (a full disk, missing permissions), which moving it would not mend.
    pub fn is_damage(&self) -> bool {
        match self {
            StoreError::Sled { source, .. } => !matches!(source, sled::Error::Io(_)),
            StoreError::Corrupt { .. } | StoreError::OtherRules { .. } => true,
            StoreError::SetAside { .. } => false,
        }
    }
}

impl Store {
    /// Opens the store in `path` and loads its projection. A store that cannot be opened or
    /// read, or that was built under other rules, is renamed to `<path>.set-aside-<n>` (kept
    /// for inspection), logged, and replaced by an empty store, so that the projection is
    /// rebuilt from the stream; the folder it went to is answered beside the store.
    pub fn open_or_set_aside(
        path: &Path,
        deadlines: ReportDeadlines,
    ) -> Result<(Store, Projection, Option<PathBuf>), StoreError> {
        let problem = match Store::open(path).and_then(|store| {
            let projection = store.load(deadlines)?;
            Ok((store, projection))
        }) {
            Ok((store, projection)) => return Ok((store, projection, None)),
            Err(problem) if problem.is_damage() => problem,
            Err(other) => return Err(other),
        };
        let aside = set_aside(path)?;
        tracing::error!(
            store = %path.display(),
            moved_to = %aside.display(),
            reason = %problem,
            "StoreSetAside: the store was moved aside and the projection is rebuilt from the stream"
        );
        let store = Store::open(path)?;
        let projection = store.load(deadlines)?;
        Ok((store, projection, Some(aside)))
    }
}

/// Renames `path` to the first free `<path>.set-aside-<n>`.
fn set_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_owned());
    let mut n = 1;
    let to = loop {
        let candidate = path.with_file_name(format!("{name}.set-aside-{n}"));
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    std::fs::rename(path, &to).map_err(|source| StoreError::SetAside {
        path: path.display().to_string(),
        to: to.display().to_string(),
        source,
    })?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadlines(daily_by_hour: u8) -> ReportDeadlines {
        ReportDeadlines {
            daily_by_hour,
            ..ReportDeadlines::default()
        }
    }

    #[test]
    fn a_store_of_other_rules_is_moved_aside_whole_and_a_fresh_one_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("projector");
        let (store, _, aside) = Store::open_or_set_aside(&path, deadlines(8)).expect("open");
        assert_eq!(aside, None);
        drop(store);
        let (store, projection, aside) =
            Store::open_or_set_aside(&path, deadlines(9)).expect("set aside");
        assert_eq!(aside, Some(dir.path().join("projector.set-aside-1")));
        assert_eq!(projection.position().seq, 0);
        drop(store);
        // The old store is kept as it was: it opens under its own rules.
        let old = Store::open(&dir.path().join("projector.set-aside-1")).expect("the old store");
        assert!(old.load(deadlines(8)).is_ok());
        // The new store now has the new rules: it is used as it is.
        let (_, _, again) = Store::open_or_set_aside(&path, deadlines(9)).expect("open");
        assert_eq!(again, None);
    }

    #[test]
    fn a_store_that_cannot_be_read_is_moved_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("projector");
        drop(Store::open_or_set_aside(&path, deadlines(8)).expect("open"));
        // Overwrite every file of the store with bytes sled never wrote.
        for entry in std::fs::read_dir(&path).expect("the store's files") {
            let file = entry.expect("an entry").path();
            if file.is_file() {
                std::fs::write(&file, vec![0xA5u8; 4096]).expect("overwritten");
            }
        }
        let (_, projection, aside) =
            Store::open_or_set_aside(&path, deadlines(8)).expect("set aside");
        assert_eq!(aside, Some(dir.path().join("projector.set-aside-1")));
        assert_eq!(projection.position().seq, 0);
        assert!(dir.path().join("projector.set-aside-1").join("db").exists());
    }
}

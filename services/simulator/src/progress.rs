//! How far a campaign's publishing got, kept in a small file so that a re-run continues where
//! the last one stopped instead of publishing the campaign again.

use std::io;
use std::path::PathBuf;

/// The number of a campaign's messages already acknowledged by the stream.
#[derive(Debug)]
pub struct Progress {
    path: Option<PathBuf>,
    campaign: String,
    published: usize,
}

impl Progress {
    /// Reads the progress of `campaign` (a description of the generated campaign) from `path`;
    /// nothing is published yet when there is no file or it describes another campaign.
    pub fn open(path: Option<PathBuf>, campaign: String) -> Self {
        let published = path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| {
                let mut lines = text.lines();
                let same = lines.next() == Some(campaign.as_str());
                let count = lines.next()?.trim().parse::<usize>().ok()?;
                if !same {
                    tracing::info!("SimulatorProgressForAnotherCampaign");
                }
                same.then_some(count)
            })
            .unwrap_or(0);
        Progress {
            path,
            campaign,
            published,
        }
    }

    /// How many of the campaign's messages were published before.
    pub fn published(&self) -> usize {
        self.published
    }

    /// Records that the first `published` messages are acknowledged (written atomically).
    pub fn record(&mut self, published: usize) -> io::Result<()> {
        self.published = published;
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        std::fs::write(&partial, format!("{}\n{published}\n", self.campaign))?;
        std::fs::rename(&partial, path)
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn progress_survives_a_restart_and_belongs_to_its_campaign() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("progress");
        let mut first = Progress::open(Some(path.clone()), "seed 1".into());
        assert_eq!(first.published(), 0);
        first.record(42).expect("written");
        assert_eq!(
            Progress::open(Some(path.clone()), "seed 1".into()).published(),
            42
        );
        assert_eq!(Progress::open(Some(path), "seed 2".into()).published(), 0);
        let mut nowhere = Progress::open(None, "seed 1".into());
        nowhere.record(7).expect("nothing to write");
        assert_eq!(nowhere.published(), 7);
    }
}

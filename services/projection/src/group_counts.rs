//! A ward-day's accounts and integrations by residential group code.
//!
//! Looked up once for every fact that names a group, so kept in a hash table: a sorted tree of
//! the codes compared them as strings several times a fact (every code of a ward begins with the
//! same ward number), a tenth of the fold. Read in the codes' order by every reader.

use std::collections::HashMap;
use std::fmt;

use foldhash::fast::FixedState;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::counters::GroupDay;

/// A ward-day's counts by residential group code (written as a JSON object in the codes' order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounts(HashMap<Box<str>, GroupDay, FixedState>);

impl GroupCounts {
    /// Whether no fact that day named a group.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many groups were named that day.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The counts of `group` that day, if any fact named it.
    pub fn get(&self, group: &str) -> Option<&GroupDay> {
        self.0.get(group)
    }

    /// Sets the counts of `group` that day.
    pub fn insert(&mut self, group: impl Into<Box<str>>, day: GroupDay) {
        self.0.insert(group.into(), day);
    }

    /// Each group and its counts, in the order of the codes.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &GroupDay)> {
        let mut all: Vec<(&str, &GroupDay)> = self.0.iter().map(|(g, d)| (&**g, d)).collect();
        all.sort_unstable_by_key(|(g, _)| *g);
        all.into_iter()
    }

    /// Changes the counts of `group`, made when first needed.
    pub(crate) fn count(&mut self, group: &str, change: impl FnOnce(&mut GroupDay)) {
        // Looked up before inserting: most facts name a group already counted that day, and
        // its code need not be copied for them.
        match self.0.get_mut(group) {
            Some(counts) => change(counts),
            None => change(self.0.entry(group.into()).or_default()),
        }
    }
}

impl Serialize for GroupCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (group, day) in self.iter() {
            map.serialize_entry(group, day)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for GroupCounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Groups;
        impl<'de> Visitor<'de> for Groups {
            type Value = GroupCounts;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of group codes and [accounts, integrations]")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GroupCounts, A::Error> {
                let mut groups = GroupCounts::default();
                while let Some((group, day)) = map.next_entry::<String, GroupDay>()? {
                    groups.insert(group, day);
                }
                Ok(groups)
            }
        }
        deserializer.deserialize_map(Groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(a: u32, i: u32) -> GroupDay {
        GroupDay {
            accounts_new: a,
            integrated_new: i,
        }
    }

    #[test]
    fn groups_are_read_and_written_in_the_order_of_their_codes() {
        let mut groups = GroupCounts::default();
        for (g, a) in [
            ("31005-T054", 3),
            ("31005-T001", 1),
            ("TDP 5", 2),
            ("31005-T010", 4),
        ] {
            groups.count(g, |d| d.accounts_new += a);
        }
        groups.count("31005-T001", |d| d.integrated_new += 7);
        let order: Vec<(&str, u32, u32)> = groups
            .iter()
            .map(|(g, d)| (g, d.accounts_new, d.integrated_new))
            .collect();
        assert_eq!(
            order,
            [
                ("31005-T001", 1, 7),
                ("31005-T010", 4, 0),
                ("31005-T054", 3, 0),
                ("TDP 5", 2, 0)
            ]
        );
        let json = serde_json::to_string(&groups).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"31005-T001":[1,7],"31005-T010":[4,0],"31005-T054":[3,0],"TDP 5":[2,0]}"#
        );
        let back: GroupCounts = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, groups);
        assert_eq!(back.get("31005-T054"), Some(&day(3, 0)));
        assert_eq!(back.get("31005-T055"), None);
    }
}

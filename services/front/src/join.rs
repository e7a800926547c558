//! Joining the partitions' answers into the nation's: pure functions over their JSON, so that
//! the joining is tested without a partition running.

use serde_json::Value;

/// The query string `pairs` with `date` set to `day` (any `date` given is replaced).
pub(crate) fn with_date(pairs: &[(String, String)], day: &str) -> String {
    let mut query: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "date")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    query.push(format!("date={day}"));
    query.join("&")
}

/// The latest day the partitions' reviews are of, and the partitions whose review is of an
/// earlier day (to be asked again for the latest).
pub(crate) fn latest_and_behind(answers: &[(usize, Value)]) -> (String, Vec<usize>) {
    let latest = answers
        .iter()
        .filter_map(|(_, a)| a["date"].as_str())
        .max()
        .unwrap_or_default()
        .to_owned();
    let behind = answers
        .iter()
        .filter(|(_, a)| a["date"].as_str() != Some(latest.as_str()))
        .map(|(i, _)| *i)
        .collect();
    (latest, behind)
}

/// The partitions' reviews of one day as one: the first partition's answer with every
/// partition's provinces, in code order (as one projector orders them); `None` without any.
pub(crate) fn join_reviews(mut answers: Vec<(usize, Value)>) -> Option<Value> {
    answers.sort_by_key(|(i, _)| *i);
    let mut provinces: Vec<Value> = answers
        .iter_mut()
        .flat_map(|(_, a)| {
            a["provinces"]
                .as_array_mut()
                .map(std::mem::take)
                .unwrap_or_default()
        })
        .collect();
    provinces.sort_by(|a, b| a["province"].as_str().cmp(&b["province"].as_str()));
    let (_, mut combined) = answers.into_iter().next()?;
    combined["provinces"] = Value::Array(provinces);
    Some(combined)
}

/// The events the partitions applied, added up.
pub(crate) fn events_applied(statuses: &[(usize, Value)]) -> u64 {
    statuses
        .iter()
        .filter_map(|(_, s)| s["events_applied"].as_u64())
        .sum()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn review(day: &str, provinces: &[&str]) -> Value {
        let provinces: Vec<Value> = provinces
            .iter()
            .map(|p| json!({"province": p, "wards": []}))
            .collect();
        json!({"date": day, "average": "plain", "provinces": provinces})
    }

    #[test]
    fn reviews_join_in_province_order_on_the_first_partition_s_answer() {
        let answers = vec![
            (1, review("2026-03-10", &["31", "79"])),
            (0, review("2026-03-10", &["01", "48", "92"])),
        ];
        let joined = join_reviews(answers).unwrap_or_default();
        let codes: Vec<&str> = joined["provinces"]
            .as_array()
            .map(|all| all.iter().filter_map(|p| p["province"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(codes, ["01", "31", "48", "79", "92"]);
        assert_eq!(joined["date"], "2026-03-10");
        assert_eq!(joined["average"], "plain");
        assert_eq!(join_reviews(Vec::new()), None);
    }

    #[test]
    fn a_partition_on_an_earlier_day_is_asked_again_for_the_latest() {
        let answers = vec![
            (0, review("2026-03-10", &["01"])),
            (1, review("2026-03-11", &["31"])),
            (2, review("2026-03-09", &["79"])),
        ];
        assert_eq!(
            latest_and_behind(&answers),
            ("2026-03-11".to_owned(), vec![0, 2])
        );
        let pairs = [
            ("province".to_owned(), "31".to_owned()),
            ("date".to_owned(), "2026-03-01".to_owned()),
            ("rate".to_owned(), "insured".to_owned()),
        ];
        assert_eq!(
            with_date(&pairs, "2026-03-11"),
            "province=31&rate=insured&date=2026-03-11"
        );
    }

    #[test]
    fn the_events_applied_add_up() {
        let statuses = [
            (0, json!({"events_applied": 895_572})),
            (1, json!({"events_applied": 12})),
            (2, json!({"error": {"field": "", "reason": "down"}})),
        ];
        assert_eq!(events_applied(&statuses), 895_584);
    }
}

//! Comparing a replay with a running projector: the digest first, then every ward's figures and
//! the totals, so that a difference is named, not only detected.

use std::collections::BTreeSet;

use ehb_proto::BusinessDay;
use serde::Serialize;
use serde_json::Value;

use crate::AuditError;
use crate::replay::Replay;

/// A running projector's query API.
#[derive(Debug, Clone)]
pub struct ProjectorApi {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

/// Where a projector stands: its digest and the sequence it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The digest of its projection.
    pub digest: String,
    /// The last stream sequence it applied.
    pub applied_seq: u64,
}

/// One figure that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The ward (or `totals`).
    pub ward: String,
    /// The figure, e.g. `integrated` or `report`.
    pub figure: String,
    /// What the replay says.
    pub replayed: Value,
    /// What the projector says.
    pub projector: Value,
}

impl ProjectorApi {
    /// The projector answering at `base`, asked with `token` (a national official's) when its
    /// API needs one.
    pub fn new(base: &str, token: Option<String>) -> Self {
        ProjectorApi {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            token,
        }
    }

    /// GETs `path`: the JSON of a 2xx answer, `None` for a 404, an error otherwise.
    async fn get(&self, path: &str) -> Result<Option<Value>, AuditError> {
        let url = format!("{}{path}", self.base);
        let failed = |reason: String| AuditError::Projector {
            url: url.clone(),
            reason,
        };
        let mut request = self.http.get(&url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            return Err(failed(format!("HTTP {status}: {text}")));
        }
        response
            .json()
            .await
            .map(Some)
            .map_err(|e| failed(e.to_string()))
    }

    async fn get_found(&self, path: &str) -> Result<Value, AuditError> {
        self.get(path).await?.ok_or_else(|| AuditError::Projector {
            url: format!("{}{path}", self.base),
            reason: "HTTP 404: is this a projector?".to_owned(),
        })
    }

    /// Its digest and applied sequence, read together.
    pub async fn standing(&self) -> Result<Standing, AuditError> {
        let body = self.get_found("/v1/digest").await?;
        match (body["digest"].as_str(), body["applied_seq"].as_u64()) {
            (Some(digest), Some(applied_seq)) => Ok(Standing {
                digest: digest.to_owned(),
                applied_seq,
            }),
            _ => Err(AuditError::Projector {
                url: format!("{}/v1/digest", self.base),
                reason: format!("no digest and applied_seq in the answer: {body}"),
            }),
        }
    }

    /// Every ward and figure where the projector and `replay` differ on `day` (default: the
    /// replay's last day with events), and the totals.
    pub async fn differences(
        &self,
        replay: &Replay,
        day: Option<BusinessDay>,
    ) -> Result<Vec<Difference>, AuditError> {
        let day = day.or_else(|| replay.projection.latest_day(None));
        let mut found = Vec::new();
        let replayed_wards = replay.ward_figures(day);
        let mut seen = BTreeSet::new();
        for daily in &replayed_wards {
            let ward = daily.ward.to_string();
            seen.insert(ward.clone());
            let replayed = serde_json::to_value(daily).unwrap_or_default();
            let date = day.map(|d| format!("?date={d}")).unwrap_or_default();
            // A ward the projector does not know (404) is a difference; any other failure is not.
            let shown = self
                .get(&format!("/v1/wards/{ward}/daily{date}"))
                .await?
                .unwrap_or(Value::Null);
            compare_objects(&ward, &replayed, &shown, &mut found);
        }
        // Wards the projector knows and the replay does not.
        let date = day.map(|d| format!("?date={d}")).unwrap_or_default();
        let review = self.get_found(&format!("/v1/review{date}")).await?;
        for province in review["provinces"].as_array().into_iter().flatten() {
            for row in province["wards"].as_array().into_iter().flatten() {
                let ward = row["ward"].as_str().unwrap_or_default();
                if !seen.contains(ward) {
                    found.push(Difference {
                        ward: ward.to_owned(),
                        figure: "ward".to_owned(),
                        replayed: Value::Null,
                        projector: row["integrated"].clone(),
                    });
                }
            }
        }
        let status = self.get_found("/v1/status").await?;
        let totals = replay.projection.totals();
        let replayed_totals = serde_json::json!({
            "events_applied": totals.messages,
            "duplicates": totals.duplicates,
            "rejects": totals.rejects(),
            "citizens": replay.projection.citizens_len(),
        });
        for (name, value) in replayed_totals.as_object().into_iter().flatten() {
            if status[name] != *value {
                found.push(Difference {
                    ward: "totals".to_owned(),
                    figure: name.clone(),
                    replayed: value.clone(),
                    projector: status[name].clone(),
                });
            }
        }
        Ok(found)
    }
}

/// Adds a difference for every top-level field of two answers that differs.
fn compare_objects(ward: &str, replayed: &Value, shown: &Value, found: &mut Vec<Difference>) {
    let Some(fields) = replayed.as_object() else {
        return;
    };
    if shown.is_null() {
        found.push(Difference {
            ward: ward.to_owned(),
            figure: "ward".to_owned(),
            replayed: replayed["integrated"].clone(),
            projector: Value::Null,
        });
        return;
    }
    for (name, value) in fields {
        if shown[name] != *value {
            found.push(Difference {
                ward: ward.to_owned(),
                figure: name.clone(),
                replayed: value.clone(),
                projector: shown[name].clone(),
            });
        }
    }
}

//! The national answers put together from the partitions' answers.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ehb_forms::{FileFormat, Locale};
use ehb_projection::query::review::TwoDayReview;
use serde_json::Value;

use crate::join::{events_applied, join_reviews, latest_and_behind, with_date};
use crate::{Answer, Front, refusal};

/// The JSON answers of the partitions numbered `partitions` to `path_and_query`, each with its
/// partition's number, leaving out the partitions that answer 404 when `skip_unknown` (a
/// province's official asks all partitions; one has the province); the first other answer
/// that is not a success (or a partition that did not answer) is returned instead, and the
/// last 404 when no partition knew.
async fn ask_all(
    front: &Front,
    partitions: &[usize],
    path_and_query: &str,
    headers: &HeaderMap,
    skip_unknown: bool,
) -> Result<Vec<(usize, Value)>, Response> {
    let authorization = headers.get(header::AUTHORIZATION);
    let answers = futures::future::join_all(
        partitions
            .iter()
            .map(|&i| front.ask(i, path_and_query, authorization)),
    )
    .await;
    let mut values = Vec::new();
    let mut unknown = None;
    for (&i, answer) in partitions.iter().zip(answers) {
        match answer {
            Ok(other) if skip_unknown && other.status == StatusCode::NOT_FOUND => {
                unknown = Some(other);
            }
            Ok(Answer { status, body, .. }) if status == StatusCode::OK => {
                let value = serde_json::from_slice(&body).map_err(|e| {
                    refusal(
                        StatusCode::BAD_GATEWAY,
                        "partition",
                        format!("a partition's answer is not JSON: {e}"),
                    )
                })?;
                values.push((i, value));
            }
            Ok(other) => return Err(other.into_response()),
            Err(reason) => {
                return Err(refusal(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "partition",
                    reason,
                ));
            }
        }
    }
    match (values.is_empty(), unknown) {
        (true, Some(answer)) => Err(answer.into_response()),
        _ => Ok(values),
    }
}

/// The numbers of every partition.
fn all_partitions(front: &Front) -> Vec<usize> {
    (0..front.partitions.len()).collect()
}

/// A question about one province (`province=` given) is the partition's that has it.
async fn one_province(
    front: &Front,
    uri: &Uri,
    pairs: &[(String, String)],
    headers: &HeaderMap,
) -> Option<Response> {
    if !pairs.iter().any(|(k, _)| k == "province") {
        return None;
    }
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    Some(front.first_known(path, headers).await)
}

/// `GET /v1/review`: one province is the partition's that has it; all provinces are every
/// partition's provinces on the same day, in code order.
pub async fn review(
    State(front): State<Arc<Front>>,
    uri: Uri,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    if let Some(answer) = one_province(&front, &uri, &pairs, &headers).await {
        return answer;
    }
    match national_review(&front, &uri, &pairs, &headers).await {
        Ok(review) => Json(review).into_response(),
        Err(response) => response,
    }
}

/// The national two-day review: every partition's provinces on the same day, in code order.
async fn national_review(
    front: &Front,
    uri: &Uri,
    pairs: &[(String, String)],
    headers: &HeaderMap,
) -> Result<Value, Response> {
    let query = uri.query().unwrap_or_default();
    let all = all_partitions(front);
    let path = format!("/v1/review?{query}");
    let mut answers = ask_all(front, &all, &path, headers, true).await?;
    // Without a day, each partition reviewed its own last day: the nation's is the latest, and
    // only the partitions on an earlier day are asked again.
    let (latest, behind) = latest_and_behind(&answers);
    if !behind.is_empty() {
        let again = format!("/v1/review?{}", with_date(pairs, &latest));
        let newer = ask_all(front, &behind, &again, headers, true).await?;
        answers.retain(|(i, _)| !behind.contains(i));
        answers.extend(newer);
    }
    join_reviews(answers).ok_or_else(|| {
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "partition",
            "no partition is configured".into(),
        )
    })
}

/// `GET /v1/review.csv` and `.xlsx`: a province's table is the partition's; the nation's is
/// laid out here from the national review, as one projector lays it out (the CSV in the
/// `locale` asked for).
pub async fn review_table(
    State(front): State<Arc<Front>>,
    uri: Uri,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    if let Some(answer) = one_province(&front, &uri, &pairs, &headers).await {
        return answer;
    }
    let format = if uri.path().ends_with(".xlsx") {
        FileFormat::Xlsx
    } else {
        let asked: Vec<_> = pairs
            .iter()
            .filter(|(k, v)| k == "locale" && !v.is_empty())
            .collect();
        if asked.len() > 1 {
            // As the projector answers a parameter given twice.
            return refusal(
                StatusCode::BAD_REQUEST,
                "locale",
                "is given more than once".into(),
            );
        }
        match asked.first().map(|(_, v)| v.parse::<Locale>()).transpose() {
            Ok(locale) => FileFormat::Csv.localized(locale.unwrap_or_default()),
            Err(e) => return refusal(StatusCode::BAD_REQUEST, "locale", e.to_string()),
        }
    };
    let review = match national_review(&front, &uri, &pairs, &headers).await {
        Ok(review) => review,
        Err(response) => return response,
    };
    let review: TwoDayReview = match serde_json::from_value(review) {
        Ok(review) => review,
        Err(e) => {
            return refusal(
                StatusCode::BAD_GATEWAY,
                "partition",
                format!("the partitions' review could not be read: {e}"),
            );
        }
    };
    match format.write(&review.table()) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format.disposition(&review.file_name()),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => refusal(StatusCode::INTERNAL_SERVER_ERROR, "format", e.to_string()),
    }
}

/// `GET /v1/status`: each partition's status, with the events applied added up.
pub async fn status(State(front): State<Arc<Front>>, headers: HeaderMap) -> Response {
    match ask_all(
        &front,
        &all_partitions(&front),
        "/v1/status",
        &headers,
        false,
    )
    .await
    {
        Ok(statuses) => {
            let applied = events_applied(&statuses);
            let partitions: Vec<Value> = statuses
                .into_iter()
                .map(|(i, status)| {
                    serde_json::json!({"partition": front.partitions[i], "status": status})
                })
                .collect();
            Json(serde_json::json!({"events_applied": applied, "partitions": partitions}))
                .into_response()
        }
        Err(response) => response,
    }
}

/// `GET /v1/whoami`: the token's scope; a ward's province is known only to the partition that
/// has the ward, so that partition's answer is the one given.
pub async fn whoami(State(front): State<Arc<Front>>, headers: HeaderMap) -> Response {
    match ask_all(
        &front,
        &all_partitions(&front),
        "/v1/whoami",
        &headers,
        false,
    )
    .await
    {
        Ok(answers) => {
            let best = answers
                .iter()
                .map(|(_, a)| a)
                .find(|a| !a["province"].is_null())
                .or(answers.first().map(|(_, a)| a))
                .cloned()
                .unwrap_or(Value::Null);
            Json(best).into_response()
        }
        Err(response) => response,
    }
}

/// `GET /v1/digest`: the digest of the nation, joined from the partitions' per-province parts
/// and totals; `applied_seq` is the stream sequence every partition has applied (`null` while
/// they stand at different ones, when the joined digest is of no single point of the stream).
pub async fn digest(State(front): State<Arc<Front>>, headers: HeaderMap) -> Response {
    let answers = match ask_all(
        &front,
        &all_partitions(&front),
        "/v1/digest",
        &headers,
        false,
    )
    .await
    {
        Ok(answers) => answers,
        Err(response) => return response,
    };
    let mut joined = ehb_projection::DigestParts::default();
    let mut partitions = Vec::new();
    for (i, answer) in answers {
        let parts: ehb_projection::DigestParts =
            match serde_json::from_value(answer["parts"].clone()) {
                Ok(parts) => parts,
                Err(e) => {
                    return refusal(
                        StatusCode::BAD_GATEWAY,
                        "partition",
                        format!(
                            "partition {} gave no digest parts: {e}",
                            front.partitions[i]
                        ),
                    );
                }
            };
        if let Err(e) = joined.join(parts) {
            return refusal(StatusCode::CONFLICT, "partition", e.to_string());
        }
        partitions.push(serde_json::json!({
            "partition": front.partitions[i],
            "applied_seq": answer["applied_seq"],
        }));
    }
    let seqs: Vec<&Value> = partitions.iter().map(|p| &p["applied_seq"]).collect();
    let applied_seq = if seqs.windows(2).all(|w| w[0] == w[1]) {
        seqs.first().map_or(Value::Null, |s| (*s).clone())
    } else {
        Value::Null
    };
    Json(serde_json::json!({
        "digest": joined.digest(),
        "applied_seq": applied_seq,
        "parts": joined,
        "partitions": partitions,
    }))
    .into_response()
}

/// `GET /v1/rejects?cursor=&limit=`: every partition's rejects after the cursor, merged in stream
/// order and cut at the limit, as one projector pages through them; `total` adds them up.
pub async fn rejects(
    State(front): State<Arc<Front>>,
    uri: Uri,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let answers = match ask_all(&front, &all_partitions(&front), path, &headers, false).await {
        Ok(answers) => answers,
        Err(response) => return response,
    };
    // The partitions have checked the parameters: an invalid limit never gets here.
    let limit = pairs
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(100);
    let mut page: Vec<Value> = Vec::new();
    let mut total = 0;
    for (_, mut answer) in answers {
        total += answer["total"].as_u64().unwrap_or(0);
        if let Some(rejects) = answer["rejects"].as_array_mut() {
            page.append(rejects);
        }
    }
    page.sort_by_key(|r| r["seq"].as_u64());
    page.truncate(limit);
    let next_cursor = if page.len() == limit {
        page.last().map_or(Value::Null, |r| r["seq"].clone())
    } else {
        Value::Null
    };
    Json(serde_json::json!({"rejects": page, "next_cursor": next_cursor, "total": total}))
        .into_response()
}

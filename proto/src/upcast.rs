//! Upcasting: reading events written under an older schema version as the current one.
//!
//! An event is never renamed in place: a change bumps `v`, and a step here rewrites the older
//! shape into the next one. Steps run in order until the event is at [`crate::SCHEMA_VERSION`].

use serde_json::{Map, Value};

use crate::{ContractError, SCHEMA_VERSION};

/// Rewrites an event of any supported older version into the current version.
pub fn upcast(mut event: Value) -> Result<Value, ContractError> {
    loop {
        let v = event
            .get("v")
            .and_then(Value::as_u64)
            .ok_or_else(|| ContractError::invalid("v", "must be a whole number"))?;
        if v == u64::from(SCHEMA_VERSION) {
            return Ok(event);
        }
        event = match v {
            0 => v0_to_v1(event)?,
            _ => {
                return Err(ContractError::UnsupportedVersion {
                    v,
                    current: SCHEMA_VERSION,
                });
            }
        };
    }
}

/// Version 0 (the pilot's format) named the time `ts` and the citizen `data.citizen`.
fn v0_to_v1(event: Value) -> Result<Value, ContractError> {
    let Value::Object(mut envelope) = event else {
        return Err(ContractError::Malformed {
            reason: "an event must be a JSON object".into(),
        });
    };
    if let Some(ts) = envelope.remove("ts") {
        envelope.insert("occurred_at".into(), ts);
    }
    if let Some(Value::Object(data)) = envelope.get_mut("data") {
        rename_key(data, "citizen", "citizen_ref");
    }
    envelope.insert("v".into(), Value::from(1));
    Ok(Value::Object(envelope))
}

fn rename_key(map: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(value) = map.remove(from) {
        map.insert(to.into(), value);
    }
}

//! The `attendeeMap` parameter: a JSON object (inside a string) from parent attendee ids to
//! 0-based breakout room numbers, validated as upstream does (TALK-BEHAVIOR §1.5).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result};

/// Longest map text accepted; a map for 5000 attendees fits easily.
const MAX_MAP_BYTES: usize = 256 * 1024;

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Parses `text` for `rooms` breakout rooms: attendee id → room number.
pub fn parse(text: &str, rooms: usize) -> Result<BTreeMap<i64, usize>> {
    let invalid = || Error::Invalid("attendeeMap");
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    if text.len() > MAX_MAP_BYTES {
        return Err(invalid());
    }
    let value: Value = serde_json::from_str(text).map_err(|_| invalid())?;
    let pairs: Vec<(i64, i64)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Some((k.trim().parse::<i64>().ok()?, integer(v)?)))
            .collect::<Option<_>>()
            .ok_or_else(invalid)?,
        // A list's keys are its positions, so only an empty list is a valid map.
        Value::Array(list) if list.is_empty() => Vec::new(),
        _ => return Err(invalid()),
    };
    if pairs
        .iter()
        .any(|(key, room)| *key <= 0 || *room < 0 || *room as usize >= rooms)
    {
        return Err(invalid());
    }
    Ok(pairs
        .into_iter()
        .map(|(key, room)| (key, room as usize))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_maps_parse() {
        assert_eq!(parse("", 2).unwrap().len(), 0);
        assert_eq!(parse("[]", 2).unwrap().len(), 0);
        assert_eq!(parse("{}", 2).unwrap().len(), 0);
        let map = parse(r#"{"17":0,"18":"1"}"#, 2).unwrap();
        assert_eq!(map.get(&17), Some(&0));
        assert_eq!(map.get(&18), Some(&1));
    }

    #[test]
    fn invalid_maps_are_refused() {
        for text in [
            "{",
            "5",
            "\"x\"",
            "[1,2]",
            r#"{"a":0}"#,
            r#"{"1":"x"}"#,
            r#"{"1":2}"#,
            r#"{"1":-1}"#,
            r#"{"0":0}"#,
            r#"{"1":{"2":0}}"#,
            r#"{"1":[0]}"#,
        ] {
            assert!(parse(text, 2).is_err(), "{text} must be refused");
        }
    }
}

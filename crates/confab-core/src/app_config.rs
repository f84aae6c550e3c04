//! The Talk app settings confab honours (`occ config:app:set spreed …` upstream).

use std::collections::BTreeMap;

/// Settings an administrator may change through the provisioning API.
pub const KNOWN_KEYS: [&str; 8] = [
    "breakout_rooms",
    "breakout_rooms_max",
    "breakout_rooms_place_late_joiners",
    "start_calls",
    "default_permissions",
    "default_group_notification",
    "token_entropy",
    "recording_consent",
];

/// `recording_consent` values: never required, always required, or left to each conversation.
pub const CONSENT_REQUIRED_NO: i64 = 0;
pub const CONSENT_REQUIRED_YES: i64 = 1;
pub const CONSENT_REQUIRED_OPTIONAL: i64 = 2;

/// Permissions of a participant when neither attendee nor room set any (everything but lobby-ignore).
pub const SERVER_DEFAULT_PERMISSIONS: i64 = 246;

/// A snapshot of the app settings, with upstream's defaults for missing keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppConfig {
    values: BTreeMap<String, String>,
}

impl AppConfig {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            values: pairs.into_iter().collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn int(&self, key: &str, default: i64) -> i64 {
        self.get(key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    }

    /// `breakout_rooms` (default `yes`).
    pub fn breakout_rooms_enabled(&self) -> bool {
        self.get("breakout_rooms").is_none_or(|v| v == "yes")
    }

    /// `start_calls`: 0 everyone, 1 users, 2 moderators, 3 nobody (calls disabled).
    pub fn start_calls(&self) -> i64 {
        self.int("start_calls", 0).clamp(0, 3)
    }

    /// `default_permissions`, or 246 when unset or 0.
    pub fn default_permissions(&self) -> i64 {
        match self.int("default_permissions", 0) {
            0 => SERVER_DEFAULT_PERMISSIONS,
            p => p,
        }
    }

    /// `default_group_notification`: the level group conversations notify at (default 2, mentions).
    pub fn default_group_notification(&self) -> i64 {
        match self.int("default_group_notification", 2) {
            level @ 1..=3 => level,
            _ => 2,
        }
    }

    /// The most breakout rooms one configure may create (`breakout_rooms_max`, default 20).
    pub fn breakout_rooms_max(&self) -> i64 {
        self.int(
            "breakout_rooms_max",
            crate::breakout_room::DEFAULT_MAX_ROOMS,
        )
        .clamp(1, crate::breakout_room::MAX_ROOMS_LIMIT)
    }

    /// `breakout_rooms_place_late_joiners` (default `no`): whether people who join a parent
    /// while automatic breakout rooms exist are placed in the least-filled room.
    pub fn place_late_joiners(&self) -> bool {
        self.get("breakout_rooms_place_late_joiners") == Some("yes")
    }

    /// `recording_consent`: whether joining a call needs consent to recording (default 0, no).
    pub fn recording_consent(&self) -> i64 {
        match self.int("recording_consent", CONSENT_REQUIRED_NO) {
            v @ CONSENT_REQUIRED_NO..=CONSENT_REQUIRED_OPTIONAL => v,
            _ => CONSENT_REQUIRED_NO,
        }
    }

    /// The consent requirement a conversation reports: its own value only when the server
    /// leaves the choice to conversations, else the server's (upstream's `RoomFormatter`).
    pub fn effective_recording_consent(&self, room_value: i64) -> i64 {
        match self.recording_consent() {
            CONSENT_REQUIRED_OPTIONAL => room_value,
            server => server,
        }
    }

    /// `delete_one_to_one_conversations` (default `no`): whether moderators may clear the
    /// history of one-to-one conversations.
    pub fn delete_one_to_one_conversations(&self) -> bool {
        self.get("delete_one_to_one_conversations") == Some("yes")
    }

    /// Length of newly generated conversation tokens (`token_entropy`, at least 8).
    pub fn token_length(&self) -> usize {
        self.int("token_entropy", 8).clamp(8, 30) as usize
    }

    /// Validates a value for `key` before it is stored; `None` means the key is not ours.
    pub fn validate(key: &str, value: &str) -> Option<bool> {
        let int_in = |lo: i64, hi: i64| {
            value
                .trim()
                .parse::<i64>()
                .is_ok_and(|v| (lo..=hi).contains(&v))
        };
        Some(match key {
            "breakout_rooms" => matches!(value, "yes" | "no"),
            "breakout_rooms_max" => int_in(1, 500),
            "start_calls" => int_in(0, 3),
            "default_permissions" => int_in(0, 511),
            "default_group_notification" => int_in(1, 3),
            "token_entropy" => int_in(8, 30),
            "breakout_rooms_place_late_joiners" => matches!(value, "yes" | "no"),
            "recording_consent" => int_in(0, 2),
            "delete_one_to_one_conversations" => matches!(value, "yes" | "no"),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_upstream() {
        let c = AppConfig::default();
        assert!(c.breakout_rooms_enabled());
        assert_eq!(c.start_calls(), 0);
        assert_eq!(c.default_permissions(), 246);
        assert_eq!(c.default_group_notification(), 2);
        assert_eq!(c.token_length(), 8);
    }

    #[test]
    fn values_override_defaults() {
        let c = AppConfig::from_pairs([
            ("breakout_rooms".into(), "no".into()),
            ("default_permissions".into(), "130".into()),
        ]);
        assert!(!c.breakout_rooms_enabled());
        assert_eq!(c.default_permissions(), 130);
    }

    #[test]
    fn conversations_report_their_consent_only_when_the_server_leaves_it_to_them() {
        let server = |v: &str| AppConfig::from_pairs([("recording_consent".into(), v.into())]);
        assert_eq!(AppConfig::default().effective_recording_consent(1), 0);
        assert_eq!(server("1").effective_recording_consent(0), 1);
        assert_eq!(server("2").effective_recording_consent(1), 1);
        assert_eq!(server("2").effective_recording_consent(0), 0);
        assert_eq!(server("7").recording_consent(), 0);
        assert_eq!(AppConfig::validate("recording_consent", "3"), Some(false));
    }

    #[test]
    fn validation_rejects_out_of_range_values() {
        assert_eq!(AppConfig::validate("start_calls", "4"), Some(false));
        assert_eq!(AppConfig::validate("start_calls", "2"), Some(true));
        assert_eq!(AppConfig::validate("breakout_rooms", "maybe"), Some(false));
        assert_eq!(AppConfig::validate("unknown", "1"), None);
    }
}

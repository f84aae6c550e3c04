//! Permission bits and how a participant's effective permissions are derived.

use super::model::{Attendee, ParticipantType};
use crate::room::Room;

/// Talk's permission bits.
pub struct Permissions;

impl Permissions {
    pub const DEFAULT: i64 = 0;
    pub const CUSTOM: i64 = 1;
    pub const CALL_START: i64 = 2;
    pub const CALL_JOIN: i64 = 4;
    pub const LOBBY_IGNORE: i64 = 8;
    pub const PUBLISH_AUDIO: i64 = 16;
    pub const PUBLISH_VIDEO: i64 = 32;
    pub const PUBLISH_SCREEN: i64 = 64;
    pub const CHAT: i64 = 128;
    /// Every bit a participant can hold (moderators have them all).
    pub const MAX_CUSTOM: i64 = 254;
    /// Largest value accepted on the wire.
    pub const MAX_WIRE: i64 = 255;
}

/// How an attendee permission change combines with the current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionMethod {
    Set,
    Add,
    Remove,
}

impl PermissionMethod {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "set" => Self::Set,
            "add" => Self::Add,
            "remove" => Self::Remove,
            _ => return None,
        })
    }
}

/// The permissions a participant holds: moderators everything; otherwise the attendee's custom
/// value, else the room default, else the server default. Custom values carry bit 1.
pub fn effective_permissions(attendee: &Attendee, room: &Room, server_default: i64) -> i64 {
    if attendee.participant_type.is_moderator() {
        return Permissions::MAX_CUSTOM;
    }
    if attendee.permissions != Permissions::DEFAULT {
        return attendee.permissions | Permissions::CUSTOM;
    }
    if room.default_permissions != Permissions::DEFAULT {
        return room.default_permissions | Permissions::CUSTOM;
    }
    server_default
}

/// The new custom value after `method` with `value`, starting from the effective `current`.
pub fn apply_permission_change(method: PermissionMethod, current: i64, value: i64) -> i64 {
    let next = match method {
        PermissionMethod::Set => value,
        PermissionMethod::Add => current | value,
        PermissionMethod::Remove => current & !value,
    } & Permissions::MAX_CUSTOM;
    if next == Permissions::DEFAULT && method == PermissionMethod::Set {
        Permissions::DEFAULT
    } else {
        next | Permissions::CUSTOM
    }
}

/// Whether the lobby keeps this participant out.
pub fn lobby_blocks(room: &Room, participant_type: ParticipantType, permissions: i64) -> bool {
    room.lobby_state
        && !participant_type.is_moderator()
        && permissions & Permissions::LOBBY_IGNORE == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_to_zero_restores_the_default() {
        assert_eq!(apply_permission_change(PermissionMethod::Set, 246, 0), 0);
    }

    #[test]
    fn add_and_remove_combine_with_current_and_mark_custom() {
        assert_eq!(
            apply_permission_change(PermissionMethod::Add, 128, 8),
            128 | 8 | 1
        );
        assert_eq!(
            apply_permission_change(PermissionMethod::Remove, 246, 128),
            0x76 | 1
        );
        assert_eq!(apply_permission_change(PermissionMethod::Set, 0, 128), 129);
    }
}

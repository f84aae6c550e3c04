//! A conversation as one caller sees it: the room plus everything derived from their membership.

use super::model::{Room, RoomType};
use crate::access::Member;
use crate::app_config::AppConfig;
use crate::chat::{Message, UNREAD_FIRST_MESSAGE};
use crate::participant::{
    lobby_blocks, ActorType, Attendee, Permissions, Session, NOTIFY_DEFAULT, NOTIFY_NEVER,
};

/// Options of the conversation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOptions {
    /// Only rooms changed at or after this unix time (0: all).
    pub modified_since: i64,
    pub include_last_message: bool,
}

/// Everything the `TalkRoom` wire object shows, computed for one caller.
#[derive(Debug, Clone)]
pub struct RoomView {
    pub room: Room,
    pub attendee: Option<Attendee>,
    pub session: Option<Session>,
    /// `name`: for one-to-one rooms the other user's id.
    pub name: String,
    pub display_name: String,
    pub permissions: i64,
    pub attendee_permissions: i64,
    pub notification_level: i64,
    pub last_read_message: i64,
    pub unread_messages: i64,
    pub last_common_read: i64,
    pub unread_mention: bool,
    pub unread_mention_direct: bool,
    /// Withheld when the lobby keeps the caller out or they marked the room sensitive.
    pub last_message: Option<Message>,
    /// The address an email guest was invited with, shown to that guest.
    pub invited_actor_id: Option<String>,
    /// `lastPinnedId` / `hiddenPinnedId`: the pin the room shows and the one the caller hid.
    pub last_pinned_id: i64,
    pub hidden_pinned_id: i64,
    pub can_start_call: bool,
    pub can_delete: bool,
    pub can_leave: bool,
    /// `recordingConsent` as the server's `recording_consent` lets this room report it.
    pub recording_consent: i64,
    /// The lobby keeps this caller out: chat details are withheld.
    pub lobby_restricted: bool,
    /// Upstream's "listing breakout rooms" format (TALK-BEHAVIOR §1.9): a non-member still sees
    /// the room's name, object, lobby and breakout state, as a student choosing a room needs.
    pub listing: bool,
}

/// What the room list knows about a member's chat state.
#[derive(Debug, Clone, Default)]
pub struct ChatState {
    pub unread_messages: i64,
    pub last_message: Option<Message>,
    pub last_common_read: i64,
    pub last_pinned_id: i64,
    pub hidden_pinned_id: i64,
}

impl RoomView {
    /// The view of a member, with `other` naming the other user of a one-to-one room.
    pub fn for_member(
        member: Member,
        other: Option<(String, String)>,
        chat: ChatState,
        config: &AppConfig,
    ) -> Self {
        let Member {
            room,
            attendee,
            session,
        } = member;
        let permissions = crate::participant::effective_permissions(
            &attendee,
            &room,
            config.default_permissions(),
        );
        let is_moderator = attendee.participant_type.is_moderator();
        let lobby_restricted = lobby_blocks(&room, attendee.participant_type, permissions);
        let (name, display_name) = match (room.room_type, other) {
            (room_type, Some((id, display))) if room_type.is_one_to_one() => (id, display),
            _ => (room.name.clone(), room.name.clone()),
        };
        let notification_level = resolved_notification_level(&room, &attendee, config);
        let can_start_call = !lobby_restricted
            && permissions & Permissions::CALL_START != 0
            && match config.start_calls() {
                0 => true,
                1 => !attendee.actor_type.is_guest(),
                2 => is_moderator,
                _ => false,
            };
        let is_user = !attendee.actor_type.is_guest();
        // Talk reports a marker of 0 as -2, "the first message is unread".
        let last_read_message = if attendee.last_read_message == 0 {
            UNREAD_FIRST_MESSAGE
        } else {
            attendee.last_read_message
        };
        let mut unread_messages = chat.unread_messages;
        if last_read_message == UNREAD_FIRST_MESSAGE && is_user && room.last_message_id > 0 {
            unread_messages = unread_messages.max(1);
        }
        let unread_mention = attendee.last_mention_message > attendee.last_read_message;
        let unread_mention_direct = attendee.last_mention_direct > attendee.last_read_message;
        Self {
            can_delete: attendee.participant_type.is_user_moderator()
                && !room.room_type.is_one_to_one(),
            can_leave: room.room_type != RoomType::NoteToSelf,
            attendee_permissions: attendee.permissions,
            last_read_message,
            unread_messages: if lobby_restricted { 0 } else { unread_messages },
            last_common_read: chat.last_common_read,
            unread_mention: unread_mention && !lobby_restricted,
            unread_mention_direct: unread_mention_direct && !lobby_restricted,
            last_message: if lobby_restricted || attendee.sensitive {
                None
            } else {
                chat.last_message
            },
            invited_actor_id: (attendee.actor_type == ActorType::Emails)
                .then(|| attendee.invited_cloud_id.clone()),
            last_pinned_id: if lobby_restricted {
                0
            } else {
                chat.last_pinned_id
            },
            hidden_pinned_id: chat.hidden_pinned_id,
            name,
            display_name,
            permissions,
            notification_level,
            can_start_call,
            lobby_restricted,
            recording_consent: config.effective_recording_consent(room.recording_consent),
            listing: false,
            room,
            attendee: Some(attendee),
            session,
        }
    }

    /// The view of someone who is not a member (public rooms, listable rooms).
    pub fn for_non_member(room: Room, config: &AppConfig) -> Self {
        Self {
            listing: false,
            ..Self::for_listing(room, config)
        }
    }

    /// A breakout room as listed to someone who is not in it (`GET /room/{parent}/breakout-rooms`).
    pub fn for_listing(room: Room, config: &AppConfig) -> Self {
        Self {
            recording_consent: config.effective_recording_consent(room.recording_consent),
            name: room.name.clone(),
            display_name: room.name.clone(),
            attendee: None,
            session: None,
            permissions: Permissions::CUSTOM,
            attendee_permissions: Permissions::CUSTOM,
            notification_level: NOTIFY_NEVER,
            last_read_message: 0,
            unread_messages: 0,
            last_common_read: 0,
            unread_mention: false,
            unread_mention_direct: false,
            last_message: None,
            invited_actor_id: None,
            last_pinned_id: 0,
            hidden_pinned_id: 0,
            can_start_call: false,
            can_delete: false,
            can_leave: false,
            lobby_restricted: false,
            listing: true,
            room,
        }
    }
}

/// Level 0 ("default") resolves to 1 in one-to-one rooms, else to the server default; guests 3.
fn resolved_notification_level(room: &Room, attendee: &Attendee, config: &AppConfig) -> i64 {
    if attendee.actor_type.is_guest() {
        return NOTIFY_NEVER;
    }
    if attendee.notification_level != NOTIFY_DEFAULT {
        return attendee.notification_level;
    }
    match room.room_type {
        RoomType::OneToOne | RoomType::FormerOneToOne | RoomType::NoteToSelf => 1,
        _ => config.default_group_notification(),
    }
}

//! The conversation record and its enumerations.

use super::avatar::RoomAvatar;

/// Longest conversation name, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Longest conversation description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Longest message expiration, in seconds (about 68 years). Upstream keeps the value in a
/// 32-bit column; the bound also keeps `created + expiration` far from overflowing.
pub const MAX_MESSAGE_EXPIRATION_SECONDS: i64 = i32::MAX as i64;
/// `objectType` of a breakout room; its `objectId` is the parent's token.
pub const OBJECT_TYPE_BREAKOUT: &str = "room";

/// Talk's conversation types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomType {
    OneToOne = 1,
    Group = 2,
    Public = 3,
    Changelog = 4,
    FormerOneToOne = 5,
    NoteToSelf = 6,
}

impl RoomType {
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            1 => Self::OneToOne,
            2 => Self::Group,
            3 => Self::Public,
            4 => Self::Changelog,
            5 => Self::FormerOneToOne,
            6 => Self::NoteToSelf,
            _ => return None,
        })
    }

    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// A one-to-one conversation, current or former (one of its two users left or was deleted).
    pub fn is_one_to_one(self) -> bool {
        matches!(self, Self::OneToOne | Self::FormerOneToOne)
    }

    /// One-to-one (current or former) and note-to-self conversations have fixed members.
    pub fn has_fixed_members(self) -> bool {
        matches!(
            self,
            Self::OneToOne | Self::FormerOneToOne | Self::NoteToSelf
        )
    }
}

/// Who can find a conversation without being a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listable {
    None = 0,
    Users = 1,
    All = 2,
}

impl Listable {
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            0 => Self::None,
            1 => Self::Users,
            2 => Self::All,
            _ => return None,
        })
    }

    pub fn system_message(self) -> &'static str {
        match self {
            Self::None => "listable_none",
            Self::Users => "listable_users",
            Self::All => "listable_all",
        }
    }
}

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub id: i64,
    pub token: String,
    pub room_type: RoomType,
    pub name: String,
    pub description: String,
    /// argon2 hash; empty when there is no password.
    pub password_hash: String,
    pub read_only: bool,
    pub listable: Listable,
    pub lobby_state: bool,
    /// Unix time at which the lobby opens by itself; 0 for none.
    pub lobby_timer: i64,
    pub default_permissions: i64,
    pub call_permissions: i64,
    /// Seconds after which messages expire; 0 keeps them.
    pub message_expiration: i64,
    pub object_type: String,
    pub object_id: String,
    pub breakout_room_mode: i64,
    pub breakout_room_status: i64,
    pub sip_enabled: i64,
    pub mention_permissions: i64,
    pub recording_consent: i64,
    pub call_flag: i64,
    pub call_start_time: i64,
    pub last_activity: i64,
    /// Id of the newest message, 0 when there is none.
    pub last_message_id: i64,
    pub created_at: i64,
    /// Unix time of the last change to the room's settings (drives `modifiedSince`).
    pub modified_at: i64,
    /// Version of the room's custom picture; `None` while it shows its default picture.
    pub avatar_version: Option<String>,
}

impl Room {
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }

    pub fn is_breakout_room(&self) -> bool {
        self.object_type == OBJECT_TYPE_BREAKOUT
    }

    /// When a message created at `created_at` expires; 0 when the room keeps its messages.
    pub fn message_expiry(&self, created_at: i64) -> i64 {
        if self.message_expiration > 0 {
            created_at.saturating_add(self.message_expiration)
        } else {
            0
        }
    }
}

/// A conversation to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRoom {
    pub token: String,
    pub room_type: RoomType,
    pub name: String,
    pub description: String,
    pub password_hash: String,
    pub read_only: bool,
    pub listable: Listable,
    pub lobby_state: bool,
    pub lobby_timer: i64,
    pub default_permissions: i64,
    pub message_expiration: i64,
    pub object_type: String,
    pub object_id: String,
    pub sip_enabled: i64,
    pub mention_permissions: i64,
    pub recording_consent: i64,
    pub created_at: i64,
    /// A custom picture to start with.
    pub avatar: Option<RoomAvatar>,
}

impl NewRoom {
    /// A room with every setting at its default.
    pub fn new(token: String, room_type: RoomType, name: String, now: i64) -> Self {
        Self {
            token,
            room_type,
            name,
            description: String::new(),
            password_hash: String::new(),
            read_only: false,
            listable: Listable::None,
            lobby_state: false,
            lobby_timer: 0,
            default_permissions: 0,
            message_expiration: 0,
            object_type: String::new(),
            object_id: String::new(),
            sip_enabled: 0,
            mention_permissions: 0,
            recording_consent: 0,
            created_at: now,
            avatar: None,
        }
    }
}

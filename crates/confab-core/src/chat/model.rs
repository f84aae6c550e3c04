//! The message record.

use std::collections::BTreeMap;

use serde_json::Value;

/// Talk's message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Comment,
    CommentDeleted,
    System,
    Command,
    /// A shared object (a poll): shown like a comment, but not editable.
    ObjectShared,
}

impl NewMessage {
    /// The stored message once the store gave it `id`.
    pub fn stored(&self, id: i64) -> Message {
        Message {
            id,
            room_id: self.room_id,
            actor_type: self.actor_type.clone(),
            actor_id: self.actor_id.clone(),
            actor_display_name: self.actor_display_name.clone(),
            message: self.message.clone(),
            message_type: self.message_type,
            system_message: self.system_message.clone(),
            parameters: self.parameters.clone(),
            reference_id: self.reference_id.clone(),
            parent_id: self.parent_id,
            created_at: self.created_at,
            expires_at: self.expires_at,
            silent: self.silent,
            reactions: BTreeMap::new(),
            last_edit: None,
            pin: None,
        }
    }
}

impl Message {
    /// Whether the message has expired at `now`: from then on it is gone from every answer,
    /// even before the background task deletes it.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at > 0 && self.expires_at <= now
    }
}

impl MessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::CommentDeleted => "comment_deleted",
            Self::System => "system",
            Self::Command => "command",
            Self::ObjectShared => "object_shared",
        }
    }

    /// Something a participant wrote or shared: it can be replied to, reacted to and pinned,
    /// and it counts as unread.
    pub fn is_visible_comment(self) -> bool {
        matches!(self, Self::Comment | Self::ObjectShared)
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "comment" => Self::Comment,
            "comment_deleted" => Self::CommentDeleted,
            "system" => Self::System,
            "command" => Self::Command,
            "object_shared" => Self::ObjectShared,
            _ => return None,
        })
    }
}

/// A stored message. Ids grow strictly within a conversation in the order messages become visible.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub room_id: i64,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub message: String,
    pub message_type: MessageType,
    /// The system message name (`user_added`, …); empty for comments.
    pub system_message: String,
    /// Rich object parameters (`{"actor": {"type":"user",…}}`), an object.
    pub parameters: Value,
    pub reference_id: String,
    pub parent_id: i64,
    pub created_at: i64,
    /// Unix time the message expires; 0 for never.
    pub expires_at: i64,
    pub silent: bool,
    /// Reaction counts by emoji.
    pub reactions: BTreeMap<String, i64>,
    pub last_edit: Option<Edit>,
    /// Set while the message is pinned.
    pub pin: Option<Pin>,
}

/// Who pinned a message, when, and until when (0: until someone unpins it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pin {
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub pinned_at: i64,
    pub pinned_until: i64,
}

/// The pin state a conversation shows one attendee: the most recently pinned message still
/// pinned, and the pin the attendee hid for themselves (0 for none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PinState {
    pub attendee_id: i64,
    pub last_pinned_id: i64,
    pub hidden_pinned_id: i64,
}

/// Who last edited a message, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub at: i64,
}

/// One actor's reaction to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    pub message_id: i64,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub reaction: String,
    pub created_at: i64,
}

/// An attendee a new message mentions; `direct` when named, not through `@all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub attendee_id: i64,
    pub direct: bool,
}

/// A chat message to post: the message, its sender's attendee id and whom it mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatPost {
    pub message: NewMessage,
    pub sender: i64,
    pub mentions: Vec<Mention>,
}

/// A stored chat message and the room's last message id before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub message: Message,
    pub previous_last_id: i64,
}

/// A message to append to a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub room_id: i64,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub message: String,
    pub message_type: MessageType,
    pub system_message: String,
    pub parameters: Value,
    pub reference_id: String,
    pub parent_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub silent: bool,
}

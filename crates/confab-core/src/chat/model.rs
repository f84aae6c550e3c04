//! The message record.

use serde_json::Value;

/// Talk's message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Comment,
    CommentDeleted,
    System,
    Command,
}

impl MessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::CommentDeleted => "comment_deleted",
            Self::System => "system",
            Self::Command => "command",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "comment" => Self::Comment,
            "comment_deleted" => Self::CommentDeleted,
            "system" => Self::System,
            "command" => Self::Command,
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

//! The `ChatMessage` wire object, with system messages rendered for the viewer ("You added
//! Bob" for the actor, "Alice added you" for the one added).

use std::collections::HashMap;

use confab_core::chat::{Message, MessageType, Pin};
use confab_core::participant::Attendee;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Who looks at a message: their actor type and id.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub actor_type: &'a str,
    pub actor_id: &'a str,
}

impl<'a> Viewer<'a> {
    pub fn attendee(attendee: &'a Attendee) -> Self {
        Self {
            actor_type: attendee.actor_type.as_str(),
            actor_id: &attendee.actor_id,
        }
    }

    /// The author of `message`, who sees their own answer (a send, an edit, a note).
    pub fn author(message: &'a Message) -> Self {
        Self {
            actor_type: &message.actor_type,
            actor_id: &message.actor_id,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: i64,
    pub token: String,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub timestamp: i64,
    pub message: String,
    /// An object of rich parameters, or `[]` when there are none (PHP's empty array).
    pub message_parameters: Value,
    pub system_message: String,
    pub message_type: &'static str,
    pub is_replyable: bool,
    pub reference_id: String,
    /// Always an object, `{}` when empty.
    pub reactions: Map<String, Value>,
    pub expiration_timestamp: i64,
    pub markdown: bool,
    pub thread_id: i64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub silent: bool,
    /// `true` on the placeholder of a deleted message, absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edit_actor_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edit_actor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edit_actor_display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edit_timestamp: Option<i64>,
    /// The reactions the viewer gave, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reactions_self: Option<Vec<String>>,
    /// The message replied to, or `{id, deleted: true}` when it is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Value>,
    /// Who pinned the message, when and until when; only on pinned messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<Value>,
}

/// Text templates per system message: (seen by others, seen by the actor).
fn templates(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "conversation_created" => ("{actor} created the conversation", "You created the conversation"),
        "conversation_renamed" => (
            "{actor} renamed the conversation from \"{oldName}\" to \"{newName}\"",
            "You renamed the conversation from \"{oldName}\" to \"{newName}\"",
        ),
        "description_set" => ("{actor} set the description", "You set the description"),
        "description_removed" => ("{actor} removed the description", "You removed the description"),
        "guests_allowed" => ("{actor} allowed guests", "You allowed guests"),
        "guests_disallowed" => ("{actor} disallowed guests", "You disallowed guests"),
        "password_set" => ("{actor} set a password", "You set a password"),
        "password_removed" => ("{actor} removed the password", "You removed the password"),
        "user_added" => ("{actor} added {user}", "You added {user}"),
        "user_removed" => ("{actor} removed {user}", "You removed {user}"),
        "group_added" => ("{actor} added group {group}", "You added group {group}"),
        "moderator_promoted" | "guest_moderator_promoted" => {
            ("{actor} promoted {user} to moderator", "You promoted {user} to moderator")
        }
        "moderator_demoted" | "guest_moderator_demoted" => {
            ("{actor} demoted {user} from moderator", "You demoted {user} from moderator")
        }
        "read_only" => ("{actor} locked the conversation", "You locked the conversation"),
        "read_only_off" => ("{actor} unlocked the conversation", "You unlocked the conversation"),
        "listable_none" => (
            "{actor} limited the conversation to the current participants",
            "You limited the conversation to the current participants",
        ),
        "listable_users" => (
            "{actor} opened the conversation to registered users",
            "You opened the conversation to registered users",
        ),
        "listable_all" => (
            "{actor} opened the conversation to registered users and users created with the Guests app",
            "You opened the conversation to registered users and users created with the Guests app",
        ),
        "lobby_none" => ("{actor} opened the conversation to everyone", "You opened the conversation to everyone"),
        "lobby_non_moderators" => (
            "{actor} restricted the conversation to moderators",
            "You restricted the conversation to moderators",
        ),
        "breakout_rooms_started" => ("{actor} started breakout rooms", "You started breakout rooms"),
        "breakout_rooms_stopped" => ("{actor} stopped breakout rooms", "You stopped breakout rooms"),
        "lobby_timer_reached" => ("The conversation is now open to everyone", "The conversation is now open to everyone"),
        "message_expiration_enabled" => (
            "{actor} set the message expiration to {seconds} seconds",
            "You set the message expiration to {seconds} seconds",
        ),
        "message_expiration_disabled" => ("{actor} disabled the message expiration", "You disabled the message expiration"),
        "message_deleted" => ("{actor} deleted a message", "You deleted a message"),
        "message_edited" => ("{actor} edited a message", "You edited a message"),
        "history_cleared" => (
            "{actor} cleared the history of the conversation",
            "You cleared the history of the conversation",
        ),
        "avatar_set" => ("{actor} set the conversation picture", "You set the conversation picture"),
        "avatar_removed" => (
            "{actor} removed the conversation picture",
            "You removed the conversation picture",
        ),
        "message_pinned" => ("{actor} pinned a message", "You pinned a message"),
        "message_unpinned" => ("{actor} unpinned a message", "You unpinned a message"),
        "reaction" => ("{reaction}", "{reaction}"),
        "reaction_deleted" => ("Reaction deleted by author", "Reaction deleted by author"),
        "reaction_revoked" => ("{actor} deleted a reaction", "You deleted a reaction"),
        "poll_voted" => ("{actor} voted on the poll {poll}", "You voted on the poll {poll}"),
        "poll_closed" => ("{actor} ended the poll {poll}", "You ended the poll {poll}"),
        _ => return None,
    })
}

fn is_viewer(parameter: Option<&Value>, viewer: Viewer<'_>) -> bool {
    let Some(p) = parameter else { return false };
    let id = p.get("id").and_then(Value::as_str).unwrap_or("");
    match p.get("type").and_then(Value::as_str) {
        Some("user") => viewer.actor_type == "users" && id == viewer.actor_id,
        Some("guest") => {
            viewer.actor_type != "users" && id.strip_prefix("guest/") == Some(viewer.actor_id)
        }
        _ => false,
    }
}

/// The text of a system message as `viewer` reads it; placeholders stay for rich parameters.
fn render_system(message: &Message, viewer: Option<Viewer<'_>>) -> String {
    if message.message_type == MessageType::CommentDeleted {
        let by_viewer = viewer.is_some_and(|v| is_viewer(message.parameters.get("actor"), v));
        return if by_viewer {
            "Message deleted by you".to_owned()
        } else {
            message.message.clone()
        };
    }
    let Some((others, own)) = templates(&message.system_message) else {
        return message.message.clone();
    };
    let params = &message.parameters;
    let by_viewer = viewer.is_some_and(|v| is_viewer(params.get("actor"), v));
    let about_viewer = viewer.is_some_and(|v| is_viewer(params.get("user"), v));
    let mut text = match (message.system_message.as_str(), by_viewer, about_viewer) {
        ("user_removed", _, _) if params.get("actor") == params.get("user") => {
            if by_viewer {
                "You left the conversation".to_owned()
            } else {
                "{user} left the conversation".to_owned()
            }
        }
        // Someone adding themselves (a free-mode switch into a breakout room) joined.
        ("user_added", _, _) if params.get("actor") == params.get("user") => {
            if by_viewer {
                "You joined the conversation".to_owned()
            } else {
                "{actor} joined the conversation".to_owned()
            }
        }
        ("user_added", false, true) => "{actor} added you".to_owned(),
        ("user_removed", false, true) => "{actor} removed you".to_owned(),
        ("moderator_promoted" | "guest_moderator_promoted", false, true) => {
            "{actor} promoted you to moderator".to_owned()
        }
        ("moderator_demoted" | "guest_moderator_demoted", false, true) => {
            "{actor} demoted you from moderator".to_owned()
        }
        (_, true, _) => own.to_owned(),
        _ => others.to_owned(),
    };
    // Plain values (names, seconds) are written into the text; rich objects stay placeholders.
    for key in ["oldName", "newName", "seconds", "reaction"] {
        if let Some(value) = params.get(key) {
            let plain = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            text = text.replace(&format!("{{{key}}}"), &plain);
        }
    }
    text
}

/// `metaData` of a pinned message; `pinnedUntil` only for pins that run out.
fn pin_meta_data(pin: &Pin) -> Value {
    let mut data = json!({
        "pinnedActorType": pin.actor_type,
        "pinnedActorId": pin.actor_id,
        "pinnedActorDisplayName": pin.actor_display_name,
        "pinnedAt": pin.pinned_at,
    });
    if pin.pinned_until > 0 {
        data["pinnedUntil"] = json!(pin.pinned_until);
    }
    data
}

impl ChatMessage {
    pub fn new(message: &Message, token: &str, viewer: Option<Viewer<'_>>) -> Self {
        let is_system = message.message_type == MessageType::System;
        let rendered = matches!(
            message.message_type,
            MessageType::System | MessageType::CommentDeleted
        );
        let parameters = match &message.parameters {
            // Only rich objects are parameters on the wire; plain values were rendered into the text.
            Value::Object(map) => map
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
            _ => Map::new(),
        };
        Self {
            id: message.id,
            token: token.to_owned(),
            actor_type: message.actor_type.clone(),
            actor_id: message.actor_id.clone(),
            actor_display_name: message.actor_display_name.clone(),
            timestamp: message.created_at,
            message: if rendered {
                render_system(message, viewer)
            } else {
                message.message.clone()
            },
            message_parameters: if parameters.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Object(parameters)
            },
            system_message: message.system_message.clone(),
            // Shared objects read as comments, as upstream shows them.
            message_type: match message.message_type {
                MessageType::ObjectShared => MessageType::Comment.as_str(),
                other => other.as_str(),
            },
            is_replyable: message.message_type.is_visible_comment(),
            reference_id: message.reference_id.clone(),
            reactions: message
                .reactions
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect(),
            expiration_timestamp: message.expires_at,
            markdown: !is_system,
            thread_id: 0,
            silent: message.silent,
            deleted: message.message_type == MessageType::CommentDeleted,
            last_edit_actor_type: message.last_edit.as_ref().map(|e| e.actor_type.clone()),
            last_edit_actor_id: message.last_edit.as_ref().map(|e| e.actor_id.clone()),
            last_edit_actor_display_name: message
                .last_edit
                .as_ref()
                .map(|e| e.actor_display_name.clone()),
            last_edit_timestamp: message.last_edit.as_ref().map(|e| e.at),
            reactions_self: None,
            parent: None,
            meta_data: message.pin.as_ref().map(pin_meta_data),
        }
    }

    /// Embeds the replied-to message (`parents` holds what still exists).
    pub(super) fn with_parent(
        mut self,
        message: &Message,
        parents: &HashMap<i64, Message>,
        viewer: Option<Viewer<'_>>,
    ) -> Self {
        if message.parent_id > 0 {
            self.parent = Some(match parents.get(&message.parent_id) {
                Some(parent) => serde_json::to_value(ChatMessage::new(parent, &self.token, viewer))
                    .unwrap_or_default(),
                None => json!({"id": message.parent_id, "deleted": true}),
            });
        }
        self
    }
}

//! Builders for system messages, so every state change records itself the same way.

use serde_json::{json, Map, Value};

use super::model::{MessageType, NewMessage};
use crate::participant::{ActorType, Attendee};

/// Who performed a change, as system messages name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemMessage {
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
}

/// The rich object parameter Talk uses for an actor of `actor_type`.
pub fn actor_parameter(actor_type: &str, actor_id: &str, name: &str) -> Value {
    let kind = match actor_type {
        "guests" | "emails" => "guest",
        "groups" => "user-group",
        "bots" => "bot",
        _ => "user",
    };
    let id = if kind == "guest" {
        format!("guest/{actor_id}")
    } else {
        actor_id.to_owned()
    };
    json!({ "type": kind, "id": id, "name": name })
}

impl SystemMessage {
    pub fn by(actor_type: ActorType, actor_id: &str, display_name: &str) -> Self {
        Self {
            actor_type: actor_type.as_str().to_owned(),
            actor_id: actor_id.to_owned(),
            actor_display_name: display_name.to_owned(),
        }
    }

    /// The attendee as the author of a system message.
    pub fn by_attendee(attendee: &Attendee) -> Self {
        Self::by(
            attendee.actor_type,
            &attendee.actor_id,
            &attendee.display_name,
        )
    }

    /// The server itself (lobby timers and other automatic changes).
    pub fn system() -> Self {
        Self {
            actor_type: "guests".into(),
            actor_id: "system".into(),
            actor_display_name: String::new(),
        }
    }

    /// A system message `name` in room `room_id` with extra rich-object `parameters`.
    pub fn message(
        &self,
        room_id: i64,
        name: &str,
        extra: Map<String, Value>,
        now: i64,
    ) -> NewMessage {
        let mut parameters = Map::new();
        parameters.insert(
            "actor".into(),
            actor_parameter(&self.actor_type, &self.actor_id, &self.actor_display_name),
        );
        parameters.extend(extra);
        NewMessage {
            room_id,
            actor_type: self.actor_type.clone(),
            actor_id: self.actor_id.clone(),
            actor_display_name: self.actor_display_name.clone(),
            message: name.to_owned(),
            message_type: MessageType::System,
            system_message: name.to_owned(),
            parameters: Value::Object(parameters),
            reference_id: String::new(),
            parent_id: 0,
            created_at: now,
            expires_at: 0,
            silent: false,
        }
    }

    /// A system message without parameters beyond the actor.
    pub fn simple(&self, room_id: i64, name: &str, now: i64) -> NewMessage {
        self.message(room_id, name, Map::new(), now)
    }

    /// A system message about an attendee (`user_added`, `moderator_promoted`, …). The
    /// attendee is always the `user` parameter, a rich object of type `guest` for guests: upstream
    /// renders `guest_moderator_promoted` that way, and the templates read `{user}`.
    pub fn about(&self, room_id: i64, name: &str, attendee: &Attendee, now: i64) -> NewMessage {
        let mut extra = Map::new();
        extra.insert(
            "user".into(),
            actor_parameter(
                attendee.actor_type.as_str(),
                &attendee.actor_id,
                &attendee.display_name,
            ),
        );
        self.message(room_id, name, extra, now)
    }
}

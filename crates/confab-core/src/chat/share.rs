//! Shared items: rich objects shared to the chat (`POST /chat/{token}/share`), and what a
//! room's members shared, by type (`GET /chat/{token}/share[/overview]`).
//!
//! A message that shares an object is indexed by its item type when it is stored (see
//! [`NewMessage::shared_item`]), as upstream's attachments table does, so listing a type reads
//! that index and never the room's whole history. Pinned messages are a shared-item type too;
//! they are found through their pins.

use serde_json::{Map, Value};

use super::model::{ChatPost, Message, MessageType, NewMessage};
use super::rich_object;
use super::service::{author, reference_id, ChatService, Sent};
use super::system::actor_parameter;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::Result;
use crate::participant::Attendee;
use crate::room::avatar_version;

/// Shared items a room lists at most per request.
const MAX_ITEMS: i64 = 200;
/// Items per type the overview shows at most.
const MAX_OVERVIEW_ITEMS: i64 = 20;

/// The kinds of shared items (upstream's attachment types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SharedItemType {
    Audio,
    DeckCard,
    File,
    Location,
    Media,
    Other,
    Pinned,
    Poll,
    Recording,
    Voice,
}

impl SharedItemType {
    /// Every type, in the order the overview lists them.
    pub const ALL: [Self; 10] = [
        Self::Audio,
        Self::DeckCard,
        Self::File,
        Self::Location,
        Self::Media,
        Self::Other,
        Self::Pinned,
        Self::Poll,
        Self::Recording,
        Self::Voice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::DeckCard => "deckcard",
            Self::File => "file",
            Self::Location => "location",
            Self::Media => "media",
            Self::Other => "other",
            Self::Pinned => "pinned",
            Self::Poll => "poll",
            Self::Recording => "recording",
            Self::Voice => "voice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl NewMessage {
    /// The shared-item type the message is listed under, if it shares an object: locations,
    /// deck cards and polls have their own type, any other object is `other` (upstream's
    /// mapping of rich object types). Files would be `file`, `media`, `audio`, `voice` or
    /// `recording`; confab does not share files.
    pub fn shared_item(&self) -> Option<SharedItemType> {
        if self.message_type != MessageType::ObjectShared {
            return None;
        }
        let object_type = self.parameters.get("object")?.get("type")?.as_str()?;
        Some(match object_type {
            "geo-location" => SharedItemType::Location,
            "deck-card" => SharedItemType::DeckCard,
            "talk-poll" => SharedItemType::Poll,
            _ => SharedItemType::Other,
        })
    }
}

/// `POST /chat/{token}/share`, parsed.
#[derive(Debug, Clone, Default)]
pub struct ShareObject {
    pub object_type: String,
    pub object_id: String,
    /// The object's further keys, a JSON object as text.
    pub meta_data: String,
    pub actor_display_name: Option<String>,
    pub reference_id: String,
    /// How the caller reached this server: `https` or `http`, and `host[:port]`; the
    /// object's `icon-url` (the room's picture) points to it.
    pub scheme: String,
    pub server: String,
    /// The names of this server (`host` or `host:port`) links may point to, besides the
    /// local machine.
    pub trusted_domains: Vec<String>,
}

/// Shared items of one type, newest first, and who asked.
#[derive(Debug, Clone)]
pub struct SharedItems {
    pub messages: Vec<Message>,
    pub viewer: Attendee,
}

/// The newest shared items of every type (empty types included), and who asked.
#[derive(Debug, Clone)]
pub struct SharedOverview {
    pub items: Vec<(SharedItemType, Vec<Message>)>,
    pub viewer: Attendee,
}

impl ChatService {
    /// `POST /chat/{token}/share`: posts a rich object (`{object}`) the way a message is
    /// posted (durable before the answer, waking long polls) and lists it among the shared
    /// items. Checked in upstream's order: membership, read-only, lobby, chat permission, then
    /// the object (`link`, `object`) and the stored size (413 `message`).
    pub async fn share_object(
        &self,
        actor: &Actor,
        token: &str,
        request: ShareObject,
    ) -> Result<Sent> {
        let mut member = self.writer(actor, token).await?;
        let icon_url = format!(
            "{}://{}/ocs/v2.php/apps/spreed/api/v1/room/{}/avatar?v={}",
            request.scheme,
            request.server,
            member.room.token,
            avatar_version(&member.room)
        );
        let object = rich_object::build(
            &request.object_type,
            &request.object_id,
            &request.meta_data,
            &icon_url,
            &request.trusted_domains,
        )?;
        rich_object::check_size(&request.object_type, &request.object_id, &object)?;
        self.rename_guest(&mut member, request.actor_display_name.as_deref())
            .await?;
        let message = object_message(&member, object, self.ctx.now());
        let post = ChatPost {
            message: NewMessage {
                reference_id: reference_id(&request.reference_id),
                ..message
            },
            sender: member.attendee.id,
            mentions: Vec::new(),
        };
        Ok(Sent {
            message: self.committer.post(post).await?,
            parent: None,
            last_common_read: self.ctx.common_read_for(&member).await?,
        })
    }

    /// `GET /chat/{token}/share`: the shared items of `item_type` with ids below `last_known`
    /// (0: the newest), newest first, at most `limit` (1–200). An unknown type lists nothing.
    pub async fn shared_items(
        &self,
        actor: &Actor,
        token: &str,
        item_type: &str,
        last_known: i64,
        limit: i64,
    ) -> Result<SharedItems> {
        let member = self.reader(actor, token).await?;
        let Some(item_type) = SharedItemType::parse(item_type) else {
            return Ok(SharedItems {
                messages: Vec::new(),
                viewer: member.attendee,
            });
        };
        let messages = self
            .ctx
            .store
            .shared_items(
                member.room.id,
                item_type,
                last_known.max(0),
                limit.clamp(1, MAX_ITEMS),
                self.ctx.now(),
            )
            .await?;
        Ok(SharedItems {
            messages,
            viewer: member.attendee,
        })
    }

    /// `GET /chat/{token}/share/overview`: the newest `limit` (1–20) shared items of every type.
    pub async fn shared_items_overview(
        &self,
        actor: &Actor,
        token: &str,
        limit: i64,
    ) -> Result<SharedOverview> {
        let member = self.reader(actor, token).await?;
        let found = self
            .ctx
            .store
            .shared_items_overview(
                member.room.id,
                limit.clamp(1, MAX_OVERVIEW_ITEMS),
                self.ctx.now(),
            )
            .await?;
        let mut items: Vec<(SharedItemType, Vec<Message>)> = SharedItemType::ALL
            .into_iter()
            .map(|t| (t, Vec::new()))
            .collect();
        for (item_type, message) in found {
            if let Some((_, list)) = items.iter_mut().find(|(t, _)| *t == item_type) {
                list.push(message);
            }
        }
        Ok(SharedOverview {
            items,
            viewer: member.attendee,
        })
    }
}

/// The `{object}` message `member` posts to share `object` (a rich object, or a poll): an
/// `object_shared` message, which people see like a comment but cannot edit.
pub(super) fn object_message(member: &Member, object: Map<String, Value>, now: i64) -> NewMessage {
    let (actor_type, actor_id, actor_display_name) = author(&member.attendee);
    let mut parameters = Map::new();
    parameters.insert(
        "actor".into(),
        actor_parameter(&actor_type, &actor_id, &actor_display_name),
    );
    parameters.insert("object".into(), Value::Object(object));
    NewMessage {
        room_id: member.room.id,
        actor_type,
        actor_id,
        actor_display_name,
        message: "{object}".into(),
        message_type: MessageType::ObjectShared,
        system_message: String::new(),
        parameters: Value::Object(parameters),
        reference_id: String::new(),
        parent_id: 0,
        created_at: now,
        expires_at: member.room.message_expiry(now),
        silent: false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn shared(parameters: Value, message_type: MessageType) -> Option<SharedItemType> {
        NewMessage {
            room_id: 1,
            actor_type: "users".into(),
            actor_id: "alice".into(),
            actor_display_name: "Alice".into(),
            message: "{object}".into(),
            message_type,
            system_message: String::new(),
            parameters,
            reference_id: String::new(),
            parent_id: 0,
            created_at: 0,
            expires_at: 0,
            silent: false,
        }
        .shared_item()
    }

    #[test]
    fn shared_objects_are_listed_by_upstreams_item_types() {
        let object = |t: &str| json!({"object": {"type": t, "id": "1", "name": "n"}});
        let shared_as = |t: &str| shared(object(t), MessageType::ObjectShared);
        assert_eq!(shared_as("geo-location"), Some(SharedItemType::Location));
        assert_eq!(shared_as("deck-card"), Some(SharedItemType::DeckCard));
        assert_eq!(shared_as("talk-poll"), Some(SharedItemType::Poll));
        assert_eq!(shared_as("call"), Some(SharedItemType::Other));
        assert_eq!(shared(object("talk-poll"), MessageType::Comment), None);
        assert_eq!(shared(json!({}), MessageType::ObjectShared), None);
    }

    #[test]
    fn item_types_round_trip_and_are_listed_alphabetically() {
        for t in SharedItemType::ALL {
            assert_eq!(SharedItemType::parse(t.as_str()), Some(t));
        }
        let names: Vec<_> = SharedItemType::ALL.iter().map(|t| t.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!(SharedItemType::parse("Poll"), None);
    }
}

//! Sending and receiving messages, long polling, and read markers.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::committer::Committer;
use super::mention::candidates;
use super::model::{ChatPost, Mention, Message, MessageType, NewMessage};
use super::read_marker::UNREAD_FIRST_MESSAGE;
use super::receive::PollSlots;
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::error::{Error, Result};
use crate::participant::{ActorType, Attendee, Permissions};
use crate::services::Context;

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 32_000;
/// Longest reference id kept (longer ones are cut, not refused).
const MAX_REFERENCE_ID_CHARS: usize = 64;
/// `POST /chat/{token}`, parsed.
#[derive(Debug, Clone, Default)]
pub struct SendMessage {
    pub message: String,
    pub actor_display_name: Option<String>,
    pub reference_id: String,
    pub reply_to: i64,
    pub silent: bool,
}

/// What a send stored: the message, the message it replies to, and the common read marker
/// as the sender may see it (`X-Chat-Last-Common-Read`).
#[derive(Debug, Clone)]
pub struct Sent {
    pub message: Arc<Message>,
    pub parent: Option<Message>,
    pub last_common_read: Option<i64>,
}

#[derive(Clone)]
pub struct ChatService {
    pub(crate) ctx: Arc<Context>,
    pub(super) polls: Arc<PollSlots>,
    pub(crate) committer: Committer,
}

/// The attendee as the author of a message.
pub(crate) fn author(attendee: &Attendee) -> (String, String, String) {
    (
        attendee.actor_type.as_str().to_owned(),
        attendee.actor_id.clone(),
        attendee.display_name.clone(),
    )
}

impl ChatService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self {
            committer: Committer::start(ctx.clone()),
            ctx,
            polls: Arc::default(),
        }
    }

    /// A member who may post: not read-only, past the lobby, chat permission (checked in
    /// this order, as Talk's middleware does). Without the session, and possibly from the
    /// member cache ([`Context::chat_member`]).
    pub(crate) async fn writer(&self, actor: &Actor, token: &str) -> Result<Member> {
        let member = self.ctx.chat_member(actor, token).await?;
        let default = self.ctx.config().default_permissions();
        if member.room.read_only {
            return Err(Error::ReadOnly);
        }
        if member.lobby_blocked(default) {
            return Err(Error::LobbyActive);
        }
        if member.permissions(default) & Permissions::CHAT == 0 {
            return Err(Error::MissingPermission);
        }
        Ok(member)
    }

    /// A member the lobby does not keep out, as reading the chat needs (404, 412). Without the
    /// session, and possibly from the member cache ([`Context::chat_member`]).
    pub(crate) async fn reader(&self, actor: &Actor, token: &str) -> Result<Member> {
        let member = self.ctx.chat_member(actor, token).await?;
        self.ctx.past_lobby(member)
    }

    /// `POST /chat/{token}`: stores the message (durably, before answering) and wakes pollers.
    pub async fn send(&self, actor: &Actor, token: &str, request: SendMessage) -> Result<Sent> {
        let mut member = self.writer(actor, token).await?;
        check_text(&request.message)?;
        let parent = self.reply_parent(&member, request.reply_to).await?;
        self.rename_guest(&mut member, request.actor_display_name.as_deref())
            .await?;
        let now = self.ctx.now();
        let (text, parameters, mentions) = self.resolve_mentions(&member, &request.message).await?;
        let (actor_type, actor_id, actor_display_name) = author(&member.attendee);
        let new = NewMessage {
            room_id: member.room.id,
            actor_type,
            actor_id,
            actor_display_name,
            message: text,
            message_type: MessageType::Comment,
            system_message: String::new(),
            parameters,
            reference_id: reference_id(&request.reference_id),
            parent_id: parent.as_ref().map_or(0, |p| p.id),
            created_at: now,
            expires_at: member.room.message_expiry(now),
            silent: request.silent,
        };
        let post = ChatPost {
            message: new,
            sender: member.attendee.id,
            mentions,
        };
        Ok(Sent {
            message: self.committer.post(post).await?,
            parent,
            last_common_read: self.ctx.common_read_for(&member).await?,
        })
    }

    /// A guest who sends a display name with a message is renamed to it (cut to 64
    /// characters); blank names and logged-in users change nothing.
    pub(crate) async fn rename_guest(&self, member: &mut Member, name: Option<&str>) -> Result<()> {
        if !member.is_guest() {
            return Ok(());
        }
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(());
        };
        if name != member.attendee.display_name {
            name.chars()
                .take(64)
                .collect::<String>()
                .clone_into(&mut member.attendee.display_name);
            self.ctx
                .store
                .update_attendee(&member.attendee, &[])
                .await?;
            propagate::renamed(&self.ctx, &member.room, &member.attendee).await?;
        }
        Ok(())
    }

    async fn reply_parent(&self, member: &Member, reply_to: i64) -> Result<Option<Message>> {
        if reply_to <= 0 {
            return Ok(None);
        }
        let parent = self
            .ctx
            .store
            .message(member.room.id, reply_to)
            .await?
            .ok_or(Error::Invalid("reply-to"))?;
        if !parent.message_type.is_visible_comment() || parent.is_expired(self.ctx.now()) {
            return Err(Error::Invalid("reply-to"));
        }
        Ok(Some(parent))
    }

    /// Replaces mentions of members with `{mention-…}` placeholders and lists who is mentioned.
    pub(crate) async fn resolve_mentions(
        &self,
        member: &Member,
        text: &str,
    ) -> Result<(String, Value, Vec<Mention>)> {
        let found = candidates(text);
        if found.is_empty() {
            return Ok((text.to_owned(), json!({}), Vec::new()));
        }
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        let mut parameters = Map::new();
        let mut mentions: Vec<Mention> = Vec::new();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        // With mention permissions "moderators", `@all` from anyone else still renders but
        // notifies nobody (upstream's Notifier).
        let notify_all = may_mention_all(member);
        for candidate in found {
            let (key, parameter) = if candidate.id == "all" {
                let notified = attendees
                    .iter()
                    .filter(|a| notify_all && a.id != member.attendee.id);
                for a in notified {
                    if !mentions.iter().any(|m| m.attendee_id == a.id) {
                        mentions.push(Mention {
                            attendee_id: a.id,
                            direct: false,
                        });
                    }
                }
                let name = member.room.name.clone();
                (
                    "mention-call1".to_owned(),
                    json!({"type": "call", "id": member.room.token, "name": name, "call-type": "group", "mention-id": "all"}),
                )
            } else {
                let target = match candidate.id.strip_prefix("guest/") {
                    Some(guest) => attendees
                        .iter()
                        .find(|a| a.actor_type.is_guest() && a.actor_id == guest),
                    None => attendees
                        .iter()
                        .find(|a| a.actor_type == ActorType::Users && a.actor_id == candidate.id),
                };
                let Some(target) = target else { continue };
                if target.id != member.attendee.id {
                    match mentions.iter_mut().find(|m| m.attendee_id == target.id) {
                        Some(m) => m.direct = true,
                        None => mentions.push(Mention {
                            attendee_id: target.id,
                            direct: true,
                        }),
                    }
                }
                if target.actor_type == ActorType::Users {
                    let n = parameters
                        .keys()
                        .filter(|k| k.starts_with("mention-user"))
                        .count()
                        + 1;
                    (
                        format!("mention-user{n}"),
                        json!({"type": "user", "id": target.actor_id, "name": target.display_name, "mention-id": target.actor_id}),
                    )
                } else {
                    let n = parameters
                        .keys()
                        .filter(|k| k.starts_with("mention-guest"))
                        .count()
                        + 1;
                    (
                        format!("mention-guest{n}"),
                        json!({"type": "guest", "id": format!("guest/{}", target.actor_id), "name": target.display_name, "mention-id": format!("guest/{}", target.actor_id)}),
                    )
                }
            };
            let key = parameters
                .iter()
                .find(|(_, v)| **v == parameter)
                .map_or(key, |(k, _)| k.clone());
            out.push_str(&text[copied..candidate.start]);
            out.push('{');
            out.push_str(&key);
            out.push('}');
            copied = candidate.end;
            parameters.insert(key, parameter);
        }
        out.push_str(&text[copied..]);
        Ok((out, Value::Object(parameters), mentions))
    }

    /// `POST /chat/{token}/read`: sets the read marker (default: the newest message). 0 means
    /// "everything unread" and is stored as [`UNREAD_FIRST_MESSAGE`], as upstream does.
    pub async fn set_read_marker(
        &self,
        actor: &Actor,
        token: &str,
        last_read: Option<i64>,
    ) -> Result<Member> {
        let mut member = self.ctx.member(actor, token).await?;
        let target = last_read.unwrap_or(member.room.last_message_id);
        if target < UNREAD_FIRST_MESSAGE {
            return Err(Error::Invalid("lastReadMessage"));
        }
        self.store_read_marker(&mut member, target).await?;
        Ok(member)
    }

    /// `DELETE /chat/{token}/read`: marks the newest comment unread.
    pub async fn mark_unread(&self, actor: &Actor, token: &str) -> Result<Member> {
        let mut member = self.ctx.member(actor, token).await?;
        let recent = self
            .ctx
            .store
            .messages_before(member.room.id, 0, 200)
            .await?;
        let newest_comment = recent
            .iter()
            .position(|m| m.message_type.is_visible_comment());
        let target = match newest_comment {
            Some(i) => match recent.get(i + 1) {
                Some(previous) => previous.id,
                None => self
                    .ctx
                    .store
                    .messages_before(member.room.id, recent[i].id, 1)
                    .await?
                    .first()
                    .map_or(0, |m| m.id),
            },
            None => member.attendee.last_read_message,
        };
        self.store_read_marker(&mut member, target).await?;
        Ok(member)
    }

    /// Stores `target` as the member's read marker right away (0, "everything unread", becomes
    /// [`UNREAD_FIRST_MESSAGE`]): replaces any polled marker of theirs waiting to be written and
    /// drops the room's cached common read marker, which the new one may lower.
    async fn store_read_marker(&self, member: &mut Member, target: i64) -> Result<()> {
        let target = if target == 0 {
            UNREAD_FIRST_MESSAGE
        } else {
            target
        };
        self.ctx.read_markers.discard(member.attendee.id);
        self.ctx.feed.room(member.room.id).set_common_read(None);
        self.ctx
            .store
            .mark_read(member.attendee.id, target, false)
            .await?;
        member.attendee.last_read_message = target;
        Ok(())
    }

    /// The lowest read marker among the room's users who share theirs
    /// (`X-Chat-Last-Common-Read`), unless `member` keeps their own private.
    pub async fn common_read_for(&self, member: &Member) -> Result<Option<i64>> {
        self.ctx.common_read_for(member).await
    }

    /// The reactions the viewer gave, per message (`reactionsSelf`), for messages with reactions.
    pub async fn own_reactions(
        &self,
        viewer: &Attendee,
        messages: &[Arc<Message>],
    ) -> Result<HashMap<i64, Vec<String>>> {
        let ids: Vec<i64> = messages
            .iter()
            .filter(|m| !m.reactions.is_empty())
            .map(|m| m.id)
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let own = self
            .ctx
            .store
            .reactions_of_actor(&ids, viewer.actor_type.as_str(), &viewer.actor_id)
            .await?;
        Ok(own
            .into_iter()
            .fold(HashMap::new(), |mut map, (id, reaction)| {
                map.entry(id).or_insert_with(Vec::new).push(reaction);
                map
            }))
    }

    /// The messages replies point at, for rendering `parent`; expired ones are left out, so
    /// they render as deleted.
    pub async fn parents(&self, messages: &[Arc<Message>]) -> Result<HashMap<i64, Message>> {
        let ids: Vec<i64> = messages
            .iter()
            .map(|m| m.parent_id)
            .filter(|id| *id > 0)
            .collect();
        let now = self.ctx.now();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(self
            .ctx
            .store
            .messages_by_ids(&ids)
            .await?
            .into_iter()
            .filter(|m| !m.is_expired(now))
            .map(|m| (m.id, m))
            .collect())
    }
}

/// Whether `@all` reaches everyone when `member` writes it: always, unless the room's mention
/// permissions (1) keep it to moderators.
pub(crate) fn may_mention_all(member: &Member) -> bool {
    member.room.mention_permissions == 0 || member.is_moderator()
}

/// A reference id as stored: longer ones are cut, not refused.
pub(crate) fn reference_id(raw: &str) -> String {
    raw.chars().take(MAX_REFERENCE_ID_CHARS).collect()
}

/// A message must have visible text and at most [`MAX_MESSAGE_CHARS`] characters.
pub(crate) fn check_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("message"));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(Error::TooLarge("message"));
    }
    Ok(())
}

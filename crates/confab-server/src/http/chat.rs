//! Chat API (v1): `/apps/spreed/api/v1/chat/{token}…` and reactions, and the `ChatMessage`
//! wire object, with system messages rendered for the viewer ("You added Bob" for the actor,
//! "Alice added you" for the one added).

use std::collections::HashMap;

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use confab_core::chat::{Message, MessageType, Pin, Reaction, Receive, Received, SendMessage};
use confab_core::Error;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::{empty, Ocs};
use super::params::Params;
use super::room::TalkRoom;
use super::{AppState, RoomToken};

/// Who looks at a message: their actor type and id.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub actor_type: &'a str,
    pub actor_id: &'a str,
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
        "moderator_promoted" => ("{actor} promoted {user} to moderator", "You promoted {user} to moderator"),
        "moderator_demoted" => ("{actor} demoted {user} from moderator", "You demoted {user} from moderator"),
        "guest_moderator_promoted" => ("{actor} promoted {guest} to moderator", "You promoted {guest} to moderator"),
        "guest_moderator_demoted" => ("{actor} demoted {guest} from moderator", "You demoted {guest} from moderator"),
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
        ("user_added", false, true) => "{actor} added you".to_owned(),
        ("user_removed", false, true) => "{actor} removed you".to_owned(),
        ("moderator_promoted", false, true) => "{actor} promoted you to moderator".to_owned(),
        ("moderator_demoted", false, true) => "{actor} demoted you from moderator".to_owned(),
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
    fn with_parent(
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &v1("/chat/{token}"),
            get(receive_messages)
                .post(send_message)
                .delete(clear_history),
        )
        .route(
            &v1("/chat/{token}/read"),
            post(set_read_marker).delete(mark_unread),
        )
        .route(&v1("/chat/{token}/mentions"), get(mentions))
        .route(
            &v1("/chat/{token}/{message_id}"),
            put(edit_message).delete(delete_message),
        )
        .route(
            &v1("/chat/{token}/{message_id}/context"),
            get(get_message_context),
        )
        .route(
            &v1("/reaction/{token}/{message_id}"),
            post(react).delete(delete_reaction).get(get_reactions),
        )
}

fn v1(path: &str) -> String {
    format!("/apps/spreed/api/v1{path}")
}

/// A message id from the path; anything but digits is a 404 like upstream's route pattern.
pub(super) fn message_id(path: &HashMap<String, String>) -> Result<i64, ApiError> {
    path.get("message_id")
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|id| id.parse().ok())
        .ok_or(ApiError(Error::NotFound("message")))
}

fn viewer_of<'a>(actor_type: &'a str, actor_id: &'a str) -> Viewer<'a> {
    Viewer {
        actor_type,
        actor_id,
    }
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/chat/{token}` (capability `chat-v2`)
async fn send_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let request = SendMessage {
        message: params.str_or("message", "")?,
        actor_display_name: params.str("actorDisplayName")?,
        reference_id: params.str_or("referenceId", "")?,
        reply_to: params.int_or("replyTo", 0)?,
        silent: params.bool_or("silent", false)?,
    };
    let (message, parent) = state.services.chat.send(&actor, &token, request).await?;
    let viewer = viewer_of(actor_type_str(&message), &message.actor_id);
    let parents: HashMap<i64, Message> = parent.into_iter().map(|p| (p.id, p)).collect();
    let wire = ChatMessage::new(&message, &token, Some(viewer)).with_parent(
        &message,
        &parents,
        Some(viewer),
    );
    Ok(Ocs::created(wire))
}

fn actor_type_str(message: &Message) -> &'static str {
    confab_core::participant::ActorType::parse(&message.actor_type).map_or("users", |t| t.as_str())
}

/// Renders a list answer with parents and the caller's own reactions.
async fn message_list(
    state: &AppState,
    token: &str,
    received: &Received,
) -> Result<Vec<ChatMessage>, ApiError> {
    let viewer = viewer_of(
        received.viewer.actor_type.as_str(),
        &received.viewer.actor_id,
    );
    let chat = &state.services.chat;
    let parents = chat.parents(&received.messages).await?;
    let mut own = chat
        .own_reactions(&received.viewer, &received.messages)
        .await?;
    Ok(received
        .messages
        .iter()
        .map(|m| {
            let mut wire =
                ChatMessage::new(m, token, Some(viewer)).with_parent(m, &parents, Some(viewer));
            wire.reactions_self = own.remove(&m.id);
            wire
        })
        .collect())
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/chat/{token}` (capability `chat-v2`): history or long poll.
async fn receive_messages(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> Result<Response, ApiError> {
    let request = Receive {
        look_into_future: params.bool_or("lookIntoFuture", false)?,
        limit: params.int_or("limit", 100)?,
        last_known: params.int_or("lastKnownMessageId", 0)?,
        include_last_known: params.bool_or("includeLastKnown", false)?,
        timeout: Duration::from_secs(params.int_or("timeout", 30)?.clamp(0, 30) as u64),
        set_read_marker: params.bool_or("setReadMarker", true)?,
        last_common_read: params.int_or("lastCommonReadId", 0)?,
    };
    let shutdown = state.shutdown.clone();
    let received = state
        .services
        .chat
        .receive(&actor, &token, request, shutdown.cancelled_owned())
        .await?;
    message_answer(&state, &token, received).await
}

/// A list of messages with `X-Chat-Last-Given` and `X-Chat-Last-Common-Read`, or 304.
async fn message_answer(
    state: &AppState,
    token: &str,
    received: Option<Received>,
) -> Result<Response, ApiError> {
    let Some(received) = received else {
        return Ok(empty(StatusCode::NOT_MODIFIED));
    };
    let list = message_list(state, token, &received).await?;
    let mut answer = Ocs::ok(list).header("x-chat-last-common-read", &received.last_common_read);
    if let Some(last_given) = received.last_given {
        answer = answer.header("x-chat-last-given", &last_given);
    }
    Ok(answer.into_response())
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/chat/{token}` (capability `clear-history`)
async fn clear_history(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let note = state.services.chat.clear(&actor, &token).await?;
    let viewer = viewer_of(actor_type_str(&note), &note.actor_id);
    Ok(Ocs::ok(ChatMessage::new(&note, &token, Some(viewer))))
}

/// Answers an edit, delete or pin: the note, with the changed message as its parent.
pub(super) fn note_answer(token: &str, note: &Message, changed: &Message) -> Ocs {
    let viewer = viewer_of(actor_type_str(note), &note.actor_id);
    let parents = HashMap::from([(changed.id, changed.clone())]);
    Ocs::ok(ChatMessage::new(note, token, Some(viewer)).with_parent(note, &parents, Some(viewer)))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}` (capability `edit-messages`)
async fn edit_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let id = message_id(&path)?;
    let text = params.str_or("message", "")?;
    let (note, edited) = state.services.chat.edit(&actor, &token, id, &text).await?;
    Ok(note_answer(&token, &note, &edited))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}` (capability `delete-messages`)
async fn delete_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    let id = message_id(&path)?;
    let (note, placeholder) = state.services.chat.delete(&actor, &token, id).await?;
    Ok(note_answer(&token, &note, &placeholder))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}/context` (capability `chat-get-context`)
async fn get_message_context(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = message_id(&path)?;
    let limit = params.int_or("limit", 50)?;
    let received = state
        .services
        .chat
        .context(&actor, &token, id, limit)
        .await?;
    message_answer(&state, &token, received).await
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/chat/{token}/read` (`lastReadMessage`, capability `chat-read-marker`)
async fn set_read_marker(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let last = params.int("lastReadMessage")?;
    let member = state
        .services
        .chat
        .set_read_marker(&actor, &token, last)
        .await?;
    read_marker_answer(&state, member).await
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/chat/{token}/read` (capability `chat-unread`)
async fn mark_unread(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let member = state.services.chat.mark_unread(&actor, &token).await?;
    read_marker_answer(&state, member).await
}

async fn read_marker_answer(state: &AppState, member: confab_core::access::Member) -> ApiResult {
    let common = state.services.chat.last_common_read(member.room.id).await?;
    let view = state.services.rooms.view_of(member).await?;
    Ok(Ocs::ok(TalkRoom::new(&view)).header("x-chat-last-common-read", &common))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suggestion {
    id: String,
    label: String,
    source: &'static str,
    mention_id: String,
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/chat/{token}/mentions` (`search`, `limit`)
async fn mentions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let search = params.str_or("search", "")?;
    let limit = params.int_or("limit", 20)?;
    let found = state
        .services
        .chat
        .mention_suggestions(&actor, &token, &search, limit)
        .await?;
    let list: Vec<Suggestion> = found
        .into_iter()
        .map(|s| Suggestion {
            id: s.id,
            label: s.label,
            source: s.source,
            mention_id: s.mention_id,
        })
        .collect();
    Ok(Ocs::ok(list))
}

/// Reactions grouped by emoji, as `{emoji: [{actorType, actorId, actorDisplayName, timestamp}]}`.
fn reaction_map(reactions: &[Reaction]) -> Value {
    let mut map = Map::new();
    for r in reactions {
        let entry = map.entry(r.reaction.clone()).or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(json!({"actorType": r.actor_type, "actorId": r.actor_id, "actorDisplayName": r.actor_display_name, "timestamp": r.created_at}));
        }
    }
    Value::Object(map)
}

fn reaction_param(params: &Params) -> Result<String, ApiError> {
    params
        .str("reaction")?
        .ok_or(ApiError::bad_param("reaction"))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/reaction/{token}/{messageId}` (capability `reactions`)
async fn react(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let id = message_id(&path)?;
    let (added, all) = state
        .services
        .chat
        .react(&actor, &token, id, &reaction_param(&params)?)
        .await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Ocs::with_status(status, reaction_map(&all)))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/reaction/{token}/{messageId}` (capability `reactions`)
async fn delete_reaction(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let id = message_id(&path)?;
    let all = state
        .services
        .chat
        .unreact(&actor, &token, id, &reaction_param(&params)?)
        .await?;
    Ok(Ocs::ok(reaction_map(&all)))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/reaction/{token}/{messageId}` (capability `reactions`)
async fn get_reactions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let id = message_id(&path)?;
    let filter = params.str("reaction")?;
    let all = state
        .services
        .chat
        .reactions(&actor, &token, id, filter.as_deref())
        .await?;
    Ok(Ocs::ok(reaction_map(&all)))
}

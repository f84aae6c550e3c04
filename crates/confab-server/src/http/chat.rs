//! Chat API (v1): `/apps/spreed/api/v1/chat/{token}…`. The `ChatMessage` wire object lives
//! in [`super::message`].

use std::collections::HashMap;

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use confab_core::chat::{Message, Receive, Received, SendMessage};
use confab_core::Error;
use serde::Serialize;

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::{empty, Ocs};
use super::params::Params;
use super::room::TalkRoom;
use super::{AppState, RoomToken};

pub use super::message::{ChatMessage, Viewer};

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
    let sent = state.services.chat.send(&actor, &token, request).await?;
    let message = &sent.message;
    let viewer = Viewer::author(message);
    let parents: HashMap<i64, Message> = sent.parent.into_iter().map(|p| (p.id, p)).collect();
    let wire = ChatMessage::new(message, &token, Some(viewer)).with_parent(
        message,
        &parents,
        Some(viewer),
    );
    Ok(with_common_read(Ocs::created(wire), sent.last_common_read))
}

/// Renders a list answer with parents and the caller's own reactions.
async fn message_list(
    state: &AppState,
    token: &str,
    received: &Received,
) -> Result<Vec<ChatMessage>, ApiError> {
    let viewer = Viewer::attendee(&received.viewer);
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
    let mut answer = with_common_read(Ocs::ok(list), received.last_common_read);
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
    let viewer = Viewer::author(&note);
    Ok(Ocs::ok(ChatMessage::new(&note, &token, Some(viewer))))
}

/// Answers an edit, delete or pin: the note, with the changed message as its parent.
pub(super) fn note_answer(token: &str, note: &Message, changed: &Message) -> Ocs {
    let viewer = Viewer::author(note);
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
    let common = state.services.chat.common_read_for(&member).await?;
    let view = state.services.rooms.view_of(member).await?;
    Ok(with_common_read(Ocs::ok(TalkRoom::new(&view)), common))
}

/// `X-Chat-Last-Common-Read`, for callers who share their own read status.
pub(super) fn with_common_read(answer: Ocs, common: Option<i64>) -> Ocs {
    match common {
        Some(common) => answer.header("x-chat-last-common-read", &common),
        None => answer,
    }
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

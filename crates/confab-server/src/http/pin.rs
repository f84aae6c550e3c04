//! Pinned messages (chat API v1): `/apps/spreed/api/v1/chat/{token}/{messageId}/pin…`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::{delete, post};
use axum::Router;

use super::auth::Caller;
use super::chat::{message_id, note_answer};
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v1/chat/{token}/{message_id}/pin";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PREFIX, post(pin_message).delete(unpin_message))
        .route(&format!("{PREFIX}/self"), delete(hide_pinned_message))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}/pin` (`pinUntil`, capability
/// `pinned-messages`): answers the `message_pinned` note with the pinned message as parent, or
/// `null` when the message was pinned already.
async fn pin_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let id = message_id(&path)?;
    let until = params.int_or("pinUntil", 0)?;
    let pinned = state.services.chat.pin(&actor, &token, id, until).await?;
    if until > 0 {
        state.pin_timers.notify_one();
    }
    Ok(match pinned {
        Some((note, message)) => note_answer(&token, &note, &message),
        None => Ocs::null(),
    })
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}/pin` (capability
/// `pinned-messages`): the `message_unpinned` note with the message as parent, or `null` when
/// it was not pinned.
async fn unpin_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    let id = message_id(&path)?;
    Ok(match state.services.chat.unpin(&actor, &token, id).await? {
        Some((note, message)) => note_answer(&token, &note, &message),
        None => Ocs::null(),
    })
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/chat/{token}/{messageId}/pin/self` (capability
/// `pinned-messages`): hides the pin for the caller; `null`.
async fn hide_pinned_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    let id = message_id(&path)?;
    state.services.chat.hide_pin(&actor, &token, id).await?;
    Ok(Ocs::null())
}

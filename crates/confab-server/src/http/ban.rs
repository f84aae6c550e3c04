//! Bans API (v1, capability `ban-v1`): `/apps/spreed/api/v1/ban/{token}…` and the `Ban` wire
//! object.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::{delete, get};
use axum::Router;
use confab_core::ban::{Ban as DomainBan, BanRequest};
use serde::Serialize;
use serde_json::json;

use super::auth::Caller;
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v1/ban/{token}";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PREFIX, get(list_bans).post(ban_actor))
        .route(&format!("{PREFIX}/{{ban_id}}"), delete(unban_actor))
}

/// The `Ban` schema of upstream's OpenAPI.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ban {
    id: i64,
    moderator_actor_type: &'static str,
    moderator_actor_id: String,
    moderator_display_name: String,
    banned_actor_type: &'static str,
    banned_actor_id: String,
    banned_display_name: String,
    banned_time: i64,
    internal_note: String,
}

impl From<DomainBan> for Ban {
    fn from(b: DomainBan) -> Self {
        Self {
            id: b.id,
            moderator_actor_type: b.moderator_actor_type.as_str(),
            moderator_actor_id: b.moderator_actor_id,
            moderator_display_name: b.moderator_display_name,
            banned_actor_type: b.banned_actor_type.as_str(),
            banned_actor_id: b.banned_actor_id,
            banned_display_name: b.banned_display_name,
            banned_time: b.banned_time,
            internal_note: b.internal_note,
        }
    }
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/ban/{token}` (`actorType`, `actorId`, `internalNote`; capability `ban-v1`)
async fn ban_actor(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let actor_type = params.str_or("actorType", "")?;
    let actor_id = params.str_or("actorId", "")?;
    let internal_note = params.str_or("internalNote", "")?;
    let request = BanRequest {
        actor_type: &actor_type,
        actor_id: &actor_id,
        internal_note: &internal_note,
    };
    let ban = state.services.bans.ban(&actor, &token, request).await?;
    Ok(Ocs::ok(Ban::from(ban)))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/ban/{token}` (capability `ban-v1`)
async fn list_bans(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let bans = state.services.bans.list(&actor, &token).await?;
    Ok(Ocs::ok(bans.into_iter().map(Ban::from).collect::<Vec<_>>()))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/ban/{token}/{banId}` (capability `ban-v1`)
///
/// Always `[]`, as upstream, also when the conversation has no such ban.
async fn unban_actor(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    let ban_id = path.get("ban_id").and_then(|id| id.parse().ok());
    state.services.bans.unban(&actor, &token, ban_id).await?;
    Ok(Ocs::ok(json!([])))
}

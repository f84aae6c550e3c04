//! Reactions API (v1): `/apps/spreed/api/v1/reaction/{token}/{messageId}`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use confab_core::chat::Reaction;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::chat::message_id;
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/apps/spreed/api/v1/reaction/{token}/{message_id}",
        post(react).delete(delete_reaction).get(get_reactions),
    )
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
        .react(&actor, &token, id, &params.required_str("reaction")?)
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
        .unreact(&actor, &token, id, &params.required_str("reaction")?)
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

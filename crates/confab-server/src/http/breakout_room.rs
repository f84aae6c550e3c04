//! Breakout Rooms API (v1): `/apps/spreed/api/v1/breakout-rooms/{token}…`, and the listing
//! under the Conversations API (v4).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use confab_core::breakout_room::Configure;
use confab_core::room::RoomView;
use serde_json::Value;

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::room::TalkRoom;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v1/breakout-rooms/{token}";

pub fn routes() -> Router<AppState> {
    let r = |path: &str| format!("{PREFIX}{path}");
    Router::new()
        .route(
            PREFIX,
            post(configure_breakout_rooms).delete(remove_breakout_rooms),
        )
        .route(
            &r("/rooms"),
            post(start_breakout_rooms).delete(stop_breakout_rooms),
        )
        .route(&r("/broadcast"), post(broadcast_chat_message))
        .route(&r("/attendees"), post(apply_attendee_map))
        .route(
            &r("/request-assistance"),
            post(request_assistance).delete(reset_request_for_assistance),
        )
        .route(&r("/switch"), post(switch_breakout_room))
        .route(
            "/apps/spreed/api/v4/room/{token}/breakout-rooms",
            get(get_breakout_rooms),
        )
        .route(
            "/apps/spreed/api/v4/room/{token}/breakout-rooms/participants",
            get(get_breakout_room_participants),
        )
}

fn rooms(views: &[RoomView]) -> Vec<TalkRoom> {
    views.iter().map(TalkRoom::new).collect()
}

/// `attendeeMap` is a JSON string; a JSON client may also send the object itself.
fn attendee_map(params: &Params) -> Result<String, ApiError> {
    match params.raw("attendeeMap") {
        Some(Value::Object(map)) => Ok(Value::Object(map.clone()).to_string()),
        Some(Value::Array(list)) => Ok(Value::Array(list.clone()).to_string()),
        _ => Ok(params.str_or("attendeeMap", "[]")?),
    }
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}` (capability `breakout-rooms-v1`;
/// `names` with `breakout-rooms-names`)
async fn configure_breakout_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let names = match params.raw("names") {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|n| {
                n.as_str()
                    .map(str::to_owned)
                    .ok_or(ApiError::bad_param("names"))
            })
            .collect::<Result<_, _>>()?,
        Some(Value::String(text)) => {
            serde_json::from_str::<Vec<String>>(text).map_err(|_| ApiError::bad_param("names"))?
        }
        Some(_) => return Err(ApiError::bad_param("names")),
    };
    let request = Configure {
        mode: params.required_int("mode")?,
        amount: params.required_int("amount")?,
        attendee_map: attendee_map(&params)?,
        names,
    };
    let views = state
        .services
        .breakout_rooms
        .configure(&actor, &token, request)
        .await?;
    Ok(Ocs::ok(rooms(&views)))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}` (capability `breakout-rooms-v1`)
async fn remove_breakout_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let parent = state.services.breakout_rooms.remove(&actor, &token).await?;
    Ok(Ocs::ok(TalkRoom::new(&parent)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/rooms` (capability `breakout-rooms-v1`)
async fn start_breakout_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let views = state
        .services
        .breakout_rooms
        .set_started(&actor, &token, true)
        .await?;
    Ok(Ocs::ok(rooms(&views)))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/rooms` (capability `breakout-rooms-v1`)
async fn stop_breakout_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let views = state
        .services
        .breakout_rooms
        .set_started(&actor, &token, false)
        .await?;
    Ok(Ocs::ok(rooms(&views)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/broadcast` (`message`, capability `breakout-rooms-v1`)
async fn broadcast_chat_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let message = params.required_str("message")?;
    let views = state
        .services
        .breakout_rooms
        .broadcast(&actor, &token, &message)
        .await?;
    Ok(Ocs::with_status(StatusCode::CREATED, rooms(&views)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/attendees` (`attendeeMap`, capability `breakout-rooms-v1`)
async fn apply_attendee_map(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let map = attendee_map(&params)?;
    let views = state
        .services
        .breakout_rooms
        .reassign(&actor, &token, &map)
        .await?;
    Ok(Ocs::ok(rooms(&views)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/request-assistance` (capability `breakout-rooms-v1`)
async fn request_assistance(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let view = state
        .services
        .breakout_rooms
        .set_assistance(&actor, &token, true)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(&view)))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/request-assistance` (capability `breakout-rooms-v1`)
async fn reset_request_for_assistance(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let view = state
        .services
        .breakout_rooms
        .set_assistance(&actor, &token, false)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(&view)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/breakout-rooms/{token}/switch` (`target`, capability `breakout-rooms-v1`)
async fn switch_breakout_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let target = params.str_or("target", "")?;
    let view = state
        .services
        .breakout_rooms
        .switch(&actor, &token, &target)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(&view)))
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}/breakout-rooms` (capability `breakout-rooms-v1`)
async fn get_breakout_rooms(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let views = state.services.breakout_rooms.list(&actor, &token).await?;
    Ok(Ocs::ok(rooms(&views)))
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}/breakout-rooms/participants` (capability `breakout-rooms-v1`)
async fn get_breakout_room_participants(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let entries = state
        .services
        .breakout_rooms
        .participants(&actor, &token)
        .await?;
    Ok(Ocs::ok(super::participant::participant_list(
        &actor, entries,
    )))
}

//! Conversation settings under the Conversations API (v4): the room's own (description,
//! guest access, password, read-only, listable, lobby, permissions, message expiration) and
//! the caller's preferences for it (favorite, archived, important, sensitive, notifications).

use axum::extract::{Path, State};
use axum::routing::{post, put, MethodRouter};
use axum::Router;
use confab_core::room::AttendeeFlag;

use super::auth::Caller;
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::room::{room_answer, TalkRoom};
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v4/room/{token}";

pub fn routes() -> Router<AppState> {
    let r = |path: &str| format!("{PREFIX}{path}");
    Router::new()
        .route(&r("/description"), put(set_description))
        .route(&r("/public"), post(make_public).delete(make_private))
        .route(&r("/password"), put(set_password))
        .route(&r("/read-only"), put(set_read_only))
        .route(&r("/listable"), put(set_listable))
        .route(&r("/favorite"), flag_routes(AttendeeFlag::Favorite))
        .route(&r("/archive"), flag_routes(AttendeeFlag::Archived))
        .route(&r("/important"), flag_routes(AttendeeFlag::Important))
        .route(&r("/sensitive"), flag_routes(AttendeeFlag::Sensitive))
        .route(&r("/notify"), post(set_notification_level))
        .route(&r("/notify-calls"), post(set_notification_calls))
        .route(&r("/webinar/lobby"), put(set_lobby))
        .route(&r("/permissions/{mode}"), put(set_permissions))
        .route(&r("/message-expiration"), post(set_message_expiration))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/description` (capability `room-description`)
async fn set_description(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let description = params.str_or("description", "")?;
    state
        .services
        .rooms
        .set_description(&actor, &token, &description)
        .await?;
    Ok(Ocs::null())
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/public` (`password`, capability `conversation-creation-password`)
async fn make_public(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let password = params.str_or("password", "")?;
    let rooms = &state.services.rooms;
    if password.is_empty() {
        rooms.set_public(&actor, &token, true).await?;
    } else {
        rooms
            .make_public_with_password(&actor, &token, &password)
            .await?;
    }
    Ok(Ocs::null())
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}/public`
async fn make_private(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    state
        .services
        .rooms
        .set_public(&actor, &token, false)
        .await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/password` (`password`)
async fn set_password(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let password = params.str_or("password", "")?;
    state
        .services
        .rooms
        .set_password(&actor, &token, &password)
        .await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/read-only` (`state`, capability `read-only-rooms`)
async fn set_read_only(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let value = params.required_int("state")?;
    state
        .services
        .rooms
        .set_read_only(&actor, &token, value)
        .await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/listable` (`scope`, capability `listable-rooms`)
async fn set_listable(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let scope = params.required_int("scope")?;
    state
        .services
        .rooms
        .set_listable(&actor, &token, scope)
        .await?;
    Ok(Ocs::null())
}

async fn set_flag(
    state: AppState,
    actor: confab_core::Actor,
    token: String,
    flag: AttendeeFlag,
    on: bool,
) -> ApiResult {
    let view = state
        .services
        .rooms
        .set_flag(&actor, &token, flag, on)
        .await?;
    Ok(match flag {
        AttendeeFlag::Favorite => Ocs::null(),
        AttendeeFlag::Archived | AttendeeFlag::Important | AttendeeFlag::Sensitive => {
            Ocs::ok(TalkRoom::new(&view))
        }
    })
}

/// `POST` sets and `DELETE` clears one of the caller's own flags for the room: `/favorite`
/// (capability `favorites`), `/archive` (`archived-conversations-v2`), `/important`
/// (`important-conversations`), `/sensitive` (`sensitive-conversations`).
fn flag_routes(flag: AttendeeFlag) -> MethodRouter<AppState> {
    let handler = move |on: bool| {
        move |State(s): State<AppState>, Caller(a): Caller, RoomToken(t): RoomToken| {
            set_flag(s, a, t, flag, on)
        }
    };
    post(handler(true)).delete(handler(false))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/notify` (`level`, capability `notification-levels`)
async fn set_notification_level(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let level = params.required_int("level")?;
    state
        .services
        .rooms
        .set_notification_level(&actor, &token, level)
        .await?;
    Ok(Ocs::null())
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/notify-calls` (`level`, capability `notification-calls`)
async fn set_notification_calls(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let level = params.required_int("level")?;
    state
        .services
        .rooms
        .set_notification_calls(&actor, &token, level)
        .await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/webinar/lobby` (`state`, `timer`, capability `webinary-lobby`)
async fn set_lobby(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let lobby = params.required_int("state")?;
    let timer = params.int("timer")?;
    let view = state
        .services
        .rooms
        .set_lobby(&actor, &token, lobby, timer)
        .await?;
    state.lobby_timers.notify_one();
    Ok(room_answer(&state, &view))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/permissions/{mode}` (capability `conversation-permissions`)
async fn set_permissions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path((_, mode)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let permissions = params.required_int("permissions")?;
    let view = state
        .services
        .rooms
        .set_default_permissions(&actor, &token, &mode, permissions)
        .await?;
    Ok(room_answer(&state, &view))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/message-expiration` (`seconds`)
async fn set_message_expiration(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let seconds = params.required_int("seconds")?;
    state
        .services
        .rooms
        .set_message_expiration(&actor, &token, seconds)
        .await?;
    Ok(Ocs::null())
}

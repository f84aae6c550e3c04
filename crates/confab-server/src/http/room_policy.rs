//! Conversation policies under the Conversations API (v4): mention permissions, recording
//! consent and SIP dial-in (`/apps/spreed/api/v4/room/{token}/…`).

use axum::extract::State;
use axum::routing::put;
use axum::Router;

use super::auth::Caller;
use super::error::ApiResult;
use super::ocs::Ocs;
use super::params::Params;
use super::room::TalkRoom;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v4/room/{token}";

pub fn routes() -> Router<AppState> {
    let r = |path: &str| format!("{PREFIX}{path}");
    Router::new()
        .route(&r("/mention-permissions"), put(set_mention_permissions))
        .route(&r("/recording-consent"), put(set_recording_consent))
        .route(&r("/webinar/sip"), put(set_sip_enabled))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/mention-permissions` (`mentionPermissions`, capability `mention-permissions`)
async fn set_mention_permissions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let value = params.required_int("mentionPermissions")?;
    let view = state
        .services
        .rooms
        .set_mention_permissions(&actor, &token, value)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(&view)))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/recording-consent` (`recordingConsent`, capability `recording-consent`)
async fn set_recording_consent(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let value = params.required_int("recordingConsent")?;
    let view = state
        .services
        .rooms
        .set_recording_consent(&actor, &token, value)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(&view)))
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/webinar/sip` (`state`; no SIP bridge, so
/// `config.call.sip-enabled` is false and this always refuses)
async fn set_sip_enabled(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let value = params.required_int("state")?;
    state
        .services
        .rooms
        .set_sip_enabled(&actor, &token, value)
        .await?;
    Ok(Ocs::null())
}

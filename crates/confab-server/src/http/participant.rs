//! Participants API (v4): `/apps/spreed/api/v4/room/{token}/participants…`, moderators,
//! attendee permissions, and guest names (`/api/v1/guest/{token}/name`).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post, put};
use axum::Router;
use confab_core::participant::{AddOutcome, ParticipantEntry};
use confab_core::Error;
use serde::Serialize;
use serde_json::json;

use super::auth::{refused, throttle, with_throttle_header, Caller, RemoteIp, ROOM_PASSWORD};
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::room::TalkRoom;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v4/room/{token}";

pub fn routes() -> Router<AppState> {
    let r = |path: &str| format!("{PREFIX}{path}");
    Router::new()
        .route(
            &r("/participants"),
            axum::routing::get(get_participants).post(add_participant_to_room),
        )
        .route(&r("/attendees"), delete(remove_attendee_from_room))
        .route(&r("/attendees/permissions"), put(set_attendee_permissions))
        .route(
            &r("/attendees/invitation"),
            axum::routing::get(get_email_guest_invitation),
        )
        .route(
            &r("/participants/active"),
            post(join_room).delete(leave_room),
        )
        .route(&r("/participants/state"), put(set_session_state))
        .route(&r("/import-emails"), post(import_emails_as_participants))
        .route(
            &r("/participants/resend-invitations"),
            post(resend_invitations),
        )
        .route(
            &r("/moderators"),
            post(promote_moderator).delete(demote_moderator),
        )
        .route(
            "/apps/spreed/api/v1/guest/{token}/name",
            post(set_display_name),
        )
}

/// The `Participant` schema of upstream's OpenAPI.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    room_token: String,
    in_call: i64,
    last_ping: i64,
    session_ids: Vec<String>,
    participant_type: i64,
    attendee_id: i64,
    actor_id: String,
    actor_type: &'static str,
    display_name: String,
    permissions: i64,
    attendee_permissions: i64,
    attendee_pin: String,
    phone_number: String,
    call_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    invited_actor_id: Option<String>,
}

impl Participant {
    /// `show_invites`: moderators see the address an email guest was invited with.
    fn new(entry: ParticipantEntry, show_invites: bool) -> Self {
        let a = entry.attendee;
        Self {
            room_token: entry.room_token,
            in_call: entry.in_call,
            last_ping: entry.last_ping,
            session_ids: entry.session_ids,
            participant_type: a.participant_type.as_i64(),
            attendee_id: a.id,
            invited_actor_id: (show_invites && !a.invited_cloud_id.is_empty())
                .then_some(a.invited_cloud_id),
            actor_id: a.actor_id,
            actor_type: a.actor_type.as_str(),
            display_name: a.display_name,
            permissions: entry.permissions,
            attendee_permissions: a.permissions,
            attendee_pin: a.pin,
            phone_number: String::new(),
            call_id: String::new(),
        }
    }
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants`
async fn get_participants(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let entries = state.services.participants.list(&actor, &token).await?;
    let list = participant_list(&actor, entries);
    Ok(Ocs::ok(list).header("x-nextcloud-has-user-statuses", &"false"))
}

/// The wire list; moderators (judged by their entries) see email guests' addresses.
pub fn participant_list(
    actor: &confab_core::Actor,
    entries: Vec<ParticipantEntry>,
) -> Vec<Participant> {
    let is_moderator = actor.user_id().is_some_and(|id| {
        entries
            .iter()
            .any(|e| e.attendee.actor_id == id && e.attendee.participant_type.is_moderator())
    });
    entries
        .into_iter()
        .map(|e| Participant::new(e, is_moderator))
        .collect()
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants` (`newParticipant`, `source`)
async fn add_participant_to_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let new_participant = params.str_or("newParticipant", "")?;
    let source = params.str_or("source", "users")?;
    let outcome = state
        .services
        .participants
        .add(&actor, &token, new_participant.trim(), &source)
        .await?;
    Ok(match outcome {
        AddOutcome::Added => Ocs::ok(json!([])),
        AddOutcome::RoomTypeChanged(room_type) => Ocs::ok(json!({ "type": room_type.as_i64() })),
    })
}

/// The `file` of a multipart upload as text, and its other fields as parameters.
async fn upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, Params), ApiError> {
    let bad = |err: axum::extract::multipart::MultipartError| {
        if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(Error::TooLarge("body"))
        } else {
            ApiError::bad_param("file")
        }
    };
    let mut multipart = multipart.map_err(|_| ApiError::bad_param("file"))?;
    let (mut file, mut fields) = (None, Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let text = field.text().await.map_err(bad)?;
        if name == "file" {
            file = Some(text);
        } else {
            fields.push((name, text));
        }
    }
    let file = file.ok_or(ApiError::bad_param("file"))?;
    super::params::reject_nul(&file)?;
    Ok((file, Params::from_fields(fields)?))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/import-emails` (multipart `file`, `testRun`; capability `email-csv-import`)
async fn import_emails_as_participants(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult {
    let (csv, fields) = upload(multipart).await?;
    let test_run = fields.bool_or("testRun", false)?;
    let import = state
        .services
        .participants
        .import_emails(&actor, &token, &csv, test_run)
        .await?;
    let mut data = json!({"invites": import.invites, "duplicates": import.duplicates});
    if let Some(room_type) = import.room_type {
        data["type"] = json!(room_type.as_i64());
    }
    Ok(Ocs::ok(data))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants/resend-invitations` (`attendeeId`)
///
/// Invitations are mails; confab sends none, and says so after the usual checks.
async fn resend_invitations(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let attendee_id = params.int("attendeeId")?;
    state
        .services
        .participants
        .resend_invitations(&actor, &token, attendee_id)
        .await?;
    Ok(Ocs::null())
}

fn attendee_id(params: &Params) -> Result<i64, ApiError> {
    params
        .int("attendeeId")?
        .ok_or(ApiError(Error::NotFound("participant")))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}/attendees` (`attendeeId`)
async fn remove_attendee_from_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    state
        .services
        .participants
        .remove_attendee(&actor, &token, attendee_id(&params)?)
        .await?;
    Ok(Ocs::null())
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants/self`
pub async fn remove_self_from_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    state.services.participants.leave(&actor, &token).await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/attendees/permissions` (`attendeeId`, `method`, `permissions`)
///
/// Answers the target's updated participant list entry, as a one-element list.
async fn set_attendee_permissions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let method = params.str_or("method", "set")?;
    let permissions = params.required_int("permissions")?;
    let id = attendee_id(&params)?;
    let entry = state
        .services
        .participants
        .set_permissions(&actor, &token, id, &method, permissions)
        .await?;
    // Only moderators get here, and moderators see an email guest's address.
    Ok(Ocs::ok([Participant::new(entry, true)]))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants/active` (`password`, `force`)
///
/// Wrong room passwords are throttled per address like failed logins.
async fn join_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ip: RemoteIp,
    RoomToken(token): RoomToken,
    params: Params,
) -> Response {
    let waited = match throttle(&state, ip.0, ROOM_PASSWORD).await {
        Ok(waited) => waited,
        Err(err) => return refused(&state, err),
    };
    let response = match join(&state, &actor, &token, &params).await {
        Ok(member) => {
            // A successful join forgets earlier wrong passwords from this address, as upstream.
            state.services.throttler.reset(ip.0, ROOM_PASSWORD);
            match state.services.rooms.view_of(member).await {
                Ok(view) => Ocs::ok(TalkRoom::new(&view)).into_response(),
                Err(err) => ApiError(err).into_response(),
            }
        }
        Err(ApiError(Error::Forbidden(key @ ("password" | "invitation")))) => {
            state.services.throttler.record_failure(
                ip.0,
                ROOM_PASSWORD,
                state.services.context.now(),
            );
            ApiError(Error::Forbidden(key)).into_response()
        }
        Err(err) => err.into_response(),
    };
    with_throttle_header(response, waited)
}

/// Joins with the room password, or as an invited email guest when `email` or `access` is
/// given (capability `email-guest-access`).
async fn join(
    state: &AppState,
    actor: &confab_core::Actor,
    token: &str,
    params: &Params,
) -> Result<confab_core::access::Member, ApiError> {
    let participants = &state.services.participants;
    let email = params.str_or("email", "")?;
    let access = params.str_or("access", "")?;
    if !email.is_empty() || !access.is_empty() {
        return Ok(participants
            .join_with_invitation(actor, token, &email, &access)
            .await?);
    }
    let password = params.str_or("password", "")?;
    let force = params.bool_or("force", true)?;
    Ok(participants.join(actor, token, &password, force).await?)
}

/// `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}/attendees/invitation` (`attendeeId`, capability `email-guest-access`)
///
/// What an invited email guest's client joins with: `email` and `access`.
async fn get_email_guest_invitation(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let invitation = state
        .services
        .participants
        .invitation(&actor, &token, attendee_id(&params)?)
        .await?;
    Ok(Ocs::ok(json!({
        "attendeeId": invitation.attendee.id,
        "actorType": invitation.attendee.actor_type.as_str(),
        "actorId": invitation.attendee.actor_id,
        "email": invitation.email,
        "access": invitation.access,
    })))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants/active`
async fn leave_room(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    state
        .services
        .participants
        .leave_session(&actor, &token)
        .await?;
    Ok(Ocs::null())
}

/// `PUT /ocs/v2.php/apps/spreed/api/v4/room/{token}/participants/state` (`state`, capability `session-state`)
async fn set_session_state(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let value = params.required_int("state")?;
    let member = state
        .services
        .participants
        .set_session_state(&actor, &token, value)
        .await?;
    Ok(Ocs::ok(TalkRoom::new(
        &state.services.rooms.view_of(member).await?,
    )))
}

/// `POST /ocs/v2.php/apps/spreed/api/v4/room/{token}/moderators` (`attendeeId`)
async fn promote_moderator(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    state
        .services
        .participants
        .set_moderator(&actor, &token, attendee_id(&params)?, true)
        .await?;
    Ok(Ocs::null())
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v4/room/{token}/moderators` (`attendeeId`)
async fn demote_moderator(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    state
        .services
        .participants
        .set_moderator(&actor, &token, attendee_id(&params)?, false)
        .await?;
    Ok(Ocs::null())
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/guest/{token}/name` (`displayName`, capability `guest-display-names`)
async fn set_display_name(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let name = params.str_or("displayName", "")?;
    state
        .services
        .participants
        .set_guest_name(&actor, &token, &name)
        .await?;
    Ok(Ocs::null())
}

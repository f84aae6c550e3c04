//! Polls API (v1): `/apps/spreed/api/v1/poll/{token}…` and the `Poll` wire object.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use confab_core::chat::{PollRequest, PollView, PollVote};
use confab_core::Error;
use serde::Serialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::{AppState, RoomToken};

const PREFIX: &str = "/apps/spreed/api/v1/poll/{token}";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PREFIX, post(create_poll))
        .route(&format!("{PREFIX}/drafts"), get(get_all_draft_polls))
        .route(
            &format!("{PREFIX}/draft/{{poll_id}}"),
            post(update_draft_poll),
        )
        .route(
            &format!("{PREFIX}/{{poll_id}}"),
            get(show_poll).post(vote_poll).delete(close_poll),
        )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Vote {
    actor_type: String,
    actor_id: String,
    actor_display_name: String,
    option_id: i64,
}

/// The `Poll` schema: results only when the viewer may see them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Poll {
    id: i64,
    question: String,
    options: Vec<String>,
    /// `{"option-N": count}`, or `[]` while hidden (PHP's empty array).
    votes: Value,
    actor_type: String,
    actor_id: String,
    actor_display_name: String,
    status: i64,
    result_mode: i64,
    max_votes: i64,
    voted_self: Vec<i64>,
    num_voters: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Vec<Vote>>,
}

impl Poll {
    fn new(view: PollView) -> Self {
        let votes = match view.votes {
            Some(counts) if !counts.is_empty() => json!(counts),
            _ => json!([]),
        };
        let details = view.details.map(|d| {
            d.into_iter()
                .map(
                    |PollVote {
                         actor_type,
                         actor_id,
                         actor_display_name,
                         option_id,
                     }| Vote {
                        actor_type,
                        actor_id,
                        actor_display_name,
                        option_id,
                    },
                )
                .collect()
        });
        let p = view.poll;
        Self {
            id: p.id,
            question: p.question,
            options: p.options,
            votes,
            actor_type: p.actor_type,
            actor_id: p.actor_id,
            actor_display_name: p.actor_display_name,
            status: p.status,
            result_mode: p.result_mode,
            max_votes: p.max_votes,
            voted_self: view.voted_self,
            num_voters: view.num_voters,
            details,
        }
    }
}

fn poll_id(path: &HashMap<String, String>) -> Result<i64, ApiError> {
    path.get("poll_id")
        .and_then(|id| id.parse().ok())
        .ok_or(ApiError(Error::NotFound("poll")))
}

fn poll_request(params: &Params) -> Result<PollRequest, ApiError> {
    let options = match params.raw("options") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|o| {
                o.as_str()
                    .map(str::to_owned)
                    .ok_or(ApiError::bad_param("options"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Object(map)) => map
            .values()
            .map(|o| o.as_str().unwrap_or_default().to_owned())
            .collect(),
        None => Vec::new(),
        Some(_) => return Err(ApiError::bad_param("options")),
    };
    Ok(PollRequest {
        question: params.str_or("question", "")?,
        options,
        result_mode: params.int_or("resultMode", 0)?,
        max_votes: params.int_or("maxVotes", 0)?,
        draft: params.bool_or("draft", false)?,
    })
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/poll/{token}` (capability `talk-polls`; drafts `talk-polls-drafts`)
async fn create_poll(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    params: Params,
) -> ApiResult {
    let request = poll_request(&params)?;
    let draft = request.draft;
    let view = state
        .services
        .chat
        .create_poll(&actor, &token, request)
        .await?;
    let status = if draft {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(Ocs::with_status(status, Poll::new(view)))
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/poll/{token}/{pollId}` (capability `talk-polls`)
async fn show_poll(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    let view = state
        .services
        .chat
        .show_poll(&actor, &token, poll_id(&path)?)
        .await?;
    Ok(Ocs::ok(Poll::new(view)))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/poll/{token}/{pollId}` (`optionIds`, capability `talk-polls`)
async fn vote_poll(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let ids = match params.raw("optionIds") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
            .collect::<Option<Vec<i64>>>()
            .ok_or(ApiError(Error::Rejected))?,
        Some(Value::Object(map)) => map
            .values()
            .map(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
            .collect::<Option<Vec<i64>>>()
            .ok_or(ApiError(Error::Rejected))?,
        None => Vec::new(),
        Some(_) => return Err(ApiError(Error::Rejected)),
    };
    let view = state
        .services
        .chat
        .vote_poll(&actor, &token, poll_id(&path)?, &ids)
        .await?;
    Ok(Ocs::ok(Poll::new(view)))
}

/// `DELETE /ocs/v2.php/apps/spreed/api/v1/poll/{token}/{pollId}` (capability `talk-polls`):
/// closes a poll; a draft is deleted (202).
async fn close_poll(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult {
    Ok(
        match state
            .services
            .chat
            .close_poll(&actor, &token, poll_id(&path)?)
            .await?
        {
            Some(view) => Ocs::ok(Poll::new(view)),
            None => Ocs::with_status(StatusCode::ACCEPTED, Value::Null),
        },
    )
}

/// `GET /ocs/v2.php/apps/spreed/api/v1/poll/{token}/drafts` (capability `talk-polls-drafts`)
async fn get_all_draft_polls(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
) -> ApiResult {
    let drafts = state.services.chat.poll_drafts(&actor, &token).await?;
    Ok(Ocs::ok(
        drafts.into_iter().map(Poll::new).collect::<Vec<_>>(),
    ))
}

/// `POST /ocs/v2.php/apps/spreed/api/v1/poll/{token}/draft/{pollId}` (capability `edit-draft-poll`)
async fn update_draft_poll(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RoomToken(token): RoomToken,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult {
    let request = poll_request(&params)?;
    let view = state
        .services
        .chat
        .edit_poll_draft(&actor, &token, poll_id(&path)?, request)
        .await?;
    Ok(Ocs::ok(Poll::new(view)))
}

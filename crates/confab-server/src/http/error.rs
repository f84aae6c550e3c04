//! The one table from domain errors to HTTP status and OCS `error` key.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use confab_core::Error;
use serde_json::{json, Value};

use super::ocs::{Ocs, NOT_LOGGED_IN};

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

impl From<confab_core::StoreError> for ApiError {
    fn from(err: confab_core::StoreError) -> Self {
        Self(Error::Store(err))
    }
}

pub type ApiResult<T = Ocs> = Result<T, ApiError>;

/// Status for each domain error. No `_` arm: a new variant must be given its status here.
fn status_of(err: &Error) -> StatusCode {
    match err {
        Error::Unauthenticated | Error::InvalidCredentials => StatusCode::UNAUTHORIZED,
        Error::RoomNotFound | Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::NotModerator
        | Error::Forbidden(_)
        | Error::ReadOnly
        | Error::MissingPermission
        | Error::NotAdmin => StatusCode::FORBIDDEN,
        Error::LobbyActive | Error::NotConfigured(_) => StatusCode::PRECONDITION_FAILED,
        Error::Invalid(_) | Error::Rejected | Error::InvalidRows { .. } | Error::Avatar(_) => {
            StatusCode::BAD_REQUEST
        }
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::SessionConflict { .. } | Error::AlreadyExists(_) => StatusCode::CONFLICT,
        Error::Throttled => StatusCode::TOO_MANY_REQUESTS,
        Error::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
        Error::NotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
        Error::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// 400 for a request parameter that cannot be parsed; `key` is the parameter name.
    pub fn bad_param(key: &'static str) -> Self {
        Self(Error::Invalid(key))
    }

    pub fn to_ocs(&self) -> Ocs {
        let status = status_of(&self.0);
        let data: Value = match &self.0 {
            Error::SessionConflict {
                session_id,
                in_call,
                last_ping,
            } => {
                json!({"sessionId": session_id, "inCall": in_call, "lastPing": last_ping})
            }
            Error::InvalidRows { lines } => {
                json!({"error": "rows", "invalid": lines.len(), "invalidLines": lines})
            }
            // Upstream answers only `message`; the `error` key is confab's usual one.
            Error::Avatar(reason) => {
                json!({"error": reason.wire_key(), "message": reason.to_string()})
            }
            err => err
                .wire_key()
                .map_or_else(|| json!([]), |key| json!({ "error": key })),
        };
        let mut ocs = Ocs::with_status(status, data);
        match &self.0 {
            Error::Unauthenticated | Error::InvalidCredentials => {
                ocs.code = Some(NOT_LOGGED_IN);
                "Current user is not logged in".clone_into(&mut ocs.message);
            }
            Error::Store(source) => {
                // Logged once here, with the whole chain; the client gets a generic message.
                tracing::error!(error = %source, source = ?std::error::Error::source(source), "storage failure");
                "Internal error".clone_into(&mut ocs.message);
            }
            Error::NotAdmin => "Logged in account must be an admin".clone_into(&mut ocs.message),
            Error::Throttled => "Reached maximum delay".clone_into(&mut ocs.message),
            _ => {}
        }
        ocs
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.to_ocs().into_response()
    }
}

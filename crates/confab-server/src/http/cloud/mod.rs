//! Nextcloud core endpoints Talk clients use: the current user, and the provisioning subset an
//! administrator needs (users, groups, Talk app settings).
//!
//! Provisioning reports failures with Nextcloud's own status codes (101 invalid input, 102
//! exists already) instead of Talk's `error` keys; this module owns the routes, that numbering
//! and the administrator checks.
//!
//! - `users`: the current user and user accounts, with the groups a user is in.
//! - `groups`: groups and their members.
//! - `app_config`: the Talk app settings an administrator may change.

mod app_config;
mod groups;
mod users;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use confab_core::actor::UserRef;
use confab_core::Error;

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cloud/user", get(users::current_user))
        .route("/cloud/users", get(users::list_users).post(users::add_user))
        .route(
            "/cloud/users/{userid}",
            get(users::get_user)
                .put(users::edit_user)
                .delete(users::delete_user),
        )
        .route(
            "/cloud/users/{userid}/groups",
            get(users::user_groups)
                .post(groups::add_to_group)
                .delete(groups::remove_from_group),
        )
        .route(
            "/cloud/groups",
            get(groups::list_groups).post(groups::add_group),
        )
        .route(
            "/cloud/groups/{groupid}",
            get(groups::group_users).delete(groups::delete_group),
        )
        .route("/cloud/groups/{groupid}/users", get(groups::group_users))
        .route(
            "/apps/provisioning_api/api/v1/config/apps/spreed/{key}",
            post(app_config::set_app_config).delete(app_config::delete_app_config),
        )
}

/// Provisioning failures in Nextcloud's numbering. `missing` numbers what an endpoint reports
/// for a group or user that does not exist (`addToGroup`: group 102, user 103).
fn provisioning_ocs(err: &ApiError, missing: &[(&str, u16)]) -> Ocs {
    let code = match &err.0 {
        Error::AlreadyExists(_) => Some(102),
        Error::Invalid(_) => Some(101),
        Error::NotFound(key) => missing
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, code)| *code),
        _ => None,
    };
    let mut ocs = err.to_ocs();
    if let Some(code) = code {
        ocs.status = StatusCode::BAD_REQUEST;
        ocs.code = Some(code);
    }
    ocs
}

/// Runs a provisioning action and renders its failure in Nextcloud's numbering.
pub(super) async fn provision(action: impl std::future::Future<Output = ApiResult>) -> Ocs {
    provision_reporting(&[], action).await
}

/// Like [`provision`], with the endpoint's own codes for missing groups or users.
pub(super) async fn provision_reporting(
    missing: &[(&str, u16)],
    action: impl std::future::Future<Output = ApiResult>,
) -> Ocs {
    action
        .await
        .unwrap_or_else(|err| provisioning_ocs(&err, missing))
}

pub(super) fn require_admin(caller: &Caller) -> Result<&UserRef, ApiError> {
    let user = caller.0.require_user()?;
    if user.is_admin {
        Ok(user)
    } else {
        Err(ApiError(Error::NotAdmin))
    }
}

/// An administrator, or the user themselves.
pub(super) fn require_admin_or_self<'a>(
    caller: &'a Caller,
    userid: &str,
) -> Result<&'a UserRef, ApiError> {
    let user = caller.0.require_user()?;
    if user.is_admin || user.id == userid {
        Ok(user)
    } else {
        Err(ApiError(Error::NotAdmin))
    }
}

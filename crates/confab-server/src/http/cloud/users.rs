//! User provisioning: the current user, listing, creating, reading, editing and deleting user
//! accounts, and the groups a user is in.

use axum::extract::{Path, State};
use confab_core::account::User;
use confab_core::Error;
use serde::Serialize;
use serde_json::json;

use super::{provision, provision_reporting, require_admin, require_admin_or_self};
use crate::http::auth::Caller;
use crate::http::error::{ApiError, ApiResult};
use crate::http::ocs::Ocs;
use crate::http::params::Params;
use crate::http::AppState;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct UserDetails {
    id: String,
    enabled: bool,
    displayname: String,
    display_name: String,
    email: Option<String>,
    groups: Vec<String>,
    backend: &'static str,
    last_login: i64,
    language: &'static str,
    locale: &'static str,
}

async fn details(state: &AppState, user: User) -> Result<UserDetails, ApiError> {
    let groups = state.services.accounts.groups_of(&user).await?;
    Ok(UserDetails {
        email: (!user.email.is_empty()).then_some(user.email),
        displayname: user.display_name.clone(),
        display_name: user.display_name,
        id: user.id,
        enabled: true,
        groups,
        backend: "Database",
        last_login: 0,
        language: "en",
        locale: "",
    })
}

/// `GET /ocs/v{1,2}.php/cloud/user`
pub(super) async fn current_user(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.0.require_user()?;
    let user = state
        .services
        .accounts
        .user(&me.id)
        .await?
        .ok_or(ApiError(Error::Unauthenticated))?;
    Ok(Ocs::ok(details(&state, user).await?))
}

/// `GET /ocs/v{1,2}.php/cloud/users` (`search`, `limit`, `offset`)
pub(super) async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        let search = params.str_or("search", "")?;
        let limit = params.int_or("limit", 500)?.clamp(1, 1000);
        let offset = params.int_or("offset", 0)?.max(0);
        let users = state
            .services
            .accounts
            .users(&search, limit, offset)
            .await?;
        Ok(Ocs::ok(
            json!({"users": users.into_iter().map(|u| u.id).collect::<Vec<_>>()}),
        ))
    })
    .await
}

/// `POST /ocs/v{1,2}.php/cloud/users` (`userid`, `password`, `displayName`, `email`, `groups[]`)
///
/// An existing user is 102 and an unknown group 104, checked in that order as upstream does.
pub(super) async fn add_user(State(state): State<AppState>, caller: Caller, params: Params) -> Ocs {
    provision_reporting(&[("group", 104)], async {
        require_admin(&caller)?;
        let userid = params.required_str("userid")?;
        let password = params.required_str("password")?;
        let display_name = params.str("displayName")?;
        let email = params.str_or("email", "")?;
        let groups = params.string_list("groups")?;
        let accounts = &state.services.accounts;
        if accounts.user(userid.trim()).await?.is_some() {
            return Err(ApiError(Error::AlreadyExists("user")));
        }
        for group in &groups {
            if accounts.groups(group).await?.iter().all(|g| &g.id != group) {
                return Err(ApiError(Error::NotFound("group")));
            }
        }
        let user = accounts
            .create_user(
                userid.trim(),
                &password,
                display_name.as_deref(),
                email.trim(),
            )
            .await?;
        for group in groups {
            accounts.add_group_member(&group, &user.id).await?;
        }
        Ok(Ocs::ok(json!({"id": user.id})))
    })
    .await
}

/// `GET /ocs/v{1,2}.php/cloud/users/{userid}`
pub(super) async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
) -> Ocs {
    provision(async {
        require_admin_or_self(&caller, &userid)?;
        let user = state
            .services
            .accounts
            .user(&userid)
            .await?
            .ok_or(ApiError(Error::NotFound("user")))?;
        Ok(Ocs::ok(details(&state, user).await?))
    })
    .await
}

/// `PUT /ocs/v{1,2}.php/cloud/users/{userid}` (`key` = displayname|email|password, `value`)
pub(super) async fn edit_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
    params: Params,
) -> Ocs {
    provision(async {
        require_admin_or_self(&caller, &userid)?;
        let key = params.str_or("key", "")?;
        let value = params.str_or("value", "")?;
        let accounts = &state.services.accounts;
        match key.as_str() {
            "displayname" | "display" => accounts.set_display_name(&userid, &value).await?,
            "email" => accounts.set_email(&userid, &value).await?,
            "password" => accounts.set_password(&userid, &value).await?,
            _ => return Err(ApiError::bad_param("key")),
        }
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `DELETE /ocs/v{1,2}.php/cloud/users/{userid}`
pub(super) async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
) -> Ocs {
    provision(async {
        let admin = require_admin(&caller)?;
        if admin.id == userid {
            return Err(ApiError::bad_param("userid"));
        }
        state.services.accounts.delete_user(&userid).await?;
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `GET /ocs/v{1,2}.php/cloud/users/{userid}/groups`
pub(super) async fn user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
) -> Ocs {
    provision(async {
        require_admin_or_self(&caller, &userid)?;
        let groups = state.services.accounts.user_groups(&userid).await?;
        Ok(Ocs::ok(json!({ "groups": groups })))
    })
    .await
}

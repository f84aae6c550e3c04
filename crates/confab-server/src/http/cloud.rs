//! Nextcloud core endpoints Talk clients use: the current user, and the provisioning subset an
//! administrator needs (users, groups, Talk app settings).
//!
//! Provisioning reports failures with Nextcloud's own status codes (101 invalid input, 102
//! exists already) instead of Talk's `error` keys.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use confab_core::account::User;
use confab_core::actor::UserRef;
use confab_core::Error;
use serde::Serialize;
use serde_json::json;

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::ocs::Ocs;
use super::params::Params;
use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cloud/user", get(current_user))
        .route("/cloud/users", get(list_users).post(add_user))
        .route(
            "/cloud/users/{userid}",
            get(get_user).put(edit_user).delete(delete_user),
        )
        .route(
            "/cloud/users/{userid}/groups",
            get(user_groups)
                .post(add_to_group)
                .delete(remove_from_group),
        )
        .route("/cloud/groups", get(list_groups).post(add_group))
        .route(
            "/cloud/groups/{groupid}",
            get(group_users).delete(delete_group),
        )
        .route("/cloud/groups/{groupid}/users", get(group_users))
        .route(
            "/apps/provisioning_api/api/v1/config/apps/spreed/{key}",
            post(set_app_config).delete(delete_app_config),
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
async fn provision(action: impl std::future::Future<Output = ApiResult>) -> Ocs {
    provision_reporting(&[], action).await
}

/// Like [`provision`], with the endpoint's own codes for missing groups or users.
async fn provision_reporting(
    missing: &[(&str, u16)],
    action: impl std::future::Future<Output = ApiResult>,
) -> Ocs {
    action
        .await
        .unwrap_or_else(|err| provisioning_ocs(&err, missing))
}

/// `addToGroup` and `removeFromGroup` number a missing group 102 and a missing user 103.
const MEMBERSHIP_CODES: &[(&str, u16)] = &[("group", 102), ("user", 103)];

fn require_admin(caller: &Caller) -> Result<&UserRef, ApiError> {
    let user = caller.0.require_user()?;
    if user.is_admin {
        Ok(user)
    } else {
        Err(ApiError(Error::NotAdmin))
    }
}

/// An administrator, or the user themselves.
fn require_admin_or_self<'a>(caller: &'a Caller, userid: &str) -> Result<&'a UserRef, ApiError> {
    let user = caller.0.require_user()?;
    if user.is_admin || user.id == userid {
        Ok(user)
    } else {
        Err(ApiError(Error::NotAdmin))
    }
}

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
    let groups = state.services.accounts.user_groups(&user.id).await?;
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
async fn current_user(State(state): State<AppState>, caller: Caller) -> ApiResult {
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
async fn list_users(State(state): State<AppState>, caller: Caller, params: Params) -> Ocs {
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
async fn add_user(State(state): State<AppState>, caller: Caller, params: Params) -> Ocs {
    provision_reporting(&[("group", 104)], async {
        require_admin(&caller)?;
        let userid = params.str("userid")?.ok_or(ApiError::bad_param("userid"))?;
        let password = params
            .str("password")?
            .ok_or(ApiError::bad_param("password"))?;
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
async fn get_user(
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
async fn edit_user(
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
async fn delete_user(
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
async fn user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
) -> Ocs {
    provision(async {
        require_admin_or_self(&caller, &userid)?;
        state
            .services
            .accounts
            .user(&userid)
            .await?
            .ok_or(ApiError(Error::NotFound("user")))?;
        let groups = state.services.accounts.user_groups(&userid).await?;
        Ok(Ocs::ok(json!({ "groups": groups })))
    })
    .await
}

/// `POST /ocs/v{1,2}.php/cloud/users/{userid}/groups` (`groupid`)
async fn add_to_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
    params: Params,
) -> Ocs {
    provision_reporting(MEMBERSHIP_CODES, async {
        require_admin(&caller)?;
        let group = params
            .str("groupid")?
            .filter(|g| !g.is_empty())
            .ok_or(ApiError::bad_param("groupid"))?;
        state
            .services
            .accounts
            .add_group_member(&group, &userid)
            .await?;
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `DELETE /ocs/v{1,2}.php/cloud/users/{userid}/groups` (`groupid`)
async fn remove_from_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
    params: Params,
) -> Ocs {
    provision_reporting(MEMBERSHIP_CODES, async {
        require_admin(&caller)?;
        let group = params
            .str("groupid")?
            .filter(|g| !g.is_empty())
            .ok_or(ApiError::bad_param("groupid"))?;
        state
            .services
            .accounts
            .remove_group_member(&group, &userid)
            .await?;
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `GET /ocs/v{1,2}.php/cloud/groups` (`search`)
async fn list_groups(State(state): State<AppState>, caller: Caller, params: Params) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        let groups = state
            .services
            .accounts
            .groups(&params.str_or("search", "")?)
            .await?;
        Ok(Ocs::ok(
            json!({"groups": groups.into_iter().map(|g| g.id).collect::<Vec<_>>()}),
        ))
    })
    .await
}

/// `POST /ocs/v{1,2}.php/cloud/groups` (`groupid`, `displayname`)
async fn add_group(State(state): State<AppState>, caller: Caller, params: Params) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        let id = params
            .str("groupid")?
            .ok_or(ApiError::bad_param("groupid"))?;
        let display_name = params.str("displayname")?;
        state
            .services
            .accounts
            .create_group(id.trim(), display_name.as_deref())
            .await?;
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `GET /ocs/v{1,2}.php/cloud/groups/{groupid}/users`
async fn group_users(
    State(state): State<AppState>,
    caller: Caller,
    Path(groupid): Path<String>,
) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        let members = state.services.accounts.group_members(&groupid).await?;
        Ok(Ocs::ok(
            json!({"users": members.into_iter().map(|u| u.id).collect::<Vec<_>>()}),
        ))
    })
    .await
}

/// `DELETE /ocs/v{1,2}.php/cloud/groups/{groupid}`
async fn delete_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(groupid): Path<String>,
) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        state.services.accounts.delete_group(&groupid).await?;
        Ok(Ocs::ok(json!([])))
    })
    .await
}

/// `POST /ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed/{key}` (`value`)
async fn set_app_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    params: Params,
) -> ApiResult {
    require_admin(&caller)?;
    let value = params.str("value")?.ok_or(ApiError::bad_param("value"))?;
    state.services.set_app_config(&key, &value).await?;
    Ok(Ocs::ok(json!([])))
}

/// `DELETE /ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed/{key}`
async fn delete_app_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> ApiResult {
    require_admin(&caller)?;
    state.services.delete_app_config(&key).await?;
    Ok(Ocs::ok(json!([])))
}

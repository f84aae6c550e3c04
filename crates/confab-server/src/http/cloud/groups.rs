//! Group provisioning: listing, creating and deleting groups, their members, and adding users to
//! groups or removing them.

use axum::extract::{Path, State};
use serde_json::json;

use super::{provision, provision_reporting, require_admin};
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::ocs::Ocs;
use crate::http::params::Params;
use crate::http::AppState;

/// `addToGroup` and `removeFromGroup` number a missing group 102 and a missing user 103.
const MEMBERSHIP_CODES: &[(&str, u16)] = &[("group", 102), ("user", 103)];

/// The group a membership change names (`groupid`, not empty); only administrators change
/// memberships.
fn membership_group(caller: &Caller, params: &Params) -> Result<String, ApiError> {
    require_admin(caller)?;
    params
        .str("groupid")?
        .filter(|g| !g.is_empty())
        .ok_or(ApiError::bad_param("groupid"))
}

/// `POST /ocs/v{1,2}.php/cloud/users/{userid}/groups` (`groupid`)
pub(super) async fn add_to_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
    params: Params,
) -> Ocs {
    provision_reporting(MEMBERSHIP_CODES, async {
        let group = membership_group(&caller, &params)?;
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
pub(super) async fn remove_from_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(userid): Path<String>,
    params: Params,
) -> Ocs {
    provision_reporting(MEMBERSHIP_CODES, async {
        let group = membership_group(&caller, &params)?;
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
pub(super) async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Ocs {
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
pub(super) async fn add_group(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Ocs {
    provision(async {
        require_admin(&caller)?;
        let id = params.required_str("groupid")?;
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
pub(super) async fn group_users(
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
pub(super) async fn delete_group(
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

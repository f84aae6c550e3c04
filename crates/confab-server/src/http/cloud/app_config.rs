//! The Talk app settings an administrator changes through the provisioning API.

use axum::extract::{Path, State};
use serde_json::json;

use super::require_admin;
use crate::http::auth::Caller;
use crate::http::error::ApiResult;
use crate::http::ocs::Ocs;
use crate::http::params::Params;
use crate::http::AppState;

/// `POST /ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed/{key}` (`value`)
pub(super) async fn set_app_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    params: Params,
) -> ApiResult {
    require_admin(&caller)?;
    let value = params.required_str("value")?;
    state.services.set_app_config(&key, &value).await?;
    Ok(Ocs::ok(json!([])))
}

/// `DELETE /ocs/v2.php/apps/provisioning_api/api/v1/config/apps/spreed/{key}`
pub(super) async fn delete_app_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> ApiResult {
    require_admin(&caller)?;
    state.services.delete_app_config(&key).await?;
    Ok(Ocs::ok(json!([])))
}

//! A unit's timeline and the campaign's audit log, for those who may read
//! them: JSON, or the log as a CSV file to keep.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Reached, UnitPath, seen};
use crate::campaign::Role;
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::store::Account;

/// A unit's timeline: every event of its report, oldest first.
pub async fn timeline(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.store.events(&campaign, Some(&code), false).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    format: Option<String>,
}

/// The campaign's audit log, for its Board and the administrator (who
/// also reads the installation's own events): JSON, or `?format=csv` to keep.
pub async fn audit(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    // The installation's own events are the administrator's to read.
    let events = state.store.events(&campaign, None, account.role == Role::Admin).await?;
    match query.format.as_deref() {
        None | Some("json") => Ok(Json(events).into_response()),
        Some("csv") => {
            let names = state.store.units(&campaign).await?.into_iter().map(|u| (u.code, u.name)).collect();
            let csv = crate::campaign::audit_csv(&events, &names);
            let disposition = format!("attachment; filename=\"nhat-ky-{campaign}.csv\"");
            Ok((
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(ApiError::internal)?),
                ],
                csv,
            )
                .into_response())
        }
        Some(other) => Err(ApiError::BadRequest(format!("không có dạng «{other}»; các dạng: json, csv"))),
    }
}

/// Whether `account` reads the campaign's audit log: its Board and the
/// administrator.
pub(super) fn reads_log(account: &Account, campaign: &str) -> Result<(), ApiError> {
    seen(account, campaign)?;
    crate::campaign::reads_log(account).map_err(ApiError::Forbidden)
}

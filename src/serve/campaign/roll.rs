//! The roll the Board manages, replaced over HTTP: what the new file
//! changes said first (`?preview=true`, nothing kept), then kept.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Reached, UnitPath};
use crate::campaign::{Level, read_roll, roll_changes};
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::serve::upload::Upload;
use crate::store::StoreError;

/// `?preview=true`: say what the file changes, keep nothing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RollQuery {
    #[serde(default)]
    preview: bool,
}

/// The Board replaces its roll with a file (JSON, XLSX, ODS, XLS or CSV):
/// checked entry by entry, every problem at once at its sheet cell; what it
/// changes (members added, removed, moved, corrected; organisations and
/// cells the tree has not) said, and kept unless it is a preview.
pub(super) async fn replace(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<RollQuery>,
    upload: Upload,
) -> Result<Json<Value>, ApiError> {
    let kept = upload.one_file("danh-sach-dang-vien.json")?;
    // A province's workbook is parsed on a worker, not on the server's threads.
    let roll = state.pool.run(move || read_roll(&kept.path, &kept.name)).await?.map_err(ApiError::Input)?;
    if lineage[0].level != Level::Board {
        return Err(ApiError::Conflict("chỉ Ban Tổ chức quản lý danh sách đảng viên".into()));
    }
    let before = state.store.roll(&campaign).await?;
    let before: Option<Value> =
        before.map(|b| serde_json::from_str(&b)).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let units = state.store.units(&campaign).await?;
    let changes = roll_changes(before.as_ref(), &roll, &units)?;
    let text = match query.preview {
        true => format!("Danh sách mới: {}. Chưa lưu.", changes.summary()),
        false => {
            state.store.set_roll(&campaign, &code, &roll.to_string(), &account.login, &changes.summary()).await?;
            tracing::info!(campaign, by = account.login, members = changes.after, "đã thay danh sách đảng viên");
            format!("Đã lưu danh sách đảng viên Ban Tổ chức quản lý: {}.", changes.summary())
        }
    };
    Ok(Json(json!({ "preview": query.preview, "changes": changes, "summary": { "text": text } })))
}

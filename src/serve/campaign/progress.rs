//! The dashboard of completeness and timeliness of the units a user
//! reaches, and its list of missing units as a workbook.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::answers::{Dashboard, LevelView, UnitProgress};
use super::{Reached, reached_units};
use crate::campaign::{Deadlines, LevelProgress, Timeliness, progress};
use crate::campaign::{Level, Unit};
use crate::model::scalar::Date;
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::store::now_ms;

/// Completeness and timeliness of the units the user reaches, per level
/// below the Board: expected, received, approved, on time, late, missing;
/// and each unit's.
pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (units, all) = reached_units(&state, &account, &campaign).await?;
    let deadlines = Deadlines::of_campaign(&state.store.campaign(&campaign).await?, &all)?;
    let progress = Progress::of(&units, deadlines)?;
    let units = progress.rows.iter().map(|(u, t)| UnitProgress::of(u, *t)).collect();
    let (today, levels) = (progress.today.to_string(), progress.levels());
    Ok(Json(json!(Dashboard { campaign, today, levels, units })))
}

/// The progress of `units` (those a user reaches) below the Board against
/// the deadlines of the campaign's `settings`, as of today in Vietnam: what
/// the dashboard, its workbook and the campaign's page show.
pub(super) struct Progress<'a> {
    pub today: Date,
    /// Each level's deadline, from the settings.
    pub deadlines: Deadlines,
    /// The levels that have units among them.
    pub levels: Vec<LevelProgress>,
    pub rows: Vec<(&'a Unit, Timeliness)>,
}

impl<'a> Progress<'a> {
    /// `deadlines` of the whole campaign: a cell's is its committee's,
    /// which a secretary does not reach.
    pub fn of(units: &'a [Unit], deadlines: Deadlines) -> Result<Self, ApiError> {
        let today = Date::in_vietnam(now_ms()).ok_or_else(|| ApiError::internal("đồng hồ hệ thống sai"))?;
        let below: Vec<&Unit> = units.iter().filter(|u| u.level != Level::Board).collect();
        let (mut levels, rows) = progress(&below, &deadlines, today);
        levels.retain(|l| below.iter().any(|u| u.level == l.level));
        Ok(Self { today, deadlines, levels, rows })
    }

    /// Each level's counts and shares, as the API answers and the page shows them.
    pub fn levels(&self) -> Vec<LevelView> {
        self.levels.iter().map(LevelView::from).collect()
    }
}

/// The deadline a committee gives its cells.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRequest {
    /// `dd/mm/yyyy`, on or before the committee's own; none or empty: the campaign's.
    deadline: Option<String>,
}

/// A committee sets the deadline of its cells' reports.
pub async fn set_deadline(
    State(state): State<Arc<AppState>>,
    super::Reached { account, lineage }: super::Reached,
    Path(super::UnitPath { campaign, .. }): Path<super::UnitPath>,
    Json(request): Json<DeadlineRequest>,
) -> Result<Json<Value>, ApiError> {
    let unit = &lineage[0];
    let day = request.deadline.as_deref();
    crate::campaign::set_below_deadline(&state.store, &campaign, unit, day, &account.login).await?;
    let units = state.store.units(&campaign).await?;
    let deadlines = Deadlines::of_campaign(&state.store.campaign(&campaign).await?, &units)?;
    let below = units.iter().find(|u| u.parent.as_ref() == Some(&unit.code));
    let set = below.and_then(|u| deadlines.of(u)).map(|d| d.to_string());
    // Said as the page shows it after saving.
    let shown = set.as_deref().unwrap_or("chưa có");
    let text = match day.map(str::trim).filter(|d| !d.is_empty()) {
        Some(_) => format!("Đã lưu hạn nộp của các đơn vị trực thuộc: {shown}."),
        None => format!("Đã lưu: các đơn vị trực thuộc theo hạn chung của chiến dịch, {shown}."),
    };
    let summary = super::answers::Said { text };
    Ok(Json(json!({ "unit": unit.code, "cells_deadline": set, "summary": summary })))
}

/// The units still missing their report, past the deadline, as a
/// workbook: the list an officer calls round.
pub async fn missing(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let (units, all) = reached_units(&state, &account, &campaign).await?;
    let deadlines = Deadlines::of_campaign(&state.store.campaign(&campaign).await?, &all)?;
    let progress = Progress::of(&units, deadlines)?;
    let names: std::collections::HashMap<&str, &str> =
        units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let name_of = |code: &Option<String>| code.as_deref().and_then(|c| names.get(c).copied()).unwrap_or("");
    let missing: Vec<[String; 5]> = progress
        .rows
        .iter()
        .filter(|(_, t)| matches!(t, Timeliness::Missing | Timeliness::Due))
        .map(|(u, t)| {
            [u.name.clone(), u.level.label().into(), name_of(&u.parent).into(), u.state.label().into(), t.label()]
        })
        .collect();
    let bytes = missing_workbook(&missing, &progress.today.to_string()).map_err(ApiError::internal)?;
    let file_name = format!("don-vi-chua-nop-{campaign}.xlsx");
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(ApiError::internal)?),
        ],
        bytes,
    )
        .into_response())
}

fn missing_workbook(rows: &[[String; 5]], today: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Chưa nộp")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.write_string_with_format(0, 0, format!("Đơn vị chưa nộp báo cáo, đến ngày {today}"), &bold)?;
    for (column, title) in ["Đơn vị", "Cấp", "Trực thuộc", "Trạng thái", "Thời hạn"].iter().enumerate()
    {
        sheet.write_string_with_format(2, column as u16, *title, &bold)?;
    }
    for (row, cells) in rows.iter().enumerate() {
        for (column, text) in cells.iter().enumerate() {
            sheet.write_string(row as u32 + 3, column as u16, text)?;
        }
    }
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 16)?;
    sheet.set_column_width(4, 20)?;
    workbook.save_to_buffer()
}

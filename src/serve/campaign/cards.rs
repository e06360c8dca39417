//! The cards' round trip over HTTP: a unit's cards and what they may do
//! now, a hand-over (`?preview=true`: planned and said, nothing kept), the
//! Board's decision and stamping, the workbook of changes, the dashboard.
//! The rules are `crate::campaign::cards`'s.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Reached, UnitPath};
use crate::campaign::cards::{self, DecisionRequest, HandoverRequest, Move, StampingRequest};
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::store::EventAction;

/// `?preview=true`: plan and say, keep nothing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PreviewQuery {
    #[serde(default)]
    preview: bool,
}

/// The unit's cards: where each is, the moves it may make now with what
/// each expects, the records about it.
pub(super) async fn custody(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
) -> Result<Json<cards::Custody>, ApiError> {
    Ok(Json(cards::custody(&state.store, &campaign, &lineage, &account).await?))
}

/// A hand-over of the unit's cards, `how`, recorded by the receiving side.
pub(super) async fn handover(
    how: Move,
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
    Query(query): Query<PreviewQuery>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let request = HandoverRequest::parse(&body).map_err(ApiError::Input)?;
    // An account with no person's name (made for every unit below at once,
    // or on the command line) leaves its side blank, to write by hand: a
    // record never names a login.
    let name = state.store.person(&account.login).await?.map(|p| p.name).unwrap_or_default();
    let by = (account.login.as_str(), name.as_str());
    let done = cards::record_handover(&state.store, &campaign, how, &lineage, &request, by, query.preview).await?;
    let planned = &done.planned;
    let mut text = match done.number {
        Some(number) => format!("Đã ghi biên bản giao nhận số {number}: {} {} thẻ.", how.label(), planned.moved.len()),
        None => format!("Kiểm tra: {} {} thẻ đúng danh sách. Chưa ghi.", how.label(), planned.moved.len()),
    };
    if !planned.missing.is_empty() {
        let names: Vec<String> = planned.missing.iter().map(|m| who(&m.member)).collect();
        text.push_str(&format!(" Danh sách còn thiếu {}: {}.", names.len(), names.join("; ")));
    }
    if !planned.repeated.is_empty() {
        text.push_str(&format!(" Nhập hai lần, tính một: {}.", planned.repeated.join(", ")));
    }
    let changes: Vec<String> = planned.moved.iter().map(|m| format!("{}: {}", who(&m.member), m.items)).collect();
    Ok(Json(json!({ "record": done, "changes": { "lines": changes }, "summary": { "text": text } })))
}

/// A member as a sentence names them: by card number, else date of birth.
fn who(member: &cards::Listed) -> String {
    match &member.number {
        Some(number) => format!("{} (thẻ {number})", member.name),
        None => format!("{} (sinh {})", member.name, member.birth_date),
    }
}

/// A handover record about the unit or a unit below it, as a PDF that
/// carries its data.
pub(super) async fn record(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path((campaign, code, number)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let number: i64 = number.parse().map_err(|_| ApiError::NotFound)?;
    let made = state.campaigns().handover_record(&campaign, &lineage[0], number).await?;
    let what = format!("biên bản giao nhận số {number}");
    crate::campaign::log_read(
        &state.store,
        &account.login,
        &campaign,
        &code,
        EventAction::Download,
        Some(number),
        &what,
    )
    .await?;
    Ok(crate::serve::file::file_response(&state, made.rendered))
}

/// The Board's Tờ trình, the draft Quyết định and the lists as their annex.
pub(super) async fn decision_papers(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Response, ApiError> {
    let (bytes, file_name) = state.campaigns().decision_papers(&campaign, &lineage[0]).await?;
    let what = "tờ trình, quyết định và danh sách kèm theo";
    crate::campaign::log_read(&state.store, &account.login, &campaign, &code, EventAction::Download, None, what)
        .await?;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/zip")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(ApiError::internal)?),
        ],
        bytes,
    )
        .into_response())
}

/// The Board records the Standing Committee's decision.
pub(super) async fn decision(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let request = DecisionRequest::parse(&body).map_err(ApiError::Input)?;
    let covered = cards::record_decision(&state.store, &campaign, &lineage[0], &request, &account.login).await?;
    let text = format!("Đã ghi quyết định; danh sách của {} tổ chức cơ sở đảng được duyệt.", covered.len());
    Ok(Json(json!({ "organisations": covered, "summary": { "text": text } })))
}

/// The Board records a day's stamping, replacements and new cards.
pub(super) async fn stamping(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let request = StampingRequest::parse(&body).map_err(ApiError::Input)?;
    let done = cards::record_stamping(&state.store, &campaign, &lineage[0], &request, &account.login).await?;
    let mut text =
        format!("Đã ghi: đóng dấu {} thẻ, cấp {} thẻ mới, {} chưa trả.", done.stamped, done.new_cards, done.pending);
    if done.roll_updated > 0 {
        text.push_str(&format!(" Danh sách đảng viên Ban Tổ chức quản lý: {} số thẻ mới.", done.roll_updated));
    }
    if !done.not_on_roll.is_empty() {
        text.push_str(&format!(" Không có trong danh sách quản lý, cần bổ sung: {}.", done.not_on_roll.join("; ")));
    }
    Ok(Json(json!({ "stamping": done, "summary": { "text": text } })))
}

/// The workbook of changes for the Party-member database: the new cards
/// of the unit's cells.
pub(super) async fn changes(
    State(state): State<Arc<AppState>>,
    Reached { .. }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Response, ApiError> {
    let bytes = cards::changes_workbook(&state.store, &campaign, &code).await?;
    xlsx(&format!("thay-doi-so-the_{code}.xlsx"), bytes)
}

/// The closing account over the units the user reaches, as a workbook.
pub(super) async fn closing(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let (units, _) = super::reached_units(&state, &account, &campaign).await?;
    let reached: Vec<&crate::campaign::Unit> = units.iter().collect();
    let bytes = cards::closing_workbook(&state.store, &campaign, &reached).await?;
    let scope = reached.first().map_or(campaign.as_str(), |u| u.code.as_str());
    xlsx(&format!("bao-cao-ket-thuc-luan-chuyen-the_{scope}.xlsx"), bytes)
}

fn xlsx(filename: &str, bytes: Vec<u8>) -> Result<Response, ApiError> {
    let disposition = format!("attachment; filename=\"{filename}\"");
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

/// The round trip over the units the user reaches, and its closing account.
pub(super) async fn round_trip(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
) -> Result<Json<cards::RoundTrip>, ApiError> {
    let (units, _) = super::reached_units(&state, &account, &campaign).await?;
    let reached: Vec<&crate::campaign::Unit> = units.iter().collect();
    Ok(Json(cards::round_trip(&state.store, &campaign, &reached).await?))
}

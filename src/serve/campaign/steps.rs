//! A unit's steps over HTTP (submit, approve or accept, return, not
//! reporting): the request read, the step taken by the campaign layer.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::answers::Stepped;
use super::{Reached, UnitPath};
use crate::campaign::{Step, StepRequest};
use crate::serve::AppState;
use crate::serve::error::ApiError;

/// Takes `step` on the unit: its new state.
pub async fn take(
    step: Step,
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    body: Option<Json<StepRequest>>,
) -> Result<Json<Value>, ApiError> {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let to =
        crate::campaign::take_step(&state.store, &state.renderer, &campaign, step, &lineage, &request, &account.login)
            .await?;
    let link = state.campaign_link(&campaign);
    let note = request.note();
    state.notify(&campaign, crate::campaign::of_step(step, &lineage[0], lineage.get(1), note, link.as_deref()));
    // The cells returned with their committee are told, each.
    for cell in &request.cells {
        let cell = state.store.unit(&campaign, cell).await?;
        state.notify(&campaign, crate::campaign::of_step(step, &cell, Some(&lineage[0]), note, link.as_deref()));
    }
    let unit = &lineage[0];
    let text = match step {
        Step::Submit => format!("Đã nộp báo cáo của «{}» lên cấp trên.", unit.name),
        Step::NotReporting => format!("Đã đánh dấu «{}» không báo cáo.", unit.name),
        Step::Reopen => format!("Đã mở lại báo cáo của «{}» để sửa; sửa xong, nộp lại.", unit.name),
        _ => format!("Đã {} báo cáo của «{}».", step.label(unit.level), unit.name),
    };
    let summary = super::answers::Said { text };
    Ok(Json(json!(Stepped { unit: code, state: to, state_label: to.label(), returned_cells: request.cells, summary })))
}

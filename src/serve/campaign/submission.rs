//! A unit's submission over HTTP: its versions, saving one, and the
//! documents the campaign layer makes from stored versions.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::campaign::{
    checked_part, editable, keep_typed, log_read, names_another_superior, own_part, save_part, surroundings,
};
use crate::serve::AppState;
use crate::serve::api::parse_kind;
use crate::serve::error::{ApiError, Problem};
use crate::serve::file::file_response;
use crate::serve::upload::{Upload, on_input};
use crate::store::EventAction;

use super::answers::Saved;
use super::{Reached, UnitPath};

/// `?version=N`: a version of the unit's own, not its current one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionQuery {
    version: Option<i64>,
}

/// The unit's submission: its current version, or `?version=N`.
pub(super) async fn submission(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let unit = lineage.remove(0);
    let version = state.store.version(&campaign, &code, query.version).await?;
    let version = version.ok_or(ApiError::NoSubmission(unit.name))?;
    let number = Some(version.info.number);
    log_read(&state.store, &account.login, &campaign, &code, EventAction::Read, number, "dữ liệu của đơn vị").await?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], version.body).into_response();
    let headers = response.headers_mut();
    headers.insert("x-kttdv-version", HeaderValue::from(version.info.number));
    headers.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", version.info.sha256)).expect("hex"));
    Ok(response)
}

/// Every version of the unit's submission, oldest first.
pub(super) async fn versions(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.store.versions(&campaign, &code).await?)))
}

/// Saves a new version of the unit's submission: JSON, or a cell's
/// workbook. Checked as `kttdv check` checks it — a committee's or the
/// Board's together with the stored submissions below it — and stored only
/// when valid, while the unit may still edit (409 once submitted).
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
    upload: Upload,
) -> Result<Json<Value>, ApiError> {
    let unit = lineage.remove(0);
    // Said before the upload is read and checked.
    editable(&unit)?;
    let around = surroundings(&state.store, &campaign, &unit).await?;
    let (level, name) = (unit.level, unit.name.clone());
    let (own, mut warnings) = on_input(&state, upload, move |worker, input| {
        Ok(checked_part(&worker.renderer, (level, &name), &input, around)?)
    })
    .await?;
    let current = state.store.version(&campaign, &unit.code, None).await?;
    let current = current.and_then(|v| serde_json::from_str::<Value>(&v.body).ok()).map(|v| own_part(level, &v));
    let (own, kept) = keep_typed(level, current.as_ref(), own);
    warnings.extend(kept);
    let units = state.store.units(&campaign).await?;
    warnings.extend(names_another_superior(&unit, &units, &own));
    let saved = save_part(&state.store, &campaign, &unit, &own, &account.login).await?;
    let warnings = warnings.iter().map(Problem::of).collect();
    let answer = Saved { version: saved.version, new: saved.new, state: saved.state, warnings, summary: saved.summary };
    Ok(Json(json!(answer)))
}

/// A document of the unit from the stored current versions: a cell's forms
/// and packet, a committee's form 6, lists and submission, the Board's.
/// `?version=N` makes it from the unit's own version N instead (the units
/// below at their current versions).
pub(super) async fn document(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path((campaign, code, kind)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let unit = lineage.remove(0);
    let kind = parse_kind(&kind)?;
    let number = query.version.or(unit.current);
    let made = state.campaigns().document(&campaign, &unit, kind, query.version).await?;
    log_read(&state.store, &account.login, &campaign, &code, EventAction::Download, number, kind.name()).await?;
    let cache = if made.kept { "hit" } else { "miss" };
    let mut response = kept(file_response(&state, made.rendered), cache);
    if !made.kept {
        // How many of a submission's PDFs were kept from before, not made again.
        response.headers_mut().insert("x-kttdv-files-kept", HeaderValue::from(made.files_kept));
    }
    Ok(response)
}

/// Every document of the unit and the units below it made from their
/// current versions, with their signed originals, as one ZIP — a
/// committee's cells, the Board's committees or the whole Bloc. Sent as
/// it is made, never whole in memory nor kept on the server.
pub(super) async fn bundle(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Response, ApiError> {
    let all = state.store.units(&campaign).await?;
    let units: Vec<_> = crate::campaign::within(&code, &all).into_iter().cloned().collect();
    // Sent as it is made: the download grows while a Bloc's documents are
    // made, and nothing is kept on the server. Cut short, the ZIP has no
    // central directory and opens as broken, never as whole.
    let (mut writer, reader) = tokio::io::duplex(256 * 1024);
    let login = account.login.clone();
    tokio::spawn(async move {
        let made = state.campaigns().bundle(&campaign, &units, &login, &mut writer).await;
        match made {
            Ok(bundled) => {
                tracing::info!(campaign, files = bundled.files, left_out = bundled.left_out, "đã gửi tệp nén")
            }
            Err(err) => tracing::warn!(campaign, "tệp nén dừng giữa chừng: {err}"),
        }
    });
    let title = format!("Văn bản - {}.zip", lineage[0].name);
    let disposition = format!(
        "attachment; filename=\"van-ban_{code}.zip\"; filename*=UTF-8''{}",
        crate::serve::file::percent_encode(&title)
    );
    let mut response = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(ApiError::internal)?);
    Ok(response)
}

/// Says whether the document was kept already (`hit`) or made now (`miss`).
fn kept(mut response: Response, cache: &'static str) -> Response {
    response.headers_mut().insert("x-kttdv-cache", HeaderValue::from_static(cache));
    response
}

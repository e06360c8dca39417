//! A unit's submission: its versions, saving one, and the documents made
//! from stored versions, kept by content address.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::campaign::{checked_part, documents_of, editable, input_of, save_part, surroundings};
use crate::hash::sha256;
use crate::kinds::Kind;
use crate::serve::AppState;
use crate::serve::api::parse_kind;
use crate::serve::error::{ApiError, Problem};
use crate::serve::file::file_response;
use crate::serve::upload::{Upload, on_input};
use crate::store::{EventAction, Unit};
use crate::{OutFormat, Output};
use crate::{PdfFlavour, Rendered, Slot};

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
    read_logged(&state, &account, &campaign, &code, EventAction::Read, number, "dữ liệu của đơn vị").await?;
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
    let (own, warnings) = on_input(&state, upload, move |worker, input| {
        Ok(checked_part(&worker.renderer, (level, &name), &input, around)?)
    })
    .await?;
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
    if !documents_of(unit.level).contains(&kind) {
        let names: Vec<&str> = documents_of(unit.level).iter().map(|k| k.name()).collect();
        return Err(ApiError::BadRequest(format!(
            "{} không lập loại {}; các loại: {}",
            unit.level.label(),
            kind.name(),
            names.join(", ")
        )));
    }
    let number = query.version.or(unit.current);
    let made = made_document(&state, &campaign, &unit, kind, query.version).await?;
    read_logged(&state, &account, &campaign, &code, EventAction::Download, number, kind.name()).await?;
    let cache = if made.kept { "hit" } else { "miss" };
    let mut response = kept(file_response(&state, made.rendered), cache);
    if !made.kept {
        // How many of a submission's PDFs were kept from before, not made again.
        response.headers_mut().insert("x-kttdv-files-kept", HeaderValue::from(made.files_kept));
    }
    Ok(response)
}

/// A document of a unit, made from stored versions or kept from before.
pub(super) struct Made {
    pub rendered: Rendered,
    /// Whether it was kept from before.
    kept: bool,
    /// How many of a submission's PDFs were kept from before.
    files_kept: usize,
}

/// The document `kind` of `unit` made from its current version (or its
/// version `number`) and the current versions below it — the same bytes
/// every time, kept by content address.
pub(super) async fn made_document(
    state: &Arc<AppState>,
    campaign: &str,
    unit: &Unit,
    kind: Kind,
    number: Option<i64>,
) -> Result<Made, ApiError> {
    let input = input_of(&state.store, campaign, unit, number).await?;
    let format = OutFormat::allowed(kind)[0];
    let flavour = PdfFlavour::WITH_DATA;
    let text = serde_json::to_vec(&input).expect("JSON serialises");
    let address = sha256(
        format!("{}|{}|{}|{}", kind.name(), format.name(), state.renderer.template_version(), sha256(&text)).as_bytes(),
    );
    if let Some((file_name, meta, bytes)) = state.store.document(&address).await? {
        let meta: Meta = serde_json::from_str(&meta).map_err(ApiError::internal)?;
        let rendered = Rendered {
            bytes,
            file_name,
            title: meta.title,
            pages: meta.pages,
            slots: meta.slots,
            warnings: Vec::new(),
        };
        return Ok(Made { rendered, kept: true, files_kept: 0 });
    }
    let worker = state.clone();
    let files = Arc::new(KeptFiles {
        store: state.store.clone(),
        runtime: tokio::runtime::Handle::current(),
        found: AtomicUsize::new(0),
    });
    let job_files = files.clone();
    let rendered = state
        .pool
        .run(move || {
            let output = Output::of(format, flavour).kept_in(job_files.as_ref());
            // Each part passed its checks when saved; together they may not
            // (one member on two cells' rosters): the unit's problems.
            worker.renderer.make(kind, &input, output).map_err(ApiError::from)
        })
        .await??;
    let meta = Meta { title: rendered.title.clone(), pages: rendered.pages, slots: rendered.slots.clone() };
    let meta = serde_json::to_string(&meta).expect("JSON serialises");
    state.store.put_document(&address, &rendered.file_name, &meta, &rendered.bytes).await?;
    Ok(Made { rendered, kept: false, files_kept: files.found.load(Ordering::SeqCst) })
}

/// Writes down in the audit log that `account` read personal data of the
/// unit `code` (`action`: read, download), before it is sent.
pub(super) async fn read_logged(
    state: &AppState,
    account: &crate::store::Account,
    campaign: &str,
    code: &str,
    action: EventAction,
    version: Option<i64>,
    what: &str,
) -> Result<(), ApiError> {
    let event = crate::store::NewEvent {
        login: Some(&account.login),
        campaign: Some(campaign),
        unit: Some(code),
        version,
        note: Some(what),
        ..crate::store::NewEvent::of(action)
    };
    Ok(state.store.log(&event).await?)
}

/// Says whether the document was kept already (`hit`) or made now (`miss`).
fn kept(mut response: Response, cache: &'static str) -> Response {
    response.headers_mut().insert("x-kttdv-cache", HeaderValue::from_static(cache));
    response
}

/// The store as the place a submission's files are kept, so that after one
/// cell changes only the files that depend on it are made again. Called
/// from the render threads, off the runtime.
struct KeptFiles {
    store: crate::store::Store,
    runtime: tokio::runtime::Handle,
    /// How many were found.
    found: AtomicUsize,
}

impl crate::Kept for KeptFiles {
    fn get(&self, address: &str) -> Option<Vec<u8>> {
        let bytes = self.runtime.block_on(self.store.kept_file(address)).ok().flatten();
        self.found.fetch_add(usize::from(bytes.is_some()), Ordering::SeqCst);
        bytes
    }

    fn put(&self, address: &str, bytes: &[u8]) {
        // A file not kept is made again next time: nothing is lost.
        if let Err(err) = self.runtime.block_on(self.store.keep_file(address, bytes)) {
            tracing::warn!("không giữ được tệp đã lập: {err}");
        }
    }
}

/// What a kept document's answer says besides its bytes.
#[derive(Serialize, Deserialize)]
struct Meta {
    title: String,
    pages: usize,
    slots: Vec<Slot>,
}

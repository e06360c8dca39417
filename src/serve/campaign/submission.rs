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

use crate::campaign::{Action, Summary, board_input, committee_input, own_part, with_settings};
use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::Kind;
use crate::serve::AppState;
use crate::serve::api::{OutFormat, parse_kind};
use crate::serve::error::{ApiError, Problem};
use crate::serve::file::file_response;
use crate::serve::session::Actor;
use crate::serve::upload::{Upload, on_input};
use crate::store::{Level, State as UnitState, Unit};
use crate::{PdfFlavour, Rendered, Slot};

use super::{UnitPath, reach};

/// `?version=N`: a version of the unit's own, not its current one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionQuery {
    version: Option<i64>,
}

/// The unit's submission: its current version, or `?version=N`.
pub(super) async fn submission(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Read).await?.remove(0);
    let version = state.store.version(&campaign, &code, query.version).await?;
    let version = version.ok_or(ApiError::NoSubmission(unit.name))?;
    let number = Some(version.info.number);
    read_logged(&state, &account, &campaign, &code, "read", number, "dữ liệu của đơn vị").await?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], version.body).into_response();
    let headers = response.headers_mut();
    headers.insert("x-kttdv-version", HeaderValue::from(version.info.number));
    headers.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", version.info.sha256)).expect("hex"));
    Ok(response)
}

/// Every version of the unit's submission, oldest first.
pub(super) async fn versions(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Json<Value>, ApiError> {
    reach(&state, &account, &campaign, &code, Action::Read).await?;
    Ok(Json(json!(state.store.versions(&campaign, &code).await?)))
}

/// Saves a new version of the unit's submission: JSON, or a cell's
/// workbook. Checked as `kttdv check` checks it — a committee's or the
/// Board's together with the stored submissions below it — and stored only
/// when valid, while the unit may still edit (409 once submitted).
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    upload: Upload,
) -> Result<Json<Value>, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Edit).await?.remove(0);
    if !unit.state.editable() {
        return Err(ApiError::Conflict(format!(
            "báo cáo của «{}» {} nên không sửa được",
            unit.name,
            unit.state.label()
        )));
    }
    let around = surroundings(&state, &campaign, &unit).await?;
    let (level, unit_name) = (unit.level, unit.name.clone());
    let (own, warnings) = on_input(&state, upload, move |worker, input| {
        let own = own_part(level, &input.value);
        if let Some(problem) = names_another(level, &unit_name, &own) {
            return Err(ApiError::Input(input.relocate(vec![problem])));
        }
        let whole = whole_input(level, &own, around)?;
        let mut found = Vec::new();
        // Settings of its own are the campaign's to give: said, and replaced.
        if input.value.get("campaign").is_some_and(|named| Some(named) != whole.get("campaign")) {
            let message = "dữ liệu ghi thông tin chiến dịch riêng (campaign); kttdv dùng thông tin của chiến dịch";
            found.push(InputError::new(Code::OwnCampaign, JsonPath::root().key("campaign"), message));
        }
        match worker.renderer.check(check_kind(level), &whole) {
            Ok(warnings) => {
                found.extend(warnings);
                Ok((own, input.warnings(found)))
            }
            Err(problems) => Err(ApiError::Input(input.relocate(problems))),
        }
    })
    .await?;
    let body = serde_json::to_string(&own).expect("JSON serialises");
    // The version before, to say what changed: a cell's roster only.
    let before = match unit.level {
        Level::Cell => state.store.version(&campaign, &code, None).await?,
        _ => None,
    };
    let saved = state.store.save(&campaign, &code, &body, Some(&account.login)).await?;
    let info = &saved.info;
    tracing::info!(campaign, unit = code, version = info.number, new = saved.new, "đã lưu");
    let state_now = if saved.new { UnitState::Draft } else { unit.state };
    // What was stored, in words: a cell's members and lists, what changed.
    let previous = before.filter(|_| saved.new).and_then(|v| serde_json::from_str::<Value>(&v.body).ok());
    let summary = match unit.level {
        Level::Cell => json!(Summary::of(&own, previous.as_ref(), info.number, saved.new)),
        _ if saved.new => json!({ "text": format!("Đã lưu phiên bản {}.", info.number) }),
        _ => json!({ "text": format!("Giống hệt phiên bản {} đã lưu: không tạo phiên bản mới.", info.number) }),
    };
    let warnings: Vec<Problem> = warnings.iter().map(Problem::of).collect();
    Ok(Json(json!({ "version": info, "new": saved.new, "state": state_now, "warnings": warnings, "summary": summary })))
}

/// A document of the unit from the stored current versions: a cell's forms
/// and packet, a committee's form 6, lists and submission, the Board's.
/// `?version=N` makes it from the unit's own version N instead (the units
/// below at their current versions).
pub(super) async fn document(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path((campaign, code, kind)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Read).await?.remove(0);
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
    read_logged(&state, &account, &campaign, &code, "download", number, kind.name()).await?;
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
    let input = input_of(state, campaign, unit, number).await?;
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
            let result = if format == OutFormat::Zip {
                worker.renderer.render_zip_with(kind, &input, flavour, Some(job_files.as_ref()))
            } else {
                worker.renderer.render(kind, &input, flavour)
            };
            // Each part passed its checks when saved; together they may not
            // (one member on two cells' rosters): the unit's problems.
            result.map_err(ApiError::from)
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
    action: &str,
    version: Option<i64>,
    what: &str,
) -> Result<(), ApiError> {
    let event = crate::store::NewEvent {
        action,
        login: Some(&account.login),
        campaign: Some(campaign),
        unit: Some(code),
        version,
        note: Some(what),
        ..crate::store::NewEvent::default()
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
        let found = self.runtime.block_on(self.store.document(&format!("file:{address}")));
        let bytes = found.ok().flatten().map(|(_, _, bytes)| bytes);
        self.found.fetch_add(usize::from(bytes.is_some()), Ordering::SeqCst);
        bytes
    }

    fn put(&self, address: &str, bytes: &[u8]) {
        // A file not kept is made again next time: nothing is lost.
        if let Err(err) = self.runtime.block_on(self.store.put_document(&format!("file:{address}"), "", "{}", bytes)) {
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

/// The problem when a cell's roster or a committee's details name another
/// unit than the one they are saved for: another cell's file sent by mistake.
fn names_another(level: Level, unit: &str, own: &Value) -> Option<InputError> {
    let (path, named) = match level {
        Level::Cell => (JsonPath::root().key("cell").key("name"), own["cell"]["name"].as_str()?),
        Level::Committee => (JsonPath::root().key("organisation"), own["organisation"].as_str()?),
        Level::Board => return None,
    };
    (named != unit)
        .then(|| InputError::new(Code::OtherUnit, path, format!("dữ liệu này của «{named}», không phải của «{unit}»")))
}

/// The kinds a unit of `level` makes.
pub(super) fn documents_of(level: Level) -> &'static [Kind] {
    match level {
        Level::Cell => &[Kind::Packet, Kind::Mau1, Kind::Mau2, Kind::Mau3, Kind::Mau4, Kind::Mau5],
        Level::Committee => &[Kind::Mau6, Kind::TongHop, Kind::HoSoCoSo],
        Level::Board => &[Kind::Mau7, Kind::TongHop, Kind::DoiChieu, Kind::HoSoBan],
    }
}

/// The kind a unit's saved submission is checked as.
fn check_kind(level: Level) -> Kind {
    match level {
        Level::Cell => Kind::Packet,
        Level::Committee => Kind::HoSoCoSo,
        Level::Board => Kind::HoSoBan,
    }
}

/// A unit's own part put together with what surrounds it in the store.
fn whole_input(level: Level, own: &Value, around: Surroundings) -> Result<Value, ApiError> {
    let mut own = own.clone();
    if level != Level::Cell {
        set_not_reporting(&mut own, around.not_reporting);
    }
    let whole = match level {
        Level::Cell => own,
        Level::Committee => committee_input(&own, around.below),
        Level::Board => {
            let roll = around.roll.as_deref().map(serde_json::from_str).transpose().map_err(ApiError::internal)?;
            board_input(&own, around.below, roll)
        }
    };
    Ok(with_settings(whole, &around.settings)?)
}

/// The unit's input from its current version (or its version `number`)
/// and, for a committee or the Board, the current versions below it.
pub(super) async fn input_of(
    state: &AppState,
    campaign: &str,
    unit: &Unit,
    number: Option<i64>,
) -> Result<Value, ApiError> {
    let own = state.store.version(campaign, &unit.code, number).await?;
    let own = own_part(unit.level, &parse(&own.ok_or_else(|| ApiError::NoSubmission(unit.name.clone()))?.body)?);
    whole_input(unit.level, &own, surroundings(state, campaign, unit).await?)
}

/// What a unit's own part is put together with: the stored inputs of the
/// units right below it that the unit has approved, in the tree's order (a
/// committee's approved cells; the Board's accepted committees, each with
/// its cells and the day the Board received it); the roll, which only the
/// Board's input holds; the units right below that do not report; the
/// campaign's settings, which every part below inherits.
struct Surroundings {
    below: Vec<Value>,
    roll: Option<String>,
    not_reporting: Vec<Value>,
    settings: String,
}

async fn surroundings(state: &AppState, campaign: &str, unit: &Unit) -> Result<Surroundings, ApiError> {
    let settings = state.store.campaign(campaign).await?;
    if unit.level == Level::Cell {
        return Ok(Surroundings { below: Vec::new(), roll: None, not_reporting: Vec::new(), settings });
    }
    let units = state.store.units(campaign).await?;
    let bodies = state.store.bodies_below(campaign, &unit.code).await?;
    // Parts saved before settings were the campaign's alone may name their own: not read.
    let levels: std::collections::HashMap<&str, Level> = units.iter().map(|u| (u.code.as_str(), u.level)).collect();
    let level_of = |code: &str| levels.get(code).copied().unwrap_or(Level::Cell);
    let body = |code: &str| bodies.get(code).map(|b| parse(b).map(|v| own_part(level_of(code), &v))).transpose();
    fn approved<'a>(units: &'a [Unit], parent: &'a str) -> impl Iterator<Item = &'a Unit> {
        units.iter().filter(move |u| u.parent.as_deref() == Some(parent) && u.state.approved())
    }
    let mut inputs = Vec::new();
    for child in approved(&units, &unit.code) {
        let Some(mut own) = body(&child.code)? else { continue };
        inputs.push(match child.level {
            Level::Committee => {
                // Form 7 says when each report came, from the store, not typed.
                let received = child.submitted_at.and_then(crate::model::scalar::Date::in_vietnam);
                if let (Some(day), Some(fields)) = (received, own.as_object_mut()) {
                    fields.insert("received_on".into(), json!(day.to_string()));
                }
                set_not_reporting(&mut own, not_reporting(&units, &child.code));
                let cells: Result<Vec<Option<Value>>, ApiError> =
                    approved(&units, &child.code).map(|c| body(&c.code)).collect();
                committee_input(&own, cells?.into_iter().flatten().collect())
            }
            _ => own,
        });
    }
    let roll = match unit.level {
        Level::Board => state.store.roll(campaign).await?,
        _ => None,
    };
    Ok(Surroundings { below: inputs, roll, not_reporting: not_reporting(&units, &unit.code), settings })
}

/// The units right below `parent` that do not report, and why, as a
/// committee's or the Board's input says them.
fn not_reporting(units: &[Unit], parent: &str) -> Vec<Value> {
    units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(parent) && u.state == UnitState::NotReporting)
        .map(|u| json!({ "name": u.name, "reason": u.note.as_deref().unwrap_or("") }))
        .collect()
}

/// Says in a committee's or the Board's own part the units below it that
/// do not report, as the store has them (whatever was typed).
fn set_not_reporting(own: &mut Value, absent: Vec<Value>) {
    if let Some(fields) = own.as_object_mut() {
        fields.remove("not_reporting");
        if !absent.is_empty() {
            fields.insert("not_reporting".into(), Value::Array(absent));
        }
    }
}

/// A stored body read back.
fn parse(body: &str) -> Result<Value, ApiError> {
    serde_json::from_str(body).map_err(ApiError::internal)
}

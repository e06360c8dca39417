//! `/api/campaigns`: the campaign the store keeps — its units and their
//! states, each unit's submission with its versions, and the documents made
//! from the stored data, kept by content address so that asking twice
//! renders once, on any replica.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::AppState;
use super::api::{OutFormat, parse_kind};
use super::error::ApiError;
use super::file::file_response;
use super::upload::{Upload, on_input};
use crate::campaign::{board_input, committee_input, own_part};
use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::Kind;
use crate::store::{Level, State as UnitState, Unit};
use crate::{PdfFlavour, Rendered, Slot};

#[derive(Deserialize)]
pub struct UnitPath {
    campaign: String,
    code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// Every campaign in the store.
pub async fn list(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let campaigns = state.store.campaigns().await?;
    Ok(Json(campaigns.into_iter().map(|(code, name, _)| json!({ "code": code, "name": name })).collect()))
}

/// Creates a campaign, for a signed-in administrator: a form
/// (`multipart/form-data`) with the campaign file as `settings`, a units
/// file (JSON, XLSX, ODS, XLS, CSV) as `units`, the roll as `roll` if the
/// Board has one, and the campaign's `code` (by default the campaign file's
/// name). Refused with every problem, nothing stored.
pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let account = super::session::signed_in(&state, &headers).await?;
    if account.role != crate::store::Role::Admin {
        return Err(ApiError::Forbidden("chỉ người quản trị tạo được chiến dịch"));
    }
    let Upload::Files { files, fields, input: None, .. } = upload else {
        return Err(ApiError::BadRequest("gửi biểu mẫu multipart/form-data với các tệp settings, units, roll".into()));
    };
    let folder = crate::private::folder().map_err(ApiError::internal)?;
    let mut paths = std::collections::HashMap::new();
    for file in files {
        let field = file.field.as_str();
        if !["settings", "units", "roll"].contains(&field) || paths.contains_key(field) {
            return Err(ApiError::BadRequest(format!("tệp ở trường «{field}» không được nhận")));
        }
        // Only the extension of the sender's name: it says how to read the file.
        let extension: String = std::path::Path::new(&file.name)
            .extension()
            .map(|e| e.to_string_lossy().chars().filter(char::is_ascii_alphanumeric).collect())
            .unwrap_or_default();
        let path = folder.path().join(format!("{field}.{extension}"));
        crate::private::write(&path, &file.bytes).map_err(ApiError::internal)?;
        paths.insert(field.to_owned(), (path, file.name));
    }
    let (Some((settings, settings_name)), Some((units, _))) = (paths.get("settings"), paths.get("units")) else {
        return Err(ApiError::BadRequest("cần tệp chiến dịch (settings) và danh sách đơn vị (units)".into()));
    };
    let code = match fields.iter().find(|(k, _)| k == "code") {
        Some((_, code)) => code.trim().to_owned(),
        None => std::path::Path::new(settings_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let text = std::fs::read_to_string(settings)
        .map_err(|_| ApiError::BadRequest("tệp chiến dịch không phải văn bản UTF-8".into()))?;
    crate::campaign::check_settings(&text)
        .map_err(|e| ApiError::BadRequest(format!("tệp chiến dịch không hợp lệ: {e}")))?;
    let (units, roll) = (units.clone(), paths.get("roll").map(|(p, _)| p.clone()));
    let (tree, roll) = state
        .pool
        .run(move || {
            let tree = crate::campaign::read_units(&units).map_err(ApiError::Input)?;
            let roll = roll.map(|roll| crate::campaign::read_roll(&roll)).transpose().map_err(ApiError::Input)?;
            Ok::<_, ApiError>((tree, roll))
        })
        .await??;
    crate::campaign::create(&state.store, &code, &text, &tree, roll.as_ref()).await?;
    tracing::info!(campaign = code, by = account.login, "đã tạo chiến dịch");
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "code": code, "units": tree.units.len() }))))
}

/// A unit as the API shows it: with its level and state in Vietnamese.
#[derive(Serialize)]
struct UnitView {
    #[serde(flatten)]
    unit: Unit,
    level_label: &'static str,
    state_label: &'static str,
}

impl From<Unit> for UnitView {
    fn from(unit: Unit) -> Self {
        Self { level_label: unit.level.label(), state_label: unit.state.label(), unit }
    }
}

/// The campaign's tree: every unit after its parent, with its state and
/// its last change.
pub async fn units(State(state): State<Arc<AppState>>, Path(campaign): Path<String>) -> Result<Response, ApiError> {
    let units: Vec<UnitView> = state.store.units(&campaign).await?.into_iter().map(UnitView::from).collect();
    Ok(Json(units).into_response())
}

/// How many units of each level are in each state.
pub async fn status(State(state): State<Arc<AppState>>, Path(campaign): Path<String>) -> Result<Json<Value>, ApiError> {
    let counts = state.store.status(&campaign).await?;
    let levels: Vec<Value> = [Level::Board, Level::Committee, Level::Cell]
        .into_iter()
        .map(|level| {
            let of_level: Vec<_> = counts.iter().filter(|(l, _, _)| *l == level).collect();
            let states: serde_json::Map<String, Value> =
                of_level.iter().map(|(_, s, n)| (s.as_str().to_owned(), json!(n))).collect();
            let units: i64 = of_level.iter().map(|(_, _, n)| n).sum();
            json!({ "level": level, "label": level.label(), "units": units, "states": states })
        })
        .collect();
    Ok(Json(json!({ "campaign": campaign, "levels": levels })))
}

/// The unit's submission: its current version, or `?version=N`.
pub async fn submission(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let version = state.store.version(&campaign, &code, query.version).await?;
    let version = version.ok_or_else(|| ApiError::NoSubmission(code.clone()))?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], version.body).into_response();
    let headers = response.headers_mut();
    headers.insert("x-kttdv-version", HeaderValue::from(version.info.number));
    headers.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", version.info.sha256)).expect("hex"));
    Ok(response)
}

/// Every version of the unit's submission, oldest first.
pub async fn versions(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.store.versions(&campaign, &code).await?)))
}

/// Saves a new version of the unit's submission: JSON, or a cell's
/// workbook. Checked as `kttdv check` checks it — a committee's or the
/// Board's together with the stored submissions below it — and stored only
/// when valid.
pub async fn save(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    upload: Upload,
) -> Result<Json<Value>, ApiError> {
    let unit = state.store.unit(&campaign, &code).await?;
    let (below, roll) = surroundings(&state, &campaign, &unit).await?;
    let (level, unit_name) = (unit.level, unit.name.clone());
    let (own, warnings) = on_input(&state, upload, move |worker, input| {
        let own = own_part(level, &input.value);
        if let Some(problem) = names_another(level, &unit_name, &own) {
            return Err(ApiError::Input(input.relocate(vec![problem])));
        }
        let whole = whole_input(level, &own, below, roll.as_deref())?;
        match worker.renderer.check(check_kind(level), &whole) {
            Ok(warnings) => Ok((own, input.warnings(warnings))),
            Err(problems) => Err(ApiError::Input(input.relocate(problems))),
        }
    })
    .await?;
    let body = serde_json::to_string(&own).expect("JSON serialises");
    let info = state.store.save(&campaign, &code, &body, None).await?;
    tracing::info!(campaign, unit = code, version = info.number, sha256 = info.sha256, "đã lưu");
    Ok(Json(json!({ "version": info, "state": UnitState::Draft, "warnings": warnings })))
}

/// A document of the unit from the stored current versions: a cell's forms
/// and packet, a committee's form 6, lists and submission, the Board's.
/// `?version=N` makes it from the unit's own version N instead (the units
/// below at their current versions).
pub async fn document(
    State(state): State<Arc<AppState>>,
    Path((campaign, code, kind)): Path<(String, String, String)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let kind = parse_kind(&kind)?;
    let unit = state.store.unit(&campaign, &code).await?;
    if !documents_of(unit.level).contains(&kind) {
        let names: Vec<&str> = documents_of(unit.level).iter().map(|k| k.name()).collect();
        return Err(ApiError::BadRequest(format!(
            "{} không lập loại {}; các loại: {}",
            unit.level.label(),
            kind.name(),
            names.join(", ")
        )));
    }
    let input = input_of(&state, &campaign, &unit, query.version).await?;
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
        return Ok(kept(file_response(&state, rendered), "hit"));
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
    let mut response = kept(file_response(&state, rendered), "miss");
    // How many of a submission's PDFs were kept from before, not made again.
    response.headers_mut().insert("x-kttdv-files-kept", HeaderValue::from(files.found.load(Ordering::SeqCst)));
    Ok(response)
}

/// Says whether the document was kept already (`hit`) or made now (`miss`).
fn kept(mut response: Response, cache: &'static str) -> Response {
    response.headers_mut().insert("x-kttdv-cache", HeaderValue::from_static(cache));
    response
}

/// The page listing the store's campaigns.
pub async fn campaigns_page(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let campaigns = state.store.campaigns().await?;
    let list: Vec<Value> = campaigns.into_iter().map(|(code, name, _)| json!({ "code": code, "name": name })).collect();
    Ok(state.pages.page("campaigns.html", &json!({ "campaigns": list })))
}

/// A campaign on a page: the tree, each unit's state, last change and the
/// documents made from its stored data.
pub async fn campaign_page(
    State(state): State<Arc<AppState>>,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let campaigns = state.store.campaigns().await?;
    let Some((code, name, _)) = campaigns.into_iter().find(|(code, _, _)| *code == campaign) else {
        return Err(crate::store::StoreError::NoCampaign(campaign).into());
    };
    let units = state.store.units(&code).await?;
    let levels: Vec<Value> = [Level::Committee, Level::Cell]
        .into_iter()
        .map(|level| {
            let of_level = units.iter().filter(|u| u.level == level);
            let started = of_level.clone().filter(|u| u.current.is_some()).count();
            json!({ "label": level.label(), "units": of_level.count(), "started": started })
        })
        .collect();
    let rows: Vec<Value> = units
        .iter()
        .map(|unit| {
            let documents: Vec<Value> = documents_of(unit.level)
                .iter()
                .map(|kind| {
                    let href = format!("/api/campaigns/{code}/units/{}/documents/{}", unit.code, kind.name());
                    json!({ "href": href, "label": kind.label() })
                })
                .collect();
            json!({
                "code": unit.code, "name": unit.name, "level": unit.level, "state": unit.state,
                "state_label": unit.state.label(), "versions": unit.versions, "current": unit.current,
                "changed": unit.changed_at.map(vietnam_time), "documents": documents,
            })
        })
        .collect();
    Ok(state.pages.page("campaign.html", &json!({ "code": code, "name": name, "levels": levels, "units": rows })))
}

/// A time of the store as a page shows it: Vietnam's time, `dd/mm/yyyy hh:mm`.
fn vietnam_time(ms: i64) -> String {
    let zone = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&zone).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
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
fn documents_of(level: Level) -> &'static [Kind] {
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

/// A unit's own part put together with the stored inputs of the units below.
fn whole_input(level: Level, own: &Value, below: Vec<Value>, roll: Option<&str>) -> Result<Value, ApiError> {
    Ok(match level {
        Level::Cell => own.clone(),
        Level::Committee => committee_input(own, below),
        Level::Board => {
            let roll = roll.map(serde_json::from_str).transpose().map_err(ApiError::internal)?;
            board_input(own, below, roll)
        }
    })
}

/// The unit's input from its current version (or its version `number`)
/// and, for a committee or the Board, the current versions below it.
async fn input_of(state: &AppState, campaign: &str, unit: &Unit, number: Option<i64>) -> Result<Value, ApiError> {
    let own = state.store.version(campaign, &unit.code, number).await?;
    let own = parse(&own.ok_or_else(|| ApiError::NoSubmission(unit.code.clone()))?.body)?;
    let (below, roll) = surroundings(state, campaign, unit).await?;
    whole_input(unit.level, &own, below, roll.as_deref())
}

/// What a unit's own part is put together with: the stored inputs of the
/// units right below it that have a submission, in the tree's order (a
/// committee's cells; the Board's committees, each with its cells), and
/// the roll, which only the Board's input holds.
async fn surroundings(state: &AppState, campaign: &str, unit: &Unit) -> Result<(Vec<Value>, Option<String>), ApiError> {
    if unit.level == Level::Cell {
        return Ok((Vec::new(), None));
    }
    let units = state.store.units(campaign).await?;
    let bodies = state.store.bodies_below(campaign, &unit.code).await?;
    let body = |code: &str| bodies.get(code).map(|b| parse(b)).transpose();
    fn children<'a>(units: &'a [Unit], parent: &'a str) -> impl Iterator<Item = &'a Unit> {
        units.iter().filter(move |u| u.parent.as_deref() == Some(parent))
    }
    let mut inputs = Vec::new();
    for child in children(&units, &unit.code) {
        let Some(own) = body(&child.code)? else { continue };
        inputs.push(match child.level {
            Level::Committee => {
                let cells: Result<Vec<Option<Value>>, ApiError> =
                    children(&units, &child.code).map(|c| body(&c.code)).collect();
                committee_input(&own, cells?.into_iter().flatten().collect())
            }
            _ => own,
        });
    }
    let roll = match unit.level {
        Level::Board => state.store.roll(campaign).await?,
        _ => None,
    };
    Ok((inputs, roll))
}

/// A stored body read back.
fn parse(body: &str) -> Result<Value, ApiError> {
    serde_json::from_str(body).map_err(ApiError::internal)
}

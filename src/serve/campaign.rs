//! `/api/campaigns`: the campaign the store keeps — its units and their
//! states, each unit's submission with its versions, and the documents made
//! from the stored data, kept by content address so that asking twice
//! renders once, on any replica. Every route is in [`routes`], with the
//! rule of reach it goes through (`crate::campaign::access`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::AppState;
use super::api::{OutFormat, parse_kind};
use super::error::ApiError;
use super::file::file_response;
use super::session::Actor;
use super::upload::{Upload, on_input};
use super::workflow;
use crate::campaign::{
    Access, Action, Step, access, board_input, committee_input, next, own_part, reached, sees_campaign,
};
use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::Kind;
use crate::store::{Account, Level, Role, State as UnitState, StoreError, Unit};
use crate::{PdfFlavour, Rendered, Slot};

/// Who may use a route: the rule it goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone signed in; what they see is what they reach.
    SignedIn,
    /// An administrator.
    Admin,
    /// Anyone of the campaign (an administrator too); the answer covers
    /// the units they reach.
    Campaign,
    /// A Board officer of the campaign, or an administrator.
    Audit,
    /// The unit `{code}` under the rule of reach, for this action.
    Unit(Action),
}

/// A route of the campaign's API.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub rule: Rule,
}

/// Every campaign route, its rule and its handler: the router is made
/// from this table, and the tests of who may do what walk it.
pub(super) fn routes() -> Vec<(Route, MethodRouter<Arc<AppState>>)> {
    use Action::{Decide, Edit, Invite, Read};
    use Rule::{Admin, Audit, Campaign, SignedIn, Unit};
    let route = |method: Method, path: &'static str, rule: Rule| Route { method, path, rule };
    let step = |step: crate::campaign::Step| {
        post(move |state, actor, path, body| workflow::take(step, state, actor, path, body))
    };
    vec![
        (route(Method::GET, "/api/campaigns", SignedIn), get(list)),
        (route(Method::POST, "/api/campaigns", Admin), post(create)),
        (route(Method::GET, "/api/campaigns/{campaign}/units", Campaign), get(units)),
        (route(Method::GET, "/api/campaigns/{campaign}/dashboard", Campaign), get(workflow::dashboard)),
        (route(Method::GET, "/api/campaigns/{campaign}/missing.xlsx", Campaign), get(workflow::missing)),
        (route(Method::GET, "/api/campaigns/{campaign}/audit", Audit), get(workflow::audit)),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/submission", Unit(Read)), get(submission)),
        (route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/submission", Unit(Edit)), axum::routing::put(save)),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/versions", Unit(Read)), get(versions)),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/timeline", Unit(Read)), get(workflow::timeline)),
        (route(Method::GET, "/web/campaigns/{campaign}/units/{code}", Unit(Read)), get(unit_page)),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/documents/{kind}", Unit(Read)), get(document)),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/submit", Unit(Edit)),
            step(crate::campaign::Step::Submit),
        ),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/approve", Unit(Decide)),
            step(crate::campaign::Step::Approve),
        ),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/return", Unit(Decide)),
            step(crate::campaign::Step::Return),
        ),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/not-reporting", Unit(Decide)),
            step(crate::campaign::Step::NotReporting),
        ),
        (route(Method::POST, "/api/campaigns/{campaign}/units/{code}/accounts", Unit(Invite)), post(workflow::invite)),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/signed", Unit(Edit)),
            axum::routing::put(upload_signed),
        ),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/signed/{kind}", Unit(Read)), get(signed_original)),
    ]
}

/// The campaign routes and their rules, for the tests of who may do what.
pub fn table() -> Vec<Route> {
    routes().into_iter().map(|(route, _)| route).collect()
}

/// The unit `code` of `campaign` with the units above it, nearest first,
/// when `account` may do `action` to it: a unit outside their reach is
/// answered as one that does not exist (404), one they see but may not act
/// on with 403.
pub(super) async fn reach(
    state: &AppState,
    account: &Account,
    campaign: &str,
    code: &str,
    action: Action,
) -> Result<Vec<Unit>, ApiError> {
    seen(account, campaign)?;
    let hidden = || ApiError::Store(StoreError::NoUnit(code.into()));
    let lineage = match state.store.lineage(campaign, code).await {
        Ok(lineage) => lineage,
        Err(StoreError::NoUnit(_)) => return Err(hidden()),
        Err(err) => return Err(err.into()),
    };
    match access(account, campaign, &lineage, action) {
        Access::Granted => Ok(lineage),
        Access::Hidden => Err(hidden()),
        Access::Refused(why) => Err(ApiError::Forbidden(why)),
    }
}

/// 404 for a campaign `account` does not belong to, as for one that does
/// not exist.
pub(super) fn seen(account: &Account, campaign: &str) -> Result<(), ApiError> {
    if sees_campaign(account, campaign) { Ok(()) } else { Err(StoreError::NoCampaign(campaign.into()).into()) }
}

/// The units of `campaign` that `account` reaches, each after its parent.
pub(super) async fn reached_units(state: &AppState, account: &Account, campaign: &str) -> Result<Vec<Unit>, ApiError> {
    seen(account, campaign)?;
    let units = state.store.units(campaign).await?;
    Ok(reached(account, &units).into_iter().cloned().collect())
}

/// A unit of a campaign, as a path names it.
#[derive(Deserialize)]
pub struct UnitPath {
    pub campaign: String,
    pub code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// The campaigns the user sees: their own; every one for an administrator.
async fn list(State(state): State<Arc<AppState>>, Actor(account): Actor) -> Result<Json<Value>, ApiError> {
    let campaigns = state.store.campaigns().await?;
    let seen = campaigns.into_iter().filter(|(code, _, _)| sees_campaign(&account, code));
    Ok(Json(seen.map(|(code, name, _)| json!({ "code": code, "name": name })).collect()))
}

/// Creates a campaign, for a signed-in administrator: a form
/// (`multipart/form-data`) with the campaign file as `settings`, a units
/// file (JSON, XLSX, ODS, XLS, CSV) as `units`, the roll as `roll` if the
/// Board has one, and the campaign's `code` (by default the campaign file's
/// name). Refused with every problem, nothing stored.
async fn create(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    if account.role != Role::Admin {
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
    crate::campaign::create(&state.store, &code, &text, &tree, roll.as_ref(), Some(&account.login)).await?;
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

/// The campaign's tree as far as the user reaches: every unit after its
/// parent, with its state and its last change.
async fn units(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let units = reached_units(&state, &account, &campaign).await?;
    Ok(Json(units.into_iter().map(UnitView::from).collect::<Vec<_>>()).into_response())
}

/// The unit's submission: its current version, or `?version=N`.
async fn submission(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    reach(&state, &account, &campaign, &code, Action::Read).await?;
    let version = state.store.version(&campaign, &code, query.version).await?;
    let version = version.ok_or_else(|| ApiError::NoSubmission(code.clone()))?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], version.body).into_response();
    let headers = response.headers_mut();
    headers.insert("x-kttdv-version", HeaderValue::from(version.info.number));
    headers.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", version.info.sha256)).expect("hex"));
    Ok(response)
}

/// Every version of the unit's submission, oldest first.
async fn versions(
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
async fn save(
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
    let info = state.store.save(&campaign, &code, &body, Some(&account.login)).await?;
    tracing::info!(campaign, unit = code, version = info.number, sha256 = info.sha256, "đã lưu");
    Ok(Json(json!({ "version": info, "state": UnitState::Draft, "warnings": warnings })))
}

/// A document of the unit from the stored current versions: a cell's forms
/// and packet, a committee's form 6, lists and submission, the Board's.
/// `?version=N` makes it from the unit's own version N instead (the units
/// below at their current versions).
async fn document(
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

/// The unit uploads the PDF it signed (a form with one file). Kept only
/// when it is a kttdv PDF of one of the unit's kinds whose carried data,
/// its SHA-256 checked, is the input of the unit's current version, the
/// version submitted or approved; and, when signed, when the last
/// signature's byte range covers the whole file. The certificate is not
/// checked (see README, "Signed originals").
async fn upload_signed(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Edit).await?.remove(0);
    let Upload::Files { mut files, input: None, .. } = upload else {
        return Err(ApiError::BadRequest("gửi biểu mẫu multipart/form-data với một tệp PDF đã ký".into()));
    };
    let (Some(file), true) = (files.pop(), files.is_empty()) else {
        return Err(ApiError::BadRequest("gửi đúng một tệp PDF đã ký".into()));
    };
    let Some(number) = unit.current.filter(|_| matches!(unit.state, UnitState::Submitted) || unit.state.approved())
    else {
        return Err(ApiError::Conflict(format!(
            "báo cáo của «{}» {}: nộp báo cáo rồi mới gửi bản đã ký",
            unit.name,
            unit.state.label()
        )));
    };
    let bytes = file.bytes.clone();
    let attached = state.pool.run(move || crate::extract(&bytes)).await?;
    let place = |e: InputError| InputError { file: Some(file.name.clone()), ..e };
    let attached = attached.map_err(|e| ApiError::Input(vec![place(e)]))?;
    let mut problems = Vec::new();
    let kind = documents_of(unit.level).iter().find(|k| k.name() == attached.kind).copied();
    if kind.is_none() {
        let message = format!("PDF loại «{}» không phải văn bản {} lập", attached.kind, unit.level.label());
        problems.push(place(InputError::new(Code::OtherUnit, JsonPath::root(), message)));
    }
    if input_of(&state, &campaign, &unit, None).await? != attached.input {
        let message = format!(
            "PDF không lập từ phiên bản hiện hành ({number}) của «{}»; hãy tải văn bản từ kttdv, ký rồi gửi lại",
            unit.name
        );
        problems.push(place(InputError::new(Code::OtherVersion, JsonPath::root(), message)));
    }
    let signed = attached.signing == crate::Signing::Signed;
    if attached.signing == crate::Signing::ChangedAfterSigning {
        problems.extend(attached.signing.warning().map(place));
    }
    let Some(kind) = kind.filter(|_| problems.is_empty()) else { return Err(ApiError::Input(problems)) };
    let file_name = format!("{}_{code}_phien-ban-{number}_da-ky.pdf", kind.name());
    let kept =
        crate::store::Signed { unit: &code, number, kind: kind.name(), file_name: &file_name, bytes: &file.bytes };
    state.store.put_signed(&campaign, &kept, &account.login).await?;
    tracing::info!(campaign, unit = code, version = number, kind = kind.name(), signed, "đã nhận bản đã ký");
    let answer = json!({ "version": number, "kind": kind.name(), "signed": signed, "sha256": sha256(&file.bytes) });
    Ok((axum::http::StatusCode::CREATED, Json(answer)))
}

/// The signed original of the unit's current version, of `kind`, for the
/// unit and the levels above it.
async fn signed_original(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path((campaign, code, kind)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Read).await?.remove(0);
    let kind = parse_kind(&kind)?;
    if !documents_of(unit.level).contains(&kind) {
        return Err(ApiError::BadRequest(format!("{} không lập loại {}", unit.level.label(), kind.name())));
    }
    let number = unit.current.ok_or_else(|| ApiError::NoSubmission(code.clone()))?;
    let (file_name, bytes) = state
        .store
        .signed(&campaign, &code, number, kind.name())
        .await?
        .ok_or_else(|| ApiError::NoSigned(format!("{} {}", unit.name, kind.label())))?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")).map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Says whether the document was kept already (`hit`) or made now (`miss`).
fn kept(mut response: Response, cache: &'static str) -> Response {
    response.headers_mut().insert("x-kttdv-cache", HeaderValue::from_static(cache));
    response
}

/// The page listing the campaigns the user sees; the sign-in page for
/// someone not signed in.
pub async fn campaigns_page(
    State(state): State<Arc<AppState>>,
    actor: Result<Actor, ApiError>,
) -> Result<Response, ApiError> {
    let Actor(account) = match actor {
        Err(ApiError::Unauthorized) => return Ok(Redirect::to("/web/sign-in").into_response()),
        other => other?,
    };
    let mut campaigns = state.store.campaigns().await?;
    campaigns.retain(|(code, _, _)| sees_campaign(&account, code));
    let list: Vec<Value> = campaigns.into_iter().map(|(code, name, _)| json!({ "code": code, "name": name })).collect();
    Ok(state.pages.page("campaigns.html", &json!({ "campaigns": list })))
}

/// A campaign on a page, as far as the user reaches: the dashboard, the
/// tree with each unit's state, timeliness and documents, and the steps
/// the user may take on each unit — the same rule the API goes through
/// says which.
pub async fn campaign_page(
    State(state): State<Arc<AppState>>,
    actor: Result<Actor, ApiError>,
    headers: axum::http::HeaderMap,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let Actor(account) = match actor {
        Err(ApiError::Unauthorized) => return Ok(Redirect::to("/web/sign-in").into_response()),
        other => other?,
    };
    seen(&account, &campaign)?;
    let campaigns = state.store.campaigns().await?;
    let Some((code, name, _)) = campaigns.into_iter().find(|(code, _, _)| *code == campaign) else {
        return Err(StoreError::NoCampaign(campaign).into());
    };
    let dashboard = workflow::dashboard_view(&state, &account, &code).await?;
    let units = reached_units(&state, &account, &code).await?;
    let lineage = |unit: &Unit| {
        let mut line = vec![unit.clone()];
        while let Some(parent) = line.last().and_then(|u| u.parent.clone()) {
            match units.iter().find(|u| u.code == parent) {
                Some(above) => line.push(above.clone()),
                None => break,
            }
        }
        line
    };
    let timeliness = |unit: &Unit| {
        let rows = dashboard["units"].as_array();
        let row = rows.and_then(|rows| rows.iter().find(|r| r["code"] == unit.code.as_str()));
        row.map_or(Value::Null, |r| r["timeliness_label"].clone())
    };
    let rows: Vec<Value> = units
        .iter()
        .map(|unit| {
            let line = lineage(unit);
            let may = |action| access(&account, &code, &line, action) == Access::Granted;
            let steps: Vec<Value> = Step::ALL
                .into_iter()
                .filter(|step| may(if step.by_unit() { Action::Edit } else { Action::Decide }))
                .filter(|step| next(*step, unit.level, unit.state, unit.current.is_some()).is_ok())
                .map(|step| json!({ "name": step.as_str(), "label": capitalised(step.label(unit.level)), "note": step.needs_note() }))
                .collect();
            let documents: Vec<Value> = documents_of(unit.level)
                .iter()
                .map(|kind| {
                    let href = format!("/api/campaigns/{code}/units/{}/documents/{}", unit.code, kind.name());
                    json!({ "href": href, "label": kind.label() })
                })
                .collect();
            json!({
                "code": unit.code, "name": unit.name, "level": unit.level, "state": unit.state,
                "state_label": unit.state.label(), "note": unit.note, "versions": unit.versions,
                "current": unit.current, "changed": unit.changed_at.map(vietnam_time),
                "documents": if may(Action::Read) { documents } else { Vec::new() },
                "timeliness": timeliness(unit), "upload": may(Action::Edit) && unit.state.editable(), "steps": steps,
                "signed_upload": may(Action::Edit) && (unit.state == UnitState::Submitted || unit.state.approved()),
            })
        })
        .collect();
    let own = units.iter().find(|u| Some(&u.code) == account.unit.as_ref());
    let csrf = super::session::session_of(&headers).map(super::session::csrf_of);
    let context = json!({
        "code": code, "name": name, "account": account, "role_label": account.role.label(),
        "own": own.map(|u| &u.name), "own_code": account.unit,
        "invite_below": own.is_some_and(|o| units.iter().any(|u| u.parent.as_ref() == Some(&o.code))),
        "audit": matches!(account.role, Role::Board | Role::Admin),
        "board_invite": (account.role == Role::Admin).then(|| units.iter().find(|u| u.level == Level::Board).map(|u| &u.code)).flatten(),
        "csrf": csrf, "today": dashboard["today"], "levels": dashboard["levels"], "units": rows,
    });
    Ok(state.pages.page("campaign.html", &context))
}

/// A unit's page: its state, its versions with the documents of each, and
/// its timeline.
async fn unit_page(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Response, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Read).await?.remove(0);
    let campaign_name = state.store.campaigns().await?.into_iter().find(|(c, _, _)| *c == campaign).map(|(_, n, _)| n);
    let versions: Vec<Value> = state
        .store
        .versions(&campaign, &code)
        .await?
        .iter()
        .rev()
        .map(|v| {
            json!({ "number": v.number, "at": vietnam_time(v.saved_at), "author": v.author,
                    "short": v.sha256.get(..16).unwrap_or(&v.sha256) })
        })
        .collect();
    let events: Vec<Value> = state
        .store
        .events(&campaign, Some(&code), false)
        .await?
        .iter()
        .map(|e| {
            json!({ "at": vietnam_time(e.at), "label": workflow::action_label(&e.action), "login": e.login,
                    "version": e.version, "note": e.note })
        })
        .collect();
    let documents: Vec<Value> = documents_of(unit.level)
        .iter()
        .map(|kind| json!({ "href": format!("/api/campaigns/{campaign}/units/{code}/documents/{}", kind.name()), "label": kind.label() }))
        .collect();
    let context = json!({
        "code": campaign, "campaign_name": campaign_name, "unit": unit, "level_label": unit.level.label(),
        "state_label": unit.state.label(), "versions": versions, "events": events, "documents": documents,
    });
    Ok(state.pages.page("unit.html", &context))
}

/// `text` with its first letter capital, as a button starts.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
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
    let own = with_not_reporting(state, campaign, unit, own).await?;
    whole_input(unit.level, &own, below, roll.as_deref())
}

/// A committee's or the Board's own part with the units below it that do
/// not report.
async fn with_not_reporting(state: &AppState, campaign: &str, unit: &Unit, mut own: Value) -> Result<Value, ApiError> {
    if unit.level != Level::Cell {
        set_not_reporting(&mut own, &state.store.units(campaign).await?, &unit.code);
    }
    Ok(own)
}

/// What a unit's own part is put together with: the stored inputs of the
/// units right below it that the unit has approved, in the tree's order (a
/// committee's approved cells; the Board's accepted committees, each with
/// its cells and the day the Board received it), and the roll, which only
/// the Board's input holds.
async fn surroundings(state: &AppState, campaign: &str, unit: &Unit) -> Result<(Vec<Value>, Option<String>), ApiError> {
    if unit.level == Level::Cell {
        return Ok((Vec::new(), None));
    }
    let units = state.store.units(campaign).await?;
    let bodies = state.store.bodies_below(campaign, &unit.code).await?;
    let body = |code: &str| bodies.get(code).map(|b| parse(b)).transpose();
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
                set_not_reporting(&mut own, &units, &child.code);
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
    Ok((inputs, roll))
}

/// Says in a committee's or the Board's own part which units right below
/// `parent` do not report, and why, as the store has them (whatever was typed).
fn set_not_reporting(own: &mut Value, units: &[Unit], parent: &str) {
    let absent: Vec<Value> = units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(parent) && u.state == UnitState::NotReporting)
        .map(|u| json!({ "name": u.name, "reason": u.note.as_deref().unwrap_or("") }))
        .collect();
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

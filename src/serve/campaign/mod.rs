//! `/api/campaigns`: the campaign the store keeps — its units and their
//! states, each unit's submission with its versions and the documents made
//! from it (`submission`), signed originals (`signed`), the workflow's
//! steps (`steps`), the dashboard (`progress`), the timeline and the audit
//! log (`log`), accounts (`accounts`) and the pages (`pages`).
//! Every route is in [`routes`], with the rule of reach it goes through
//! (`crate::campaign::access`).

mod accounts;
pub(super) mod answers;
mod cards;
mod filter;
mod log;
mod pages;
mod progress;
mod roll;
pub(super) use progress::DeadlineRequest;
mod signed;
mod steps;
mod submission;

pub(super) use self::pages::{campaign_page, campaigns_page};

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use self::answers::{CampaignEntry, UnitView};
use super::AppState;
use super::error::ApiError;
use super::session::Actor;
use super::upload::Upload;
use crate::campaign::{Access, Action, NewCampaign, UnitsFrom, access, reached, sees_campaign};
use crate::campaign::{Role, Unit};
use crate::store::{Account, StoreError};

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
    use crate::campaign::cards::Move;
    let handover = |how: Move| {
        post(move |state, reached, path, query, body| cards::handover(how, state, reached, path, query, body))
    };
    let step = |step: crate::campaign::Step| {
        post(move |state, reached, path, body| steps::take(step, state, reached, path, body))
    };
    vec![
        (route(Method::GET, "/api/campaigns", SignedIn), get(list)),
        (route(Method::POST, "/api/campaigns", Admin), post(create)),
        (route(Method::GET, "/api/campaigns/{campaign}/units", Campaign), get(units)),
        (route(Method::GET, "/api/campaigns/{campaign}/dashboard", Campaign), get(progress::dashboard)),
        (route(Method::GET, "/api/campaigns/{campaign}/missing.xlsx", Campaign), get(progress::missing)),
        (route(Method::GET, "/api/campaigns/{campaign}/round-trip", Campaign), get(cards::round_trip)),
        (route(Method::GET, "/api/campaigns/{campaign}/round-trip.xlsx", Campaign), get(cards::closing)),
        (route(Method::GET, "/api/campaigns/{campaign}/audit", Audit), get(log::audit)),
        (route(Method::GET, "/web/campaigns/{campaign}/audit", Audit), get(pages::log_page)),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/submission", Unit(Read)),
            get(submission::submission),
        ),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/submission", Unit(Edit)),
            axum::routing::put(submission::save),
        ),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/versions", Unit(Read)), get(submission::versions)),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/timeline", Unit(Read)), get(log::timeline)),
        (route(Method::GET, "/web/campaigns/{campaign}/units/{code}", Unit(Read)), get(pages::unit_page)),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/documents/{kind}", Unit(Read)),
            get(submission::document),
        ),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/bundle.zip", Unit(Read)), get(submission::bundle)),
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
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/reopen", Unit(Edit)),
            step(crate::campaign::Step::Reopen),
        ),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/accounts", Unit(Read)), get(accounts::accounts)),
        (route(Method::POST, "/api/campaigns/{campaign}/units/{code}/accounts", Unit(Invite)), post(accounts::invite)),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/accounts/{login}/link", Unit(Invite)),
            post(accounts::new_link),
        ),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/accounts/{login}/disable", Unit(Invite)),
            post(accounts::disable),
        ),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/roll", Unit(Edit)),
            axum::routing::put(roll::replace),
        ),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/deadline", Unit(Edit)),
            axum::routing::put(progress::set_deadline),
        ),
        (route(Method::GET, "/api/campaigns/{campaign}/units/{code}/cards", Unit(Read)), get(cards::custody)),
        (route(Method::GET, "/web/campaigns/{campaign}/units/{code}/cards", Unit(Read)), get(pages::cards_page)),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/cards/collect", Unit(Edit)),
            handover(Move::Collect),
        ),
        (route(Method::POST, "/api/campaigns/{campaign}/units/{code}/cards/up", Unit(Decide)), handover(Move::Up)),
        (route(Method::POST, "/api/campaigns/{campaign}/units/{code}/cards/down", Unit(Edit)), handover(Move::Down)),
        (
            route(Method::POST, "/api/campaigns/{campaign}/units/{code}/cards/give-back", Unit(Edit)),
            handover(Move::GiveBack),
        ),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/cards/records/{number}", Unit(Read)),
            get(cards::record),
        ),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/cards/changes.xlsx", Unit(Read)),
            get(cards::changes),
        ),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/decision", Unit(Edit)),
            axum::routing::put(cards::decision),
        ),
        (route(Method::POST, "/api/campaigns/{campaign}/units/{code}/stamping", Unit(Edit)), post(cards::stamping)),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/cards/decision.zip", Unit(Edit)),
            get(cards::decision_papers),
        ),
        (
            route(Method::PUT, "/api/campaigns/{campaign}/units/{code}/signed", Unit(Edit)),
            axum::routing::put(signed::upload_signed),
        ),
        (
            route(Method::GET, "/api/campaigns/{campaign}/units/{code}/signed/{kind}", Unit(Read)),
            get(signed::signed_original),
        ),
    ]
}

/// The campaign routes and their rules, for the tests of who may do what.
pub fn table() -> Vec<Route> {
    routes().into_iter().map(|(route, _)| route).collect()
}

/// The campaign's routes, each behind its rule: the rule is applied from
/// the table before the handler runs, which receives what it let through
/// ([`Reached`]) and needs not, and cannot forget to, check it again.
pub(super) fn router(state: Arc<AppState>) -> axum::Router<Arc<AppState>> {
    routes().into_iter().fold(axum::Router::new(), |router, (route, handler)| {
        let rule = axum::middleware::from_fn_with_state((state.clone(), route.rule), enforce);
        router.route(route.path, handler.route_layer(rule))
    })
}

/// What a route's rule let through: who asks and, on a unit's route, the
/// unit with the units above it, nearest first.
#[derive(Clone)]
pub(super) struct Reached {
    pub account: Account,
    pub lineage: Vec<Unit>,
}

impl axum::extract::FromRequestParts<Arc<AppState>> for Reached {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &Arc<AppState>) -> Result<Self, ApiError> {
        let reached = parts.extensions.get::<Reached>().cloned();
        reached.ok_or_else(|| ApiError::internal("một đường dẫn của chiến dịch không qua quy tắc của nó"))
    }
}

/// Applies the route's `rule` to the request: on a unit's route, the rule
/// of reach for the route's action.
async fn enforce(
    State((state, rule)): State<(Arc<AppState>, Rule)>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let reached = async {
        use axum::extract::FromRequestParts;
        let Actor(account) = Actor::from_request_parts(&mut parts, &state).await?;
        type Params = Path<std::collections::HashMap<String, String>>;
        let params = <Params as axum::extract::OptionalFromRequestParts<_>>::from_request_parts(&mut parts, &state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let params = params.map(|Path(p)| p).unwrap_or_default();
        let campaign = params.get("campaign").map_or("", String::as_str);
        let lineage = match rule {
            Rule::SignedIn => Vec::new(),
            Rule::Admin if account.role == Role::Admin => Vec::new(),
            Rule::Admin => return Err(ApiError::Forbidden("việc này chỉ người quản trị làm được")),
            Rule::Campaign => seen(&account, campaign).map(|()| Vec::new())?,
            Rule::Audit => log::reads_log(&account, campaign).map(|()| Vec::new())?,
            Rule::Unit(action) => {
                let code = params.get("code").map_or("", String::as_str);
                reach(&state, &account, campaign, code, action).await?
            }
        };
        Ok::<_, ApiError>(Reached { account, lineage })
    };
    match reached.await {
        Ok(reached) => {
            parts.extensions.insert(reached);
            next.run(axum::extract::Request::from_parts(parts, body)).await
        }
        Err(err) => err.into_response(),
    }
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
    if !plausible_code(code) {
        return Err(hidden());
    }
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
    if plausible_code(campaign) && sees_campaign(account, campaign) {
        Ok(())
    } else {
        Err(StoreError::NoCampaign(campaign.into()).into())
    }
}

/// Whether `code` could name a campaign or a unit (lowercase ASCII words,
/// digits, `-`, `.`): anything else is answered as not there before it
/// reaches the store.
pub(in crate::serve) fn plausible_code(code: &str) -> bool {
    (1..=300).contains(&code.len()) && code.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_'))
}

/// The units of `campaign` that `account` reaches, each after its parent,
/// and the whole tree they were found in (from one read).
pub(super) async fn reached_units(
    state: &AppState,
    account: &Account,
    campaign: &str,
) -> Result<(Vec<Unit>, Vec<Unit>), ApiError> {
    seen(account, campaign)?;
    let all = state.store.units(campaign).await?;
    Ok((reached(account, &all).into_iter().cloned().collect(), all))
}

/// A unit of a campaign, as a path names it.
#[derive(Deserialize)]
pub struct UnitPath {
    pub campaign: String,
    pub code: String,
}

/// The campaigns the user sees: their own; every one for an administrator.
async fn list(State(state): State<Arc<AppState>>, Reached { account, .. }: Reached) -> Result<Json<Value>, ApiError> {
    let campaigns = state.store.campaigns().await?;
    let seen = campaigns.into_iter().filter(|c| sees_campaign(&account, &c.code));
    Ok(Json(json!(seen.map(|c| CampaignEntry { code: c.code, name: c.name }).collect::<Vec<_>>())))
}

/// Creates a campaign, for a signed-in administrator: a form
/// (`multipart/form-data`) with the campaign file as `settings`, a units
/// file (JSON, XLSX, ODS, XLS, CSV) as `units`, the roll as `roll` if the
/// Board has one, and the campaign's `code` (by default the campaign file's
/// name). Refused with every problem, nothing stored.
async fn create(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
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
    let code = fields.iter().find(|(k, _)| k == "code").map(|(_, code)| code.trim().to_owned());
    let text = std::fs::read_to_string(settings)
        .map_err(|_| ApiError::BadRequest("tệp chiến dịch không phải văn bản UTF-8".into()))?;
    let (named, units, roll) = (PathBuf::from(settings_name), units.clone(), paths.get("roll").map(|(p, _)| p.clone()));
    let new = state
        .pool
        .run(move || NewCampaign::read(code, &named, text, UnitsFrom::Units { units: &units, roll: roll.as_deref() }))
        .await??;
    new.create(&state.store, Some(&account.login)).await?;
    let (code, tree) = (new.code, new.tree);
    tracing::info!(campaign = code, by = account.login, "đã tạo chiến dịch");
    Ok((axum::http::StatusCode::CREATED, Json(json!({ "code": code, "units": tree.units.len() }))))
}

/// The campaign's tree as far as the user reaches: every unit after its
/// parent, with its state and its last change.
async fn units(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
) -> Result<Response, ApiError> {
    let (units, _) = reached_units(&state, &account, &campaign).await?;
    Ok(Json(units.into_iter().map(UnitView::from).collect::<Vec<_>>()).into_response())
}

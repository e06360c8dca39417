//! The campaign on pages: the campaigns, a campaign's dashboard and tree
//! with the steps the user may take, a unit's versions and timeline.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use strum::VariantArray;

use super::filter::{LATENESS, ORDERS, UnitFilter};
use super::progress::Progress;
use crate::campaign::State as UnitState;
use crate::campaign::{
    Access, Action, Step, Summary, access, action_label, action_words, changes, documents_of, log_read, next,
    open_steps, own_part, sees_campaign, signed_required, vietnam_time, waiting,
};
use crate::campaign::{Deadlines, Level, Role, Unit};
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::serve::page::capitalised;
use crate::serve::session::Actor;
use crate::store::{CampaignInfo, EventAction, EventFilter, StoreError};

use super::{Reached, UnitPath, reached_units, seen};

/// The page listing the campaigns the user sees; the sign-in page for
/// someone not signed in.
pub async fn campaigns_page(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let mut campaigns = state.store.campaigns().await?;
    campaigns.retain(|c| sees_campaign(&account, &c.code));
    let list: Vec<Value> = campaigns.into_iter().map(|c| json!({ "code": c.code, "name": c.name })).collect();
    // The user's sessions, to end one left open elsewhere.
    let session = super::super::session::session_of(&headers);
    let sessions: Vec<Value> = state
        .store
        .sessions(&account.login, session)
        .await?
        .into_iter()
        .map(|s| json!({ "id": s.id, "since": page_time(s.created_at), "seen": page_time(s.seen_at), "current": s.current }))
        .collect();
    let csrf = session.map(super::super::session::csrf_of);
    Ok(state.pages.page("campaigns.html", &json!({ "campaigns": list, "sessions": sessions, "csrf": csrf })))
}

/// A campaign on a page, as far as the user reaches: the dashboard, the
/// tree with each unit's state, timeliness and documents, and the steps
/// the user may take on each unit — the same rule the API goes through
/// says which.
pub async fn campaign_page(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    headers: axum::http::HeaderMap,
    Path(campaign): Path<String>,
    Query(filter): Query<UnitFilter>,
) -> Result<Response, ApiError> {
    seen(&account, &campaign)?;
    let campaigns = state.store.campaigns().await?;
    let Some(CampaignInfo { code, name, settings }) = campaigns.into_iter().find(|c| c.code == campaign) else {
        return Err(StoreError::NoCampaign(campaign).into());
    };
    let (units, all) = reached_units(&state, &account, &code).await?;
    // Every unit's: a cell's deadline is its committee's, which a secretary does not reach.
    let progress = Progress::of(&units, Deadlines::of_campaign(&settings, &all)?)?;
    let mut timeliness: HashMap<&str, crate::campaign::Timeliness> =
        progress.rows.iter().map(|(unit, timeliness)| (unit.code.as_str(), *timeliness)).collect();
    // The dashboard counts the units below the Board; its own report has a deadline too.
    for board in units.iter().filter(|u| u.level == Level::Board) {
        if let Some(deadline) = progress.deadlines.of(board) {
            timeliness.insert(&board.code, crate::campaign::timeliness(board, deadline, progress.today));
        }
    }
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let lineage = |unit: &Unit| {
        let mut line = vec![unit.clone()];
        while let Some(above) = line.last().and_then(|u| u.parent.as_deref()).and_then(|p| by_code.get(p)) {
            line.push((*above).clone());
        }
        line
    };
    // A Bloc of a few hundred units is one page; a larger tree comes a page at a time.
    // A committee's cells fold under it while the page lists the tree.
    let below: std::collections::HashSet<&str> = units.iter().filter_map(|u| u.parent.as_deref()).collect();
    let listed = filter.apply(&units, |u| timeliness.get(u.code.as_str()).copied());
    let pages = listed.len().div_ceil(UNITS_PER_PAGE).max(1);
    let page = filter.trang.unwrap_or(1).clamp(1, pages);
    let shown = &listed[(page - 1) * UNITS_PER_PAGE..(page * UNITS_PER_PAGE).min(listed.len())];
    // Submitting asks first, saying what goes up: the user's own unit's
    // current version (a cell's members and lists).
    let own_unit = units.iter().find(|u| Some(&u.code) == account.unit.as_ref());
    let ask = match own_unit.filter(|u| next(Step::Submit, u.level, u.state, u.current.is_some()).is_ok()) {
        Some(unit) => {
            let version = state.store.version(&code, &unit.code, None).await?;
            let roster = version
                .as_ref()
                .filter(|_| unit.level.keeps_roster())
                .and_then(|v| serde_json::from_str::<Value>(&v.body).ok());
            Some(Summary::before_submitting(&unit.name, unit.level, roster.as_ref(), unit.current.unwrap_or(0)))
        }
        None => None,
    };
    let signed = state.store.signed_current(&code).await?;
    let required = signed_required(&settings)?;
    let rows: Vec<Value> = shown
        .iter()
        .map(|unit| {
            let line = lineage(unit);
            let may = |action| access(&account, &code, &line, action) == Access::Granted;
            let steps: Vec<Value> = open_steps(&account, &code, &line)
                .into_iter()
                .map(|step| {
                    // Sending up says what goes; a decision names whose report it is.
                    let confirm = match step {
                        Step::Submit if Some(&unit.code) == account.unit.as_ref() => ask.clone(),
                        Step::Approve => Some(format!("{} báo cáo của «{}»?", capitalised(step.label(unit.level)), unit.name)),
                        Step::Reopen => Some(format!("Mở lại báo cáo của «{}» để sửa? Báo cáo về «đang soạn» cho đến khi nộp lại.", unit.name)),
                        _ => None,
                    };
                    // A level's own report goes up once every unit below is settled:
                    // said beside it rather than refused after asking.
                    let unsettled: Vec<String> = match step {
                        Step::Submit if !unit.level.keeps_roster() => units
                            .iter()
                            .filter(|u| u.parent.as_ref() == Some(&unit.code) && !UnitState::SETTLED.contains(&u.state))
                            .map(|u| u.name.clone())
                            .collect(),
                        _ => Vec::new(),
                    };
                    // Nor does a report returned for a change it has not saved.
                    let blocked = match step {
                        Step::Submit if !unsettled.is_empty() => Some(UnitState::unsettled_below(&unsettled)),
                        Step::Submit => unit.unchanged_since_return(),
                        _ => None,
                    };
                    // The Board returning a committee may send some of its cells back with it.
                    let cells: Vec<Value> = match step {
                        Step::Return if unit.level == Level::Committee => units
                            .iter()
                            .filter(|u| u.parent.as_ref() == Some(&unit.code) && u.state.returns_with_committee())
                            .map(|u| json!({ "code": u.code, "name": u.name }))
                            .collect(),
                        _ => Vec::new(),
                    };
                    json!({ "name": step.as_str(), "label": capitalised(step.label(unit.level)), "note": step.needs_note(), "confirm": confirm, "blocked": blocked, "cells": cells })
                })
                .collect();
            json!({
                "code": unit.code, "name": unit.name, "level": unit.level, "state": unit.state, "parent": unit.parent,
                "roster": unit.level.keeps_roster(),
                "has_below": below.contains(unit.code.as_str()),
                "state_label": unit.state.label(), "note": unit.note, "versions": unit.versions,
                "current": unit.current, "changed": unit.changed_at.map(page_time),
                "documents": if may(Action::Read) { document_links(&code, unit) } else { Vec::new() },
                "timeliness": timeliness.get(unit.code.as_str()).map(|t| t.label()), "upload": may(Action::Edit) && unit.state.editable(), "steps": steps,
                "signed_upload": may(Action::Edit) && unit.state.received(),
                // The signed originals of the current version, for those who
                // read the unit; a decided version without one is flagged.
                "signed": if may(Action::Read) { signed_links(&code, unit, signed.get(&unit.code)) } else { Vec::new() },
                "unsigned_decided": matches!(unit.state, UnitState::Approved | UnitState::Accepted)
                    && !signed.contains_key(&unit.code),
                // Before the level above decides, when the campaign requires one.
                "signed_needed": unit.state == UnitState::Submitted && required.contains(&unit.level)
                    && !signed.contains_key(&unit.code),
            })
        })
        .collect();
    let waits = waiting(&account, &units, &progress.deadlines, progress.today);
    let person = state.store.person(&account.login).await?;
    let csrf = super::super::session::session_of(&headers).map(super::super::session::csrf_of);
    let context = json!({
        "waits_shown": account.unit.is_some(), "waiting": waits.lines(), "nothing_waits": waits.is_empty(),
        "code": code, "name": name, "account": account, "role_label": account.role.label(), "person": person,
        "own": own_unit.map(|u| &u.name), "own_code": account.unit,
        "invite_below": own_unit.is_some_and(|o| units.iter().any(|u| u.parent.as_ref() == Some(&o.code))),
        "audit": matches!(account.role, Role::Board | Role::Admin),
        "board_invite": (account.role == Role::Admin).then(|| units.iter().find(|u| u.level == Level::Board).map(|u| &u.code)).flatten(),
        "csrf": csrf, "today": progress.today.to_string(), "levels": progress.levels(), "units": rows,
        "page": page, "pages": pages, "unit_count": units.len(), "listed": listed.len(),
        "previous": (page > 1).then(|| filter.at_page(page - 1)), "next": (page < pages).then(|| filter.at_page(page + 1)),
        "tree": !filter.sorts(),
        "filter": { "tim": filter.tim, "state": filter.state, "han": filter.han, "order": filter.order, "any": filter.any() },
        "states": UnitState::VARIANTS.iter().map(|s| json!({ "code": s.as_str(), "label": s.label() })).collect::<Vec<_>>(),
        "lateness": LATENESS.map(|(code, label)| json!({ "code": code, "label": label })),
        "orders": ORDERS.map(|(code, label)| json!({ "code": code, "label": label })),
    });
    Ok(state.pages.page("campaign.html", &context))
}

/// A unit's signed originals as links: the document, who sent it, when.
fn signed_links(campaign: &str, unit: &Unit, signed: Option<&Vec<crate::store::SignedInfo>>) -> Vec<Value> {
    signed
        .into_iter()
        .flatten()
        .map(|s| {
            let label = s.kind.parse::<crate::Kind>().map_or(s.kind.clone(), |k| k.label().to_string());
            json!({
                "href": format!("/api/campaigns/{campaign}/units/{}/signed/{}", unit.code, s.kind),
                "label": label, "by": s.login, "at": page_time(s.uploaded_at),
            })
        })
        .collect()
}

/// Units listed on one page of a campaign's page.
const UNITS_PER_PAGE: usize = 1000;

/// A unit's page: its state, its versions with the documents of each, and
/// its timeline.
pub(super) async fn unit_page(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    headers: axum::http::HeaderMap,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    Query(query): Query<VersionsQuery>,
) -> Result<Response, ApiError> {
    let unit = lineage[0].clone();
    // A committee's or the Board's own details, typed on the page while it
    // may still edit them, from its current version.
    let details = match !unit.level.keeps_roster()
        && unit.state.editable()
        && access(&account, &campaign, &lineage, Action::Edit) == Access::Granted
    {
        true => {
            let version = state.store.version(&campaign, &code, None).await?;
            let own = match version {
                Some(version) => {
                    own_part(unit.level, &serde_json::from_str(&version.body).map_err(ApiError::internal)?)
                }
                None => first_details(&unit),
            };
            Some(json!({ "own": own.to_string(), "board": unit.level == Level::Board }))
        }
        false => None,
    };
    let campaign_name = campaign_name(&state, &campaign).await?;
    let all = state.store.versions(&campaign, &code).await?;
    // Newest first, a page at a time: a unit returned many times keeps
    // hundreds of versions.
    let pages = all.len().div_ceil(VERSIONS_PER_PAGE).max(1);
    let page = query.trang.unwrap_or(1).clamp(1, pages);
    let versions: Vec<Value> = all
        .iter()
        .rev()
        .skip((page - 1) * VERSIONS_PER_PAGE)
        .take(VERSIONS_PER_PAGE)
        .map(|v| {
            json!({ "number": v.number, "at": page_time(v.saved_at), "author": v.author,
                    "short": v.sha256.get(..16).unwrap_or(&v.sha256) })
        })
        .collect();
    // A roster's two versions compared, by default the last against the one before.
    let latest = all.last().map(|v| v.number);
    let compared = match latest.filter(|_| unit.level.keeps_roster()) {
        Some(latest) if all.len() > 1 => {
            let to = query.den.filter(|n| (1..=latest).contains(n)).unwrap_or(latest);
            let from = query.tu.filter(|n| (1..=latest).contains(n)).unwrap_or((to - 1).max(1));
            let (store, campaign, code) = (&state.store, &campaign, &code);
            let body = |number| async move {
                let version = store.version(campaign, code, Some(number)).await?;
                let body = version.map(|v| v.body).unwrap_or_default();
                Ok::<Value, ApiError>(serde_json::from_str(&body).unwrap_or(Value::Null))
            };
            let lines = changes(&body(from).await?, &body(to).await?);
            // Members' names and details, read: written down as the submission's reads are.
            let what = format!("so sánh phiên bản {from} và {to}");
            log_read(store, &account.login, campaign, code, EventAction::Read, Some(to), &what).await?;
            Some(json!({ "from": from, "to": to, "lines": lines, "numbers": (1..=latest).rev().collect::<Vec<_>>() }))
        }
        _ => None,
    };
    let people = state.store.people(&campaign).await?;
    let events: Vec<Value> = state
        .store
        .events(&campaign, Some(&code), false)
        .await?
        .iter()
        // What was done to the unit's report, not each look at it (this
        // page's own opening is one): reads stay in the audit log.
        .filter(|e| !matches!(e.action.parse(), Ok(EventAction::Read | EventAction::Download)))
        .map(|e| {
            json!({ "at": page_time(e.at), "label": action_label(&e.action), "login": e.login.as_deref().map(|l| who(l, &people)),
                    "version": numbered(e, |n| format!("phiên bản {n}")), "note": e.note })
        })
        .collect();
    // Its accounts, for an officer above it: each may be sent a new link,
    // and a person invited by name.
    let invites = access(&account, &campaign, &lineage, Action::Invite) == Access::Granted
        && account.unit.as_deref() != Some(unit.code.as_str());
    let accounts: Vec<Value> = match invites {
        true => state
            .store
            .unit_accounts(&campaign, &code)
            .await?
            .into_iter()
            .map(|a| {
                json!({ "login": a.login, "active": a.disabled_at.is_none(), "password_set": a.password_set,
                        "person": a.person, "office": a.office, "email": a.email })
            })
            .collect(),
        false => Vec::new(),
    };
    // A committee gives its cells a deadline of its own, on or before its.
    let below_deadline = match unit.level == Level::Committee
        && access(&account, &campaign, &lineage, Action::Edit) == Access::Granted
    {
        true => {
            let deadlines = Deadlines::of_campaign(&state.store.campaign(&campaign).await?, &[])?;
            let shown = |level| deadlines.level(level).map(|d| d.to_string());
            Some(json!({ "set": unit.below_deadline, "campaign": shown(Level::Cell), "own": shown(Level::Committee) }))
        }
        false => None,
    };
    // The Board replaces the roll it manages, seeing first what changes.
    let roll =
        match unit.level == Level::Board && access(&account, &campaign, &lineage, Action::Edit) == Access::Granted {
            true => {
                let kept = state.store.roll_info(&campaign).await?;
                Some(json!({ "members": kept.map(|(members, _)| members), "saved": kept.map(|(_, at)| page_time(at)) }))
            }
            false => None,
        };
    let documents = document_links(&campaign, &unit);
    let own = match account.unit.as_deref() {
        Some(own) => state.store.unit(&campaign, own).await.ok().map(|u| u.name),
        None => None,
    };
    let context = json!({
        "account": account, "person": state.store.person(&account.login).await?, "role_label": account.role.label(),
        "own": own,
        "below_deadline": below_deadline, "roll": roll,
        "code": campaign, "campaign_name": campaign_name, "unit": unit, "level_label": unit.level.label(),
        "state_label": unit.state.label(), "versions": versions, "events": events, "documents": documents,
        "details": details, "compared": compared, "accounts": accounts, "invites": invites,
        "has_active": accounts.iter().any(|a| a["active"] == true),
        "may_add_second": crate::campaign::may_add_second(&account, account.unit.as_deref() == Some(unit.code.as_str())).is_ok(),
        "csrf": super::super::session::session_of(&headers).map(super::super::session::csrf_of),
        "page": page, "pages": pages, "version_count": all.len(),
    });
    Ok(state.pages.page("unit.html", &context))
}

/// The cards of a unit on a page: where each is, the hand-overs its user
/// records now (a list to tick, numbers to type), the records; for the
/// Board, the decision and the stamping.
pub(super) async fn cards_page(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    headers: axum::http::HeaderMap,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Response, ApiError> {
    let unit = lineage[0].clone();
    let custody = crate::campaign::cards::custody(&state.store, &campaign, &lineage, &account).await?;
    let all = state.store.units(&campaign).await?;
    let inside = crate::campaign::within(&code, &all);
    let trip = crate::campaign::cards::round_trip(&state.store, &campaign, &inside).await?;
    log_read(&state.store, &account.login, &campaign, &code, EventAction::Read, None, "thẻ đảng viên").await?;
    let board = unit.level == Level::Board && access(&account, &campaign, &lineage, Action::Edit) == Access::Granted;
    let at_board = |c: &&crate::campaign::cards::CardView| c.place == crate::campaign::cards::Place::Board && !c.done;
    let new_cards: Vec<_> = custody.cards.iter().filter(at_board).filter(|c| c.list != "2-KTTĐV").collect();
    let stamp_waiting =
        custody.cards.iter().filter(at_board).filter(|c| c.list == "2-KTTĐV" && c.outcome.is_none()).count();
    let settings: crate::model::campaign::Campaign =
        serde_json::from_str(&state.store.campaign(&campaign).await?).map_err(ApiError::internal)?;
    let own = match account.unit.as_deref() {
        Some(own) => state.store.unit(&campaign, own).await.ok().map(|u| u.name),
        None => None,
    };
    let context = json!({
        "account": account, "person": state.store.person(&account.login).await?, "role_label": account.role.label(),
        "own": own, "code": campaign, "unit": unit, "moves": custody.moves, "cards": custody.cards,
        "records": custody.records, "decision": custody.decision, "trip": trip, "board": board,
        "new_cards": new_cards, "stamp_waiting": stamp_waiting, "round": settings.round,
        "csrf": super::super::session::session_of(&headers).map(super::super::session::csrf_of),
    });
    Ok(state.pages.page("cards.html", &context))
}

/// What a committee's or the Board's details form starts with before its
/// first version: its name as the tree has it (which the report must
/// carry), and the usual signer, so that nothing the page does not show is
/// missing.
fn first_details(unit: &Unit) -> Value {
    match unit.level {
        Level::Board => json!({
            "board": { "name": unit.name, "signature": { "as": "head", "title": "TRƯỞNG BAN" } },
        }),
        _ => {
            // «Đảng bộ Sở Tài chính» issues as «Đảng ủy Sở Tài chính».
            let issuer = unit.name.strip_prefix("Đảng bộ ").map_or(unit.name.clone(), |rest| format!("Đảng ủy {rest}"));
            json!({
                "organisation": unit.name,
                "committee": {
                    "header": { "issuer": issuer.to_uppercase() },
                    "signature": { "as": "on-behalf-of", "body": "ĐẢNG ỦY", "title": "BÍ THƯ" },
                },
            })
        }
    }
}

/// Who did something, as a page says it: the person's name and their
/// login, or the login alone when their invitation named nobody.
fn who(login: &str, people: &HashMap<String, String>) -> String {
    match people.get(login) {
        Some(name) => format!("{name}, {login}"),
        None => login.to_owned(),
    }
}

/// Versions listed on one page of a unit's page.
const VERSIONS_PER_PAGE: usize = 20;

/// `?tu=N&den=M&trang=P`: the two versions a cell's page compares, and
/// which page of its versions it lists.
#[derive(serde::Deserialize)]
pub(super) struct VersionsQuery {
    tu: Option<i64>,
    den: Option<i64>,
    trang: Option<usize>,
}

/// Events on one page of the audit log.
const EVENTS_PER_PAGE: i64 = 50;

/// `?don-vi=CODE&thao-tac=ACTION&trang=N`: the audit log's filters, as the
/// page's form sends them (empty: all).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    #[serde(rename = "don-vi", default)]
    unit: String,
    #[serde(rename = "thao-tac", default)]
    action: String,
    trang: Option<i64>,
}

/// The campaign's audit log on screen, for those who may read it: newest
/// first, a page at a time, filtered by unit and action, in Vietnamese
/// words and Vietnam's time, units by their names.
pub(super) async fn log_page(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(campaign): Path<String>,
    Query(LogQuery { unit, action, trang }): Query<LogQuery>,
) -> Result<Response, ApiError> {
    let units = state.store.units(&campaign).await?;
    if !unit.is_empty() && !units.iter().any(|u| u.code == unit) {
        return Err(ApiError::BadRequest(format!("chiến dịch không có đơn vị mã «{unit}»")));
    }
    let chosen = match action.as_str() {
        "" => None,
        named => Some(
            named
                .parse::<EventAction>()
                .map_err(|_| ApiError::BadRequest(format!("nhật ký không có thao tác «{named}»")))?,
        ),
    };
    let filter = EventFilter {
        unit: Some(unit.as_str()).filter(|u| !u.is_empty()),
        action: chosen,
        // The installation's own events are the administrator's to read.
        installation: account.role == Role::Admin,
    };
    let mut page = trang.unwrap_or(1).max(1);
    let (mut events, total) = state.store.events_page(&campaign, &filter, page, EVENTS_PER_PAGE).await?;
    // A page past the last (an old link, a typed number) shows the last.
    let last = ((total + EVENTS_PER_PAGE - 1) / EVENTS_PER_PAGE).max(1);
    if page > last {
        page = last;
        events = state.store.events_page(&campaign, &filter, page, EVENTS_PER_PAGE).await?.0;
    }
    let names: HashMap<&str, &str> = units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let people = state.store.people(&campaign).await?;
    let rows: Vec<Value> = events
        .iter()
        .map(|e| {
            let unit = e.unit.as_deref().map(|code| names.get(code).copied().unwrap_or(code));
            json!({ "seq": e.seq, "at": page_time(e.at), "action": action_label(&e.action),
                    "login": e.login.as_deref().map(|l| who(l, &people)), "address": e.address, "unit": unit, "version": numbered(e, |n| n.to_string()), "note": e.note })
        })
        .collect();
    let pages = last;
    let at = |n: i64| format!("?don-vi={unit}&thao-tac={action}&trang={n}");
    let campaign_name = campaign_name(&state, &campaign).await?;
    let context = json!({
        "code": campaign, "name": campaign_name, "events": rows, "total": total, "page": page, "pages": pages,
        "previous": (page > 1).then(|| at(page - 1)), "next": (page < pages).then(|| at(page + 1)),
        "units": units.iter().map(|u| json!({ "code": u.code, "name": u.name })).collect::<Vec<_>>(),
        "actions": EventAction::VARIANTS.iter().map(|a| json!({ "code": a.as_str(), "label": action_words(*a) })).collect::<Vec<_>>(),
        "unit": unit, "action": action,
    });
    Ok(state.pages.page("audit.html", &context))
}

/// The links to the documents `unit` makes, each with its Vietnamese name.
fn document_links(campaign: &str, unit: &Unit) -> Vec<Value> {
    documents_of(unit.level)
        .iter()
        .map(|kind| {
            let href = format!("/api/campaigns/{campaign}/units/{}/documents/{}", unit.code, kind.name());
            json!({ "href": href, "label": kind.label() })
        })
        .collect()
}

/// The campaign's name, for a page's way back to it.
async fn campaign_name(state: &AppState, campaign: &str) -> Result<Option<String>, StoreError> {
    Ok(state.store.campaigns().await?.into_iter().find(|c| c.code == campaign).map(|c| c.name))
}

/// A page's time: `dd/mm/yyyy hh:mm`.
fn page_time(ms: i64) -> String {
    vietnam_time(ms, "%d/%m/%Y %H:%M")
}

/// What an event's number counts, in words: the number of a record of the
/// cards' round trip, «biên bản số N»; else of a version of the unit's
/// data, as `version` writes it.
fn numbered(event: &crate::store::Event, version: impl Fn(i64) -> String) -> Option<String> {
    let number = event.version?;
    let record =
        matches!(event.action.parse(), Ok(EventAction::Handover | EventAction::Decision | EventAction::Stamping));
    Some(if record { format!("biên bản số {number}") } else { version(number) })
}

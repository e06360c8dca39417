//! The people of a unit: officers invite the units below them, a unit its
//! own second person; each unit's accounts are listed with who made them,
//! and an officer above (or the unit) disables one.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::{InviteOutcome, InvitedView};
use super::{Reached, UnitPath};
use crate::campaign::{Invited, Login, may_disable};
use crate::input::{Code, InputError, JsonPath};
use crate::serve::AppState;
use crate::serve::error::ApiError;
use crate::store::Person;

/// An account to create for a unit: its login (by default the unit's code).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    login: Option<String>,
    /// Instead, one account for each unit right below it that has none,
    /// named after its code: a committee's cells, or every committee of
    /// the Board.
    #[serde(default)]
    below: bool,
    /// A second person for a unit that has an active account: the Board
    /// says so knowingly (the unit itself needs not).
    #[serde(default)]
    second: bool,
    /// The person's full name and office, said on the pages instead of the login.
    person: Option<String>,
    office: Option<String>,
    /// Where the person is told what waits for them, when the service sends e-mail.
    email: Option<String>,
}

/// An officer creates the account of a unit below theirs, a unit its own
/// second person; or, asked `below`, one for each unit right below that
/// has none: each with a one-time sign-in link, shown once. A unit that
/// has an active account gets another only from itself or the Board.
pub async fn invite(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    body: Option<Json<Invitation>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Invitation { login, below, second, person, office, email } = body.map(|Json(b)| b).unwrap_or_default();
    let person = who(person, office, email, below)?;
    let invitation = if below {
        crate::campaign::Invitation::Below
    } else {
        let typed = login.unwrap_or_else(|| code.clone());
        let login: Login = typed.parse().map_err(|e: crate::campaign::LoginError| {
            ApiError::Input(vec![InputError::new(Code::InvalidLogin, JsonPath::root().key("login"), e.to_string())])
        })?;
        crate::campaign::Invitation::One { login, person, second }
    };
    let (invited, skipped) = crate::campaign::invite(&state.store, &account, &campaign, &lineage, invitation).await?;
    let mut answer: Vec<InvitedView> = invited.iter().map(shown).collect();
    answer.extend(skipped.into_iter().map(|(unit, login)| InvitedView {
        unit: unit.code,
        name: unit.name,
        outcome: InviteOutcome::Skipped { skipped: format!("đã có tài khoản «{login}»") },
    }));
    tracing::info!(campaign, unit = code, by = account.login, accounts = answer.len(), "đã tạo tài khoản");
    Ok((StatusCode::CREATED, Json(json!(answer))))
}

/// The person an invitation names, checked: a name, and an office and an
/// e-mail address or none, as NFC like every text kttdv keeps; every
/// problem at once, at its field. Invitations of every unit below name
/// nobody: said, not dropped.
fn who(
    person: Option<String>,
    office: Option<String>,
    email: Option<String>,
    below: bool,
) -> Result<Option<Person>, ApiError> {
    use unicode_normalization::UnicodeNormalization;
    let mut problems = Vec::new();
    let mut check = |field: &str, text: Option<String>| {
        let text: String = text.map(|t| t.trim().nfc().collect()).unwrap_or_default();
        let place = JsonPath::root().key(field);
        if below && !text.is_empty() {
            let message =
                "tạo tài khoản cho mọi đơn vị trực thuộc thì không ghi tên người; mời từng người một".to_owned();
            problems.push(InputError::new(Code::UnknownField, place, message));
        } else if text.chars().count() > 100 {
            problems.push(InputError::new(Code::TextTooLong, place, "tối đa 100 ký tự".to_owned()));
        } else if text.chars().any(char::is_control) {
            problems.push(InputError::new(Code::ForbiddenCharacter, place, "có ký tự điều khiển".to_owned()));
        }
        text
    };
    let (name, office, email) = (check("person", person), check("office", office), check("email", email));
    let place = JsonPath::root().key("email");
    if !email.is_empty() && crate::mail::address(&email).is_none() {
        problems.push(InputError::new(Code::InvalidEmail, place, format!("«{email}» không phải địa chỉ thư điện tử")));
    } else if !email.is_empty() && name.is_empty() {
        let message = "ghi họ tên người nhận thư (person) cùng địa chỉ thư".to_owned();
        problems.push(InputError::new(Code::MissingField, JsonPath::root().key("person"), message));
    }
    if !problems.is_empty() {
        return Err(ApiError::Input(problems));
    }
    let email = (!email.is_empty()).then_some(email);
    Ok((!name.is_empty()).then_some(Person { name, office, email }))
}

fn shown(invited: &Invited) -> InvitedView {
    let Invited { unit, account, token } = invited;
    InvitedView {
        unit: unit.code.clone(),
        name: unit.name.clone(),
        outcome: InviteOutcome::Made {
            login: account.login.clone(),
            role: account.role,
            role_label: account.role.label(),
            link: format!("/web/invitation/{token}"),
        },
    }
}

/// The unit's accounts, for the unit and the levels above: who made each,
/// whether its link was used, whether it is disabled.
pub async fn accounts(
    State(state): State<Arc<AppState>>,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.store.unit_accounts(&campaign, &code).await?)))
}

/// A unit's account `login`, with the unit's path.
#[derive(Deserialize)]
pub struct AccountPath {
    campaign: String,
    code: String,
    login: String,
}

/// Disables one of the unit's accounts, for an officer above (an
/// administrator for the Board) or the unit itself: it signs in no more,
/// its sessions end, its tokens are revoked.
pub async fn disable(
    State(state): State<Arc<AppState>>,
    Reached { account, .. }: Reached,
    Path(AccountPath { campaign, code, login }): Path<AccountPath>,
) -> Result<StatusCode, ApiError> {
    may_disable(&account, &login).map_err(ApiError::Forbidden)?;
    if state.store.disable_account(&campaign, &code, &login, &account.login).await? {
        tracing::info!(campaign, unit = code, by = account.login, "đã khóa tài khoản");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A new one-time link for one of the unit's accounts, for an officer
/// above it or the administrator: the person sets a new password with it
/// and every session of the account ends.
pub async fn new_link(
    State(state): State<Arc<AppState>>,
    Reached { account, lineage }: Reached,
    Path(AccountPath { campaign, code, login }): Path<AccountPath>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let unit = &lineage[0];
    let token = crate::campaign::new_link(&state.store, &account, &campaign, unit, &login).await?;
    let token = token.ok_or(ApiError::NotFound)?;
    tracing::info!(campaign, unit = code, by = account.login, "đã gửi liên kết đăng nhập mới");
    let role = crate::campaign::role_of(unit.level);
    let answer = vec![InvitedView {
        unit: code,
        name: unit.name.clone(),
        outcome: InviteOutcome::Made {
            login,
            role,
            role_label: role.label(),
            link: format!("/web/invitation/{token}"),
        },
    }];
    Ok((StatusCode::CREATED, Json(json!(answer))))
}

//! Signing in: the one-time link that sets a password, sessions by cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS) kept in the store so
//! that replicas share them, API tokens for scripts, sign-ins throttled per
//! account and per address, and who acts in a request ([`Actor`]): every
//! change made with a session's cookie carries the session's CSRF token.

use std::sync::{Arc, LazyLock};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::upload::FormFields;
use crate::store::{Account, NewEvent, SESSION_SECONDS, hash_password, new_token, password_matches};

const COOKIE: &str = "kttdv-session";
/// The sign-in form's token, checked against the field of the same value.
const CSRF_COOKIE: &str = "kttdv-csrf";
/// Shorter passwords are refused.
const MIN_PASSWORD: usize = 12;
/// The header a change made with a session's cookie carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-kttdv-csrf";
/// Failed sign-ins counted over this window …
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// … at most this many for one account, and from one address.
const FAILURES_PER_LOGIN: i64 = 5;
const FAILURES_PER_ADDRESS: i64 = 20;

/// Who acts in a request: the account of its session cookie or of its
/// API token (`Authorization: Bearer …`). 401 without either; 403 for a
/// change made with a cookie but without the session's CSRF token.
pub struct Actor(pub Account);

impl FromRequestParts<Arc<AppState>> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let (account, session) = account_of(parts, state).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if let Some(session) = session.filter(|_| !safe)
            && token != Some(csrf_of(session).as_str())
        {
            return Err(ApiError::Forbidden("thiếu mã chống giả mạo (CSRF) của phiên; hãy tải lại trang"));
        }
        Ok(Actor(account))
    }
}

/// The account a request acts as, and the session's token when it came by
/// cookie (none for an API token); 401 without either.
pub async fn account_of<'a>(parts: &'a Parts, state: &AppState) -> Result<(Account, Option<&'a str>), ApiError> {
    let bearer =
        parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let account = state.store.session(token.trim()).await?.ok_or(ApiError::Unauthorized)?;
        return Ok((account, None));
    }
    let session = session_of(&parts.headers).ok_or(ApiError::Unauthorized)?;
    let account = state.store.session(session).await?.ok_or(ApiError::Unauthorized)?;
    Ok((account, Some(session)))
}

/// The CSRF token of a session: pages put it in their forms, scripts in
/// [`CSRF_HEADER`]; a site that cannot read the page cannot know it.
pub fn csrf_of(session: &str) -> String {
    crate::hash::sha256(format!("csrf|{session}").as_bytes())
}

/// The client's address: the connection's peer, or the address a proxy on
/// the same machine says it forwarded for.
fn address_of(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    let Some(peer) = peer else { return "-".into() };
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    match forwarded.and_then(|f| f.rsplit(',').next()) {
        Some(client) if peer.ip().is_loopback() => client.trim().to_owned(),
        _ => peer.ip().to_string(),
    }
}

/// The client's address of a request, as [`address_of`] says it.
pub struct Address(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
        Ok(Address(address_of(&parts.headers, peer)))
    }
}

/// The page a one-time link opens: set a password.
pub async fn invitation_page(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let account = state.store.invitation(&token).await?;
    Ok(invitation(&state, &token, account.as_ref(), None))
}

fn invitation(state: &AppState, token: &str, account: Option<&Account>, problem: Option<&str>) -> Response {
    let context =
        json!({ "token": token, "account": account, "role": account.map(|a| a.role.label()), "problem": problem });
    let mut page = state.pages.page("invitation.html", &context);
    if account.is_none() {
        *page.status_mut() = StatusCode::NOT_FOUND;
    }
    page
}

/// Sets the password from a one-time link, once, and signs in.
pub async fn accept_invitation(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    Address(address): Address,
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Result<Response, ApiError> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    let (password, repeat) = (field("password").to_owned(), field("repeat"));
    let Some(account) = state.store.invitation(&token).await? else {
        return Ok(invitation(&state, &token, None, None));
    };
    let problem = if password.chars().count() < MIN_PASSWORD {
        Some(format!("Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."))
    } else if password != repeat {
        Some("Hai lần nhập mật khẩu không giống nhau.".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        let mut page = invitation(&state, &token, Some(&account), Some(&problem));
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(page);
    }
    // argon2id takes tens of milliseconds of a core: off the runtime.
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)?;
    let session = new_token();
    let Some(account) = state.store.accept_invitation(&token, &hash, &session, &address).await? else {
        return Ok(invitation(&state, &token, None, None));
    };
    tracing::info!(login = account.login, "đặt mật khẩu, đăng nhập");
    Ok(with_cookie(Redirect::to("/web/campaigns").into_response(), &session, &headers))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    login: String,
    password: String,
}

/// Signs in with a login and password: the account and the session's
/// CSRF token, and a session cookie.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    Address(address): Address,
    headers: HeaderMap,
    Json(SignIn { login, password }): Json<SignIn>,
) -> Result<Response, ApiError> {
    let (account, session) = authenticate(&state, &headers, &address, login, password).await?;
    let body = json!({ "account": account, "csrf": csrf_of(&session) });
    Ok(with_cookie(Json(body).into_response(), &session, &headers))
}

/// The sign-in page, its form carrying a token that must come back with
/// the same one in a cookie (a form posted from another site cannot).
pub async fn sign_in_page(State(state): State<Arc<AppState>>) -> Response {
    sign_in_form(&state, "", None, StatusCode::OK)
}

fn sign_in_form(state: &AppState, login: &str, problem: Option<&str>, status: StatusCode) -> Response {
    let csrf = new_token();
    let mut page = state.pages.page("sign-in.html", &json!({ "csrf": csrf, "login": login, "problem": problem }));
    *page.status_mut() = status;
    let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/web; HttpOnly; SameSite=Strict; Max-Age=3600");
    page.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("a token is ASCII"));
    page
}

/// Signs in from the page's form.
pub async fn sign_in_submit(
    State(state): State<Arc<AppState>>,
    Address(address): Address,
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Result<Response, ApiError> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (login, password, csrf) = (field("login"), field("password"), field("csrf"));
    if csrf.is_empty() || cookie_of(&headers, CSRF_COOKIE) != Some(csrf.as_str()) {
        let problem = "Trang đăng nhập đã cũ; hãy nhập lại.";
        return Ok(sign_in_form(&state, &login, Some(problem), StatusCode::FORBIDDEN));
    }
    match authenticate(&state, &headers, &address, login.clone(), password).await {
        Ok((_, session)) => Ok(with_cookie(Redirect::to("/web/campaigns").into_response(), &session, &headers)),
        Err(err @ (ApiError::SignInFailed | ApiError::Throttled)) => {
            let status = if matches!(err, ApiError::Throttled) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            Ok(sign_in_form(&state, &login, Some(&err.to_string()), status))
        }
        Err(other) => Err(other),
    }
}

/// Checks a login and password and opens a session: the account and the
/// session's token. Refused without trying the password after too many
/// failures for the login or from the address; the session the request
/// came with, if any, is closed (a session id never survives a sign-in).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    address: &str,
    login: String,
    password: String,
) -> Result<(Account, String), ApiError> {
    let since = crate::store::now_ms() - THROTTLE_WINDOW_MS;
    let (by_login, by_address) = state.store.failed_sign_ins(&login, address, since).await?;
    if by_login >= FAILURES_PER_LOGIN || by_address >= FAILURES_PER_ADDRESS {
        tracing::warn!(login, address, "đăng nhập bị tạm chặn");
        return Err(ApiError::Throttled);
    }
    let found = state.store.password_of(&login).await?;
    let (account, hash) = found.map_or((None, None), |(account, hash)| (Some(account), Some(hash)));
    // One verification whether or not the login exists (against a hash made
    // once for the purpose): the answer's time says nothing of who exists.
    let matches = tokio::task::spawn_blocking(move || {
        static NOBODY: LazyLock<String> = LazyLock::new(|| hash_password("không có tài khoản này"));
        password_matches(&password, hash.as_deref().unwrap_or(&NOBODY))
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(account) = account.clone().filter(|_| matches) else {
        tracing::info!(login, "đăng nhập sai");
        // In the log of the account's campaign; an unknown login's, the installation's.
        let event = NewEvent {
            action: "sign-in-failed",
            login: Some(&login),
            address: Some(address),
            campaign: account.as_ref().and_then(|a| a.campaign.as_deref()),
            unit: account.as_ref().and_then(|a| a.unit.as_deref()),
            ..NewEvent::default()
        };
        state.store.log(&event).await?;
        return Err(ApiError::SignInFailed);
    };
    if let Some(old) = session_of(headers) {
        state.store.close_session(old).await?;
    }
    let session = new_token();
    state.store.open_session(&account.login, &session, address).await?;
    tracing::info!(login = account.login, "đăng nhập");
    Ok((account, session))
}

/// Who is signed in, and the session's CSRF token for the changes it makes.
pub async fn who(Actor(account): Actor, headers: HeaderMap) -> Json<serde_json::Value> {
    let mut answer = json!(account);
    if let Some(session) = session_of(&headers) {
        answer["csrf"] = json!(csrf_of(session));
    }
    Json(answer)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, to recognise it in the list.
    label: String,
}

/// A new API token acting as the signed-in user, for scripts: shown once.
pub async fn create_token(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Json(NewToken { label }): Json<NewToken>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        let message = "cần ghi mã truy cập dùng vào việc gì (1–100 ký tự)".to_owned();
        let path = crate::input::JsonPath::root().key("label");
        return Err(ApiError::Input(vec![crate::InputError::new(crate::Code::MissingField, path, message)]));
    }
    let token = new_token();
    let id = state.store.create_token(&account.login, label, &token).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "label": label, "token": token }))))
}

/// The signed-in user's API tokens, without the tokens themselves.
pub async fn tokens(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tokens = state.store.tokens(&account.login).await?;
    let list: Vec<_> = tokens
        .into_iter()
        .map(|(id, label, created, revoked)| json!({ "id": id, "label": label, "created_at": created, "revoked_at": revoked }))
        .collect();
    Ok(Json(json!(list)))
}

/// Revokes one of the signed-in user's API tokens.
pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.store.revoke_token(&account.login, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Signs out: the session ends, the cookie is cleared.
pub async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(session) = session_of(&headers) {
        state.store.close_session(session).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let cleared = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cleared).expect("ASCII"));
    Ok(response)
}

/// The session token a request carries in its cookie.
pub fn session_of(headers: &HeaderMap) -> Option<&str> {
    cookie_of(headers, COOKIE)
}

/// The value of the cookie `name` a request carries.
fn cookie_of<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// `response` setting the session cookie; `Secure` when the request came
/// over TLS (to the proxy in front, which says so).
fn with_cookie(mut response: Response, session: &str, headers: &HeaderMap) -> Response {
    let tls = headers.get("x-forwarded-proto").is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    let secure = if tls { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}");
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("a token is ASCII"));
    response
}

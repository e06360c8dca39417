//! Signing in: the one-time link that sets a password, sessions by cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS) kept in the store so
//! that replicas share them, and who is signed in.

use std::sync::{Arc, LazyLock};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::upload::FormFields;
use crate::store::{Account, SESSION_SECONDS, hash_password, new_token, password_matches};

const COOKIE: &str = "kttdv-session";
/// The sign-in form's token, checked against the field of the same value.
const CSRF_COOKIE: &str = "kttdv-csrf";
/// Shorter passwords are refused.
const MIN_PASSWORD: usize = 12;

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
    let Some(account) = state.store.accept_invitation(&token, &hash, &session).await? else {
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

/// Signs in with a login and password: the account, and a session cookie.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(SignIn { login, password }): Json<SignIn>,
) -> Result<Response, ApiError> {
    let (account, session) = authenticate(&state, login, password).await?;
    Ok(with_cookie(Json(&account).into_response(), &session, &headers))
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
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Result<Response, ApiError> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (login, password, csrf) = (field("login"), field("password"), field("csrf"));
    if csrf.is_empty() || cookie_of(&headers, CSRF_COOKIE) != Some(csrf.as_str()) {
        let problem = "Trang đăng nhập đã cũ; hãy nhập lại.";
        return Ok(sign_in_form(&state, &login, Some(problem), StatusCode::FORBIDDEN));
    }
    match authenticate(&state, login.clone(), password).await {
        Ok((_, session)) => Ok(with_cookie(Redirect::to("/web/campaigns").into_response(), &session, &headers)),
        Err(ApiError::SignInFailed) => {
            let problem = ApiError::SignInFailed.to_string();
            Ok(sign_in_form(&state, &login, Some(&problem), StatusCode::UNAUTHORIZED))
        }
        Err(other) => Err(other),
    }
}

/// Checks a login and password and opens a session: the account and the
/// session's token.
async fn authenticate(state: &AppState, login: String, password: String) -> Result<(Account, String), ApiError> {
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
    let Some(account) = account.filter(|_| matches) else {
        tracing::info!(login, "đăng nhập sai");
        return Err(ApiError::SignInFailed);
    };
    let session = new_token();
    state.store.open_session(&account.login, &session).await?;
    tracing::info!(login = account.login, "đăng nhập");
    Ok((account, session))
}

/// Who is signed in.
pub async fn who(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Json<Account>, ApiError> {
    signed_in(&state, &headers).await.map(Json)
}

/// The account of the request's session; 401 without one.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Account, ApiError> {
    let session = session_of(headers).ok_or(ApiError::Unauthorized)?;
    state.store.session(session).await?.ok_or(ApiError::Unauthorized)
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
fn session_of(headers: &HeaderMap) -> Option<&str> {
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

//! Signing in: the one-time link that sets a password, sessions by cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS) kept in the store so
//! that replicas share them and ended when idle, API tokens for scripts
//! that expire, sign-in attempts counted before the password is tried (per
//! login and address, per login, per address), and who acts in a request
//! ([`Actor`]): every change made with a session's cookie carries the
//! session's CSRF token, signing out too.

use std::sync::{Arc, LazyLock};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::upload::FormFields;
use crate::store::{
    Account, Authenticated, NewEvent, Policy, SESSION_SECONDS, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, hash_password,
    new_token, password_matches,
};

const COOKIE: &str = "kttdv-session";
/// The sign-in form's token, checked against the field of the same value.
const CSRF_COOKIE: &str = "kttdv-csrf";
/// Shorter passwords are refused.
const MIN_PASSWORD: usize = 12;
/// The header a change made with a session's cookie carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-kttdv-csrf";
/// Sign-in attempts for one login from one address: 5 free, then a wait
/// that doubles from 5 seconds to 15 minutes; forgotten a day after.
const PER_PAIR: Policy =
    Policy { free: 5, first_wait_ms: 5_000, max_wait_ms: 15 * 60 * 1_000, window_ms: 24 * 3600 * 1_000 };
/// For one login from addresses it has not signed in from: 10 free in an
/// hour, then 5 seconds, up to a minute, between tries — a stranger slows
/// guessing, but never locks the owner out at an address of theirs.
const PER_LOGIN: Policy = Policy { free: 10, first_wait_ms: 5_000, max_wait_ms: 60 * 1_000, window_ms: 3600 * 1_000 };
/// From one address, whatever the login: 20 free in 15 minutes.
const PER_ADDRESS: Policy =
    Policy { free: 20, first_wait_ms: 5_000, max_wait_ms: 15 * 60 * 1_000, window_ms: 15 * 60 * 1_000 };
/// An address a login signed in from within this is the owner's.
const KNOWN_ADDRESS_MS: i64 = 30 * 24 * 3600 * 1_000;
/// How long the sign-in form's token lasts.
const FORM_SECONDS: i64 = 3600;

/// Who acts in a request: the account of its session cookie or of its
/// API token (`Authorization: Bearer …`). 401 without either; 403 for a
/// change made with a cookie but without the session's CSRF token.
pub struct Actor(pub Account);

impl FromRequestParts<Arc<AppState>> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        Caller::from_request_parts(parts, state).await.map(|caller| Actor(caller.0.account))
    }
}

/// Like [`Actor`], with the API token the request came with, if any.
pub struct Caller(pub Authenticated);

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let (caller, session) = account_of(parts, state).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if let Some(session) = session.filter(|_| !safe)
            && token != Some(csrf_of(session).as_str())
        {
            return Err(ApiError::Forbidden("thiếu mã chống giả mạo (CSRF) của phiên; hãy tải lại trang"));
        }
        Ok(Caller(caller))
    }
}

/// The account a request acts as, and the session's token when it came by
/// cookie (none for an API token); 401 without either.
pub async fn account_of<'a>(parts: &'a Parts, state: &AppState) -> Result<(Authenticated, Option<&'a str>), ApiError> {
    let bearer =
        parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let token = token.trim();
        let found = if plausible_token(token) { state.store.session(token).await? } else { None };
        return Ok((found.ok_or(ApiError::Unauthorized)?, None));
    }
    let session = session_of(&parts.headers).filter(|s| plausible_token(s)).ok_or(ApiError::Unauthorized)?;
    let account = state.store.session(session).await?.ok_or(ApiError::Unauthorized)?;
    Ok((account, Some(session)))
}

/// Whether `token` could be one kttdv made (URL-safe base64): anything
/// else is refused before it reaches the store.
fn plausible_token(token: &str) -> bool {
    (1..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The CSRF token of a session: pages put it in their forms, scripts in
/// [`CSRF_HEADER`]; a site that cannot read the page cannot know it.
pub fn csrf_of(session: &str) -> String {
    crate::hash::sha256(format!("csrf|{session}").as_bytes())
}

/// The client's address: the connection's peer, or, when the peer is one
/// of the `trusted` proxies, the right-most address of `X-Forwarded-For`
/// (every line of it, in order) that is not a trusted proxy — what the
/// proxy nearest to us saw; addresses further left are the client's to write.
fn address_of(headers: &HeaderMap, peer: Option<std::net::SocketAddr>, trusted: &[ipnet::IpNet]) -> String {
    let Some(peer) = peer else { return "-".into() };
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer.ip()) {
        return peer.ip().to_string();
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in forwarded.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // A hop no proxy of ours wrote: the chain is not to be believed further.
            Err(_) => break,
        }
    }
    peer.ip().to_string()
}

/// The client's address of a request, as [`address_of`] says it.
pub struct Address(pub String);

impl FromRequestParts<Arc<AppState>> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
        Ok(Address(address_of(&parts.headers, peer, &state.trusted_proxies)))
    }
}

/// Runs `work` (an argon2id hash or check) on a blocking thread, as many at
/// once as [`AppState::hashing`] allows: a burst of sign-ins waits its turn
/// instead of taking the memory of one hash each.
async fn hashing<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = state.hashing.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(ApiError::internal)
}

/// The page a one-time link opens: set a password.
pub async fn invitation_page(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let account = if plausible_token(&token) { state.store.invitation(&token).await? } else { None };
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
    let found = if plausible_token(&token) { state.store.invitation(&token).await? } else { None };
    let Some(account) = found else {
        return Ok(invitation(&state, &token, None, None));
    };
    let problem = if password.trim().chars().count() < MIN_PASSWORD {
        Some(format!("Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự (không tính khoảng trắng ở hai đầu)."))
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
    let hash = hashing(&state, move || hash_password(&password)).await?;
    let session = new_token();
    let Some(account) = state.store.accept_invitation(&token, &hash, &session, &address).await? else {
        return Ok(invitation(&state, &token, None, None));
    };
    tracing::info!(login = account.login, "đặt mật khẩu, đăng nhập");
    Ok(with_cookie(Redirect::to(&landing(&account)).into_response(), &session, &headers))
}

/// Where a user lands once signed in: their campaign's page (what waits for
/// them first), or the list of campaigns for an administrator.
fn landing(account: &Account) -> String {
    match &account.campaign {
        Some(campaign) => format!("/web/campaigns/{campaign}"),
        None => "/web/campaigns".to_owned(),
    }
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
/// the same one in a cookie (a form posted from another site cannot), and
/// signed with the installation's key (one made elsewhere is refused).
/// `tiep`: the page to open once signed in ([`to_sign_in`]).
pub async fn sign_in_page(State(state): State<Arc<AppState>>, Query(then): Query<Then>) -> Response {
    sign_in_form(&state, "", None, StatusCode::OK, then.tiep.as_deref().and_then(own_page))
}

/// The page a sign-in goes on to.
#[derive(Deserialize)]
pub struct Then {
    tiep: Option<String>,
}

/// To the sign-in page, which comes back to `page` (a path of ours, with
/// its query) once signed in.
pub fn to_sign_in(page: &str) -> Response {
    let query = serde_urlencoded::to_string([("tiep", page)]).expect("a string pair encodes");
    Redirect::to(&format!("/web/sign-in?{query}")).into_response()
}

/// `page` when it is one of the service's own pages: a sign-in never sends
/// anyone to another site, nor back to itself.
fn own_page(page: &str) -> Option<&str> {
    let own = page.starts_with("/web/")
        && !page.starts_with("/web/sign-in")
        && !page.contains("//")
        && !page.contains('\\')
        && !page.chars().any(char::is_control)
        && page.len() <= 2_000;
    own.then_some(page)
}

fn sign_in_form(
    state: &AppState,
    login: &str,
    problem: Option<&str>,
    status: StatusCode,
    then: Option<&str>,
) -> Response {
    let csrf = form_token(&state.form_key, crate::store::now_ms() / 1000 + FORM_SECONDS);
    let context = json!({ "csrf": csrf, "login": login, "problem": problem, "tiep": then });
    let mut page = state.pages.page("sign-in.html", &context);
    *page.status_mut() = status;
    let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/web; HttpOnly; SameSite=Strict; Max-Age={FORM_SECONDS}");
    page.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("a token is ASCII"));
    page
}

/// A sign-in form's token: a random nonce and the second it expires,
/// signed (HMAC-SHA-256) with `key`.
fn form_token(key: &str, expires: i64) -> String {
    let body = format!("{}.{expires}", new_token());
    format!("{body}.{}", signature(key, &body))
}

/// Whether `token` is one [`form_token`] made with `key` that has not expired.
fn form_token_valid(key: &str, token: &str) -> bool {
    let Some((body, signed)) = token.rsplit_once('.') else { return false };
    let expires = body.rsplit_once('.').and_then(|(_, e)| e.parse::<i64>().ok());
    let fresh = expires.is_some_and(|e| e >= crate::store::now_ms() / 1000);
    // Compared as digests of both: the time taken says nothing of how much matched.
    fresh && crate::hash::sha256(signature(key, body).as_bytes()) == crate::hash::sha256(signed.as_bytes())
}

fn signature(key: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs in from the page's form.
pub async fn sign_in_submit(
    State(state): State<Arc<AppState>>,
    Address(address): Address,
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Result<Response, ApiError> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (login, password, csrf, then) = (field("login"), field("password"), field("csrf"), field("tiep"));
    let then = own_page(&then);
    if !form_token_valid(&state.form_key, &csrf) || cookie_of(&headers, CSRF_COOKIE) != Some(csrf.as_str()) {
        let problem = "Trang đăng nhập đã cũ; hãy nhập lại.";
        return Ok(sign_in_form(&state, &login, Some(problem), StatusCode::FORBIDDEN, then));
    }
    match authenticate(&state, &headers, &address, login.clone(), password).await {
        Ok((account, session)) => {
            let to = then.map_or_else(|| landing(&account), str::to_owned);
            Ok(with_cookie(Redirect::to(&to).into_response(), &session, &headers))
        }
        Err(err @ (ApiError::SignInFailed | ApiError::Throttled(_))) => {
            let status = if matches!(err, ApiError::Throttled(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            // A sentence on the page: «Sai tên đăng nhập hoặc mật khẩu.»
            let said = format!("{}.", super::page::capitalised(&err.to_string()));
            Ok(sign_in_form(&state, &login, Some(&said), status, then))
        }
        Err(other) => Err(other),
    }
}

/// Checks a login and password and opens a session: the account and the
/// session's token. The attempt is counted before the password is tried
/// (per login and address, per login from addresses it has not signed in
/// from, per address), and refused while any of them waits; the session
/// the request came with, if any, is closed (a session id never survives
/// a sign-in).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    address: &str,
    typed: String,
    password: String,
) -> Result<(Account, String), ApiError> {
    // Compared as kept: "Ban-To-Chuc " is `ban-to-chuc`. A login that cannot
    // exist is still tried, against nobody, and counted under one name.
    let login = typed.parse::<crate::campaign::Login>().map(|l| l.to_string()).ok();
    let counted = login.clone().unwrap_or_else(|| "-".into());
    let known = match &login {
        Some(login) => state.store.signed_in_from(login, address, crate::store::now_ms() - KNOWN_ADDRESS_MS).await?,
        None => false,
    };
    let pair = format!("login-address|{counted}|{address}");
    let mut keys = vec![(pair.clone(), PER_PAIR), (format!("address|{address}"), PER_ADDRESS)];
    if !known {
        keys.push((format!("login|{counted}"), PER_LOGIN));
    }
    if let Some(wait) = state.store.reserve_attempt(&keys).await? {
        tracing::warn!(address, "đăng nhập phải chờ");
        return Err(ApiError::Throttled((wait + 999) / 1000));
    }
    let found = match &login {
        Some(login) => state.store.password_of(login).await?,
        None => None,
    };
    let (account, hash) = found.map_or((None, None), |(account, hash)| (Some(account), Some(hash)));
    // One verification whether or not the login exists (against a hash made
    // once for the purpose): the answer's time says nothing of who exists.
    let matches = hashing(state, move || {
        static NOBODY: LazyLock<String> = LazyLock::new(|| hash_password("không có tài khoản này"));
        password_matches(&password, hash.as_deref().unwrap_or(&NOBODY))
    })
    .await?;
    let Some(account) = account.clone().filter(|_| matches) else {
        tracing::info!(address, "đăng nhập sai");
        // In the log of the account's campaign; an unknown login's, the installation's.
        let event = NewEvent {
            login: Some(&counted),
            address: Some(address),
            campaign: account.as_ref().and_then(|a| a.campaign.as_deref()),
            unit: account.as_ref().and_then(|a| a.unit.as_deref()),
            ..NewEvent::of(crate::store::EventAction::SignInFailed)
        };
        state.store.log(&event).await?;
        return Err(ApiError::SignInFailed);
    };
    // The owner is in: the pair's count starts again; the address, and the
    // login from a new address, get the attempt back.
    let refund = keys.into_iter().filter(|(key, _)| *key != pair).collect::<Vec<_>>();
    state.store.settle_attempt(&[pair], &refund).await?;
    if let Some(old) = session_of(headers).filter(|s| plausible_token(s)) {
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
    /// How many days it lives: 1 to 365, 90 when not said.
    expires_in_days: Option<i64>,
}

/// A new API token acting as the signed-in user, for scripts: shown once.
/// A token made with a token goes when that one is revoked.
pub async fn create_token(
    State(state): State<Arc<AppState>>,
    Caller(caller): Caller,
    Json(NewToken { label, expires_in_days }): Json<NewToken>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let label = label.trim();
    let mut problems = Vec::new();
    let root = crate::input::JsonPath::root();
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(crate::input::is_forbidden) {
        let message = "cần ghi mã truy cập dùng vào việc gì (1–100 ký tự, không ký tự điều khiển)".to_owned();
        problems.push(crate::InputError::new(crate::Code::MissingField, root.key("label"), message));
    }
    let days = expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        let message = format!("mã truy cập sống từ 1 đến {TOKEN_MAX_DAYS} ngày");
        problems.push(crate::InputError::new(crate::Code::UnknownValue, root.key("expires_in_days"), message));
    }
    if !problems.is_empty() {
        return Err(ApiError::Input(problems));
    }
    let token = new_token();
    let parent = caller.token.as_deref();
    let id = state.store.create_token(&caller.account.login, label, &token, days, parent).await?;
    let expires_at = crate::store::now_ms() + days * 24 * 3600 * 1000;
    let answer = json!({ "id": id, "label": label, "token": token, "expires_at": expires_at });
    Ok((StatusCode::CREATED, Json(answer)))
}

/// The signed-in user's API tokens, without the tokens themselves.
pub async fn tokens(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!(state.store.tokens(&account.login).await?)))
}

/// Revokes one of the signed-in user's API tokens, and the tokens made
/// with it.
pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if plausible_token(&id) && state.store.revoke_token(&account.login, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The signed-in user's live sessions, newest first, the one asking marked.
pub async fn sessions(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(json!(state.store.sessions(&account.login, session_of(&headers)).await?)))
}

/// Ends one of the signed-in user's sessions (a browser left signed in
/// elsewhere).
pub async fn end_session(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let plausible = id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if plausible && state.store.end_session(&account.login, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Signs out: the session ends, the cookie is cleared. With a live
/// session, only with its CSRF token (another site cannot sign one out).
pub async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(session) = session_of(&headers).filter(|s| plausible_token(s))
        && state.store.session(session).await?.is_some()
    {
        let token = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if token != Some(csrf_of(session).as_str()) {
            return Err(ApiError::Forbidden("thiếu mã chống giả mạo (CSRF) của phiên; hãy tải lại trang"));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_the_right_most_address_no_trusted_proxy_wrote() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        let from = |peer: &str, lines: &[&str]| address_of(&headers(lines), Some(peer.parse().unwrap()), &proxies);
        assert_eq!(from("127.0.0.1:9", &["1.2.3.4, 5.6.7.8"]), "5.6.7.8", "the client wrote 1.2.3.4");
        assert_eq!(from("127.0.0.1:9", &["1.2.3.4", "5.6.7.8, 10.1.1.1"]), "5.6.7.8", "two lines, one list");
        assert_eq!(from("8.8.8.8:9", &["1.2.3.4"]), "8.8.8.8", "an untrusted peer's header is ignored");
        assert_eq!(from("127.0.0.1:9", &["khong-phai-ip"]), "127.0.0.1");
        assert_eq!(address_of(&headers(&["1.2.3.4"]), Some("127.0.0.1:9".parse().unwrap()), &[]), "127.0.0.1");
    }

    #[test]
    fn a_form_token_holds_only_with_its_key_and_before_it_expires() {
        let later = crate::store::now_ms() / 1000 + 60;
        let token = form_token("khoa", later);
        assert!(form_token_valid("khoa", &token));
        assert!(!form_token_valid("khoa-khac", &token));
        assert!(!form_token_valid("khoa", &form_token("khoa", later - 120)));
        assert!(!form_token_valid("khoa", &token.replace('.', "-")));
    }
}

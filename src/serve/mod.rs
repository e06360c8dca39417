//! The HTTP service: every kind the command line knows, over axum, with the
//! same engine. Renders run on blocking threads behind a bounded queue
//! (`pool`); failures become responses in one place (`error`); `/metrics`,
//! `/healthz` and `/readyz` watch it; `page` is the web page for cells and
//! committees.

mod api;
mod campaign;
mod error;
mod examples;
mod file;
mod limits;
mod listener;
mod metrics;
mod openapi;
mod page;
mod place;
mod session;
mod upload;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use self::campaign::{Route, Rule, table as campaign_routes};
use self::error::{ApiError, Failure};
use self::examples::Examples;
pub use self::limits::Limits;
use self::metrics::Metrics;
use crate::kinds::Kind;
use crate::pool::Pool;
use crate::{EngineConfig, PdfFlavour, Renderer};

pub struct Config {
    pub addr: SocketAddr,
    pub engine: EngineConfig,
    pub limits: Limits,
    /// Where the campaign is kept.
    pub store: crate::store::Location,
    /// Whether making documents from what the caller sends (`/api/kinds/…`
    /// and the page's forms), which stores nothing, needs a signed-in user.
    pub require_sign_in: bool,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where notices are sent by e-mail; none, none sent.
    pub mailer: Option<crate::mail::Mailer>,
    /// The service's address as its users open it, for the links of notices.
    pub public_url: Option<String>,
}

/// What every request shares.
pub struct AppState {
    renderer: Arc<Renderer>,
    pool: Pool,
    metrics: Metrics,
    limits: Limits,
    /// Set once every template has compiled once.
    ready: AtomicBool,
    examples: Examples,
    pages: page::Pages,
    /// Request bodies being read: `limits.uploads` at once.
    uploads: tokio::sync::Semaphore,
    store: crate::store::Store,
    require_sign_in: bool,
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Password hashes made or checked at once (argon2id takes ~19 MiB and
    /// tens of milliseconds of a core each): as many as the cores.
    hashing: tokio::sync::Semaphore,
    /// Signs the sign-in form's token.
    form_key: String,
    mailer: Option<Arc<crate::mail::Mailer>>,
    public_url: Option<String>,
}

impl AppState {
    /// The campaign's use cases that make documents, on this service's
    /// store, renderer and workers.
    fn campaigns(&self) -> crate::campaign::Campaigns<'_> {
        crate::campaign::Campaigns { store: &self.store, renderer: &self.renderer, pool: &self.pool }
    }

    /// The campaign's page as its users open it, for a notice's link.
    fn campaign_link(&self, campaign: &str) -> Option<String> {
        self.public_url.as_ref().map(|url| format!("{url}/web/campaigns/{campaign}"))
    }

    /// Sends `notice` of `campaign` by e-mail, if the service sends e-mail,
    /// after the answer: a failure is the log's, never the request's.
    fn notify(self: &Arc<Self>, campaign: &str, notice: Option<crate::campaign::Notice>) {
        let (Some(mailer), Some(notice)) = (self.mailer.clone(), notice) else { return };
        let (state, campaign) = (self.clone(), campaign.to_owned());
        tokio::spawn(async move {
            if let Err(err) = crate::campaign::deliver(&state.store, &mailer, &campaign, &notice).await {
                tracing::error!(campaign, unit = notice.unit, "thư báo không ghi được vào nhật ký: {err}");
            }
        });
    }
}

/// How often the service looks for people to remind of a deadline (each
/// is reminded once a day).
const REMINDER_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Reminds people of their deadlines, now and then every hour, while the
/// service runs with a mailer.
async fn remind_daily(state: Arc<AppState>, mailer: Arc<crate::mail::Mailer>) {
    let mut every = tokio::time::interval(REMINDER_EVERY);
    loop {
        every.tick().await;
        let Some(today) = crate::model::scalar::Date::in_vietnam(crate::store::now_ms()) else { continue };
        match crate::campaign::remind(&state.store, &mailer, today, |c| state.campaign_link(c)).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "đã gửi thư nhắc hạn"),
            Err(err) => tracing::error!("không nhắc hạn được: {err}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("không mở được địa chỉ {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error(transparent)]
    Setup(#[from] crate::engine::SetupError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The pages of long lists' parts the service keeps: a Bloc's consolidated
/// list of 8,000 members (~650 pages) and then some, ~165 MB at most.
const KEPT_PART_PAGES: usize = 1_000;

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
/// `ready` is told the address once every template has compiled once.
pub async fn run(config: Config, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), ServeError> {
    // The store first: one that cannot be opened stops the start, untouched.
    let store = crate::store::Store::open(&config.store).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| ServeError::Bind(config.addr, e))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        // The Board's list after one change: the parts it does not reach
        // are written from their kept pages (docs/parts.md).
        renderer: Arc::new(Renderer::new(&config.engine)?.with_kept_parts(KEPT_PART_PAGES)),
        pool: Pool::new(config.limits.workers, config.limits.queue, config.limits.wait),
        metrics: Metrics::new(),
        uploads: tokio::sync::Semaphore::new(config.limits.uploads.max(1)),
        limits: config.limits.clone(),
        ready: AtomicBool::new(false),
        examples: Examples::load()?,
        pages: page::Pages::new(),
        form_key: store.secret("sign-in-form").await?,
        store,
        require_sign_in: config.require_sign_in,
        trusted_proxies: config.trusted_proxies,
        mailer: config.mailer.map(Arc::new),
        public_url: config.public_url,
        hashing: tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())),
    });
    if let Some(mailer) = state.mailer.clone() {
        tokio::spawn(remind_daily(state.clone(), mailer));
    }
    let warming = state.clone();
    tokio::spawn(async move {
        let worker = warming.clone();
        match tokio::task::spawn_blocking(move || warm_up(&worker)).await {
            Ok(Ok(())) => {
                warming.ready.store(true, Ordering::SeqCst);
                ready(addr);
            }
            Ok(Err(err)) => tracing::error!("mẫu không dịch được, máy chủ chưa sẵn sàng: {err}"),
            Err(err) => tracing::error!("khởi động lỗi: {err}"),
        }
    });
    listener::serve(listener, router(state), &config.limits, shutdown()).await;
    Ok(())
}

/// Compiles every kind's template once, on its example.
fn warm_up(state: &AppState) -> Result<(), crate::Error> {
    for kind in Kind::all() {
        let input = state.examples.input(kind);
        let format = if kind.is_bundle() { crate::OutFormat::Png } else { crate::OutFormat::Pdf };
        state.renderer.make(kind, input, crate::Output::of(format, PdfFlavour::WITH_DATA))?;
    }
    Ok(())
}

fn router(state: Arc<AppState>) -> Router {
    let router = campaign::router(state.clone());
    // What makes documents from what the caller sends, storing nothing.
    let stateless = Router::new()
        .route("/", get(page::home))
        .route("/web/cell", post(page::cell))
        .route("/web/committee", post(page::committee))
        .route("/web/board", post(page::board))
        .route("/web/download", post(page::download))
        .route("/web/report", post(page::report))
        .route("/api/kinds", get(api::kinds))
        .route("/api/kinds/{kind}/schema", get(api::schema))
        .route("/api/kinds/{kind}/example", get(api::example))
        .route("/api/kinds/{kind}/check", post(api::check))
        .route("/api/kinds/{kind}/render", post(api::render))
        .route_layer(middleware::from_fn_with_state(state.clone(), signed_in_when_required));
    router
        .merge(stateless)
        .route("/web/mau-nhap-danh-sach-dang-vien.xlsx", get(page::blank_workbook))
        .route("/web/invitation/{token}", get(session::invitation_page).post(session::accept_invitation))
        .route("/web/sign-in", get(session::sign_in_page).post(session::sign_in_submit))
        .route("/api/session", get(session::who).post(session::sign_in).delete(session::sign_out))
        .route("/api/sessions", get(session::sessions))
        .route("/api/sessions/{id}", axum::routing::delete(session::end_session))
        .route("/api/tokens", get(session::tokens).post(session::create_token))
        .route("/api/tokens/{id}", axum::routing::delete(session::revoke_token))
        .route("/web/campaigns", get(campaign::campaigns_page))
        .route("/web/campaigns/{campaign}", get(campaign::campaign_page))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::NotFound })
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("một yêu cầu làm luồng xử lý dừng đột ngột").into_response()
        }))
        .layer(middleware::from_fn_with_state(state.clone(), answer_errors))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(DefaultBodyLimit::max(state.limits.body_bytes))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %request.method(), uri = %loggable(request.uri()))
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// A request's address as the log keeps it: a one-time link's token is the
/// password to set, so it is never written down.
fn loggable(uri: &axum::http::Uri) -> std::borrow::Cow<'_, str> {
    match uri.path().strip_prefix("/web/invitation/") {
        Some(_) => "/web/invitation/…".into(),
        None => uri.to_string().into(),
    }
}

/// Ready once every template has compiled and while the store answers
/// (within two seconds: a load balancer asks often).
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if !state.ready.load(Ordering::SeqCst) {
        return ApiError::NotReady.into_response();
    }
    match tokio::time::timeout(std::time::Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(err)) => ApiError::Store(err).into_response(),
        Err(_) => {
            ApiError::Store(crate::store::StoreError::Unavailable("readyz: no answer in 2 s".into())).into_response()
        }
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let text = state.metrics.encode(state.pool.waiting(), state.pool.running());
    ([(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
        .into_response()
}

/// Every error answer in one shape, with the request's id, whether it came
/// from a handler or from the framework (a 405, a rejected query); counted
/// by its code.
async fn answer_errors(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let method = request.method().to_string();
    // A page opened in the browser (a link, a bookmark): its failure is a page too.
    let page = (request.method() == axum::http::Method::GET && request.uri().path().starts_with("/web/"))
        .then(|| request.uri().path_and_query().map_or("/web/", |p| p.as_str()).to_owned());
    let mut response = next.run(request).await;
    // The framework's own answers are plain text or empty; the page's
    // answer listing a workbook's problems (HTML) is meant as it is.
    let html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let failure = match response.extensions_mut().remove::<Failure>() {
        Some(failure) => failure,
        None if html => return response,
        None => match Failure::of_status(response.status(), &method, state.limits.body_bytes) {
            Some(error) => {
                response = error.into_response();
                response.extensions_mut().remove::<Failure>().expect("an error answer carries its failure")
            }
            None => return response,
        },
    };
    state.metrics.error(failure.code, &failure.problem_codes());
    tracing::info!(code = failure.code, "lỗi trả về");
    match page {
        // Signed out (or the session over): sign in, then back to the page.
        Some(page) if failure.code == "unauthorized" => session::to_sign_in(&page),
        Some(_) => failure.page(response, &id, &state.pages),
        None => failure.finish(response, &id),
    }
}

/// With `--require-sign-in`, the routes that make documents from what the
/// caller sends (the kinds' API, the page and its forms) answer only a
/// signed-in user.
async fn signed_in_when_required(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if !state.require_sign_in {
        return next.run(request).await;
    }
    // Nothing is stored: a session or a token is enough, without the CSRF
    // token the page's plain forms do not carry.
    let (parts, body) = request.into_parts();
    match session::account_of(&parts, &state).await {
        Ok(_) => {}
        // The page itself: to the sign-in page first.
        Err(ApiError::Unauthorized) if parts.uri.path() == "/" => {
            return axum::response::Redirect::to("/web/sign-in").into_response();
        }
        Err(err) => return err.into_response(),
    }
    next.run(Request::from_parts(parts, body)).await
}

/// What browsers are told of every answer: the page runs only its own
/// script and style, is never framed, sends no referrer, and nothing is
/// kept in a cache (answers carry members' personal data, and a shared
/// computer's cache is anyone's).
async fn security_headers(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    use axum::http::header;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.pages.content_security_policy().clone());
    headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // SIGTERM is how service managers stop a process; Windows has only Ctrl-C.
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("đang dừng: hoàn tất các yêu cầu dở dang");
}

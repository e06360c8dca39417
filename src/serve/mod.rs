//! The HTTP service: every kind the command line knows, over axum, with the
//! same engine. Renders run on blocking threads behind a bounded queue
//! (`pool`); failures become responses in one place (`error`); `/metrics`,
//! `/healthz` and `/readyz` watch it; `page` is the web page for cells and
//! committees.

mod api;
mod error;
mod examples;
mod metrics;
mod openapi;
mod page;
mod pool;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use self::error::{ApiError, Recorded};
use self::examples::Examples;
use self::metrics::Metrics;
pub use self::pool::Limits;
use self::pool::Pool;
use crate::kinds::Kind;
use crate::{EngineConfig, PdfFlavour, Renderer};

pub struct Config {
    pub addr: SocketAddr,
    pub engine: EngineConfig,
    pub limits: Limits,
}

/// What every request shares.
pub struct AppState {
    renderer: Renderer,
    pool: Pool,
    metrics: Metrics,
    limits: Limits,
    /// Set once every template has compiled once.
    ready: AtomicBool,
    examples: Examples,
    pages: page::Pages,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("không mở được địa chỉ {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error(transparent)]
    Setup(#[from] crate::engine::SetupError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
/// `ready` is told the address once every template has compiled once.
pub async fn run(config: Config, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|e| ServeError::Bind(config.addr, e))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        renderer: Renderer::new(&config.engine)?,
        pool: Pool::new(config.limits.clone()),
        metrics: Metrics::new(),
        limits: config.limits,
        ready: AtomicBool::new(false),
        examples: Examples::load()?,
        pages: page::Pages::new(),
    });
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
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// Compiles every kind's template once, on its example.
fn warm_up(state: &AppState) -> Result<(), crate::Error> {
    for kind in Kind::all() {
        let input = state.examples.input(kind);
        if kind.is_bundle() {
            state.renderer.preview(kind, input)?;
        } else {
            state.renderer.render(kind, input, PdfFlavour::WITH_DATA)?;
        }
    }
    Ok(())
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page::home))
        .route("/web/cell", post(page::cell))
        .route("/web/committee", post(page::committee))
        .route("/web/download", post(page::download))
        .route("/web/mau-nhap-danh-sach-dang-vien.xlsx", get(page::blank_workbook))
        .route("/api/kinds", get(api::kinds))
        .route("/api/kinds/{kind}/schema", get(api::schema))
        .route("/api/kinds/{kind}/example", get(api::example))
        .route("/api/kinds/{kind}/check", post(api::check))
        .route("/api/kinds/{kind}/render", post(api::render))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), record_errors))
        .layer(DefaultBodyLimit::max(state.limits.body_bytes))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %request.method(), uri = %request.uri())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, "ready").into_response()
    } else {
        ApiError::NotReady.into_response()
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let text = state.metrics.encode(state.pool.waiting());
    ([(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
        .into_response()
}

/// Counts every error answer by its code, where the error left it.
async fn record_errors(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if let Some(recorded) = response.extensions().get::<Recorded>() {
        state.metrics.error(recorded.code, &recorded.problems);
        tracing::info!(code = recorded.code, problems = recorded.problems.len(), "lỗi trả về");
    }
    response
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("đang dừng: hoàn tất các yêu cầu dở dang");
}

//! The connections: accepted up to a cap, each closed when its client
//! sends no complete request head within the header timeout — a slow
//! client's headers or an idle keep-alive connection alike — and all of
//! them finished gracefully on shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::Limits;

pub async fn serve(listener: TcpListener, app: Router, limits: &Limits, shutdown: impl Future<Output = ()>) {
    let connections = Arc::new(Semaphore::new(limits.connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        // At the cap, further clients wait in the system's backlog.
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, most likely: let connections close.
                    tracing::warn!("không nhận được kết nối: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each request knows its client's address (sign-ins are throttled by it).
        let app = app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!("kết nối đóng: {err}");
            }
            drop(permit);
        });
    }
    graceful.shutdown().await;
}

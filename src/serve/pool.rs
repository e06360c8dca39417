//! Renders run on blocking threads, a few at a time: as many as there are
//! cores. Requests beyond that wait in a bounded queue; a full queue is
//! answered 429 at once, a request that waits past its deadline 503.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::error::ApiError;

/// The service's limits; every one is documented in the README.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub body_bytes: usize,
    /// Most members in one request, across all its cells.
    pub max_members: usize,
    /// Renders at once.
    pub workers: usize,
    /// Requests that may wait for a worker.
    pub queue: usize,
    /// How long a request may wait for a worker.
    pub wait: Duration,
    /// Connections open at once; more wait to be accepted.
    pub connections: usize,
    /// How long a client may take to send a request's head; also how long
    /// an idle connection stays open.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: Duration,
    /// Request bodies read at once: with `body_bytes`, bounds the memory
    /// that uploads hold.
    pub uploads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 16 * 1024 * 1024,
            max_members: 20_000,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 256,
            wait: Duration::from_secs(30),
            connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            uploads: 16,
        }
    }
}

pub struct Pool {
    permits: Semaphore,
    /// Requests admitted and not finished: running or waiting.
    admitted: AtomicUsize,
    limits: Limits,
}

/// Counts a request out of the pool however it ends.
struct Admitted<'a>(&'a AtomicUsize);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pool {
    pub fn new(limits: Limits) -> Self {
        Self { permits: Semaphore::new(limits.workers.max(1)), admitted: AtomicUsize::new(0), limits }
    }

    /// Requests waiting for a worker.
    pub fn waiting(&self) -> usize {
        self.admitted.load(Ordering::SeqCst).saturating_sub(self.limits.workers)
    }

    /// Runs `job` on a blocking thread once a worker is free.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= self.limits.workers + self.limits.queue {
            self.admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Busy);
        }
        let _admitted = Admitted(&self.admitted);
        let _permit = tokio::time::timeout(self.limits.wait, self.permits.acquire())
            .await
            .map_err(|_| ApiError::Timeout)?
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(job).await.map_err(ApiError::internal)
    }
}

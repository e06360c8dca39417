//! Renders run on blocking threads, a few at a time: as many as there are
//! cores. Requests beyond that wait in a bounded queue; a full queue is
//! answered 429 at once, a request that waits past its deadline 503. A
//! request whose client has gone leaves the queue without rendering; one
//! already rendering keeps its worker until it ends, so abandoned renders
//! never run beside more than the workers allow.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

/// A job that takes longer than this is large: a 30-member list takes
/// ~15 ms, 2,000 members ~0.7 s.
const LARGE_JOB: Duration = Duration::from_millis(300);

pub struct Pool {
    permits: Arc<Semaphore>,
    /// Requests admitted and not finished: running or waiting.
    admitted: Arc<AtomicUsize>,
    /// Jobs running on a blocking thread, whether or not their client waits.
    running: Arc<AtomicUsize>,
    limits: Limits,
}

/// Counts one out of a number however it ends.
struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Tells the job its client has gone when the request is dropped.
struct Waiting(Arc<AtomicBool>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Pool {
    pub fn new(limits: Limits) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limits.workers.max(1))),
            admitted: Arc::new(AtomicUsize::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
            limits,
        }
    }

    /// Jobs running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
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
        let _admitted = Counted(&self.admitted);
        // Dropped here, while waiting, when the client goes: nothing rendered.
        let permit = tokio::time::timeout(self.limits.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Timeout)?
            .expect("the semaphore is never closed");
        let wanted = Arc::new(AtomicBool::new(true));
        let _waiting = Waiting(wanted.clone());
        let (running, admitted) = (self.running.clone(), self.admitted.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            // The worker is this job's until it ends, even if nobody waits for it.
            let _permit = permit;
            if !wanted.load(Ordering::SeqCst) {
                return None;
            }
            let _running = Counted::enter(&running);
            let started = Instant::now();
            let done = job();
            // A large render leaves hundreds of MB cached; with nothing else
            // to do, give them back rather than hold them while idle.
            if started.elapsed() > LARGE_JOB && admitted.load(Ordering::SeqCst) == 1 {
                crate::engine::Engine::release_memory();
            }
            Some(done)
        });
        match outcome.await {
            Ok(Some(done)) => Ok(done),
            // Only when the client is gone, so nobody reads this.
            Ok(None) => Err(ApiError::Timeout),
            Err(err) => Err(ApiError::internal(err)),
        }
    }
}

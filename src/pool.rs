//! Renders run on blocking threads, a few at a time: as many as there are
//! cores. Requests beyond that wait in a bounded queue; a full queue is
//! refused at once (the service answers 429), a job that waits past its
//! deadline too (503). A request whose client has gone leaves the queue
//! without rendering; one already rendering keeps its worker until it
//! ends, so abandoned renders never run beside more than the workers allow.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a job did not run.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Every worker busy and the queue full.
    #[error("máy chủ đang bận")]
    Busy,
    /// Waited past its deadline for a worker, or its client went.
    #[error("chờ quá lâu")]
    Late,
    /// The job panicked.
    #[error("công việc dừng bất thường: {0}")]
    Failed(String),
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
    workers: usize,
    queue: usize,
    wait: Duration,
}

/// The workers a wide job was lent besides its own, held until it gives
/// them back or ends.
pub struct Borrowed {
    permits: std::sync::Mutex<Vec<OwnedSemaphorePermit>>,
    admitted: Arc<AtomicUsize>,
    running: Arc<AtomicUsize>,
}

impl crate::Lent for Borrowed {
    fn threads(&self) -> usize {
        1 + self.permits.lock().expect("not poisoned").len()
    }

    /// Gives one worker back when a job admitted is not running: it waits
    /// for a worker.
    fn give_back(&self) -> bool {
        if self.admitted.load(Ordering::SeqCst) <= self.running.load(Ordering::SeqCst) {
            return false;
        }
        self.permits.lock().expect("not poisoned").pop().is_some()
    }
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
    /// `workers` jobs at once, `queue` more waiting, each at most `wait`.
    pub fn new(workers: usize, queue: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            admitted: Arc::new(AtomicUsize::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
            workers,
            queue,
            wait,
        }
    }

    /// Jobs running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Requests waiting for a worker.
    pub fn waiting(&self) -> usize {
        self.admitted.load(Ordering::SeqCst).saturating_sub(self.workers)
    }

    /// Runs `job` on a blocking thread once a worker is free.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, Refused> {
        self.run_on(false, move |_| job()).await
    }

    /// Runs `job` as [`Pool::run`] does, lent the workers free when it
    /// starts besides its own: it may keep [`Lent::threads`] threads busy
    /// (a submission's files), so the pool never runs more than its
    /// workers, and gives one back whenever [`Lent::give_back`] says another
    /// job waits for it. It waits for one worker only: never longer than
    /// any other job.
    pub async fn run_wide<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Borrowed) -> T + Send + 'static,
    ) -> Result<T, Refused> {
        self.run_on(true, job).await
    }

    async fn run_on<T: Send + 'static>(
        &self,
        wide: bool,
        job: impl FnOnce(&Borrowed) -> T + Send + 'static,
    ) -> Result<T, Refused> {
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= self.workers + self.queue {
            self.admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(Refused::Busy);
        }
        let _admitted = Counted(&self.admitted);
        // Dropped here, while waiting, when the client goes: nothing rendered.
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Refused::Late)?
            .expect("the semaphore is never closed");
        let wanted = Arc::new(AtomicBool::new(true));
        let _waiting = Waiting(wanted.clone());
        let (running, admitted, permits) = (self.running.clone(), self.admitted.clone(), self.permits.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            // The worker is this job's until it ends, even if nobody waits for it.
            let _permit = permit;
            if !wanted.load(Ordering::SeqCst) {
                return None;
            }
            let _running = Counted::enter(&running);
            // Every worker free now, taken without waiting.
            let extra = if wide {
                std::iter::from_fn(|| permits.clone().try_acquire_owned().ok()).collect()
            } else {
                Vec::new()
            };
            let lent = Borrowed {
                permits: std::sync::Mutex::new(extra),
                admitted: admitted.clone(),
                running: running.clone(),
            };
            let started = Instant::now();
            let done = job(&lent);
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
            Ok(None) => Err(Refused::Late),
            Err(err) => Err(Refused::Failed(err.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lent;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wide_job_takes_the_workers_free_when_it_starts_and_gives_them_back() {
        let pool = Arc::new(Pool::new(3, 4, Duration::from_secs(10)));
        assert_eq!(pool.run_wide(|lent| lent.threads()).await.unwrap(), 3, "all three free");
        // One worker busy until told: the wide job gets the other two.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let busy = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    started.send(()).unwrap();
                    held.recv().unwrap();
                })
                .await
            }
        });
        running.await.unwrap();
        let wide = pool.run_wide(|lent| lent.threads()).await.unwrap();
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(wide, 2);
        assert_eq!(pool.run_wide(|lent| lent.threads()).await.unwrap(), 3, "every worker given back");
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wide_job_gives_a_worker_back_as_soon_as_another_job_waits() {
        let pool = Arc::new(Pool::new(2, 4, Duration::from_secs(10)));
        let (arrived, waiting) = std::sync::mpsc::channel::<()>();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let wide = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run_wide(move |lent| {
                    let threads = lent.threads();
                    assert!(!lent.give_back(), "nobody waits yet");
                    waiting.recv().unwrap();
                    // The other job is admitted and waits for a worker.
                    let deadline = Instant::now() + Duration::from_secs(5);
                    while !lent.give_back() {
                        assert!(Instant::now() < deadline, "the other job never waited");
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    // It runs on the worker given back while this job goes on.
                    finished.recv_timeout(Duration::from_secs(5)).expect("the other job ran beside this one");
                    threads
                })
                .await
            }
        });
        // The wide job has both workers; this one waits until one comes back.
        while pool.running() == 0 {
            tokio::task::yield_now().await;
        }
        let other = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(move || done.send(()).unwrap()).await }
        });
        arrived.send(()).unwrap();
        other.await.unwrap().unwrap();
        assert_eq!(wide.await.unwrap().unwrap(), 2);
    }
}

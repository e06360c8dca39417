//! The service's limits on what one request and all of them together may
//! take: body size, members, renders at once and waiting, connections,
//! timeouts.

use std::time::Duration;

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

//! Process-wide shared state handed to every connection task.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

use crate::ratelimit::RateLimiter;
use crate::record::Records;
use crate::script::Scripts;

#[derive(Default)]
pub struct State {
    pub records: Records,
    pub scripts: Scripts,
    pub rate_limiter: RateLimiter,
    /// Source of connection ids; never reset so ids stay unique per process.
    next_connection_id: AtomicU64,
    /// Reset by `/__admin/reset`, unlike the id source above.
    connections_opened: AtomicU64,
    /// Fired by `POST /__admin/shutdown`; main exits when it does.
    pub shutdown: Notify,
}

impl State {
    pub fn open_connection(&self) -> u64 {
        self.connections_opened.fetch_add(1, Ordering::Relaxed);
        self.next_connection_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn connections_opened(&self) -> u64 {
        self.connections_opened.load(Ordering::Relaxed)
    }

    /// Back to a fresh server, except connection ids and request seqs, which
    /// keep increasing so stale values from before the reset never collide.
    pub fn reset(&self) {
        self.records.reset();
        self.scripts.clear();
        self.rate_limiter.clear();
        self.connections_opened.store(0, Ordering::Relaxed);
    }
}

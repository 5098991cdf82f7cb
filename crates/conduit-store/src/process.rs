//! Process-wide state — connections and log writers — created lazily and keyed by pid.
//!
//! Why: PHP-FPM forks its workers after module startup, and `pcntl_fork()` can fork
//! any time. A child must not use the parent's SQLite connection (SQLite forbids
//! it), share the parent's MariaDB sockets (the two would interleave packets) or
//! expect the parent's writer thread (threads do not survive fork). So every access
//! first checks the pid: a child finds the parent's registry, *leaks* it (dropping
//! it would close sockets the parent still uses, or join a thread that does not
//! exist here) and builds its own on first use.
//!
//! Nothing is created at module startup; the first store call of a process pays one
//! connection set-up, later calls reuse it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use crate::backend::Backend;
use crate::error::Result;
use crate::request_log::writer::LogWriter;

struct Registry {
    pid: u32,
    backends: HashMap<String, Arc<dyn Backend>>,
    writers: HashMap<String, Arc<LogWriter>>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    // The lock is only held for map look-ups and inserts; a panic there cannot leave
    // the maps inconsistent, so a poisoned lock is still usable.
    let mut guard = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if guard.as_ref().map(|r| r.pid) != Some(pid) {
        if let Some(inherited) = guard.take() {
            tracing::info!(
                parent_pid = inherited.pid,
                pid,
                connections_left_to_parent = inherited.backends.len(),
                writers_left_to_parent = inherited.writers.len(),
                "store connections and log writers rebuilt after fork"
            );
            // Forked: the parent's connections and writer belong to the parent.
            std::mem::forget(inherited);
        }
        *guard = Some(Registry { pid, backends: HashMap::new(), writers: HashMap::new() });
    }
    match guard.as_mut() {
        Some(registry) => f(registry),
        None => unreachable_registry(),
    }
}

#[cold]
fn unreachable_registry() -> ! {
    // with_registry fills the option two lines above; keep the invariant explicit.
    std::process::abort()
}

/// This process's backend for `key`, opened with `open` on first use.
/// A failed open is not cached: the next call tries again.
pub(crate) fn backend(key: &str, open: impl FnOnce() -> Result<Arc<dyn Backend>>) -> Result<Arc<dyn Backend>> {
    with_registry(|r| {
        if let Some(b) = r.backends.get(key) {
            return Ok(Arc::clone(b));
        }
        let b = open()?;
        r.backends.insert(key.to_string(), Arc::clone(&b));
        Ok(b)
    })
}

/// This process's log writer for `key`, started with `start` on first use.
pub(crate) fn writer(key: &str, start: impl FnOnce() -> Result<Arc<LogWriter>>) -> Result<Arc<LogWriter>> {
    register_exit_flush();
    with_registry(|r| {
        if let Some(w) = r.writers.get(key) {
            return Ok(Arc::clone(w));
        }
        let w = start()?;
        r.writers.insert(key.to_string(), Arc::clone(&w));
        Ok(w)
    })
}

/// This process's writer for `key`, if it was started.
pub(crate) fn existing_writer(key: &str) -> Option<Arc<LogWriter>> {
    with_registry(|r| r.writers.get(key).cloned())
}

/// Every writer of this process (for phpinfo and the exit flush).
pub fn writers() -> Vec<Arc<LogWriter>> {
    with_registry(|r| r.writers.values().cloned().collect())
}

/// Flushes every log writer of this process, waiting at most `timeout` for each.
/// For request end (RSHUTDOWN): records the database cannot take at once go to the
/// local spool instead of being waited for; errors are counted in the writers' stats.
pub fn flush_all_writers(timeout: Duration) {
    for w in writers() {
        let _ = w.flush_quick(timeout);
    }
}

/// Writes what is queued and stops every writer thread of this process.
pub fn shutdown_all_writers(timeout: Duration) {
    // At exit another thread could hold the lock forever (it never runs again):
    // don't wait for it.
    let writers: Vec<Arc<LogWriter>> = match REGISTRY.try_lock() {
        Ok(guard) => match guard.as_ref() {
            Some(r) if r.pid == std::process::id() => r.writers.values().cloned().collect(),
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    for w in writers {
        w.shutdown(timeout);
    }
}

/// How long the exit hook waits for each writer.
const EXIT_FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

extern "C" fn flush_at_exit() {
    shutdown_all_writers(EXIT_FLUSH_TIMEOUT);
}

/// Registers the exit hook once per process image. A forked child inherits the
/// registration, and the hook only acts on writers of the pid that runs it.
/// When PHP unloads the extension (dlclose), glibc runs the hook then, before
/// the code is unmapped, so no writer thread outlives it.
fn register_exit_flush() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: registering a plain extern "C" fn with no captured state.
        unsafe {
            libc::atexit(flush_at_exit);
        }
    });
}

//! Process-wide state: the tokio runtime and, per target, the keep-alive pool, the
//! rate limiter and the circuit breaker.
//!
//! Created lazily on first use and keyed by process id, never at module startup:
//! PHP-FPM loads the extension in the master and forks workers afterwards, and a
//! tokio runtime (or a pool whose I/O driver lives in it) does not survive a fork —
//! the child would wait forever on threads that only exist in the parent. When the
//! pid changes we build a fresh state and deliberately leak the inherited one:
//! dropping it in the child would try to join threads the child doesn't have.

use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::circuit_breaker::CircuitBreaker;
use crate::config::{ClientConfig, TransportConfig};
use crate::error::Error;
use crate::rate_limit::RateLimiter;

pub struct ProcessState {
    pid: u32,
    runtime: tokio::runtime::Runtime,
    pools: Mutex<HashMap<String, reqwest::Client>>,
    limiters: Mutex<HashMap<String, Arc<RateLimiter>>>,
    breakers: Mutex<HashMap<String, Arc<CircuitBreaker>>>,
    /// Requests sent by this process, for phpinfo.
    pub requests_sent: AtomicU64,
}

static CURRENT: AtomicPtr<ProcessState> = AtomicPtr::new(std::ptr::null_mut());
static INIT_LOCK: Mutex<()> = Mutex::new(());

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The state of the current process, created on first use after start or fork.
///
/// # Errors
/// Only if the OS refuses to start the runtime's threads.
pub fn current() -> Result<&'static ProcessState, Error> {
    let pid = std::process::id();
    // SAFETY: pointers stored in CURRENT come from Box::leak and are never freed.
    if let Some(state) = unsafe { CURRENT.load(Ordering::Acquire).as_ref() } {
        if state.pid == pid {
            return Ok(state);
        }
    }
    let _guard = lock(&INIT_LOCK);
    if let Some(state) = unsafe { CURRENT.load(Ordering::Acquire).as_ref() } {
        if state.pid == pid {
            return Ok(state);
        }
    }
    // A current-thread runtime: all I/O runs on the caller's (PHP's) thread inside
    // `block_on`, with no cross-thread wake-ups per request and no threads to lose
    // in a fork. Hundreds of concurrent sockets need no more than one thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::transport(format!("cannot start the I/O runtime: {e}")))?;
    let state: &'static ProcessState = Box::leak(Box::new(ProcessState {
        pid,
        runtime,
        pools: Mutex::new(HashMap::new()),
        limiters: Mutex::new(HashMap::new()),
        breakers: Mutex::new(HashMap::new()),
        requests_sent: AtomicU64::new(0),
    }));
    // The previous state (the parent's, inherited by fork) is leaked on purpose.
    let previous = CURRENT.swap(std::ptr::from_ref(state).cast_mut(), Ordering::AcqRel);
    // SAFETY: as above. Only its pid is read: its mutexes may have been held by a
    // thread that does not exist in this child.
    if let Some(inherited) = unsafe { previous.as_ref() } {
        tracing::info!(parent_pid = inherited.pid, pid, "HTTP runtime and pools rebuilt after fork");
    } else {
        tracing::debug!(pid, "HTTP runtime started in this process");
    }
    Ok(state)
}

/// A snapshot for phpinfo without creating anything.
pub fn describe() -> String {
    // SAFETY: as in `current`.
    match unsafe { CURRENT.load(Ordering::Acquire).as_ref() } {
        Some(state) if state.pid == std::process::id() => format!(
            "{} pool(s), {} request(s) sent by pid {}",
            lock(&state.pools).len(),
            state.requests_sent.load(Ordering::Relaxed),
            state.pid
        ),
        _ => "not started in this process (created on first request)".into(),
    }
}

impl ProcessState {
    /// Whether this state belongs to the running process (false in a forked child).
    pub fn is_current(&self) -> bool {
        self.pid == std::process::id()
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// Runs a future to completion on this process's runtime from a non-async thread.
    ///
    /// Before returning it lets the connection tasks woken by the last response run
    /// (a few `yield_now`s): that is when hyper hands a finished keep-alive connection
    /// back to the pool. Without it the next call would find the pool empty and open
    /// a second connection to the same host.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(async {
            let output = future.await;
            for _ in 0..1 {
                tokio::task::yield_now().await;
            }
            output
        })
    }

    /// The pooled client for `config`'s target and transport settings.
    pub(crate) fn pool_for(&self, config: &ClientConfig) -> Result<reqwest::Client, Error> {
        let key = format!("{}|{:?}", config.target_key(), config.transport);
        let mut pools = lock(&self.pools);
        if let Some(client) = pools.get(&key) {
            return Ok(client.clone());
        }
        let client = build_pool(&config.transport)?;
        pools.insert(key, client.clone());
        Ok(client)
    }

    pub(crate) fn limiter_for(&self, config: &ClientConfig) -> Result<Option<Arc<RateLimiter>>, Error> {
        let Some(rl) = &config.rate_limit else { return Ok(None) };
        let key = format!("{}|{rl:?}", config.target_key());
        let mut limiters = lock(&self.limiters);
        if let Some(l) = limiters.get(&key) {
            return Ok(Some(l.clone()));
        }
        let limiter = Arc::new(RateLimiter::for_target(rl, &config.target_key()).map_err(Error::config)?);
        limiters.insert(key, limiter.clone());
        Ok(Some(limiter))
    }

    pub(crate) fn breaker_for(&self, config: &ClientConfig) -> Result<Option<Arc<CircuitBreaker>>, Error> {
        let Some(cb) = &config.circuit_breaker else { return Ok(None) };
        let key = format!("{}|{cb:?}", config.target_key());
        let mut breakers = lock(&self.breakers);
        if let Some(b) = breakers.get(&key) {
            return Ok(Some(b.clone()));
        }
        let breaker = Arc::new(CircuitBreaker::for_target(cb.clone(), &config.target_key()).map_err(Error::config)?);
        breakers.insert(key, breaker.clone());
        Ok(Some(breaker))
    }
}

fn build_pool(t: &TransportConfig) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(t.connect_timeout)
        .pool_idle_timeout(t.pool_idle_timeout)
        .pool_max_idle_per_host(t.pool_max_idle_per_host)
        .tcp_nodelay(true)
        .user_agent(t.user_agent.clone())
        // The client follows redirects itself (see `ApiClient`), deciding per hop
        // what may go to another origin; reqwest must never add a Referer.
        .redirect(reqwest::redirect::Policy::none())
        .referer(false);
    if !t.verify_tls {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(path) = &t.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| Error::config(format!("Option \"ca_file\": cannot read \"{path}\": {e}")))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::config(format!("Option \"ca_file\": \"{path}\" holds no valid PEM certificate: {e}")))?;
        if certs.is_empty() {
            return Err(Error::config(format!("Option \"ca_file\": \"{path}\" holds no PEM certificate.")));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    match &t.proxy {
        Some(p) => {
            let proxy = reqwest::Proxy::all(p.as_str())
                .map_err(|e| {
                    Error::config(format!(
                        "Option \"proxy\" is not usable: {}",
                        crate::redact::mask_userinfo_passwords(&crate::error::describe_chain(&e.without_url()))
                    ))
                })?;
            builder = builder.proxy(proxy);
        }
        // Predictable behaviour: no silent pickup of HTTP_PROXY from a web server's env.
        None => builder = builder.no_proxy(),
    }
    builder.build().map_err(|e| Error::config(format!("cannot build the HTTP client: {}", crate::error::describe_chain(&e))))
}

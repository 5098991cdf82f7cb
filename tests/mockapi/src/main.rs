//! conduit-mockapi: the mock "external service" for Conduit's tests,
//! benchmarks and demo. See README.md for the API.
//!
//! main.rs only handles the CLI, process setup and lifetime.

mod admin;
mod controls;
mod erp;
mod http;
mod ratelimit;
mod record;
mod scenario;
mod script;
mod server;
mod state;

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use state::State;

const USAGE: &str = "usage: conduit-mockapi [--host 127.0.0.1] [--port 0]";

struct Args {
    host: String,
    port: u16,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        host: "127.0.0.1".into(),
        port: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{key} needs a value"))
        };
        match key.as_str() {
            "--host" => args.host = value()?,
            "--port" => {
                let v = value()?;
                args.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {host}"))
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| fail(&format!("{e}\n{USAGE}")));
    let addr = resolve(&args.host, args.port).unwrap_or_else(|e| fail(&e));
    os::raise_fd_limit();
    // Must happen before any thread exists so every thread inherits the mask.
    os::exit_on_signals();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("cannot start runtime: {e}")));
    runtime.block_on(async move {
        let listener =
            server::bind(addr).unwrap_or_else(|e| fail(&format!("cannot listen on {addr}: {e}")));
        let local = listener.local_addr().unwrap_or(addr);
        // The one line harnesses wait for to learn the port.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "LISTENING {local}");
        let _ = out.flush();
        drop(out);

        let state = Arc::new(State::default());
        tokio::select! {
            _ = server::serve(listener, state.clone()) => {}
            _ = state.shutdown.notified() => {}
        }
    });
    // Don't wait for hung connections' tasks; the OS closes their sockets.
    std::process::exit(0);
}

fn fail(msg: &str) -> ! {
    eprintln!("conduit-mockapi: {msg}");
    std::process::exit(2);
}

#[cfg(unix)]
mod os {
    /// Thousands of concurrent connections need more than the common soft
    /// limit of 1024 descriptors; the hard limit is ours to take.
    pub fn raise_fd_limit() {
        // SAFETY: plain syscalls on a stack-allocated struct.
        unsafe {
            let mut lim: libc::rlimit = std::mem::zeroed();
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
                lim.rlim_cur = lim.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            }
        }
    }

    /// SIGTERM/SIGINT exit with status 0 (a clean stop for harnesses that
    /// check it). Done with a blocked mask + sigwait thread rather than an
    /// async handler, so it needs no extra dependency.
    pub fn exit_on_signals() {
        // SAFETY: sigset manipulation on a local set; pthread_sigmask on the
        // calling thread before any other thread is spawned.
        let set = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::sigaddset(&mut set, libc::SIGINT);
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
                return; // Default disposition still terminates the process.
            }
            set
        };
        std::thread::spawn(move || loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` is a valid, initialised sigset owned by this thread.
            if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                std::process::exit(0);
            }
        });
    }
}

#[cfg(not(unix))]
mod os {
    pub fn raise_fd_limit() {}
    pub fn exit_on_signals() {}
}

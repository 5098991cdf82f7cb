//! Accept loop and the per-connection request loop (keep-alive, pipelining,
//! error responses, graceful vs abortive close).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::admin::{self, Action};
use crate::http::{RequestReader, Response};
use crate::scenario::{self, After};
use crate::state::State;

/// Deep accept queue: benchmarks open hundreds of connections at once and
/// the default (1024, or less after somaxconn) can drop SYNs under bursts.
const BACKLOG: u32 = 4096;
/// How long a graceful close waits for the client to finish sending.
const LINGER_DRAIN: Duration = Duration::from_secs(2);

pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // Restarting on a fixed port right after a run must not hit TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Accepts forever; each connection gets its own task.
pub async fn serve(listener: TcpListener, state: Arc<State>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let state = state.clone();
                tokio::spawn(async move { connection(stream, state).await });
            }
            // Usually EMFILE under a connection flood: back off briefly
            // instead of spinning or dying.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn connection(mut stream: TcpStream, state: Arc<State>) {
    let conn_id = state.open_connection();
    // Responses and slow-body chunks must hit the wire immediately.
    let _ = stream.set_nodelay(true);
    let mut reader = RequestReader::new();
    loop {
        let req = match reader.next_request(&mut stream).await {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(e) => {
                if let Some((status, msg)) = e.response() {
                    let resp = Response::error(status, "bad_request", &msg);
                    if resp.write_to(&mut stream, false, true).await.is_ok() {
                        close_gracefully(stream).await;
                    }
                }
                return;
            }
        };

        if admin::is_admin(&req.path) {
            let close = req.wants_close();
            let (resp, action) = admin::handle(&req, &state);
            let shutdown = matches!(action, Action::Shutdown);
            let written = resp
                .write_to(&mut stream, req.method == "HEAD", close || shutdown)
                .await;
            if shutdown {
                // The response is in the kernel; FIN it before the process exits.
                let _ = stream.shutdown().await;
                state.shutdown.notify_one();
                return;
            }
            if written.is_err() {
                return;
            }
            if close {
                close_gracefully(stream).await;
                return;
            }
            continue;
        }

        match scenario::handle(&mut stream, req, conn_id, &state).await {
            After::KeepAlive => {}
            After::Close => {
                close_gracefully(stream).await;
                return;
            }
            After::Drop => return,
        }
    }
}

/// FIN our side, then drain what the client still sends: closing with
/// unread input makes the kernel send RST, which can destroy the response
/// we just wrote before the client reads it.
async fn close_gracefully(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER_DRAIN, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}

//! The office's own accept loop on hyper's HTTP/1 server (in place of `axum::serve`), so
//! every connection is bounded in time and number: a request head must arrive within the
//! header timeout, an idle keep-alive connection closes after the idle timeout, and at the
//! connection cap the longest-idle connection makes room (connections.rs).

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;
use tower_service::Service;

use super::connections::{deadline, Conn, Connections, RequestGuard, Slot};
use super::limits::{BodyTimeout, Limits, MAX_HEAD};
use super::shed::{shed, Shed};
use super::stream_caps::StreamCaps;
use super::tls::TlsAcceptor;

/// Read buffer beyond [`MAX_HEAD`], so an oversized head is usually read whole and
/// answered 431 rather than cut off mid-way.
const READ_SLACK: usize = 16 * 1024;

/// Binds `listen` with a listen backlog of `backlog` (the connection cap), non-blocking.
pub(super) fn bind(listen: &str, backlog: usize) -> anyhow::Result<std::net::TcpListener> {
    let mut last = None;
    let addrs = listen
        .to_socket_addrs()
        .with_context(|| format!("cannot listen on {listen}"))?;
    for addr in addrs {
        match bind_one(addr, backlog) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no address"));
    Err(anyhow::Error::new(e).context(format!("cannot listen on {listen}")))
}

fn bind_one(addr: SocketAddr, backlog: usize) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // As std's bind does on Unix: a stopped office can be restarted on its port at once,
    // whatever connections linger in TIME_WAIT.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog.clamp(1, i32::MAX as usize) as i32)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Accepts connections on `listener` and serves `router` on each (over TLS when `tls` is
/// given) under `limits` until `stopping` turns true; then stops accepting and returns once
/// every connection has ended (in-flight requests finish; the caller bounds the wait).
pub(super) async fn accept_loop(
    listener: tokio::net::TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) {
    let table = Connections::new(limits.max_connections);
    let streams = StreamCaps::new(limits.streams_per_source, limits.streams_per_view);
    // Each connection task holds a sender; recv() ends when all are dropped.
    let (alive, mut all_done) = tokio::sync::mpsc::channel::<()>(1);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or the like: the backlog waits meanwhile.
                    shed(Shed::Connection, &format!("cannot accept: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stopping) => break,
        };
        let Some(slot) = table.admit() else {
            continue;
        };
        // Without TCP_NODELAY a small answer can wait ~40 ms for a delayed ACK (Nagle).
        let _ = tcp.set_nodelay(true);
        let router = router.clone();
        let limits = limits.clone();
        let streams = streams.clone();
        let mut stopping = stopping.clone();
        let alive = alive.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(tcp, peer, router, &limits, streams, slot, stopping).await,
                Some(tls) => {
                    if let Some(io) =
                        handshake(&tls, tcp, peer, &limits, &slot, &mut stopping).await
                    {
                        serve_connection(io, peer, router, &limits, streams, slot, stopping).await;
                    }
                }
            }
            drop(alive);
        });
    }
    drop(listener);
    drop(alive);
    let _ = all_done.recv().await;
}

/// The TLS handshake on a connection just accepted, bounded as a request head is: it must
/// end within the header timeout, and gives way to eviction and to the office stopping.
/// None when it failed (a port scan, a browser that does not trust the certificate yet,
/// plain HTTP on the HTTPS port: the client's problem, logged at debug level only).
async fn handshake(
    tls: &TlsAcceptor,
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    limits: &Limits,
    slot: &Slot,
    stopping: &mut watch::Receiver<bool>,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let shaken = tokio::select! {
        shaken = tokio::time::timeout(limits.header_timeout, tls.handshake(tcp)) => shaken,
        _ = slot.conn().evicted.notified() => return None,
        _ = stopped(stopping) => return None,
    };
    match shaken {
        Ok(Ok(io)) => Some(io),
        Ok(Err(e)) => {
            log::debug!(peer:% = peer; "TLS handshake failed: {e}");
            None
        }
        Err(_) => {
            log::debug!(peer:% = peer; "TLS handshake not completed within the header timeout");
            None
        }
    }
}

/// Serves HTTP/1 requests on `io` from `peer` until the client leaves, the connection
/// times out or is evicted (dropped at once: it is between requests), or the office stops
/// (graceful: a request in flight finishes).
pub(super) async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    router: Router,
    limits: &Limits,
    streams: Arc<StreamCaps>,
    slot: Slot,
    mut stopping: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn = slot.conn().clone();
    let table = slot.table().clone();
    let io = Watched {
        io,
        conn: conn.clone(),
    };
    let body_timeout = BodyTimeout(limits.body_timeout);
    let service = hyper::service::service_fn({
        let conn = conn.clone();
        move |mut req: Request<Incoming>| {
            let guard = conn.begin_request();
            // The peer's address reaches handlers as `ConnectInfo` (extract::ClientAddr).
            req.extensions_mut().insert(ConnectInfo(peer));
            req.extensions_mut().insert(body_timeout);
            req.extensions_mut().insert(streams.clone());
            req.extensions_mut().insert(table.clone());
            let mut router = router.clone();
            async move {
                let answer = match router.call(req.map(Body::new)).await {
                    Ok(answer) => answer,
                    Err(never) => match never {},
                };
                Ok::<_, Infallible>(answer.map(|body| {
                    Body::new(Guarded {
                        body,
                        _guard: guard,
                    })
                }))
            }
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    // Timeouts are kept here (the phase in the connection table), not by hyper, whose
    // header timeout would also cut keep-alive connections at the header timeout.
    // A whole head over MAX_HEAD gets 431 once read; the buffer stops one that never ends.
    http.header_read_timeout(None)
        .max_buf_size(MAX_HEAD + READ_SLACK)
        .max_header_size(MAX_HEAD);
    let served = http.serve_connection(TokioIo::new(io), service);
    tokio::pin!(served);
    loop {
        let due = deadline(conn.phase(), limits);
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result {
                    log::debug!("office HTTP connection from {peer}: {e}");
                }
                return;
            }
            _ = conn.evicted.notified() => return,
            _ = conn.woken.notified() => {}
            _ = sleep_until(due), if due.is_some() => {
                if deadline(conn.phase(), limits).is_some_and(|d| d <= std::time::Instant::now()) {
                    return;
                }
            }
            _ = stopped(&mut stopping) => break,
        }
    }
    served.as_mut().graceful_shutdown();
    let _ = served.await;
}

/// Resolves once the office is stopping (or can no longer be told to).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not Send: dropped here, before any other await.
    let _ = stopping.wait_for(|s| *s).await.map(|_| ());
}

async fn sleep_until(due: Option<std::time::Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(due.into()).await;
    }
}

/// The connection's bytes, telling its table entry when a request head begins.
struct Watched<I> {
    io: I,
    conn: Arc<Conn>,
}

impl<I: AsyncRead + Unpin> AsyncRead for Watched<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.bytes_arrived();
        }
        result
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Watched<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// An answer's body that keeps its request counted as in flight until it is sent (or
/// dropped), so a connection streaming an answer is never idle.
struct Guarded {
    body: Body,
    _guard: RequestGuard,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

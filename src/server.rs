//! The HTTP server's lifecycle: the accept loop, connection hygiene (header-read and idle
//! timeouts, a cap on open connections) and graceful shutdown, around the API's router.
//!
//! axum's `serve` exposes none of hyper's connection settings, so connections are served here
//! with hyper's HTTP/1 builder (what `axum::serve` does with axum's default features: HTTP/1.1
//! with keep-alive, the router cloned per connection).
//!
//! Timeouts, per connection (hyper's own `header_read_timeout` is off: its clock starts whenever
//! hyper waits for a request head, right after the previous answer included, so it would also be
//! the keep-alive idle timeout, and the two could not differ):
//! - a new connection must deliver its first complete request head within the header-read
//!   timeout of being accepted;
//! - between requests, a keep-alive connection may stay silent for the idle timeout; once the
//!   first byte of the next request arrives, its head must be complete within the header-read
//!   timeout;
//! - while a handler runs, neither applies (`--request-timeout` bounds the handler);
//! - once the handler has answered, the idle timeout also bounds how long writing the answer may
//!   make no progress (a client that stops reading).
//!
//! A connection past its deadline is closed without an answer.
//!
//! Over TLS ([`serve_tls`]) the handshake is part of the first request head: it must end, and
//! the head arrive, within the header-read timeout of the accept, so a client that opens a
//! connection and never completes the handshake is cut off like one that never sends a head.

use std::convert::Infallible;
use std::io;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::api::{AppState, router};
use crate::tls::Tls;

pub use crate::config::ServerOptions;

/// Serves the API on `listener` until `shutdown` resolves. Then it stops accepting at once (the
/// listener is closed, so new connections are refused), lets the requests in flight finish and
/// closes idle connections, for at most `opts.shutdown_timeout`; whatever is still running then
/// is dropped, its connections closed, and `serve` returns.
///
/// At most `opts.max_connections` connections are open at once: past the cap the listener is not
/// polled, so new connections wait in the kernel's backlog until one closes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    opts: ServerOptions,
) -> anyhow::Result<()> {
    serve_router(listener, router(state), shutdown, opts, None).await
}

/// [`serve`] over HTTPS: every connection starts with a TLS handshake (bounded by the
/// header-read timeout), and the certificate files are read again every `reload` (see
/// [`crate::tls`]) while serving.
pub async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    opts: ServerOptions,
    tls: Tls,
    reload: Duration,
) -> anyhow::Result<()> {
    let acceptor = tls.acceptor().clone();
    let reloading = tokio::spawn(tls.reload_every(reload));
    let served = serve_router(listener, router(state), shutdown, opts, Some(acceptor)).await;
    reloading.abort();
    served
}

async fn serve_router(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    opts: ServerOptions,
    tls: Option<TlsAcceptor>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=Semaphore::MAX_PERMITS).contains(&opts.max_connections),
        "max_connections must be between 1 and {}",
        Semaphore::MAX_PERMITS
    );
    let permits = Arc::new(Semaphore::new(opts.max_connections));
    let (drain_tx, drain_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        // The permit is taken before `accept`: past the cap the listener is left alone and the
        // kernel queues new connections, rather than accepting sockets no task will serve.
        let next = async {
            let permit = permits.clone().acquire_owned().await;
            loop {
                match listener.accept().await {
                    Ok((stream, _peer)) => return (permit, stream),
                    Err(e) => accept_failed(e).await,
                }
            }
        };
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            (permit, stream) = next => {
                let permit = permit.context("the connection semaphore is never closed")?;
                reap(&mut connections);
                let router = router.clone();
                let drain = drain_rx.clone();
                let tls = tls.clone();
                connections.spawn(async move {
                    serve_connection(stream, tls, router, drain, opts).await;
                    drop(permit);
                });
            }
        }
    }

    let grace = opts.shutdown_timeout;
    tracing::info!(grace = ?grace, "shutting down: no new connections, finishing requests in flight");
    drop(listener);
    // Receivers see the change even if they are not waiting yet; idle connections close at once,
    // busy ones after their answer.
    drain_tx.send_replace(true);
    let finished = async { while connections.join_next().await.is_some() {} };
    match tokio::time::timeout(grace, finished).await {
        Ok(()) => tracing::info!("every request in flight finished; exiting"),
        Err(_) => tracing::warn!(
            grace = ?grace,
            connections = connections.len(),
            "requests still in flight after the shutdown timeout; exiting anyway"
        ),
    }
    // What is left is cancelled: its sockets close, its handlers are dropped at their next await.
    connections.abort_all();
    Ok(())
}

/// Collects the connections that ended since the last accept (so the set holds no more finished
/// ones than there were open connections then), logging a panic if one did.
fn reap(connections: &mut JoinSet<()>) {
    while let Some(ended) = connections.try_join_next() {
        if let Err(e) = ended
            && e.is_panic()
        {
            tracing::error!(error = %e, "a connection task panicked");
        }
    }
}

/// As hyper 0.14 and axum do: errors of one connection are skipped; anything else (typically
/// `EMFILE`, out of file descriptors) is logged and accepting pauses for a second, since
/// retrying at once would spin until a descriptor is freed.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Serves one connection until the client closes it, its deadline passes, or a graceful
/// shutdown lets it finish; with `tls`, after the handshake.
async fn serve_connection(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    router: Router,
    mut drain: watch::Receiver<bool>,
    opts: ServerOptions,
) {
    let activity = Arc::new(Activity::new());
    let watched = Watched {
        inner: stream,
        activity: activity.clone(),
    };
    let Some(acceptor) = tls else {
        return serve_io(watched, activity, router, drain, opts).await;
    };
    // The handshake runs on the first head's clock, started at the accept: the head then has
    // what is left of the header-read timeout. A shutdown drops a connection still in it.
    let handshake = tokio::select! {
        handshake = acceptor.accept(watched) => handshake,
        reason = activity.expired(opts.header_read_timeout, opts.idle_timeout) => {
            tracing::debug!(reason, "closing a connection still in its TLS handshake");
            return;
        }
        _ = drain.wait_for(|d| *d) => return,
    };
    match handshake {
        Ok(stream) => serve_io(stream, activity, router, drain, opts).await,
        // A plain-HTTP request, a client that does not trust the certificate, a scanner.
        Err(e) => tracing::debug!(error = %e, "TLS handshake failed"),
    }
}

/// Serves HTTP/1 on a connection's byte stream (plain or TLS).
async fn serve_io<I>(
    io: I,
    activity: Arc<Activity>,
    router: Router,
    mut drain: watch::Receiver<bool>,
    opts: ServerOptions,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(io);
    let service = Tracked {
        router,
        activity: activity.clone(),
    };
    let mut builder = http1::Builder::new();
    builder.keep_alive(true).header_read_timeout(None);
    let mut conn = pin!(builder.serve_connection(io, service).with_upgrades());
    let mut expired = pin!(activity.expired(opts.header_read_timeout, opts.idle_timeout));
    let mut draining = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            reason = &mut expired => {
                tracing::debug!(reason, "closing a connection past its deadline");
                return;
            }
            // `false`: the server is gone, and so is the wait for this connection.
            signalled = async { drain.wait_for(|d| *d).await.is_ok() }, if !draining => {
                draining = true;
                if signalled {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// What a connection is doing, for its deadline.
#[derive(Debug)]
struct Activity {
    phase: Mutex<Phase>,
    /// Woken when the deadline moves earlier or appears (a handler ends, a request head starts).
    changed: Notify,
}

#[derive(Debug)]
struct Phase {
    /// Handlers running on this connection (HTTP/1: zero or one).
    handling: usize,
    /// Since when a request head has been awaited: the accept for the first request, the first
    /// byte of it for later ones. `None` between requests and while a handler runs.
    head_since: Option<Instant>,
    /// The last byte read or written, or the end of the last handler.
    last_io: Instant,
}

impl Activity {
    fn new() -> Self {
        let now = Instant::now();
        Activity {
            phase: Mutex::new(Phase {
                handling: 0,
                head_since: Some(now),
                last_io: now,
            }),
            changed: Notify::new(),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        // The phase is plain data, valid after any panic.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self) {
        let mut p = self.phase();
        let now = Instant::now();
        p.last_io = now;
        if p.handling == 0 && p.head_since.is_none() {
            // The first byte of the next request: its head is now due within the header-read
            // timeout, sooner than the idle deadline the watchdog sleeps on.
            p.head_since = Some(now);
            self.changed.notify_one();
        }
    }

    fn wrote(&self) {
        self.phase().last_io = Instant::now();
    }

    fn handler_started(&self) {
        let mut p = self.phase();
        p.handling += 1;
        p.head_since = None;
    }

    fn handler_ended(&self) {
        let mut p = self.phase();
        p.handling -= 1;
        // The idle clock starts with the answer, not with the last byte of the request: a long
        // handler does not leave its answer's connection already past its deadline.
        p.last_io = Instant::now();
        self.changed.notify_one();
    }

    /// When the connection is to be closed, and why; `None` while a handler runs (or for a
    /// timeout too long to fall within `Instant`'s range).
    fn deadline(&self, header_read: Duration, idle: Duration) -> Option<(Instant, &'static str)> {
        let p = self.phase();
        if p.handling > 0 {
            None
        } else if let Some(since) = p.head_since {
            Some((since.checked_add(header_read)?, "header-read timeout"))
        } else {
            Some((p.last_io.checked_add(idle)?, "idle timeout"))
        }
    }

    /// Resolves once the connection is past its deadline, with the timeout that passed.
    async fn expired(&self, header_read: Duration, idle: Duration) -> &'static str {
        loop {
            // A notification sent while the deadline is being computed stays stored
            // (`notify_one`) and wakes the wait below at once.
            match self.deadline(header_read, idle) {
                None => self.changed.notified().await,
                Some((at, reason)) => {
                    if Instant::now() >= at {
                        return reason;
                    }
                    // On waking, the deadline is computed again: activity may have moved it.
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// The router as a hyper service that tells the connection's [`Activity`] when a handler runs.
struct Tracked {
    router: Router,
    activity: Arc<Activity>,
}

/// Marks a handler as ended when its future completes or is dropped.
struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.handler_ended();
    }
}

impl hyper::service::Service<hyper::Request<Incoming>> for Tracked {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, req: hyper::Request<Incoming>) -> Self::Future {
        // hyper calls the service once the request head is complete.
        self.activity.handler_started();
        let handling = Handling(self.activity.clone());
        let router = self.router.clone();
        let req: Request = req.map(Body::new);
        Box::pin(async move {
            let response = router.oneshot(req).await;
            drop(handling);
            response
        })
    }
}

/// A connection's socket, reporting bytes read and written to its [`Activity`] (under TLS, the
/// encrypted bytes: the handshake's count as the first head's).
struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

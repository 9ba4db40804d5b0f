//! The listener every HTTP surface of steward is served on (the chat API,
//! health, Telegram's webhook): HTTP/1.1 through hyper, with the connection
//! limits of [`ConnectionLimits`] — at most `max_connections` open (more wait
//! to be accepted), stalled headers, bodies, idle connections and unread
//! responses closed (`activity.rs`, `deadline.rs`) — and a graceful stop:
//! requests in flight finish, idle connections close.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::activity::{Activity, Guarded};
use super::deadline::DeadlineBody;
use super::error::ApiError;
use crate::config::ConnectionLimits;

/// Serves `router` on `listener` until `stopped` turns true, then lets the
/// requests in flight finish (the caller bounds how long).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // One task per connection; each ends when its client leaves, stalls or
    // the stop signal has let its request finish.
    let mut connections = JoinSet::new();
    loop {
        while let Some(ended) = connections.try_join_next() {
            log_panic(ended);
        }
        // A free slot first: past the cap, clients wait in the kernel's
        // backlog instead of holding memory here.
        let permit = tokio::select! {
            () = stop_signal(&mut stopped) => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (socket, peer) = tokio::select! {
            () = stop_signal(&mut stopped) => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause rather
                    // than spin, then go on serving.
                    tracing::warn!(error = %error, "accepting an HTTP connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = socket.set_nodelay(true);
        let (router, stopped) = (router.clone(), stopped.clone());
        connections.spawn(connection(socket, peer, router, limits, stopped, permit));
    }
    drop(listener);
    while let Some(ended) = connections.join_next().await {
        log_panic(ended);
    }
}

/// Resolves when the stop signal is given (or its sender is gone).
async fn stop_signal(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

fn log_panic(ended: Result<(), tokio::task::JoinError>) {
    if let Err(error) = ended {
        tracing::error!(error = %error, "an HTTP connection task panicked");
    }
}

/// One client connection, holding its slot (`_permit`) until it closes.
async fn connection(
    socket: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let activity = Activity::new();
    let io = TokioIo::new(Guarded::new(socket, Arc::clone(&activity), limits));
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let busy = activity.busy();
        let expired = Arc::new(AtomicBool::new(false));
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        let body = DeadlineBody::new(body, limits.body_timeout, Arc::clone(&expired));
        let request = Request::from_parts(parts, Body::new(body));
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await;
            drop(busy);
            if expired.load(Ordering::Relaxed) {
                return Ok::<_, Infallible>(too_slow(limits.body_timeout));
            }
            response
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(conn);
    let mut stopping = false;
    let ended = loop {
        tokio::select! {
            ended = conn.as_mut() => break ended,
            () = stop_signal(&mut stopped), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    };
    if let Err(error) = ended {
        // Clients that stall or vanish are routine; not an error of steward's.
        tracing::debug!(%peer, error = %error, "HTTP connection ended");
    }
}

/// 408, and the connection closes: the rest of the body is not waited for.
fn too_slow(timeout: Duration) -> Response {
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "the request body did not arrive within {} s",
            timeout.as_secs()
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

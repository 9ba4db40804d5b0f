//! What one connection is doing, and the socket wrapper that closes it when
//! it stalls: a connection waiting for a request may stay `idle_timeout`; a
//! request's headers must arrive within `header_timeout` of its first byte;
//! while a request is being handled nothing is timed here (its body has its
//! own deadline, see `deadline.rs`). A response the client does not read for
//! `idle_timeout` ends the connection too.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::config::ConnectionLimits;

/// Where a connection is between requests.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for a request; nothing moved since `since`.
    Idle { since: Instant },
    /// A request's first bytes came at `since`; its headers have not ended.
    Head { since: Instant },
    /// A request is being handled (`count` of them: pipelining).
    Busy { count: usize },
}

/// Shared by a connection's socket wrapper and the requests it carries.
#[derive(Debug)]
pub struct Activity {
    phase: Mutex<Phase>,
    /// The connection's task, parked on a read with no deadline while a
    /// request was handled: woken when the request ends, so its read sets
    /// the idle deadline (hyper would not read again until bytes come).
    parked: Mutex<Option<Waker>>,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            phase: Mutex::new(Phase::Idle {
                since: Instant::now(),
            }),
            parked: Mutex::new(None),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Phase) -> T) -> T {
        f(&mut self.phase.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A request's headers were read: it is handled until the guard drops.
    pub fn busy(self: &Arc<Self>) -> BusyGuard {
        self.with(|phase| {
            *phase = match *phase {
                Phase::Busy { count } => Phase::Busy { count: count + 1 },
                _ => Phase::Busy { count: 1 },
            }
        });
        BusyGuard(Arc::clone(self))
    }

    /// Bytes arrived: the first of a request starts its header clock.
    fn received(&self, now: Instant) {
        self.with(|phase| {
            if let Phase::Idle { .. } = phase {
                *phase = Phase::Head { since: now };
            }
        });
    }

    /// Bytes went out: an idle connection is not idle yet.
    fn sent(&self, now: Instant) {
        self.with(|phase| {
            if let Phase::Idle { since } = phase {
                *since = now;
            }
        });
    }

    fn park(&self, waker: &Waker) {
        let mut parked = self.parked.lock().unwrap_or_else(|e| e.into_inner());
        if !parked.as_ref().is_some_and(|p| p.will_wake(waker)) {
            *parked = Some(waker.clone());
        }
    }

    /// When reading must have made progress by.
    fn read_deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        self.with(|phase| match *phase {
            Phase::Idle { since } => Some(since + limits.idle_timeout),
            Phase::Head { since } => Some(since + limits.header_timeout),
            Phase::Busy { .. } => None,
        })
    }
}

/// Marks a request as handled; dropped when its response is ready.
pub struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        let idle = self.0.with(|phase| {
            *phase = match *phase {
                Phase::Busy { count } if count > 1 => Phase::Busy { count: count - 1 },
                _ => Phase::Idle {
                    since: Instant::now(),
                },
            };
            matches!(phase, Phase::Idle { .. })
        });
        if idle {
            let parked = self
                .0
                .parked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            if let Some(waker) = parked {
                waker.wake();
            }
        }
    }
}

/// A socket that fails with `TimedOut` when its connection stalls.
pub struct Guarded<S> {
    socket: S,
    activity: Arc<Activity>,
    limits: ConnectionLimits,
    read_timer: Pin<Box<Sleep>>,
    /// Since when writes have been waiting for the client to read.
    write_blocked: Option<Instant>,
    write_timer: Pin<Box<Sleep>>,
}

impl<S> Guarded<S> {
    pub fn new(socket: S, activity: Arc<Activity>, limits: ConnectionLimits) -> Guarded<S> {
        let far = Instant::now() + limits.idle_timeout;
        Guarded {
            socket,
            activity,
            limits,
            read_timer: Box::pin(tokio::time::sleep_until(far)),
            write_blocked: None,
            write_timer: Box::pin(tokio::time::sleep_until(far)),
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_string())
}

/// Whether `timer`, set to `deadline`, has fired (registering a wake-up if not).
fn expired(timer: &mut Pin<Box<Sleep>>, deadline: Instant, cx: &mut Context<'_>) -> bool {
    if timer.deadline() != deadline {
        timer.as_mut().reset(deadline);
    }
    timer.as_mut().poll(cx).is_ready()
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.socket).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.activity.received(Instant::now());
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.activity.read_deadline(&this.limits) {
                Some(deadline) if expired(&mut this.read_timer, deadline, cx) => {
                    Poll::Ready(Err(timed_out("the client stalled")))
                }
                Some(_) => Poll::Pending,
                None => {
                    this.activity.park(cx.waker());
                    Poll::Pending
                }
            },
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.socket).poll_write(cx, data) {
            Poll::Pending => {
                let now = Instant::now();
                let blocked = *this.write_blocked.get_or_insert(now);
                if expired(
                    &mut this.write_timer,
                    blocked + this.limits.idle_timeout,
                    cx,
                ) {
                    return Poll::Ready(Err(timed_out("the client stopped reading")));
                }
                Poll::Pending
            }
            ready => {
                this.write_blocked = None;
                if let Poll::Ready(Ok(n)) = ready {
                    if n > 0 {
                        this.activity.sent(Instant::now());
                    }
                }
                ready
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

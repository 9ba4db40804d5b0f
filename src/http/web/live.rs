//! `GET /events`: server-sent events telling a signed-in page that one of
//! its person's runs started or ended (an admin's: anyone's), so lists and
//! run pages refresh in place (`web/static/live.js`). Runs in this process
//! are told at once; pages also refresh every 30 s (5 s while a run they
//! show is going), for runs other replicas execute.

use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use serde_json::json;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

use super::super::ApiState;
use super::session::Signed;
use crate::events::RunEvent;
use crate::manage::Actor;

/// Whether `actor` may hear of `event`.
fn theirs(actor: &Actor, event: &RunEvent) -> bool {
    actor.admin || event.owner == actor.id
}

/// `GET /events`: 401 without a session (so the browser does not retry).
pub async fn events(
    axum::extract::State(state): axum::extract::State<ApiState>,
    signed: Result<Signed, Response>,
) -> Response {
    let Ok(signed) = signed else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let receiver = state.web.events.subscribe();
    let stopped = state.web.stopped.clone();
    let stream = watch(signed.actor, receiver, stopped);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(state.web.keep_alive))
        .into_response()
}

type Receiver = tokio::sync::broadcast::Receiver<RunEvent>;
type Stopped = tokio::sync::watch::Receiver<bool>;

/// The events for `actor` until the server stops or the page goes.
fn watch(
    actor: Actor,
    receiver: Receiver,
    stopped: Stopped,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (actor, receiver, stopped),
        |(actor, mut receiver, mut stopped)| async move {
            loop {
                if *stopped.borrow() {
                    return None;
                }
                let event = tokio::select! {
                    event = receiver.recv() => event,
                    _ = stopped.changed() => return None,
                };
                let sent = match event {
                    Ok(event) if theirs(&actor, &event) => Event::default().event("run").data(
                        json!({"run": event.run_id, "workflow": event.workflow_id, "status": event.status})
                            .to_string(),
                    ),
                    Ok(_) => continue,
                    // Fell behind: the page refreshes whatever it shows.
                    Err(RecvError::Lagged(_)) => Event::default().event("run").data("{}"),
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok(sent), (actor, receiver, stopped)));
            }
        },
    )
}

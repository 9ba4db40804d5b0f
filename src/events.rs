//! Runs starting and ending in this process, for whoever watches: the
//! dashboard's live pages (`GET /events`). A leaf: the scheduler publishes,
//! the HTTP side subscribes; with nobody listening, a publish costs one
//! uncontended lock (the channel's receiver count) and builds no event.

use tokio::sync::broadcast;

/// A run started or ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunEvent {
    pub run_id: i64,
    pub workflow_id: i64,
    /// Whose workflow it is: who may be told.
    pub owner: String,
    /// The run's status now (`running`, `succeeded`, ...).
    pub status: &'static str,
}

/// Events a slow watcher may fall behind by before it is told to reload.
const ROOM: usize = 1_024;

/// The channel of run events.
#[derive(Clone, Debug)]
pub struct RunEvents(broadcast::Sender<RunEvent>);

impl Default for RunEvents {
    fn default() -> RunEvents {
        RunEvents(broadcast::channel(ROOM).0)
    }
}

impl RunEvents {
    /// Tells the watchers, if any; `event` is made only when someone watches.
    pub fn publish(&self, event: impl FnOnce() -> RunEvent) {
        if self.0.receiver_count() > 0 {
            let _ = self.0.send(event());
        }
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.0.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_reach_watchers_and_cost_nothing_without_them() {
        let events = RunEvents::default();
        events.publish(|| unreachable!("nobody watches: the event is not made"));
        let mut watcher = events.subscribe();
        events.publish(|| RunEvent {
            run_id: 7,
            workflow_id: 3,
            owner: "alice".into(),
            status: "running",
        });
        assert_eq!(watcher.try_recv().unwrap().run_id, 7);
    }
}

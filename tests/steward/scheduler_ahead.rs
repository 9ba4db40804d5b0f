//! Slots claimed ahead by `steward serve` (DESIGN §4): a run is claimed up to
//! two seconds before its slot and starts at the slot, never before; a pause
//! in between withdraws it; the overlap policy is applied at the slot, so a
//! run that ended just before it does not make it skip, and one still going
//! does.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};
use std::time::Duration;
use steward::workflow::notify::Notice;

use crate::api_client::{served, Api};
use crate::fake_http::FakeHttp;
use crate::helpers::Served;

/// A run's status, slot, start, end and error.
type RunRow = (String, i64, Option<i64>, Option<i64>, Option<String>);

/// Workflow `id`'s runs, by slot.
async fn runs(served: &Served, id: i64) -> Vec<RunRow> {
    let store = served.store().await;
    let rows = sqlx::query_as(
        "SELECT status, scheduled_for, started_at, ended_at, error FROM runs \
         WHERE workflow_id = $1 ORDER BY scheduled_for",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    store.close().await;
    rows
}

/// Workflow `id`'s runs once `enough` says so, waiting up to 15 s.
async fn runs_once(served: &Served, id: i64, enough: impl Fn(&[RunRow]) -> bool) -> Vec<RunRow> {
    for _ in 0..150 {
        let found = runs(served, id).await;
        if enough(&found) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    runs(served, id).await
}

/// Whether every workflow of `ids` had its run claimed before `deadline`,
/// looking every 20 ms.
async fn claimed_before(served: &Served, ids: &[i64], deadline: DateTime<Utc>) -> bool {
    while Utc::now() < deadline {
        let mut claimed = 0;
        for id in ids {
            claimed += usize::from(!runs(served, *id).await.is_empty());
        }
        if claimed == ids.len() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn create(api: &Api<'_>, definition: &Value) -> i64 {
    let made = api.post("/api/v1/workflows", definition).await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn said(served: &Served) -> Vec<String> {
    served
        .notifier
        .notices
        .lock()
        .unwrap()
        .iter()
        .filter_map(|n| match n {
            Notice::Message { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// A daily slot `seconds` from now (on a whole second), and its trigger.
fn daily_in(seconds: i64) -> (DateTime<Utc>, Value) {
    let at = Utc::now() + TimeDelta::seconds(seconds);
    let at = DateTime::from_timestamp(at.timestamp(), 0).unwrap();
    let cron = at.format("%-S %-M %-H * * *").to_string();
    (
        at,
        json!({"kind": "cron", "expression": cron, "timezone": "UTC"}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_claimed_before_its_slot_and_starts_at_it_never_before() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (at, trigger) = daily_in(6);
    let id = create(
        &alice,
        &json!({
            "name": "Ahead",
            "trigger": trigger,
            "steps": [{"id": "say", "type": "message", "text": "on time"}]
        }),
    )
    .await;
    // Before the slot the run exists, claimed and not started.
    let mut claimed_early = None;
    while Utc::now() < at - TimeDelta::milliseconds(150) {
        let found = runs(&served, id).await;
        if let Some((status, _, started, ..)) = found.first() {
            assert_eq!(status, "running", "{found:?}");
            assert_eq!(*started, None, "a run claimed ahead has no start yet");
            assert!(said(&served).is_empty(), "it ran before its slot");
            // Not history yet: the run log does not list it.
            let listed = alice.get(&format!("/api/v1/runs?workflow={id}")).await;
            assert_eq!(listed.status, 200, "{}", listed.body);
            let listed = listed.body["items"].as_array().unwrap();
            assert!(listed.is_empty(), "a run not started is listed: {listed:?}");
            claimed_early = Some(Utc::now());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let claimed_early = claimed_early.expect("the run was not claimed ahead of its slot");
    assert!(claimed_early < at, "claimed at {claimed_early}, slot {at}");
    let found = runs_once(&served, id, |found| {
        found.first().is_some_and(|r| r.0 == "succeeded")
    })
    .await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (status, slot, started, ..) = &found[0];
    assert_eq!(status, "succeeded");
    let started = started.expect("the start is stamped");
    assert!(
        started >= *slot,
        "started {} ms before its slot",
        slot - started
    );
    assert!(started - slot < 1_000, "started {} ms late", started - slot);
    assert_eq!(said(&served), ["on time"]);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_after_the_claim_and_before_the_slot_withdraws_the_run() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (at, trigger) = daily_in(6);
    let id = create(
        &alice,
        &json!({
            "name": "Paused in time",
            "trigger": trigger,
            "steps": [{"id": "say", "type": "message", "text": "should not be said"}]
        }),
    )
    .await;
    // Wait for the claim, then pause before the slot.
    let claimed = claimed_before(&served, &[id], at - TimeDelta::milliseconds(300)).await;
    assert!(claimed, "the run was not claimed ahead of its slot");
    let paused = alice
        .post(
            &format!("/api/v1/workflows/{id}/pause"),
            &json!({"note": "not today"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert!(
        Utc::now() < at,
        "paused only after the slot; the test machine is too slow"
    );
    tokio::time::sleep((at - Utc::now()).to_std().unwrap_or_default() + Duration::from_secs(2))
        .await;
    assert!(
        said(&served).is_empty(),
        "a paused workflow ran: {:?}",
        said(&served)
    );
    assert_eq!(
        runs(&served, id).await,
        [],
        "the claimed run is withdrawn, as if the pause came first"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_or_a_delete_after_the_claim_is_what_the_slot_sees() {
    // Three workflows share a slot and are claimed ahead together; then one
    // is edited and one deleted. At the slot the check finds only those two
    // changed: the edited one runs its new steps, the deleted one nothing,
    // the third as claimed.
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let (at, trigger) = daily_in(6);
    let make = |name: &str, text: &str| {
        json!({
            "name": name,
            "trigger": trigger,
            "steps": [{"id": "say", "type": "message", "text": text}]
        })
    };
    let kept = create(&alice, &make("Kept", "kept as claimed")).await;
    let edited = create(&alice, &make("Edited", "the old words")).await;
    let deleted = create(&alice, &make("Deleted", "from a deleted workflow")).await;
    let all = [kept, edited, deleted];
    let claimed = claimed_before(&served, &all, at - TimeDelta::milliseconds(400)).await;
    assert!(claimed, "the runs were not claimed ahead of their slot");
    let changed = alice
        .patch(
            &format!("/api/v1/workflows/{edited}"),
            1,
            &json!({"steps": [{"id": "say", "type": "message", "text": "the new words"}]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let gone = alice.delete(&format!("/api/v1/workflows/{deleted}")).await;
    assert!(gone.status < 300, "{} {}", gone.status, gone.body);
    assert!(
        Utc::now() < at,
        "changed only after the slot; the test machine is too slow"
    );
    let found = runs_once(&served, edited, |found| {
        found.first().is_some_and(|r| r.0 == "succeeded")
    })
    .await;
    assert_eq!(found.len(), 1, "{found:?}");
    let kept_runs = runs_once(&served, kept, |found| {
        found.first().is_some_and(|r| r.0 == "succeeded")
    })
    .await;
    assert_eq!(kept_runs.len(), 1, "{kept_runs:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut heard = said(&served);
    heard.sort();
    assert_eq!(heard, ["kept as claimed", "the new words"]);
    assert_eq!(runs(&served, deleted).await, []);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_ending_just_before_the_next_slot_does_not_make_it_skip() {
    // Each run takes 400 ms of a 1 s interval under overlap 'skip': claimed
    // a second ahead, the next slot would see this run going and skip.
    let page = FakeHttp::start().await;
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = create(
        &alice,
        &json!({
            "name": "Busy but on time",
            "trigger": {"schedule": "every second"},
            "policies": {"overlap": "skip"},
            "steps": [{"id": "work", "type": "http", "url": format!("{}/wait/400", page.base)}]
        }),
    )
    .await;
    let found = runs_once(&served, id, |found| {
        found.iter().filter(|r| r.0 != "running").count() >= 6
    })
    .await;
    let ended: Vec<&str> = found
        .iter()
        .map(|r| r.0.as_str())
        .filter(|s| *s != "running")
        .collect();
    assert!(ended.len() >= 6, "{found:?}");
    assert!(
        ended.iter().all(|s| *s == "succeeded"),
        "every slot ran: {found:?}"
    );
    // Every second had its slot.
    let slots: Vec<i64> = found.iter().map(|r| r.1).collect();
    assert!(slots.windows(2).all(|w| w[1] - w[0] == 1_000), "{slots:?}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_still_going_at_the_next_slot_makes_it_skip_and_runs_never_overlap() {
    // Each run takes 1.5 s of a 1 s interval under overlap 'skip': the slot
    // claimed ahead finds the run before it still going, and is skipped.
    let page = FakeHttp::start().await;
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = create(
        &alice,
        &json!({
            "name": "Too slow",
            "trigger": {"schedule": "every second"},
            "policies": {"overlap": "skip"},
            "steps": [{"id": "work", "type": "http", "url": format!("{}/wait/1500", page.base)}]
        }),
    )
    .await;
    let found = runs_once(&served, id, |found| {
        found.iter().filter(|r| r.0 == "succeeded").count() >= 3
    })
    .await;
    let succeeded: Vec<(i64, i64)> = found
        .iter()
        .filter(|r| r.0 == "succeeded")
        .map(|r| (r.2.unwrap(), r.3.unwrap()))
        .collect();
    assert!(succeeded.len() >= 3, "{found:?}");
    assert!(
        succeeded.windows(2).all(|w| w[1].0 >= w[0].1),
        "two runs overlapped under 'skip': {found:?}"
    );
    let skipped: Vec<&String> = found
        .iter()
        .filter(|r| r.0 == "skipped")
        .filter_map(|r| r.4.as_ref())
        .collect();
    assert!(!skipped.is_empty(), "{found:?}");
    assert!(
        skipped.iter().all(|e| e.contains("still going")),
        "{skipped:?}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_gives_back_the_runs_claimed_ahead_instead_of_interrupting_them() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = create(
        &alice,
        &json!({
            "name": "Every second",
            "trigger": {"schedule": "every second"},
            "steps": [{"id": "say", "type": "message", "text": "tick"}]
        }),
    )
    .await;
    // Runs of the next slots are claimed ahead all the time: stop while one
    // is, after one ran.
    let mut waited = 0;
    loop {
        let found = runs(&served, id).await;
        if found.iter().any(|r| r.0 == "succeeded") && found.iter().any(|r| r.2.is_none()) {
            break;
        }
        waited += 1;
        assert!(waited < 200, "no run was claimed ahead after one ran");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let db = served.store().await;
    served.stop().await;
    let found: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, scheduled_for FROM runs WHERE workflow_id = $1 ORDER BY scheduled_for",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let next: Option<i64> = sqlx::query_scalar("SELECT next_run FROM workflows WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    assert!(
        found.iter().all(|(status, _)| status == "succeeded"),
        "a stop left runs interrupted or running: {found:?}"
    );
    // The next slot is the one after the last run: none was lost.
    let last = found.last().map(|r| r.1).unwrap_or_default();
    assert_eq!(next, Some(last + 1_000), "{found:?}");
}

//! The scheduler on a simulated clock: a week across a DST change, downtime
//! under each catch-up policy, overlap, auto-pause, skip-next, snooze, pause
//! and resume, retries, crash recovery, one-time workflows.

use serde_json::json;
use steward::manage::Actor;
use steward::store::runs as run_log;
use steward::workflow::notify::Notice;
use steward::workflow::RunStatus;

use crate::helpers::{at, slots, Sim};

fn message_step() -> serde_json::Value {
    json!([{ "id": "say", "type": "message", "text": "fired ${run.scheduled_for}" }])
}

fn workflow(name: &str, trigger: serde_json::Value) -> serde_json::Value {
    json!({ "name": name, "owner": "alice", "home_chat": "terminal:alice", "trigger": trigger, "steps": message_step() })
}

#[tokio::test]
async fn a_week_of_mixed_schedules_across_a_dst_change_fires_exactly_the_expected_slots() {
    // New York springs forward on Sunday 8 March 2026 (02:00 EST → 03:00 EDT).
    let sim = Sim::start("2026-03-05T00:00:00Z").await;
    let cron = sim
        .add(workflow(
            "Morning",
            json!({"kind": "cron", "expression": "30 8 * * *", "timezone": "America/New_York"}),
        ))
        .await;
    let rrule = sim
        .add(workflow(
            "Every other night",
            json!({"kind": "rrule", "expression": "DTSTART;TZID=America/New_York:20260306T023000\nRRULE:FREQ=DAILY;INTERVAL=2", "timezone": "America/New_York"}),
        ))
        .await;
    let interval = sim
        .add(workflow(
            "Every 6 hours",
            json!({"kind": "interval", "expression": "PT6H", "timezone": "America/New_York"}),
        ))
        .await;
    let once = sim
        .add(workflow(
            "Once",
            json!({"schedule": "on march 9th at 14:00", "timezone": "America/New_York"}),
        ))
        .await;
    sim.run_until("2026-03-12T00:00:00Z").await;

    let ok = |times: &[&str]| {
        times
            .iter()
            .map(|t| format!("{t} succeeded"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        slots(&sim.runs(cron).await),
        ok(&[
            "2026-03-05T13:30:00Z",
            "2026-03-06T13:30:00Z",
            "2026-03-07T13:30:00Z",
            "2026-03-08T12:30:00Z",
            "2026-03-09T12:30:00Z",
            "2026-03-10T12:30:00Z",
            "2026-03-11T12:30:00Z"
        ])
    );
    assert_eq!(
        slots(&sim.runs(rrule).await),
        ok(&[
            "2026-03-06T07:30:00Z",
            "2026-03-08T07:00:00Z",
            "2026-03-10T06:30:00Z"
        ]),
        "02:30 on 8 March does not exist in New York: it runs at 03:00 EDT"
    );
    let every_six = slots(&sim.runs(interval).await);
    assert_eq!(every_six.len(), 28, "{every_six:#?}");
    assert_eq!(
        every_six[12..16],
        ok(&[
            "2026-03-08T05:00:00Z",
            "2026-03-08T10:00:00Z",
            "2026-03-08T16:00:00Z",
            "2026-03-08T22:00:00Z"
        ])[..],
        "on the DST day the wall clock reads 00:00, 06:00, 12:00, 18:00"
    );
    assert_eq!(slots(&sim.runs(once).await), ok(&["2026-03-09T18:00:00Z"]));
    let once = sim.workflow(once).await;
    assert_eq!(once.status.as_str(), "completed");
    assert_eq!(once.next_run, None);
    let messages = sim
        .notices()
        .iter()
        .filter(|n| matches!(n, Notice::Message { .. }))
        .count();
    assert_eq!(messages, 7 + 3 + 28 + 1, "one message per run, none twice");
    let results = sim
        .notices()
        .iter()
        .filter(|n| matches!(n, Notice::RunFinished { .. }))
        .count();
    assert_eq!(
        results, 0,
        "runs that sent their message add no result notice"
    );
}

#[tokio::test]
async fn a_scheduled_run_that_sends_nothing_reports_its_result_to_the_owner() {
    let sim = Sim::start("2026-06-01T09:59:30Z").await;
    sim.add(json!({"name": "Quiet", "owner": "alice", "trigger": {"kind": "cron", "expression": "0 10 * * *"},
                   "steps": [{"type": "delay", "seconds": 0}]}))
        .await;
    sim.tick_at("2026-06-01T10:00:00Z").await;
    let notices = sim.notices();
    assert!(
        matches!(notices.as_slice(), [Notice::RunFinished { status: RunStatus::Succeeded, summary, .. }] if summary.starts_with("succeeded")),
        "{notices:?}"
    );
}

async fn hourly_with(sim: &Sim, name: &str, catchup: &str, window: i64) -> i64 {
    let mut definition = workflow(
        name,
        json!({"kind": "cron", "expression": "0 * * * *", "timezone": "UTC"}),
    );
    definition["policies"] = json!({"catchup": catchup, "catchup_window_seconds": window});
    sim.add(definition).await
}

#[tokio::test]
async fn slots_missed_during_downtime_follow_each_catch_up_policy() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let latest = hourly_with(&sim, "latest", "latest", 86_400).await;
    let all = hourly_with(&sim, "all", "all", 86_400).await;
    let skip = hourly_with(&sim, "skip", "skip", 86_400).await;
    let narrow = hourly_with(&sim, "narrow window", "latest", 600).await;
    sim.tick_at("2026-06-01T10:00:00Z").await;
    // steward is down from 10:00 to 15:30.
    sim.tick_at("2026-06-01T15:30:00Z").await;

    let missed = |hours: &[u32]| {
        hours
            .iter()
            .map(|h| format!("2026-06-01T{h:02}:00:00Z missed"))
            .collect::<Vec<_>>()
    };
    let mut expected = vec!["2026-06-01T10:00:00Z succeeded".to_string()];
    expected.extend(missed(&[11, 12, 13, 14]));
    expected.push("2026-06-01T15:00:00Z succeeded".into());
    assert_eq!(slots(&sim.runs(latest).await), expected);
    let latest_runs = sim.runs(latest).await;
    assert_eq!(latest_runs[5].trigger, "catchup");
    assert!(latest_runs[1]
        .error
        .as_deref()
        .unwrap()
        .contains("missed while steward was not running"));

    let all_runs = slots(&sim.runs(all).await);
    assert_eq!(all_runs.len(), 6);
    assert!(
        all_runs.iter().all(|s| s.ends_with("succeeded")),
        "{all_runs:#?}"
    );

    let mut expected = vec!["2026-06-01T10:00:00Z succeeded".to_string()];
    expected.extend(missed(&[11, 12, 13, 14, 15]));
    assert_eq!(slots(&sim.runs(skip).await), expected);
    assert_eq!(
        slots(&sim.runs(narrow).await),
        expected,
        "15:00 is older than the 10-minute window"
    );
    assert!(sim.runs(narrow).await[5]
        .error
        .as_deref()
        .unwrap()
        .contains("older than the catch-up window"));

    // Back to normal: the next slot runs on time.
    sim.tick_at("2026-06-01T16:00:00Z").await;
    assert_eq!(
        sim.runs(skip).await.last().unwrap().status,
        RunStatus::Succeeded
    );
}

fn waiting_workflow(overlap: &str) -> serde_json::Value {
    json!({
        "name": format!("needs approval ({overlap})"),
        "owner": "alice",
        "trigger": {"kind": "cron", "expression": "* * * * *", "timezone": "UTC"},
        "steps": [{"id": "ask", "type": "approval", "prompt": "go ahead?", "timeout_seconds": 86400}],
        "policies": {"overlap": overlap}
    })
}

#[tokio::test]
async fn a_slot_that_comes_while_the_previous_run_is_going_is_skipped_and_recorded() {
    let sim = Sim::start("2026-06-01T10:00:30Z").await;
    let skip = sim.add(waiting_workflow("skip")).await;
    let queue = sim.add(waiting_workflow("queue")).await;
    for minute in 1..=3 {
        sim.tick_at(&format!("2026-06-01T10:0{minute}:00Z")).await;
    }
    let runs = sim.runs(skip).await;
    assert_eq!(
        slots(&runs),
        [
            "2026-06-01T10:01:00Z waiting",
            "2026-06-01T10:02:00Z skipped",
            "2026-06-01T10:03:00Z skipped"
        ]
    );
    assert!(runs[1]
        .error
        .as_deref()
        .unwrap()
        .contains("previous run was still going"));
    assert_eq!(
        slots(&sim.runs(queue).await),
        [
            "2026-06-01T10:01:00Z waiting",
            "2026-06-01T10:02:00Z queued",
            "2026-06-01T10:03:00Z skipped"
        ]
    );
}

#[tokio::test]
async fn five_failures_in_a_row_pause_the_workflow_and_tell_its_owner() {
    let sim = Sim::start("2026-06-01T10:00:30Z").await;
    let id = sim
        .add(json!({
            "name": "Needs an LLM",
            "owner": "alice",
            "trigger": {"kind": "cron", "expression": "* * * * *"},
            "steps": [{"type": "agent", "instruction": "summarise the news"}]
        }))
        .await;
    sim.run_until("2026-06-01T10:10:00Z").await;
    let runs = sim.runs(id).await;
    assert_eq!(runs.len(), 5, "{:#?}", slots(&runs));
    assert!(runs.iter().all(|r| r.status == RunStatus::Failed));
    assert!(runs[0].error.as_deref().unwrap().contains("needs an LLM"));
    let workflow = sim.workflow(id).await;
    assert_eq!(workflow.status.as_str(), "paused");
    assert!(workflow
        .paused_note
        .as_deref()
        .unwrap()
        .contains("after 5 failed runs in a row"));
    let paused = sim
        .notices()
        .into_iter()
        .filter(|n| matches!(n, Notice::AutoPaused { .. }))
        .count();
    assert_eq!(paused, 1);
}

#[tokio::test]
async fn skip_next_and_snooze_change_one_occurrence_only() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let id = sim
        .add(workflow(
            "Hourly",
            json!({"kind": "cron", "expression": "0 * * * *"}),
        ))
        .await;
    let skipped = sim
        .manage()
        .skip_next(&Actor::operator("alice"), id)
        .await
        .unwrap();
    assert_eq!(skipped, at("2026-06-01T10:00:00Z"));
    sim.run_until("2026-06-01T11:30:00Z").await;
    let (slot, until) = sim
        .manage()
        .snooze(
            &Actor::operator("alice"),
            id,
            chrono::TimeDelta::minutes(20),
        )
        .await
        .unwrap();
    assert_eq!(
        (slot, until),
        (at("2026-06-01T12:00:00Z"), at("2026-06-01T12:20:00Z"))
    );
    sim.run_until("2026-06-01T13:30:00Z").await;
    let runs = sim.runs(id).await;
    assert_eq!(
        slots(&runs),
        [
            "2026-06-01T10:00:00Z skipped",
            "2026-06-01T11:00:00Z succeeded",
            "2026-06-01T12:20:00Z succeeded",
            "2026-06-01T13:00:00Z succeeded"
        ]
    );
    assert_eq!(runs[2].trigger, "snooze");
    assert!(runs[0].error.as_deref().unwrap().contains("skip next"));
}

#[tokio::test]
async fn skipping_a_snoozed_occurrence_skips_it_and_lists_show_the_real_next() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let id = sim
        .add(workflow(
            "Hourly",
            json!({"kind": "cron", "expression": "0 * * * *"}),
        ))
        .await;
    sim.manage()
        .snooze(
            &Actor::operator("alice"),
            id,
            chrono::TimeDelta::minutes(20),
        )
        .await
        .unwrap();
    let loaded = steward::store::workflows::get(&mut sim.store.connection().await.unwrap(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.effective_next(), Some(at("2026-06-01T10:20:00Z")));
    // "skip it once" after the snooze skips the snoozed occurrence.
    let skipped = sim
        .manage()
        .skip_next(&Actor::operator("alice"), id)
        .await
        .unwrap();
    assert_eq!(skipped, at("2026-06-01T10:20:00Z"));
    let loaded = steward::store::workflows::get(&mut sim.store.connection().await.unwrap(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.effective_next(), Some(at("2026-06-01T11:00:00Z")));
    sim.run_until("2026-06-01T11:30:00Z").await;
    assert_eq!(
        slots(&sim.runs(id).await),
        [
            "2026-06-01T10:00:00Z skipped",
            "2026-06-01T11:00:00Z succeeded"
        ]
    );
}

#[tokio::test]
async fn a_pause_with_an_end_resumes_on_its_own_without_replaying() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let id = sim
        .add(workflow(
            "Hourly",
            json!({"kind": "cron", "expression": "0 * * * *"}),
        ))
        .await;
    sim.manage()
        .pause(
            &Actor::operator("alice"),
            id,
            Some("away"),
            Some(at("2026-06-01T12:30:00Z")),
        )
        .await
        .unwrap();
    sim.run_until("2026-06-01T14:30:00Z").await;
    // 10:00, 11:00 and 12:00 fell in the pause; it resumed at 12:30 by itself.
    assert_eq!(
        slots(&sim.runs(id).await),
        [
            "2026-06-01T13:00:00Z succeeded",
            "2026-06-01T14:00:00Z succeeded"
        ]
    );
    let loaded = steward::store::workflows::get(&mut sim.store.connection().await.unwrap(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.status, steward::workflow::WorkflowStatus::Active);
    assert_eq!(loaded.resume_at, None);
    // A pause that ends in the past is refused.
    let error = sim
        .manage()
        .pause(&Actor::operator("alice"), id, None, Some(sim.now()))
        .await
        .unwrap_err();
    assert!(format!("{error:?}").contains("future"), "{error:?}");
}

#[tokio::test]
async fn resume_does_not_replay_the_paused_period() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let id = sim
        .add(workflow(
            "Hourly",
            json!({"kind": "cron", "expression": "0 * * * *"}),
        ))
        .await;
    sim.tick_at("2026-06-01T10:00:00Z").await;
    sim.manage()
        .pause(&Actor::operator("alice"), id, Some("on holiday"), None)
        .await
        .unwrap();
    assert_eq!(
        sim.workflow(id).await.paused_note.as_deref(),
        Some("on holiday")
    );
    sim.run_until("2026-06-01T15:30:00Z").await;
    let next = sim
        .manage()
        .resume(&Actor::operator("alice"), id)
        .await
        .unwrap();
    assert_eq!(next, Some(at("2026-06-01T16:00:00Z")));
    sim.run_until("2026-06-01T16:30:00Z").await;
    assert_eq!(
        slots(&sim.runs(id).await),
        [
            "2026-06-01T10:00:00Z succeeded",
            "2026-06-01T16:00:00Z succeeded"
        ]
    );
}

#[tokio::test]
async fn failed_runs_retry_with_growing_backoff() {
    let sim = Sim::start("2026-06-01T09:59:00Z").await;
    let id = sim
        .add(json!({
            "name": "Flaky",
            "owner": "alice",
            "trigger": {"kind": "cron", "expression": "0 10 * * *"},
            "steps": [{"type": "agent", "instruction": "x"}],
            "policies": {"retries": 2, "retry_backoff_seconds": 10}
        }))
        .await;
    sim.tick_at("2026-06-01T10:00:00Z").await;
    let run = &sim.runs(id).await[0];
    assert_eq!((run.status, run.attempt), (RunStatus::Retrying, 2));
    sim.tick_at("2026-06-01T10:00:09Z").await;
    assert_eq!(
        sim.runs(id).await[0].status,
        RunStatus::Retrying,
        "not before the backoff"
    );
    sim.tick_at("2026-06-01T10:00:10Z").await;
    let run = &sim.runs(id).await[0];
    assert_eq!((run.status, run.attempt), (RunStatus::Retrying, 3));
    sim.tick_at("2026-06-01T10:00:29Z").await;
    assert_eq!(sim.runs(id).await[0].attempt, 3, "the second wait is 20 s");
    sim.tick_at("2026-06-01T10:00:30Z").await;
    let runs = sim.runs(id).await;
    assert_eq!(runs.len(), 1, "retries stay on the slot's one run");
    assert_eq!((runs[0].status, runs[0].attempt), (RunStatus::Failed, 3));
}

#[tokio::test]
async fn a_run_left_running_by_a_dead_process_is_interrupted_then_retried() {
    let sim = Sim::start("2026-06-01T09:59:00Z").await;
    let mut definition = workflow("Daily", json!({"kind": "cron", "expression": "0 10 * * *"}));
    definition["policies"] = json!({"retries": 1, "retry_backoff_seconds": 5});
    let id = sim.add(definition).await;
    // Another process claimed the 10:00 slot and died: its lease ran out at 10:00:30.
    let mut tx = sim.store.begin_write().await.unwrap();
    let new = run_log::NewRun {
        workflow_id: id,
        workflow_version: 1,
        trigger: "schedule",
        scheduled_for: at("2026-06-01T10:00:00Z"),
        status: RunStatus::Running,
        input: None,
        error: None,
        lease: Some(("dead-node", at("2026-06-01T10:00:30Z"))),
    };
    run_log::insert(&mut tx, &new, at("2026-06-01T10:00:00Z"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sim.tick_at("2026-06-01T10:00:20Z").await;
    assert_eq!(
        sim.runs(id).await[0].status,
        RunStatus::Running,
        "the lease still holds"
    );
    sim.tick_at("2026-06-01T10:00:31Z").await;
    assert_eq!(sim.runs(id).await[0].status, RunStatus::Retrying);
    sim.tick_at("2026-06-01T10:00:36Z").await;
    let runs = sim.runs(id).await;
    assert_eq!(
        slots(&runs),
        ["2026-06-01T10:00:00Z succeeded"],
        "the 10:00 slot ran once more, on the same run"
    );
    assert_eq!(runs[0].attempt, 2);
}

#[tokio::test]
async fn a_backlog_longer_than_ten_thousand_slots_keeps_the_latest_and_sums_up_the_rest() {
    let sim = Sim::start("2026-06-01T00:00:00Z").await;
    let mut definition = workflow(
        "Every second",
        json!({"kind": "cron", "expression": "* * * * * *"}),
    );
    definition["policies"] = json!({"catchup": "latest"});
    let id = sim.add(definition).await;
    // Down for three hours: 10,800 slots.
    sim.tick_at("2026-06-01T03:00:00.500Z").await;
    let runs = sim.runs(id).await;
    assert_eq!(
        runs.len(),
        10_001,
        "the latest 10,000 one by one, plus one summary"
    );
    assert!(
        runs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("799 more slots after it"),
        "{:?}",
        runs[0].error
    );
    assert_eq!(runs[0].scheduled_for, at("2026-06-01T00:00:01Z"));
    let last = runs.last().unwrap();
    assert_eq!(last.scheduled_for, at("2026-06-01T03:00:00Z"));
    assert_eq!(last.status, RunStatus::Succeeded, "the on-time slot runs");
}

#[tokio::test]
async fn catch_up_all_runs_the_backlog_before_the_current_slot() {
    let sim = Sim::start("2026-06-01T09:30:00Z").await;
    let mut definition = workflow("Hourly", json!({"kind": "cron", "expression": "0 * * * *"}));
    definition["policies"] = json!({"catchup": "all"});
    let id = sim.add(definition).await;
    // Down from 09:30; back at 12:00:20, when the 12:00 slot is on time.
    sim.tick_at("2026-06-01T12:00:20Z").await;
    assert_eq!(
        slots(&sim.runs(id).await),
        [
            "2026-06-01T10:00:00Z succeeded",
            "2026-06-01T11:00:00Z succeeded",
            "2026-06-01T12:00:00Z succeeded"
        ]
    );
}

#[tokio::test]
async fn catch_up_all_runs_every_slot_of_an_outage_shorter_than_the_on_time_grace() {
    let sim = Sim::start("2026-06-01T09:59:55Z").await;
    let mut definition = workflow(
        "Every 10 s",
        json!({"kind": "cron", "expression": "*/10 * * * * *"}),
    );
    definition["policies"] = json!({"catchup": "all"});
    let id = sim.add(definition).await;
    // Down for 35 s, well within the 60 s on-time grace: four slots passed.
    sim.tick_at("2026-06-01T10:00:35Z").await;
    assert_eq!(
        slots(&sim.runs(id).await),
        [
            "2026-06-01T10:00:00Z succeeded",
            "2026-06-01T10:00:10Z succeeded",
            "2026-06-01T10:00:20Z succeeded",
            "2026-06-01T10:00:30Z succeeded"
        ]
    );
    let triggers: Vec<String> = sim.runs(id).await.into_iter().map(|r| r.trigger).collect();
    assert_eq!(triggers, ["catchup", "catchup", "catchup", "schedule"]);
}

#[tokio::test]
async fn pausing_skips_runs_still_waiting_their_turn_and_snoozes_do_not_stack() {
    let sim = Sim::start("2026-06-01T10:00:30Z").await;
    let id = sim.add(waiting_workflow("queue")).await;
    sim.tick_at("2026-06-01T10:01:00Z").await;
    sim.tick_at("2026-06-01T10:02:00Z").await;
    sim.manage()
        .pause(&Actor::operator("alice"), id, None, None)
        .await
        .unwrap();
    let runs = sim.runs(id).await;
    assert_eq!(runs[1].status, RunStatus::Skipped);
    assert!(runs[1].error.as_deref().unwrap().contains("paused"));

    let hourly = sim
        .add(workflow(
            "Hourly",
            json!({"kind": "cron", "expression": "0 * * * *"}),
        ))
        .await;
    sim.manage()
        .snooze(
            &Actor::operator("alice"),
            hourly,
            chrono::TimeDelta::hours(3),
        )
        .await
        .unwrap();
    let error = sim
        .manage()
        .snooze(
            &Actor::operator("alice"),
            hourly,
            chrono::TimeDelta::hours(1),
        )
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("already has an occurrence snoozed"),
        "{error}"
    );
}

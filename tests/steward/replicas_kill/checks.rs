//! What the replicas test checks once every process has stopped: the run
//! rows, and each process's own notice lines against them.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::Replica;

/// A run row as the test reads it.
#[derive(Debug)]
pub struct Row {
    pub id: i64,
    pub workflow_id: i64,
    pub scheduled_for: i64,
    pub status: String,
    pub attempt: i64,
    pub history: String,
}

/// `(run id, attempt)` of every line `word ID ATTEMPT` in a replica's stdout.
fn said(out: &Path, word: &str) -> Vec<(i64, i64)> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once("] ").map(|(_, text)| text.to_string()))
        .filter_map(|text| {
            let mut parts = text.split_whitespace();
            (parts.next() == Some(word)).then_some(())?;
            let id = parts.next()?.parse().ok()?;
            let attempt = parts.next()?.parse().ok()?;
            Some((id, attempt))
        })
        .collect()
}

/// One row per slot, a slot every second from each workflow's first to its
/// last, and every one of them succeeded in the end.
pub fn every_slot_ran_once(all: &[Row]) {
    let mut slots: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in all {
        slots
            .entry(row.workflow_id)
            .or_default()
            .push(row.scheduled_for);
    }
    assert_eq!(slots.len(), 10, "every workflow ran");
    for (workflow, slots) in &slots {
        assert!(
            slots.len() >= 12,
            "workflow {workflow} ran {} times",
            slots.len()
        );
        for pair in slots.windows(2) {
            assert_eq!(pair[1] - pair[0], 1000, "workflow {workflow}: {slots:?}");
        }
    }
    let unfinished: Vec<&Row> = all.iter().filter(|r| r.status != "succeeded").collect();
    assert!(
        unfinished.is_empty(),
        "every run succeeded in the end, none left running: {unfinished:#?}"
    );
}

/// The dead process's runs ended `interrupted`, and a later attempt by a
/// survivor succeeded.
pub fn held_runs_were_retried_elsewhere(
    all: &[Row],
    held: &[i64],
    victim: &Replica,
    survivors: &[Replica],
) {
    let by_id: HashMap<i64, &Row> = all.iter().map(|r| (r.id, r)).collect();
    for id in held {
        let row = by_id[id];
        let history: Value = serde_json::from_str(&row.history).unwrap();
        assert!(
            history
                .as_array()
                .unwrap()
                .iter()
                .any(|attempt| attempt["status"] == "interrupted"),
            "run {id} of {} was recorded interrupted: {row:?}",
            victim.node
        );
        assert!(row.attempt >= 2, "run {id} was attempted again: {row:?}");
        let finishers: Vec<&str> = survivors
            .iter()
            .filter(|s| said(&s.out, "done").contains(&(*id, row.attempt)))
            .map(|s| s.node.as_str())
            .collect();
        assert_eq!(
            finishers.len(),
            1,
            "run {id} finished by one survivor: {finishers:?}"
        );
    }
}

/// Each process's own lines: no run started by two processes unless the
/// dead one held it; every succeeded run said `done` once, on its last attempt.
pub fn logs_agree_with_rows(all: &[Row], held: &[i64], victim: &Replica, survivors: &[Replica]) {
    let held: HashSet<i64> = held.iter().copied().collect();
    let mut starters: HashMap<i64, Vec<&str>> = HashMap::new();
    let mut dones: HashMap<(i64, i64), Vec<&str>> = HashMap::new();
    for replica in survivors.iter().chain(std::iter::once(victim)) {
        for (id, _) in said(&replica.out, "start") {
            starters.entry(id).or_default().push(&replica.node);
        }
        for (id, attempt) in said(&replica.out, "done") {
            dones.entry((id, attempt)).or_default().push(&replica.node);
        }
    }
    for (id, nodes) in &starters {
        if nodes.len() > 1 {
            assert!(
                held.contains(id) && nodes.len() == 2 && nodes.contains(&victim.node.as_str()),
                "run {id} was started by {nodes:?}, and {} did not hold it when killed",
                victim.node
            );
        }
    }
    let by_id: HashMap<i64, &Row> = all.iter().map(|r| (r.id, r)).collect();
    for row in all {
        let nodes = dones
            .get(&(row.id, row.attempt))
            .cloned()
            .unwrap_or_default();
        assert_eq!(nodes.len(), 1, "run {} said done once: {nodes:?}", row.id);
        assert!(starters.contains_key(&row.id), "run {} said start", row.id);
    }
    for ((id, attempt), nodes) in &dones {
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("run {id} said done but has no row"));
        // The dead process may have said done just before its kill, with the
        // end not yet recorded: that attempt was interrupted and redone.
        let redone =
            *attempt < row.attempt && held.contains(id) && nodes == &[victim.node.as_str()];
        assert!(
            *attempt == row.attempt || redone,
            "run {id} said done on attempt {attempt}: {row:?}"
        );
    }
}

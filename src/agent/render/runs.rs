//! Runs in words: one line per run, what a run did, what it used.

use super::*;

/// "#4 Status check — today 09:00: succeeded in 0.4 s (HTTP 200, nothing to report)."
pub fn run_line(run: &Run, name: &str, now: DateTime<Utc>, zone: Zone) -> String {
    format!(
        "#{} {name} — {}: {}",
        run.workflow_id,
        when(run.scheduled_for, now, zone),
        run_outcome(run)
    )
}

/// "succeeded in 0.4 s (HTTP 200, nothing to report)", "failed: step 'check': …".
pub fn run_outcome(run: &Run) -> String {
    let duration = match (run.started_at, run.ended_at) {
        (Some(start), Some(end)) => {
            format!(
                " in {:.1} s",
                (end - start).num_milliseconds().max(0) as f64 / 1000.0
            )
        }
        _ => String::new(),
    };
    match run.status {
        RunStatus::Succeeded => {
            let mut details = Vec::new();
            if let Some(status) = run.output.as_ref().and_then(http_status) {
                details.push(format!("HTTP {status}"));
            }
            let messages = run.usage.as_ref().map_or(0, |u| u.messages);
            details.push(match messages {
                0 => "nothing to report".to_string(),
                1 => "sent 1 message".to_string(),
                n => format!("sent {n} messages"),
            });
            details.extend(run.usage.as_ref().and_then(usage_words));
            match run.answer() {
                Some(answer) => format!(
                    "succeeded{duration} ({}): {}",
                    details.join(", "),
                    clip(&answer, 300)
                ),
                None => format!("succeeded{duration} ({})", details.join(", ")),
            }
        }
        // Claimed ahead of its slot (up to 2 s before it), not started yet.
        RunStatus::Running if run.started_at.is_none() => "about to start".into(),
        RunStatus::Running => "running now".into(),
        RunStatus::Waiting => format!(
            "waiting for approval (say 'approve {}' or 'reject {}')",
            run.id, run.id
        ),
        RunStatus::Queued => "queued".into(),
        RunStatus::Retrying => format!(
            "failed attempt {}, will retry: {}",
            run.attempt,
            run.error.as_deref().unwrap_or("no reason recorded")
        ),
        status => {
            let used = run
                .usage
                .as_ref()
                .and_then(usage_words)
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            match &run.error {
                Some(error) => format!("{status}{duration}{used}: {}", clip(error, 300)),
                None => format!("{status}{duration}{used}"),
            }
        }
    }
}

/// "3 tool calls, 1,240 tokens, $0.0004" for runs that used the model.
pub fn usage_words(usage: &Usage) -> Option<String> {
    if usage.model_calls == 0 && usage.tool_calls == 0 {
        return None;
    }
    let calls = match usage.tool_calls {
        1 => "1 tool call".to_string(),
        n => format!("{n} tool calls"),
    };
    let mut words = format!("{calls}, {} tokens", thousands(usage.tokens()));
    match usage.cost_usd {
        Some(cost) if cost > 0.0 => words.push_str(&format!(", ${cost:.4}")),
        Some(_) => {}
        // A model without a price: not free, just not counted.
        None => words.push_str(", cost not counted"),
    }
    Some(words)
}

pub(super) use crate::workflow::quotas::thousands;

/// The status of the first HTTP step in a run's output.
pub(super) fn http_status(output: &Value) -> Option<u64> {
    match output {
        Value::Object(map) => {
            if map.contains_key("elapsed_ms") {
                return map.get("status").and_then(Value::as_u64);
            }
            map.values().find_map(http_status)
        }
        Value::Array(items) => items.iter().find_map(http_status),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(started_at: Option<DateTime<Utc>>) -> Run {
        let slot = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Run {
            id: 7,
            workflow_id: 1,
            workflow_version: 1,
            trigger: "schedule".into(),
            scheduled_for: slot,
            status: RunStatus::Running,
            attempt: 1,
            started_at,
            ended_at: None,
            input: None,
            output: None,
            error: None,
            usage: None,
            delivery_errors: Vec::new(),
        }
    }

    #[test]
    fn a_run_claimed_ahead_is_about_to_start_not_running() {
        assert_eq!(run_outcome(&running(None)), "about to start");
        let started = running(None).scheduled_for;
        assert_eq!(run_outcome(&running(Some(started))), "running now");
    }
}

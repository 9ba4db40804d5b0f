//! Sentences for people: drafts, workflows and runs, in the user's zone.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::draft::{Draft, Listed, Spec};
use crate::schedule::{Schedule, Zone};
use crate::workflow::{Guardrails, Run, RunStatus, Usage, Workflow, WorkflowStatus};

/// The answer to a message in another language when no LLM is configured.
pub const ENGLISH_ONLY: &str = "Without a language model I read English only. Say it in English (e.g. 'every day at 10 remind me to drink water'), or connect a model so any language works: set OPENAI_API_KEY, or STEWARD_LLM_BASE_URL for Ollama, vLLM or llama.cpp.";
pub const EXAMPLES_SHORT: &str = "Try 'every weekday at 8:30 check https://status.example.com and tell me if it's down', 'list my workflows' or 'help'.";

pub const HELP: &str = "I turn plain language into workflows that run on their own. Examples:
• every morning at 9 remind me to stretch
• every 4 hours check https://status.example.com and tell me if it's down
• tomorrow at 5pm send me 'call mom'
• create a workflow that summarises new support tickets every friday at 16:00
Then manage them by name or #id:
• list my workflows · show #3 · pause the status check · resume it · run it now
• rename #3 to Morning check · move the status check to 9:30 · delete workflow 'Old Report'
• skip the next run of #3 · snooze #3 by 30 minutes
• what did the morning workflow do today? · any errors this week? · logs for #3
• my timezone is Europe/Paris · I'm in Tokyo · I moved to Tokyo (moves your workflows too, if you say yes)
I show every new or changed workflow first and act only when you say yes.";

/// "Mon 23 Nov 08:30 CET"; with seconds when a time has them (schedules
/// under a minute), so three next runs never read the same.
pub fn short_time(at: DateTime<Utc>, zone: Zone) -> String {
    let format = if at.timestamp() % 60 == 0 {
        "%a %-d %b %H:%M %Z"
    } else {
        "%a %-d %b %H:%M:%S %Z"
    };
    at.with_timezone(&zone.tz()).format(format).to_string()
}

/// A local time relative to today: "today 09:00", "yesterday 17:30", "Mon 16 Nov 09:00".
pub fn when(at: DateTime<Utc>, now: DateTime<Utc>, zone: Zone) -> String {
    let tz = zone.tz();
    let local = at.with_timezone(&tz);
    let days = (now.with_timezone(&tz).date_naive() - local.date_naive()).num_days();
    match days {
        0 => format!("today {}", local.format("%H:%M")),
        1 => format!("yesterday {}", local.format("%H:%M")),
        _ => local.format("%a %-d %b %H:%M").to_string(),
    }
}

/// "At 08:30 on weekdays (Europe/Paris) — next: Mon 23 Nov 08:30 CET, …".
pub fn trigger_line(schedule: &Schedule, now: DateTime<Utc>) -> String {
    let next = schedule.upcoming(now, 3);
    if next.is_empty() {
        return schedule.describe();
    }
    let times: Vec<String> = next
        .iter()
        .map(|at| short_time(*at, schedule.zone))
        .collect();
    format!("{} — next: {}", schedule.describe(), times.join(", "))
}

/// How a draft is answered where any message is read.
pub const ANSWER_OR_CHANGE: &str = "(yes / no, or change it: 'at 9', 'call it …')";
pub const ANSWER: &str = "(yes / no)";

/// The draft questions in `text` asked the way that works where the person
/// is: in a Discord server only buttons and @mentions reach steward, in a
/// Telegram group buttons and replies to its message.
pub fn fit_surface(text: &str, answer_by: super::AnswerBy) -> String {
    use super::AnswerBy::*;
    let (full, short) = match answer_by {
        Words => return text.to_string(),
        ButtonOrMention => (
            "(press a button, or @mention me with a change: '@steward at 9')",
            "(press a button, or @mention me with yes or no)",
        ),
        ButtonOrReply => (
            "(press a button, or reply to this message with yes, no or a change: 'at 9')",
            "(press a button, or reply to this message with yes or no)",
        ),
    };
    text.replace(ANSWER_OR_CHANGE, full).replace(ANSWER, short)
}

/// How the schedule was read from the user's words, when that is worth
/// showing: ` (from "every day except weekends at 7"; "evry" read as "every")`.
pub fn reading_note(source: &str, schedule: &Schedule) -> String {
    let Some((placed, corrections)) = crate::schedule::natural::reading(source) else {
        return String::new();
    };
    let described = schedule.describe().to_lowercase();
    let mut notes: Vec<String> = Vec::new();
    if !described.starts_with(&placed.to_lowercase()) {
        notes.push(format!("from \"{placed}\""));
    }
    for correction in corrections {
        notes.push(format!(
            "\"{}\" read as \"{}\"",
            correction.written, correction.read
        ));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

/// The steps in words: "GET https://… → if not 2xx, message you".
pub fn steps_line(steps: &Value) -> String {
    let Some(list) = steps.as_array() else {
        return "(no steps)".into();
    };
    let parts: Vec<String> = list.iter().map(step_words).collect();
    if parts.is_empty() {
        "(no steps)".into()
    } else {
        parts.join(" → ")
    }
}

fn step_words(step: &Value) -> String {
    let text = |key: &str| step[key].as_str().unwrap_or_default().to_string();
    match step["type"].as_str().unwrap_or_default() {
        "message" => match step["target"].as_str() {
            Some(target) => format!("message {target}: \"{}\"", clip(&text("text"), 120)),
            None => format!("message you: \"{}\"", clip(&text("text"), 120)),
        },
        "http" => format!(
            "{} {}",
            step["method"].as_str().unwrap_or("GET"),
            text("url")
        ),
        "condition" => {
            let check = &step["if"];
            let then = step["then"]
                .as_array()
                .map(|s| s.iter().map(step_words).collect::<Vec<_>>().join(", "));
            let is_down_check = check["left"]
                .as_str()
                .is_some_and(|l| l.ends_with(".output.ok}"))
                && check["op"] == "eq"
                && check["right"] == false;
            let then = then.unwrap_or_default();
            let then = if then.starts_with("message you") {
                "message you".to_string()
            } else {
                then
            };
            if is_down_check {
                format!("if not 2xx, {then}")
            } else {
                format!(
                    "if {} {} {}: {then}",
                    check["left"],
                    check["op"].as_str().unwrap_or("?"),
                    check["right"]
                )
            }
        }
        "agent" => {
            let tools: Vec<&str> = step["tools"]
                .as_array()
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let with = if tools.is_empty() {
                "no tools".to_string()
            } else {
                tools.join(", ")
            };
            format!(
                "the LLM carries out \"{}\" (tools: {with})",
                clip(&text("instruction"), 160)
            )
        }
        "approval" => format!("ask for approval: \"{}\"", clip(&text("prompt"), 120)),
        "workflow" => format!("start workflow {}", step["workflow"]),
        "delay" => format!("wait {} s", step["seconds"]),
        "parallel" => "run branches in parallel".into(),
        "foreach" => "repeat steps for each item".into(),
        other => other.to_string(),
    }
}

pub fn limits_line(guardrails: &Guardrails, agent: bool) -> String {
    let mut line = if guardrails.timeout_seconds % 60 == 0 {
        format!("{} min per run", guardrails.timeout_seconds / 60)
    } else {
        format!("{} s per run", guardrails.timeout_seconds)
    };
    if agent {
        line.push_str(&format!(
            ", {} tool calls, {} tokens, ${:.2}",
            guardrails.max_tool_calls, guardrails.max_tokens, guardrails.max_cost_usd
        ));
    }
    line
}

/// The body of a draft: trigger, steps, limits.
pub fn spec_lines(spec: &Spec, now: DateTime<Utc>, has_model: bool) -> String {
    let trigger = match spec.schedule() {
        Ok(schedule) => match (&spec.alternative, &spec.model_reading) {
            (Some(alternative), _) => {
                let other = match alternative.schedule() {
                    Ok(other) => trigger_line(&other, now),
                    Err(e) => format!("unreadable: {e}"),
                };
                format!(
                    "two readings differ:\n  1. {}{} (steward's reading of the words)\n  2. {} (the language model's reading: {})",
                    trigger_line(&schedule, now),
                    reading_note(&spec.schedule_source, &schedule),
                    other,
                    alternative.source
                )
            }
            (None, Some(why)) => format!(
                "{} (the language model's reading, {}; steward could not read the words: {why})",
                trigger_line(&schedule, now),
                spec.schedule_source
            ),
            (None, None) => format!(
                "{}{}",
                trigger_line(&schedule, now),
                reading_note(&spec.schedule_source, &schedule)
            ),
        },
        Err(e) => format!("unreadable: {e}"),
    };
    let mut lines = format!(
        "• Trigger: {trigger}\n• Steps: {}\n• Limits: {}",
        steps_line(&spec.steps),
        limits_line(&spec.guardrails, spec.needs_llm())
    );
    if spec.needs_llm() && !has_model {
        lines.push_str("\n• Note: this needs an LLM to run, and none is configured (set OPENAI_API_KEY or STEWARD_LLM_BASE_URL); until then its runs fail and tell you why.");
    }
    lines
}

/// What a draft shows, ending with its question.
pub fn draft_text(draft: &Draft, now: DateTime<Utc>, has_model: bool) -> String {
    if let Draft::Create { spec } | Draft::Update { spec, .. } = draft {
        if spec.alternative.is_some() {
            let what = match draft {
                Draft::Create { .. } => format!("New workflow \"{}\" (draft)", spec.name),
                _ => format!("Change to \"{}\" (draft)", spec.name),
            };
            return format!(
                "{what}\n{}\nWhich one is meant? Say 1 or 2 (or say the schedule again).",
                spec_lines(spec, now, has_model)
            );
        }
    }
    match draft {
        Draft::Create { spec } => format!(
            "New workflow \"{}\" (draft)\n{}\nCreate it? {ANSWER_OR_CHANGE}",
            spec.name,
            spec_lines(spec, now, has_model)
        ),
        Draft::Update { id, before, spec } => {
            let mut changes = Vec::new();
            if before.name != spec.name {
                changes.push(format!("name \"{}\" → \"{}\"", before.name, spec.name));
            }
            if (
                &before.trigger_kind,
                &before.trigger_expression,
                &before.timezone,
            ) != (&spec.trigger_kind, &spec.trigger_expression, &spec.timezone)
            {
                let was = before
                    .schedule()
                    .map(|s| s.describe())
                    .unwrap_or_else(|e| e);
                changes.push(format!("trigger was: {was}"));
            }
            if before.steps != spec.steps {
                changes.push("new steps".into());
            }
            if before.instruction != spec.instruction {
                changes.push("new instruction".into());
            }
            if before.guardrails != spec.guardrails {
                changes.push("new limits".into());
            }
            format!(
                "Change #{id} \"{}\" (draft: {})\n{}\nSave it? {ANSWER}",
                before.name,
                changes.join("; "),
                spec_lines(spec, now, has_model)
            )
        }
        Draft::Delete { id, name } => {
            format!("Delete #{id} \"{name}\" and its run history? This can't be undone. {ANSWER}")
        }
        Draft::Zone { .. } => super::draft::ZONE_QUESTION.to_string(),
        Draft::Move {
            from,
            to,
            workflows,
        } => move_question(from, to, workflows),
    }
}

/// One line of a list: "#4 Status check — At 09:00 on weekdays (UTC); next Mon 23 Nov 09:00 UTC".
pub fn workflow_line(w: &Workflow) -> String {
    let mut line = format!("#{} {}", w.id, w.name);
    match &w.schedule {
        Ok(schedule) => {
            line.push_str(&format!(" — {}", schedule.describe()));
            match (w.status, w.effective_next()) {
                (WorkflowStatus::Active, Some(next)) => {
                    line.push_str(&format!("; next {}", short_time(next, schedule.zone)));
                    if let Some(change) = w.pending_change() {
                        line.push_str(&format!(" ({change})"));
                    }
                }
                (WorkflowStatus::Paused, _) => match w.resume_at {
                    Some(at) => line.push_str(&format!(
                        " [paused until {}]",
                        short_time(at, schedule.zone)
                    )),
                    None => line.push_str(" [paused]"),
                },
                (WorkflowStatus::Completed, _) => line.push_str(" [done]"),
                _ => {}
            }
        }
        Err(e) => line.push_str(&format!(" — schedule unreadable: {e}")),
    }
    if let Some(note) = &w.paused_note {
        line.push_str(&format!(" (note: {note})"));
    }
    line
}

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

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The status of the first HTTP step in a run's output.
fn http_status(output: &Value) -> Option<u64> {
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

pub use crate::workflow::clip;

/// The first letter in upper case.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The question a move draft asks.
pub fn move_question(from: &str, to: &str, workflows: &[Listed]) -> String {
    let lines: Vec<String> = workflows
        .iter()
        .map(|w| format!("• #{} {} — {}", w.id, w.name, w.when))
        .collect();
    let (these, them) = match workflows.len() {
        1 => ("This workflow runs", "it"),
        _ => ("These workflows run", "them"),
    };
    format!(
        "{these} on {from} time:\n{}\nMove {them} to {to}, keeping {} times of day? (yes / no)",
        lines.join("\n"),
        if workflows.len() == 1 { "its" } else { "their" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(status: RunStatus, output: Option<Value>, usage: Usage, error: Option<&str>) -> Run {
        let at = DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Run {
            id: 7,
            workflow_id: 1,
            workflow_version: 1,
            trigger: "schedule".into(),
            scheduled_for: at,
            status,
            attempt: 1,
            started_at: Some(at),
            ended_at: Some(at + chrono::TimeDelta::milliseconds(3_100)),
            input: None,
            output,
            error: error.map(str::to_string),
            usage: Some(usage),
            delivery_errors: Vec::new(),
        }
    }

    #[test]
    fn logs_show_what_a_thinking_run_used_and_its_answer() {
        let usage = Usage {
            messages: 1,
            model_calls: 3,
            tool_calls: 2,
            prompt_tokens: 1_200,
            completion_tokens: 40,
            cost_usd: Some(0.000204),
            ..Usage::default()
        };
        let done = run(
            RunStatus::Succeeded,
            Some(json!({"think": {"answer": "3 new visits; told the chat."}})),
            usage.clone(),
            None,
        );
        assert_eq!(
            run_outcome(&done),
            "succeeded in 3.1 s (sent 1 message, 2 tool calls, 1,240 tokens, $0.0002): 3 new visits; told the chat."
        );
        let stopped = run(
            RunStatus::Guardrail,
            None,
            usage,
            Some("stopped by a guardrail: the run reached its limit of 2 tool calls"),
        );
        assert_eq!(
            run_outcome(&stopped),
            "guardrail in 3.1 s (2 tool calls, 1,240 tokens, $0.0002): stopped by a guardrail: the run reached its limit of 2 tool calls"
        );
        // A model without a price: its cost is not counted, not free.
        let uncounted = Usage {
            cost_usd: None,
            ..Usage::default()
        };
        let uncounted = Usage {
            model_calls: 1,
            prompt_tokens: 900,
            completion_tokens: 12,
            ..uncounted
        };
        assert_eq!(
            usage_words(&uncounted).as_deref(),
            Some("0 tool calls, 912 tokens, cost not counted")
        );
        // Runs without the model say nothing about it.
        let plain = run(RunStatus::Succeeded, None, Usage::default(), None);
        assert_eq!(
            run_outcome(&plain),
            "succeeded in 3.1 s (nothing to report)"
        );
    }
}

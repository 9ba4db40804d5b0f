//! Drafts in words: the trigger with its next runs, the steps, the limits,
//! and the question it asks.

use super::*;
use crate::agent::draft::{Draft, Listed, Spec};

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

pub fn step_words(step: &Value) -> String {
    let words = kind_words(step);
    match step.get("on_error").cloned() {
        Some(on_error) => match crate::workflow::OnError::try_from(on_error) {
            Ok(on_error) if !on_error.is_fail() => {
                format!("{words} (if it fails: {})", on_error.describe())
            }
            _ => words,
        },
        None => words,
    }
}

fn kind_words(step: &Value) -> String {
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
            } else if check["op"] == "changed" {
                let what = match check["left"].as_str() {
                    Some(left) if left.ends_with(".output.body}") => "the page".to_string(),
                    _ => check["left"].to_string(),
                };
                format!("if {what} changed since the last run, {then}")
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
            // The followed workflow's name, as the person gave it.
            (None, None) if spec.trigger_kind == "after" => format!(
                "{} (\"{}\")",
                trigger_line(&schedule, now),
                spec.schedule_source
            ),
            (None, None) if spec.trigger_kind == "webhook" => trigger_line(&schedule, now),
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
        steps_line(&shown_steps(&spec.steps, &spec.placeholders)),
        limits_line(&spec.guardrails, spec.needs_llm())
    );
    match spec.trigger_kind.as_str() {
        "webhook" => lines.push_str("\n• Webhook: confirming makes its URL and secret, which I give only in a private chat; each call's body and headers are the run's ${input}"),
        "after" => lines.push_str("\n• Input: the run that ended (workflow, status, summary, error, output) is the run's ${input}"),
        _ => {}
    }
    if watches(&spec.steps) {
        lines.push_str("\n• Watch: the first run only records how it is now, silently; after that you hear from me when it changes (say 'every 10 minutes' to look more or less often)");
    }
    let policies = &spec.policies;
    let mut on_failure = Vec::new();
    if policies.retries > 0 {
        on_failure.push(format!(
            "it runs again up to {} ({} s later, doubling)",
            crate::text::times(policies.retries),
            policies.retry_backoff_seconds
        ));
    }
    if let Some(then) = &policies.on_failure {
        let still = if on_failure.is_empty() {
            ""
        } else {
            "if it still fails, "
        };
        on_failure.push(format!(
            "{still}besides telling you, it {}",
            then.describe()
        ));
    }
    if !on_failure.is_empty() {
        lines.push_str(&format!("\n• If a run fails: {}", on_failure.join("; ")));
    }
    if let Some(values) = values_line(&spec.placeholders) {
        lines.push_str(&format!("\n• Values: {values}"));
    }
    if spec.needs_llm() && !has_model {
        lines.push_str("\n• Note: this needs an LLM to run, and none is configured (set OPENAI_API_KEY or STEWARD_LLM_BASE_URL); until then its runs fail and tell you why.");
    }
    lines
}

/// What a draft shows, ending with its question.
pub fn draft_text(draft: &Draft, now: DateTime<Utc>, has_model: bool) -> String {
    if let Some(asking) = draft_asking(draft) {
        return asking.question();
    }
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
        Draft::Zone { .. } => crate::agent::draft::ZONE_QUESTION.to_string(),
        Draft::Move {
            from,
            to,
            workflows,
        } => move_question(from, to, workflows),
    }
}

/// The template request a draft still asks values for.
pub fn draft_asking(draft: &Draft) -> Option<&crate::agent::asking::Asking> {
    match draft {
        Draft::Create { spec } => spec.asking.as_deref(),
        _ => None,
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

/// Whether steps compare with the previous run (a change watch).
fn watches(steps: &Value) -> bool {
    steps.to_string().contains("\"op\":\"changed\"")
}

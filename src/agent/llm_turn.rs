//! LLM mode: the model reads the message with the workflow tools, in a capped
//! loop of tool calls; tool results go back as tool messages. When the model
//! cannot be reached (after the client's retries) the offline grammar answers
//! instead, and says so.

use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::tools;
use super::turn::Turn;
use super::vault::Vault;
use super::{render, ActionRecord, Agent, Reply};
use crate::llm::{prompt, Message, Role};

/// The model's answer to `text`, or `None` when there is no model or it
/// failed before doing anything: the offline grammar reads the message then.
pub async fn reply(turn: &mut Turn, agent: &Agent, text: &str) -> Option<Reply> {
    let model = agent.model.clone()?;
    let mut messages = vec![Message::system(system_prompt(turn, agent).await)];
    let keep = agent.settings.history_messages;
    let start = turn.history.len().saturating_sub(keep);
    for said in &turn.history[start..] {
        messages.push(match said.role.as_str() {
            "assistant" => Message::assistant(said.text.clone()),
            _ => Message::user(said.text.clone()),
        });
    }
    // The model reads placeholders for the secrets in the message; its tool
    // calls get the values back (the workflow needs them).
    let mut vault = Vault::default();
    messages.push(Message::user(vault.seal(text)));
    let specs = tools::specs();
    let mut done: Vec<String> = Vec::new();
    for _round in 0..agent.settings.max_tool_rounds {
        let completion = match model.complete(&messages, &specs).await {
            Ok(completion) => completion,
            Err(error) => {
                tracing::warn!(%error, "the language model failed; answering offline");
                if done.is_empty() {
                    return None;
                }
                return Some(finish(
                    turn,
                    agent,
                    format!(
                        "The language model stopped answering partway. What I did: {}",
                        done.join(" ")
                    ),
                ));
            }
        };
        let message = completion.message;
        if message.tool_calls.is_empty() {
            let said = message.content.trim().to_string();
            let said = if said.is_empty() {
                if done.is_empty() {
                    "I'm not sure what to do with that. Could you say it another way?".to_string()
                } else {
                    done.join(" ")
                }
            } else {
                said
            };
            return Some(finish(turn, agent, vault.masked(&said)));
        }
        messages.push(Message {
            role: Role::Assistant,
            content: message.content.clone(),
            tool_calls: message.tool_calls.clone(),
            tool_call_id: None,
        });
        for call in &message.tool_calls {
            // A tool without arguments may come with none at all.
            let arguments = match call.arguments.trim() {
                "" | "null" => "{}",
                text => text,
            };
            let result = match serde_json::from_str::<Value>(arguments) {
                Ok(args @ Value::Object(_)) => {
                    let args = vault.open_value(&args);
                    let outcome = tools::call(turn, agent, &call.name, args).await;
                    if outcome.ok {
                        done.push(outcome.text.clone());
                    }
                    let result = json!({ "ok": outcome.ok, "result": outcome.value, "summary": outcome.text });
                    vault.seal_value(&result)
                }
                parsed => {
                    let problem = match parsed {
                        Ok(_) => "the arguments must be a JSON object".to_string(),
                        Err(e) => format!("the arguments are not valid JSON ({e})"),
                    };
                    let known = tools::names().contains(&call.name.as_str());
                    let error = if known {
                        format!(
                            "{problem}; call {} again with an object matching its schema",
                            call.name
                        )
                    } else {
                        format!(
                            "{problem}, and there is no tool '{}'",
                            render::clip(&call.name, 60)
                        )
                    };
                    turn.actions.push(ActionRecord {
                        tool: call.name.clone(),
                        args: Value::String(render::clip(&call.arguments, 500)),
                        ok: false,
                        result: json!({ "error": error }),
                    });
                    json!({ "ok": false, "error": error })
                }
            };
            messages.push(Message::tool(call.id.clone(), result.to_string()));
        }
    }
    let summary = if done.is_empty() {
        "I couldn't finish that: too many steps without an answer. Could you say it more simply?"
            .to_string()
    } else {
        format!(
            "I stopped after {} rounds of tool calls. What I did: {}",
            agent.settings.max_tool_rounds,
            done.join(" ")
        )
    };
    Some(finish(turn, agent, summary))
}

/// The model's words, with the exact draft appended when one was shown this
/// turn: people confirm what steward will store, not a paraphrase of it.
fn finish(turn: &mut Turn, agent: &Agent, said: String) -> Reply {
    let mut text = said;
    if turn.draft_shown {
        if let Some(draft) = &turn.draft {
            let exact = render::draft_text(draft, turn.now, agent.has_model());
            if !text.contains(&exact) {
                text = format!("{text}\n\n{exact}");
            }
        }
    }
    Reply {
        text,
        buttons: turn.buttons(),
        ..Reply::default()
    }
}

async fn system_prompt(turn: &Turn, agent: &Agent) -> String {
    let workflows = match turn.workflows(agent).await {
        Ok(list) if list.is_empty() => "(none yet)".to_string(),
        Ok(list) => list
            .iter()
            .take(50)
            .map(render::workflow_line)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => "(could not be read)".to_string(),
    };
    let draft = match &turn.draft {
        Some(draft) => render::draft_text(draft, turn.now, agent.has_model()),
        None => "nothing".to_string(),
    };
    let values = BTreeMap::from([
        (
            "now",
            turn.now
                .with_timezone(&turn.zone.tz())
                .format("%A %-d %B %Y %H:%M %Z")
                .to_string(),
        ),
        (
            "user",
            turn.user
                .display_name
                .clone()
                .unwrap_or_else(|| turn.user.id.clone()),
        ),
        (
            "timezone",
            if turn.zone_known {
                turn.zone.name().to_string()
            } else {
                format!(
                    "{} (the server's default: they have not said theirs yet)",
                    turn.zone.name()
                )
            },
        ),
        ("workflows", workflows),
        ("draft", draft),
        ("agent_tools", agent_tools(agent)),
    ]);
    prompt::render("agent", &values)
}

/// "http_request, send_message, …; from MCP servers: files.*, search.*".
fn agent_tools(agent: &Agent) -> String {
    let mut text = crate::workflow::BUILTIN_TOOLS.join(", ");
    if !agent.settings.mcp_servers.is_empty() {
        let servers: Vec<String> = agent
            .settings
            .mcp_servers
            .iter()
            .map(|s| format!("{s}.*"))
            .collect();
        text.push_str(&format!("; from MCP servers: {}", servers.join(", ")));
    }
    text
}

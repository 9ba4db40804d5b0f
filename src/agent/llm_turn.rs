//! LLM mode: the model reads the message with the workflow tools, in a capped
//! loop of tool calls; tool results go back as tool messages. The turn has
//! one deadline, the history sent is bounded by a token budget, and an
//! answer cut off at its length limit is never shown as whole. When the
//! model gives no answer the offline grammar answers instead, and the note
//! says why ([`Unanswered`]).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tokio::time::Instant;

use super::fallback::Unanswered;
use super::history;
use super::tools;
use super::turn::Turn;
use super::vault::Vault;
use super::{render, ActionRecord, Agent, Reply};
use crate::llm::{prompt, ChatModel, Completion, LlmErrorKind, Message, Purpose, Role, ToolSpec};

/// The system note after an answer cut off at the length limit.
const CUT_OFF_AGAIN: &str = "Your last answer was cut off at the length limit and was thrown away. Answer again in at most three short sentences, or with one tool call.";

/// The model's answer to `text`, or why there is none when it failed before
/// doing anything (no model, an error, the turn's deadline, an answer cut
/// off twice): the offline grammar reads the message then, and says why.
pub async fn reply(turn: &mut Turn, agent: &Agent, text: &str) -> Result<Reply, Unanswered> {
    let Some(model) = agent.model.clone() else {
        return Err(Unanswered::Failed(crate::llm::LlmError::new(
            LlmErrorKind::Config,
            "no language model is configured",
        )));
    };
    // One deadline for the whole turn, retries and tool rounds included.
    let deadline = Instant::now() + agent.settings.turn_deadline;
    let system = Message::system(system_prompt(turn, agent).await);
    // The model reads placeholders for the secrets in the message; its tool
    // calls get the values back (the workflow needs them).
    let mut vault = Vault::default();
    let said = Message::user(vault.seal(text));
    let mut messages = with_history(turn, agent, &system, &said, true);
    let specs = tools::specs();
    let mut done: Vec<String> = Vec::new();
    for round in 0..agent.settings.max_tool_rounds {
        let asked = ask(agent, model.as_ref(), &mut messages, &specs, deadline).await;
        let asked = match asked {
            Err(Unanswered::Failed(error))
                if round == 0 && error.kind == LlmErrorKind::ContextTooLong =>
            {
                // The history may be what overflows: once more without it.
                tracing::warn!(%error, "the prompt exceeds the model's context; asking again without the history");
                messages = with_history(turn, agent, &system, &said, false);
                ask(agent, model.as_ref(), &mut messages, &specs, deadline).await
            }
            other => other,
        };
        let message = match asked {
            Ok(completion) => completion.message,
            Err(unanswered) => {
                tracing::warn!(
                    ?unanswered,
                    "the language model gave no answer; answering offline"
                );
                if done.is_empty() {
                    return Err(unanswered);
                }
                let name = model.model();
                let text = format!(
                    "{} What I did: {}",
                    unanswered.partway(name),
                    done.join(" ")
                );
                return Ok(finish(turn, agent, text));
            }
        };
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
            return Ok(finish(turn, agent, vault.masked(&said)));
        }
        messages.push(Message {
            role: Role::Assistant,
            content: message.content.clone(),
            tool_calls: message.tool_calls.clone(),
            tool_call_id: None,
        });
        for call in &message.tool_calls {
            let result = call_tool(turn, agent, &mut vault, &mut done, call).await;
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
    Ok(finish(turn, agent, summary))
}

/// The system prompt, as much of the history as fits the token budget
/// (none when `history` is false), and the person's message.
fn with_history(
    turn: &Turn,
    agent: &Agent,
    system: &Message,
    said: &Message,
    history: bool,
) -> Vec<Message> {
    let mut messages = vec![system.clone()];
    if history {
        let budget = agent
            .settings
            .history_tokens
            .saturating_sub(history::estimate_tokens(&said.content));
        let start = turn
            .history
            .len()
            .saturating_sub(agent.settings.history_messages);
        for earlier in history::within(&turn.history[start..], budget) {
            messages.push(match earlier.role.as_str() {
                "assistant" => Message::assistant(earlier.text.clone()),
                _ => Message::user(earlier.text.clone()),
            });
        }
    }
    messages.push(said.clone());
    messages
}

/// One completion before `deadline`. An answer cut off at the length limit
/// is never taken as whole: the model is asked once more to be brief, and
/// a second cut-off answer is no answer.
pub(super) async fn ask(
    agent: &Agent,
    model: &dyn ChatModel,
    messages: &mut Vec<Message>,
    specs: &[ToolSpec],
    deadline: Instant,
) -> Result<Completion, Unanswered> {
    let limit = agent.settings.turn_deadline;
    for attempt in 0..2 {
        let completion =
            tokio::time::timeout_at(deadline, model.complete(Purpose::Chat, messages, specs))
                .await
                .map_err(|_| Unanswered::Deadline(limit))?
                .map_err(Unanswered::Failed)?;
        if !completion.cut_off {
            if attempt > 0 {
                messages.pop();
            }
            return Ok(completion);
        }
        tracing::warn!(
            attempt,
            "the model's answer was cut off at its length limit"
        );
        if attempt == 0 {
            messages.push(Message::system(CUT_OFF_AGAIN));
        }
    }
    Err(Unanswered::CutOff)
}

/// Runs one tool call of the model's; the result it reads back.
async fn call_tool(
    turn: &mut Turn,
    agent: &Agent,
    vault: &mut Vault,
    done: &mut Vec<String>,
    call: &crate::llm::ToolCall,
) -> Value {
    // A tool without arguments may come with none at all.
    let arguments = match call.arguments.trim() {
        "" | "null" => "{}",
        text => text,
    };
    match serde_json::from_str::<Value>(arguments) {
        Ok(args @ Value::Object(_)) => {
            let args = vault.open_value(&args);
            let outcome = tools::call(turn, agent, &call.name, args).await;
            if outcome.ok {
                done.push(outcome.text.clone());
            }
            let result =
                json!({ "ok": outcome.ok, "result": outcome.value, "summary": outcome.text });
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
    }
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

pub(super) async fn system_prompt(turn: &Turn, agent: &Agent) -> String {
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

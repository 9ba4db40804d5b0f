//! The `agent` step (DESIGN §5): the model gets the run prompt
//! (`prompts/run.md`) as the system message, the workflow's instruction as the
//! user message, and only the tools the step names; it loops on tool calls
//! until it answers or a guardrail stops it.
//!
//! - Tool results go back as tool messages, never into the prompt. A call to a
//!   tool the step was not given is answered with an error and nothing runs,
//!   whatever a page or an earlier result asked for.
//! - Every completion and every tool call counts against the run's budgets
//!   (tool calls, tokens, cost, time); a run over one ends `guardrail`.
//! - `ask_approval` parks the step: its transcript is recorded as the waiting
//!   step's output, and when the person answers (or the question expires) the
//!   run resumes here from that transcript.

mod ask;
mod builtins;
pub(crate) mod day_budget;
mod prompt;
mod toolbox;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::runner::Runner;
use super::Stop;
use crate::llm::{Message, Role, ToolCall};
use crate::text::clip_counted as clip;
use crate::workflow::{Step, Usage, BUILTIN_TOOLS};
use toolbox::{toolbox, Toolbox};

/// The most characters of one tool result the model reads.
const MAX_TOOL_RESULT_CHARS: usize = 16_000;
/// The most characters of a call's arguments kept in the step's record.
const MAX_RECORDED_ARGUMENTS: usize = 500;

const NO_MODEL: &str = "this step needs an LLM and none is configured: set OPENAI_API_KEY (and STEWARD_LLM_BASE_URL / STEWARD_LLM_MODEL for other OpenAI-compatible servers)";

/// What an agent step keeps while a person decides: the conversation after
/// the prompt and instruction (both are rebuilt on resume), the calls of the
/// model's last message not answered yet, and what it used so far.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Transcript {
    messages: Vec<Message>,
    /// Calls still to answer, in order; the first is the waiting question
    /// when parked.
    queue: Vec<ToolCall>,
    /// The first queued call was already counted (it is the question that
    /// parked the step).
    #[serde(default)]
    head_counted: bool,
    usage: Usage,
    calls: Vec<CallRecord>,
}

/// One tool call, for the step's record.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct CallRecord {
    tool: String,
    arguments: String,
    ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// How one tool call went.
enum Called {
    /// The result (or the error) the model reads.
    Done(Result<Value, String>),
    /// The step waits for a person.
    Wait,
    /// The run ends (an approval that expired).
    Stop(Stop),
}

/// Runs the agent step `step` (its record key `key`) with `instruction`
/// (references already resolved) and the `tools` it names. `usage` is the
/// step's, counted as it goes.
pub(super) async fn run(
    runner: &Runner<'_>,
    step: &Step,
    key: &str,
    instruction: &str,
    tools: &[String],
    usage: &mut Usage,
) -> Result<Value, Stop> {
    let fail = |e: String| Stop::Failed(format!("step '{}': {e}", step.id));
    let Some(model) = runner.engine.model.clone() else {
        return Err(fail(NO_MODEL.into()));
    };
    let toolbox = tokio::time::timeout_at(runner.deadline, toolbox(runner, tools))
        .await
        .map_err(|_| timed_out(runner))?
        .map_err(fail)?;
    let mut transcript = match runner.parked_before(key) {
        Some(parked) => serde_json::from_value::<Transcript>(parked.clone()).map_err(|e| {
            fail(format!(
                "could not read what the step did before it waited ({e})"
            ))
        })?,
        None => Transcript::default(),
    };
    let day = day_budget::DayBudget::read(runner).await?;
    usage.add(&transcript.usage);
    // Time worked before each wait, so the step's record (and the run's time
    // limit, which sums records) counts every execution.
    usage.duration_ms += transcript.usage.duration_ms;
    let turn = Turn {
        runner,
        step,
        key,
        model: model.as_ref(),
        toolbox: &toolbox,
        opening: [
            Message::system(prompt::system(runner).await),
            Message::user(instruction),
        ],
        price: runner.engine.prices.of(model.model()),
        began: std::time::Instant::now(),
        day,
    };
    loop {
        while let Some(call) = transcript.queue.first().cloned() {
            turn.answer(&call, &mut transcript, usage).await?;
            transcript.queue.remove(0);
        }
        let message = turn.complete(&transcript, usage).await?;
        if message.tool_calls.is_empty() {
            return Ok(json!({
                "answer": message.content.trim(),
                "model": model.model(),
                "calls": transcript.calls,
            }));
        }
        transcript.messages.push(Message {
            role: Role::Assistant,
            content: message.content,
            tool_calls: message.tool_calls.clone(),
            tool_call_id: None,
        });
        transcript.queue = message.tool_calls;
    }
}

/// What stays the same through one execution of an agent step.
struct Turn<'a, 'r> {
    runner: &'a Runner<'r>,
    step: &'a Step,
    key: &'a str,
    model: &'a dyn crate::llm::ChatModel,
    toolbox: &'a Toolbox,
    /// The system prompt and the instruction, before the transcript.
    opening: [Message; 2],
    price: Option<crate::llm::Price>,
    began: std::time::Instant,
    /// The owner's daily quota; `None` for an admin.
    day: Option<day_budget::DayBudget>,
}

impl Turn<'_, '_> {
    /// Answers the first queued call (counting it against the tool-call
    /// limit unless it parked the step before) and records it; parks the
    /// step when the call waits for a person.
    async fn answer(
        &self,
        call: &ToolCall,
        transcript: &mut Transcript,
        usage: &mut Usage,
    ) -> Result<(), Stop> {
        let runner = self.runner;
        let counted = std::mem::take(&mut transcript.head_counted);
        if !counted {
            check_time(runner)?;
            let limit = runner.workflow.guardrails.max_tool_calls;
            if runner.usage().tool_calls + usage.tool_calls >= limit {
                return Err(Stop::Guardrail(format!(
                    "the run reached its limit of {limit} tool calls"
                )));
            }
            usage.tool_calls += 1;
        }
        let questions = transcript
            .calls
            .iter()
            .filter(|c| c.tool == "ask_approval")
            .count();
        let called = tokio::time::timeout_at(
            runner.deadline,
            call_tool(runner, self.key, questions, self.toolbox, call, usage),
        )
        .await
        .map_err(|_| timed_out(runner))?;
        let result = match called {
            Called::Done(result) => result,
            Called::Wait => {
                transcript.head_counted = true;
                transcript.usage = Usage {
                    steps: 0,
                    duration_ms: usage.duration_ms + self.began.elapsed().as_millis() as u64,
                    ..usage.clone()
                };
                runner.park(
                    self.key,
                    serde_json::to_value(&*transcript).unwrap_or_default(),
                );
                return Err(Stop::Waiting);
            }
            Called::Stop(stop) => return Err(stop),
        };
        transcript.calls.push(CallRecord {
            tool: call.name.clone(),
            arguments: clip(&call.arguments, MAX_RECORDED_ARGUMENTS),
            ok: result.is_ok(),
            error: result.as_ref().err().cloned(),
        });
        let content = match result {
            Ok(Value::String(text)) => text,
            Ok(value) => value.to_string(),
            Err(error) => json!({ "error": error }).to_string(),
        };
        transcript.messages.push(Message::tool(
            call.id.clone(),
            clip(&content, MAX_TOOL_RESULT_CHARS),
        ));
        Ok(())
    }

    /// The model's next message, within the budgets; an answer cut off at
    /// the length limit is asked for once more, briefly, and never taken as
    /// a whole answer.
    async fn complete(&self, transcript: &Transcript, usage: &mut Usage) -> Result<Message, Stop> {
        check_time(self.runner)?;
        check_budgets(self.runner, usage)?;
        if let Some(day) = &self.day {
            let mut total = self.runner.usage();
            total.add(usage);
            day.check(self.runner, &total).await?;
        }
        let mut messages: Vec<Message> = self
            .opening
            .iter()
            .chain(transcript.messages.iter())
            .cloned()
            .collect();
        let completion = self.ask(&messages, usage).await?;
        if !completion.cut_off {
            return Ok(completion.message);
        }
        messages.push(Message::system(ask::CUT_OFF_AGAIN));
        let completion = self.ask(&messages, usage).await?;
        if completion.cut_off {
            return Err(Stop::Failed(format!(
                "step '{}': the language model's answer was cut off at its length limit twice; ask for a shorter answer in the instruction, or raise STEWARD_LLM_MAX_TOKENS_STEP",
                self.step.id
            )));
        }
        Ok(completion.message)
    }

    async fn ask(
        &self,
        messages: &[Message],
        usage: &mut Usage,
    ) -> Result<crate::llm::Completion, Stop> {
        let (runner, model, toolbox) = (self.runner, self.model, self.toolbox);
        ask::ask(
            runner,
            &self.step.id,
            model,
            messages,
            toolbox,
            usage,
            self.price,
        )
        .await
    }
}

/// Every built-in tool's schema (the REST API's `/tools` lists them).
pub(crate) fn builtin_specs() -> Vec<crate::llm::ToolSpec> {
    BUILTIN_TOOLS
        .iter()
        .map(|name| builtins::spec(name))
        .collect()
}

/// Answers one call: refused unless it is one of the step's tools.
async fn call_tool(
    runner: &Runner<'_>,
    key: &str,
    questions: usize,
    toolbox: &Toolbox,
    call: &ToolCall,
    usage: &mut Usage,
) -> Called {
    let Some(name) = toolbox.names.get(&call.name) else {
        tracing::warn!(
            run = runner.run.id,
            tool = %clip(&call.name, 60),
            "the model called a tool this workflow was not given; refused"
        );
        return Called::Done(Err(format!(
            "there is no tool '{}' in this run; the tools you have are: {}",
            clip(&call.name, 60),
            toolbox.offered()
        )));
    };
    let arguments = match call.arguments.trim() {
        "" | "null" => "{}",
        text => text,
    };
    let arguments = match serde_json::from_str::<Value>(arguments) {
        Ok(object @ Value::Object(_)) => object,
        Ok(_) => return Called::Done(Err("the arguments must be a JSON object".into())),
        Err(e) => {
            return Called::Done(Err(format!(
                "the arguments are not valid JSON ({e}); call {name} again with an object matching its schema"
            )))
        }
    };
    if BUILTIN_TOOLS.contains(&name.as_str()) {
        return builtins::call(runner, key, questions, name, arguments, usage).await;
    }
    let left = runner
        .deadline
        .saturating_duration_since(tokio::time::Instant::now());
    Called::Done(
        runner
            .engine
            .mcp
            .call(name, arguments, left)
            .await
            .map(Value::String),
    )
}

fn check_time(runner: &Runner<'_>) -> Result<(), Stop> {
    if tokio::time::Instant::now() >= runner.deadline {
        return Err(timed_out(runner));
    }
    Ok(())
}

fn timed_out(runner: &Runner<'_>) -> Stop {
    Stop::Guardrail(format!(
        "the run took longer than its limit of {} s",
        runner.workflow.guardrails.timeout_seconds
    ))
}

/// Stops the run once its tokens or cost pass the workflow's budgets.
fn check_budgets(runner: &Runner<'_>, step: &Usage) -> Result<(), Stop> {
    let limits = &runner.workflow.guardrails;
    let mut total = runner.usage();
    total.add(step);
    if total.tokens() > limits.max_tokens {
        return Err(Stop::Guardrail(format!(
            "the run used {} tokens, over its budget of {}",
            total.tokens(),
            limits.max_tokens
        )));
    }
    if let Some(cost) = total.cost_usd.filter(|cost| *cost > limits.max_cost_usd) {
        return Err(Stop::Guardrail(format!(
            "the run cost ${cost:.4}, over its budget of ${:.4}",
            limits.max_cost_usd
        )));
    }
    Ok(())
}

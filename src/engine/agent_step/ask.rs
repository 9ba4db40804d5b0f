//! One completion of an `agent` step: bounded by the run's time and the
//! step's answer length (`Purpose::Step`), counted in the step's usage, its
//! cost not counted (null) when the model has no price, and checked against
//! the run's budgets.

use super::{check_budgets, timed_out, Toolbox};
use crate::engine::runner::Runner;
use crate::engine::Stop;
use crate::llm::{Message, Purpose};
use crate::workflow::Usage;

/// The system note after an answer cut off at the length limit.
pub(super) const CUT_OFF_AGAIN: &str = "Your last answer was cut off at the length limit and was discarded. Answer again much more briefly: at most a few sentences, or one tool call.";

/// One completion of the step, within the run's time, counted in `usage`
/// (an unpriced model leaves the cost uncounted) and checked against the
/// budgets.
pub(super) async fn ask(
    runner: &Runner<'_>,
    step: &str,
    model: &dyn crate::llm::ChatModel,
    messages: &[Message],
    toolbox: &Toolbox,
    usage: &mut Usage,
    price: Option<crate::llm::Price>,
) -> Result<crate::llm::Completion, Stop> {
    let completion = tokio::time::timeout_at(
        runner.deadline,
        model.complete(Purpose::Step, messages, &toolbox.specs),
    )
    .await
    .map_err(|_| timed_out(runner))?
    .map_err(|e| Stop::Failed(format!("step '{step}': the language model failed: {e}")))?;
    usage.model_calls += 1;
    usage.prompt_tokens += completion.usage.prompt_tokens;
    usage.completion_tokens += completion.usage.completion_tokens;
    let cost = price.map(|price| {
        price.cost(
            completion.usage.prompt_tokens,
            completion.usage.completion_tokens,
        )
    });
    if cost.is_none() {
        tracing::info!(
            run = runner.run.id,
            model = model.model(),
            "cost not counted: no price is configured for this model (STEWARD_LLM_PRICES)"
        );
    }
    if let Some(cost) = cost {
        metrics::counter!("steward_llm_cost_microdollars_total", "model" => model.model().to_string())
            .increment((cost * 1_000_000.0).round() as u64);
    }
    usage.add_cost(cost);
    check_budgets(runner, usage)?;
    Ok(completion)
}

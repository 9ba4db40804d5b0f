//! A cost budget needs a price (issue 19): with no price configured for the
//! model, a run's cost is not counted, so a workflow with a cost budget of
//! its own is refused when confirmed; with one, it is created.

use serde_json::json;

use crate::chat_llm_limits::{chat_with, say};
use crate::fake_openai::{FakeOpenAi, Reply};

fn budgeted_create() -> Reply {
    Reply::call(
        "create_workflow",
        &json!({
            "name": "News digest",
            "schedule": "every day at 8",
            "instruction": "summarise the technology news and post the five most important items",
            "steps": null, "timezone": "Europe/Paris",
            "limits": {"timeout_seconds": null, "max_tool_calls": null, "max_cost_usd": 0.5}
        })
        .to_string(),
    )
}

#[tokio::test]
async fn a_cost_budget_on_a_model_without_a_price_is_refused_at_confirmation() {
    let fake = FakeOpenAi::start(vec![
        budgeted_create(),
        Reply::text("Drafted \"News digest\". Create it?"),
    ])
    .await;
    let chat = chat_with(&fake, &[]).await;
    say(
        &chat,
        "alice",
        "every day at 8 summarise the tech news, spend at most 50 cents",
    )
    .await;

    let refused = chat.press("alice", "confirm").await.text;

    assert!(
        refused.starts_with("I can't create it: it has a cost budget of $0.50, but no price is configured for the model 'test-model', so its cost is not counted and the budget could never stop it; set STEWARD_LLM_PRICES=test-model=<input>/<output>"),
        "{refused}"
    );
    assert!(chat.workflows("alice").await.is_empty());
}

#[tokio::test]
async fn a_cost_budget_on_a_priced_model_is_accepted() {
    let fake = FakeOpenAi::start(vec![
        budgeted_create(),
        Reply::text("Drafted \"News digest\". Create it?"),
    ])
    .await;
    let chat = chat_with(&fake, &[("STEWARD_LLM_PRICES", "test-model=0.1/0.2")]).await;
    say(
        &chat,
        "alice",
        "every day at 8 summarise the tech news, spend at most 50 cents",
    )
    .await;

    let created = chat.press("alice", "confirm").await.text;

    assert!(created.starts_with("Created \"News digest\""), "{created}");
    assert_eq!(
        chat.workflows("alice").await[0].guardrails.max_cost_usd,
        0.5
    );
}

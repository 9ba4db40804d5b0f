//! Agent steps against models that misbehave the way real servers do
//! (issue 19): every request is bounded by `max_tokens`, an answer cut off
//! at that limit is never taken as the step's answer, and a model without a
//! price records its cost as not counted (null), never as free.

use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use steward::llm::{ChatModel, LlmConfig, MaxTokens, OpenAi};
use steward::workflow::RunStatus;

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::Sim;

const HOME: &str = "telegram:42";
const STEP_TOKENS: u32 = 300;

/// A model named `name` behind `server`, answering steps in at most
/// [`STEP_TOKENS`] tokens.
fn model(server: &FakeOpenAi, name: &str) -> Arc<dyn ChatModel> {
    Arc::new(
        OpenAi::new(LlmConfig {
            api_key: None,
            base_url: server.base_url.clone(),
            model: name.into(),
            max_retries: 0,
            backoff: Duration::from_millis(10),
            timeout: Duration::from_secs(10),
            prices: Default::default(),
            max_tokens: MaxTokens {
                chat: 100,
                step: STEP_TOKENS,
            },
            turn_deadline: Duration::from_secs(30),
            history_tokens: 1500,
        })
        .unwrap(),
    )
}

async fn sim(server: &FakeOpenAi, name: &str) -> Sim {
    let model = model(server, name);
    Sim::with_engine("2026-11-23T08:00:00Z", true, move |engine| {
        engine.model = Some(model);
    })
    .await
}

async fn thinking(sim: &Sim, guardrails: serde_json::Value) -> i64 {
    sim.add(json!({
        "name": "Digest", "owner": HOME, "home_chat": HOME,
        "trigger": {"kind": "manual"},
        "guardrails": guardrails,
        "steps": [{"id": "think", "type": "agent", "instruction": "List what is new", "tools": ["send_message"]}]
    }))
    .await
}

#[tokio::test]
async fn a_model_without_a_price_records_its_cost_as_not_counted_not_as_free() {
    let llm = FakeOpenAi::start(vec![Reply::text("Nothing new.").used(900, 12)]).await;
    let sim = sim(&llm, "local-model").await;
    let id = thinking(&sim, json!({})).await;

    let run = sim.run_now(id).await;

    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let usage = run.usage.clone().unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (900, 12));
    assert_eq!(usage.cost_usd, None);
    // Stored as null, not 0.0.
    let stored = serde_json::to_value(&usage).unwrap();
    assert_eq!(stored["cost_usd"], json!(null));
    assert_eq!(llm.requests()[0]["max_tokens"], json!(STEP_TOKENS));
}

#[tokio::test]
async fn a_model_that_never_stops_is_bounded_and_its_cut_off_answer_is_not_the_steps() {
    let llm = FakeOpenAi::start(vec![Reply::Endless, Reply::Endless]).await;
    let sim = sim(&llm, "gpt-4o-mini").await;
    let id = thinking(&sim, json!({})).await;

    let run = tokio::time::timeout(Duration::from_secs(20), sim.run_now(id))
        .await
        .expect("the run ends");

    let requests = llm.requests();
    assert_eq!(requests.len(), 2, "asked once more, briefly");
    for request in &requests {
        assert_eq!(request["max_tokens"], json!(STEP_TOKENS));
    }
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(
        run.error.as_deref(),
        Some("step 'think': the language model's answer was cut off at its length limit twice; ask for a shorter answer in the instruction, or raise STEWARD_LLM_MAX_TOKENS_STEP")
    );
    assert_eq!(run.answer(), None);
    // Both answers count, at the list price of a priced model.
    let usage = run.usage.unwrap();
    assert_eq!(usage.completion_tokens, 2 * u64::from(STEP_TOKENS));
    assert_eq!(usage.model_calls, 2);
    assert!(usage.cost_usd.unwrap() > 0.0);
}

#[tokio::test]
async fn a_cut_off_answer_is_asked_again_and_the_brief_one_is_the_steps() {
    let llm = FakeOpenAi::start(vec![
        Reply::CutOff("1. a\n2. b\n3.".into()),
        Reply::text("a and b are new."),
    ])
    .await;
    let sim = sim(&llm, "gpt-4o-mini").await;
    let id = thinking(&sim, json!({})).await;

    let run = sim.run_now(id).await;

    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert_eq!(run.answer().as_deref(), Some("a and b are new."));
    let again = llm.requests()[1]["messages"].as_array().unwrap().clone();
    assert_eq!(again.last().unwrap()["role"], "system");
    assert!(!again
        .iter()
        .any(|m| m["content"].as_str().unwrap_or("").contains("1. a")));
}

#[tokio::test]
async fn the_owners_daily_token_quota_stops_agent_steps_and_tells_them_once() {
    let llm = FakeOpenAi::start(vec![
        Reply::text("Three new posts.").used(900, 100),
        Reply::text("never asked"),
        Reply::text("never asked"),
    ])
    .await;
    let model = model(&llm, "gpt-4o-mini");
    let sim = Sim::with_engine("2026-11-23T08:00:00Z", true, move |engine| {
        engine.model = Some(model);
        engine.quotas.tokens_per_day = 1_000;
    })
    .await;
    let id = thinking(&sim, json!({})).await;

    let first = sim.run_now(id).await;
    assert_eq!(first.status, RunStatus::Succeeded, "{:?}", first.error);
    let second = sim.run_now(id).await;
    assert_eq!(second.status, RunStatus::Guardrail);
    let error = second.error.clone().unwrap();
    assert!(
        error.contains("used 1,000 agent tokens today, their quota of 1,000")
            && error.contains("00:00 UTC"),
        "{error}"
    );
    let third = sim.run_now(id).await;
    assert_eq!(third.status, RunStatus::Guardrail);
    assert_eq!(llm.requests().len(), 1, "no model call past the quota");

    // The owner hears of it once a day, not once a run; and a quota stop is
    // not the workflow failing (it is not paused after five).
    let told: Vec<_> = sim
        .notices()
        .into_iter()
        .filter(|n| {
            matches!(
                n,
                steward::workflow::notify::Notice::RunFinished {
                    status: RunStatus::Guardrail,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    for _ in 0..5 {
        sim.run_now(id).await;
    }
    assert_eq!(
        sim.workflow(id).await.status,
        steward::workflow::WorkflowStatus::Active
    );
    // The next UTC day, the quota is free again.
    sim.clock.advance(chrono::TimeDelta::days(1));
    let tomorrow = sim.run_now(id).await;
    assert_ne!(
        tomorrow.status,
        RunStatus::Guardrail,
        "{:?}",
        tomorrow.error
    );
}

#[tokio::test]
async fn emails_are_masked_in_what_runs_store_but_not_in_the_notice_people_read() {
    let llm = FakeOpenAi::start(vec![Reply::text(
        "Ana (ana@example.com, +44 20 7946 0958) asked for the invoice.",
    )])
    .await;
    let model = model(&llm, "gpt-4o-mini");
    let sim = Sim::with_engine("2026-11-23T08:00:00Z", true, move |engine| {
        engine.model = Some(model);
        // What `serve` builds by default (STEWARD_REDACT_PII unset).
        engine.redactor = steward::workflow::redact::Redactor::new(Vec::new(), true);
    })
    .await;
    let id = thinking(&sim, json!({})).await;
    let run = sim.run_now(id).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    let stored = run.output.unwrap().to_string();
    assert!(!stored.contains("ana@example.com"), "{stored}");
    assert!(!stored.contains("7946"), "{stored}");
    let notice = format!("{:?}", sim.notices());
    assert!(notice.contains("ana@example.com"), "{notice}");
}

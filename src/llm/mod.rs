//! The language model behind `agent` steps (and, later, the conversation).
//! The OpenAI-compatible client comes with the conversation issue; until one is
//! configured, agent steps fail their run with a clear reason.

use async_trait::async_trait;
use serde_json::Value;

/// What an agent step asks of the model.
#[derive(Clone, Debug)]
pub struct AgentRequest {
    pub instruction: String,
    pub tools: Vec<String>,
    pub max_tool_calls: u32,
    pub max_tokens: u64,
}

/// What it got back.
#[derive(Clone, Debug, Default)]
pub struct AgentResult {
    pub output: Value,
    pub tool_calls: u32,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost_usd: f64,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct LlmError(pub String);

#[async_trait]
pub trait Llm: Send + Sync {
    async fn run_agent(&self, request: AgentRequest) -> Result<AgentResult, LlmError>;
}

/// No model configured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unconfigured;

#[async_trait]
impl Llm for Unconfigured {
    async fn run_agent(&self, _request: AgentRequest) -> Result<AgentResult, LlmError> {
        Err(LlmError(
            "this step needs an LLM and none is configured: set OPENAI_API_KEY (and STEWARD_LLM_BASE_URL / STEWARD_LLM_MODEL for other OpenAI-compatible servers)".into(),
        ))
    }
}

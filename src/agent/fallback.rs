//! Why the language model gave no answer this turn, and the note that says
//! so when the offline grammar answers instead: the cause in plain words and
//! what fixes it, never the server's text or the key.

use std::time::Duration;

use crate::llm::{LlmError, LlmErrorKind};

/// Why a turn fell back to the offline grammar.
#[derive(Debug)]
pub enum Unanswered {
    /// The client gave up (after its retries) with this error.
    Failed(LlmError),
    /// The turn's overall deadline (`STEWARD_LLM_TURN_SECONDS`) passed.
    Deadline(Duration),
    /// The model's answer was cut off at its length limit, also when asked
    /// again to be brief.
    CutOff,
}

impl Unanswered {
    /// The note before the offline answer. `model` is the configured model's
    /// name, which a 404 usually concerns.
    pub fn note(&self, model: &str) -> String {
        let (cause, fix) = self.cause_and_fix(model);
        format!("({cause}, so I read that with my simple grammar. {fix})")
    }

    /// The note when tools already ran this turn and their results are
    /// shown instead of the model's words.
    pub fn partway(&self, model: &str) -> String {
        let (cause, fix) = self.cause_and_fix(model);
        format!("({cause}, so the language model stopped partway. {fix})")
    }

    fn cause_and_fix(&self, model: &str) -> (String, String) {
        let error = match self {
            Unanswered::Deadline(limit) => {
                return (
                    format!(
                        "The language model took longer than {} s to answer",
                        limit.as_secs()
                    ),
                    "A faster model or a longer STEWARD_LLM_TURN_SECONDS helps.".into(),
                )
            }
            Unanswered::CutOff => {
                return (
                    "The language model's answer was cut off at its length limit".into(),
                    "Ask for less at once, or raise STEWARD_LLM_MAX_TOKENS_CHAT.".into(),
                )
            }
            Unanswered::Failed(error) => error,
        };
        let (cause, fix): (String, String) = match error.kind {
            LlmErrorKind::ContextTooLong => (
                "The language model's context is too small for this conversation".into(),
                "Raise the server's context size (llama.cpp: -c), or lower STEWARD_LLM_HISTORY_TOKENS.".into(),
            ),
            LlmErrorKind::Refused { status: 401 | 403 } => (
                "The language model's server refused steward's key".into(),
                "Check OPENAI_API_KEY.".into(),
            ),
            LlmErrorKind::Refused { status: 404 } => (
                format!("The language model's server doesn't know the model '{model}'"),
                "Check STEWARD_LLM_MODEL, and that STEWARD_LLM_BASE_URL ends in /v1.".into(),
            ),
            LlmErrorKind::Refused { status: 429 } => (
                "The language model's server is limiting how often steward may ask".into(),
                match error.retry_after {
                    Some(wait) => format!("Try again in {} s.", wait.as_secs().max(1)),
                    None => "Try again in a minute, or raise the account's rate limit.".into(),
                },
            ),
            LlmErrorKind::Refused { status: 500.. } | LlmErrorKind::Unreachable => (
                "The language model's server is unavailable right now".into(),
                "Try again later, or check that it runs at STEWARD_LLM_BASE_URL.".into(),
            ),
            LlmErrorKind::TimedOut => (
                "The language model didn't answer in time".into(),
                "A faster model or a longer STEWARD_LLM_TIMEOUT_SECONDS helps.".into(),
            ),
            LlmErrorKind::Unreadable => (
                "The language model sent an answer I couldn't read".into(),
                "Check that STEWARD_LLM_BASE_URL is an OpenAI-compatible server.".into(),
            ),
            LlmErrorKind::Refused { .. } | LlmErrorKind::Config | LlmErrorKind::Other => (
                "The language model isn't answering right now".into(),
                "The server's log or steward's says why.".into(),
            ),
        };
        (cause, fix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(kind: LlmErrorKind) -> Unanswered {
        Unanswered::Failed(LlmError::new(
            kind,
            "the language model at http://x/v1 answered: sk-secret internal text",
        ))
    }

    #[test]
    fn each_cause_is_named_with_its_fix_and_nothing_internal() {
        let cases = [
            (failed(LlmErrorKind::ContextTooLong), "context is too small"),
            (
                failed(LlmErrorKind::Refused { status: 401 }),
                "OPENAI_API_KEY",
            ),
            (
                failed(LlmErrorKind::Refused { status: 404 }),
                "doesn't know the model 'm'",
            ),
            (failed(LlmErrorKind::Refused { status: 429 }), "limiting"),
            (failed(LlmErrorKind::Refused { status: 503 }), "unavailable"),
            (failed(LlmErrorKind::Unreachable), "unavailable"),
            (failed(LlmErrorKind::TimedOut), "didn't answer in time"),
            (
                Unanswered::Deadline(Duration::from_secs(30)),
                "longer than 30 s",
            ),
            (Unanswered::CutOff, "cut off"),
        ];
        for (unanswered, words) in cases {
            let note = unanswered.note("m");
            assert!(note.contains(words), "{note}");
            assert!(note.contains("simple grammar"), "{note}");
            assert!(
                !note.contains("sk-secret") && !note.contains("http://x"),
                "{note}"
            );
        }
    }

    #[test]
    fn a_rate_limit_says_how_long_to_wait() {
        let mut error = LlmError::new(LlmErrorKind::Refused { status: 429 }, "");
        error.retry_after = Some(Duration::from_secs(120));
        let note = Unanswered::Failed(error).note("m");
        assert!(note.contains("Try again in 120 s"), "{note}");
    }
}

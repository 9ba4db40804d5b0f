//! What a step's failure does: `on_error` (docs/workflows.md).
//!
//! Written as `"fail"` (the default), `"continue"`, `"retry"`,
//! `{"retry": 3}`, `{"retry": {"times": 3, "backoff_seconds": 10}}`, or
//! `{"steps": [...]}` (a handler that sees `${error}`); a retry may say what
//! happens when its tries run out: `{"retry": 3, "then": "continue"}` or
//! `{"retry": 3, "then": [...steps]}`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::Step;

/// A step's `on_error`.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct OnError {
    /// Tries again first, when set.
    pub retry: Option<Retry>,
    /// What happens when the step (and its retries) failed.
    pub then: Fallback,
}

/// Further tries of a failed step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retry {
    /// Tries after the first (1–10).
    pub times: u32,
    /// Wait before the first retry; doubles for each further one.
    pub backoff_seconds: f64,
}

/// The end of a failure no retry mended.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Fallback {
    /// The run fails (the default).
    #[default]
    Fail,
    /// The error is recorded as the step's output and the run goes on.
    Continue,
    /// These steps run, seeing `${error}`; then the run goes on.
    Steps(Vec<Step>),
}

/// The most retries a step may ask for.
pub const MAX_RETRIES: u32 = 10;
/// The retries of `"retry"` with no number.
pub const DEFAULT_RETRIES: u32 = 2;
/// The first wait of a retry that names none.
pub const DEFAULT_BACKOFF_SECONDS: f64 = 5.0;

impl OnError {
    pub fn is_fail(&self) -> bool {
        self.retry.is_none() && self.then == Fallback::Fail
    }

    /// The wait before retry number `attempt` (1 = the first retry), or
    /// `None` when the retries are used up.
    pub fn retry_wait(&self, attempt: u32) -> Option<std::time::Duration> {
        let retry = self.retry?;
        (attempt <= retry.times).then(|| {
            let factor = f64::from(1u32 << (attempt - 1).min(10));
            std::time::Duration::from_secs_f64((retry.backoff_seconds * factor).min(3_600.0))
        })
    }

    /// The handler's steps, if it has some.
    pub fn handler(&self) -> Option<&Vec<Step>> {
        match &self.then {
            Fallback::Steps(steps) => Some(steps),
            _ => None,
        }
    }

    pub(super) fn handler_mut(&mut self) -> Option<&mut Vec<Step>> {
        match &mut self.then {
            Fallback::Steps(steps) => Some(steps),
            _ => None,
        }
    }

    /// In words, for the draft: "tries again 3 times (5 s apart, doubling),
    /// then goes on".
    pub fn describe(&self) -> String {
        let then = match &self.then {
            Fallback::Fail => "then fails the run",
            Fallback::Continue => "then goes on",
            Fallback::Steps(_) => "then runs its error steps",
        };
        match self.retry {
            Some(retry) => format!(
                "tries again {} ({} s apart, doubling), {then}",
                crate::text::times(retry.times),
                trim_float(retry.backoff_seconds)
            ),
            None => match self.then {
                Fallback::Fail => "fails the run".into(),
                Fallback::Continue => "records the error and goes on".into(),
                Fallback::Steps(_) => "runs its error steps and goes on".into(),
            },
        }
    }
}

fn trim_float(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

impl TryFrom<Value> for OnError {
    type Error = String;

    fn try_from(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(OnError::default()),
            Value::String(word) => match word.trim().to_lowercase().as_str() {
                "fail" | "stop" => Ok(OnError::default()),
                "continue" | "ignore" | "skip" => Ok(OnError {
                    retry: None,
                    then: Fallback::Continue,
                }),
                "retry" => Ok(OnError {
                    retry: Some(Retry {
                        times: DEFAULT_RETRIES,
                        backoff_seconds: DEFAULT_BACKOFF_SECONDS,
                    }),
                    then: Fallback::Fail,
                }),
                other => Err(format!(
                    "on_error '{other}' is not one of fail, continue, retry, {{\"retry\": N}} or {{\"steps\": [...]}}"
                )),
            },
            Value::Array(steps) => Ok(OnError {
                retry: None,
                then: Fallback::Steps(steps_of(Value::Array(steps))?),
            }),
            Value::Object(mut map) => {
                let retry = match map.remove("retry") {
                    None | Some(Value::Null) => None,
                    Some(value) => Some(retry_of(value)?),
                };
                let then = match (map.remove("steps"), map.remove("then")) {
                    (Some(_), Some(_)) => {
                        return Err("on_error has both \"steps\" and \"then\": keep one".into())
                    }
                    (Some(steps), None) => Fallback::Steps(steps_of(steps)?),
                    (None, Some(then)) => OnError::try_from(then)?.then,
                    (None, None) => Fallback::Fail,
                };
                if let Some(unknown) = map.keys().next() {
                    return Err(format!(
                        "on_error has an unknown field '{unknown}': it takes retry, then and steps"
                    ));
                }
                Ok(OnError { retry, then })
            }
            other => Err(format!("on_error cannot be {other}")),
        }
    }
}

fn retry_of(value: Value) -> Result<Retry, String> {
    let (times, backoff) = match value {
        Value::Number(n) => (n.as_u64(), None),
        Value::Bool(true) => (Some(u64::from(DEFAULT_RETRIES)), None),
        Value::Object(map) => {
            if let Some(unknown) = map
                .keys()
                .find(|k| !matches!(k.as_str(), "times" | "backoff_seconds"))
            {
                return Err(format!(
                    "on_error.retry has an unknown field '{unknown}': it takes times and backoff_seconds"
                ));
            }
            let times = match map.get("times") {
                None => Some(u64::from(DEFAULT_RETRIES)),
                Some(t) => t.as_u64(),
            };
            (times, map.get("backoff_seconds").map(|b| b.as_f64()))
        }
        other => {
            return Err(format!(
                "on_error.retry cannot be {other}: write a number of tries"
            ))
        }
    };
    let times = times
        .filter(|t| (1..=u64::from(MAX_RETRIES)).contains(t))
        .ok_or_else(|| format!("on_error.retry takes 1 to {MAX_RETRIES} tries"))?;
    let backoff_seconds = match backoff {
        None => DEFAULT_BACKOFF_SECONDS,
        Some(Some(b)) if (0.0..=3_600.0).contains(&b) => b,
        Some(_) => return Err("on_error.retry.backoff_seconds takes 0 to 3600".into()),
    };
    Ok(Retry {
        times: times as u32,
        backoff_seconds,
    })
}

fn steps_of(value: Value) -> Result<Vec<Step>, String> {
    let Value::Array(items) = value else {
        return Err("on_error.steps must be a list of steps".into());
    };
    if items.is_empty() {
        return Err("on_error.steps is empty: give it a step, or write \"continue\"".into());
    }
    items
        .into_iter()
        .enumerate()
        .map(|(index, step)| {
            super::parse_step(step, index).map_err(|e| format!("on_error: {}", e.0))
        })
        .collect()
}

impl From<OnError> for Value {
    fn from(on_error: OnError) -> Value {
        let then = match on_error.then {
            Fallback::Fail => json!("fail"),
            Fallback::Continue => json!("continue"),
            Fallback::Steps(steps) => json!(steps),
        };
        match on_error.retry {
            None => match then {
                Value::Array(steps) => json!({ "steps": steps }),
                word => word,
            },
            Some(retry) => json!({
                "retry": { "times": retry.times, "backoff_seconds": retry.backoff_seconds },
                "then": then,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(value: Value) -> Result<OnError, String> {
        OnError::try_from(value)
    }

    #[test]
    fn every_written_form_reads_and_writes_back_the_same() {
        for written in [
            json!("continue"),
            json!({"retry": {"times": 3, "backoff_seconds": 10.0}, "then": "fail"}),
            json!({"retry": {"times": 2, "backoff_seconds": 5.0}, "then": "continue"}),
            json!({"steps": [{"id": "tell", "type": "message", "text": "failed: ${error.message}"}]}),
        ] {
            let read = read(written.clone()).unwrap();
            assert_eq!(Value::from(read), written);
        }
        assert!(read(json!("fail")).unwrap().is_fail());
        assert!(read(json!({})).unwrap().is_fail());
        let retry = read(json!({"retry": 3})).unwrap();
        assert_eq!(retry.retry.unwrap().times, 3);
        assert_eq!(read(json!("retry")).unwrap().retry.unwrap().times, 2);
        let handled = read(json!({"retry": 1, "then": [{"type": "message", "text": "x"}]}));
        assert!(handled.unwrap().handler().is_some());
    }

    #[test]
    fn mistakes_are_named() {
        for (bad, says) in [
            (json!("explode"), "not one of"),
            (json!({"retry": 0}), "1 to 10"),
            (json!({"retry": 50}), "1 to 10"),
            (
                json!({"retry": {"times": 2, "backof": 1}}),
                "unknown field 'backof'",
            ),
            (json!({"retyr": 2}), "unknown field 'retyr'"),
            (json!({"steps": []}), "is empty"),
            (json!({"steps": [{"type": "teleport"}]}), "unknown type"),
            (json!({"steps": [], "then": "continue"}), "both"),
        ] {
            let error = read(bad.clone()).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn retries_wait_longer_each_time_and_stop_at_their_count() {
        let on_error = read(json!({"retry": {"times": 3, "backoff_seconds": 2}})).unwrap();
        let waits: Vec<_> = (1..=4).map(|a| on_error.retry_wait(a)).collect();
        assert_eq!(
            waits,
            [
                Some(std::time::Duration::from_secs(2)),
                Some(std::time::Duration::from_secs(4)),
                Some(std::time::Duration::from_secs(8)),
                None
            ]
        );
        assert_eq!(
            on_error.describe(),
            "tries again 3 times (2 s apart, doubling), then fails the run"
        );
    }
}

//! What a tool did, for the model and for the person.

use serde_json::{json, Value};

/// What a tool did: the JSON the model reads and the sentence a person reads.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub ok: bool,
    pub value: Value,
    pub text: String,
}

impl Outcome {
    pub fn ok(value: Value, text: impl Into<String>) -> Outcome {
        Outcome {
            ok: true,
            value,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> Outcome {
        let text = text.into();
        Outcome {
            ok: false,
            value: json!({ "error": text }),
            text,
        }
    }
}

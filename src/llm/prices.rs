//! What a model's tokens cost, for usage records and the cost guardrail.
//!
//! List prices of common OpenAI models are built in; `STEWARD_LLM_PRICES`
//! adds or replaces entries: `model=input/output` in US dollars per million
//! tokens, comma-separated (`gpt-4o-mini=0.15/0.60,llama3.1=0/0`).

use std::collections::BTreeMap;

/// US dollars per million tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    pub input_per_million: f64,
    pub output_per_million: f64,
}

impl Price {
    pub fn cost(&self, prompt_tokens: u64, completion_tokens: u64) -> f64 {
        (prompt_tokens as f64 * self.input_per_million
            + completion_tokens as f64 * self.output_per_million)
            / 1_000_000.0
    }
}

/// Prices by model name.
#[derive(Clone, Debug, PartialEq)]
pub struct Prices {
    by_model: BTreeMap<String, Price>,
}

/// OpenAI's list prices (USD per million input / output tokens) when this
/// table was written; `STEWARD_LLM_PRICES` overrides them.
const BUILT_IN: [(&str, f64, f64); 12] = [
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1", 2.00, 8.00),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-5", 1.25, 10.00),
    ("gpt-5-mini", 0.25, 2.00),
    ("gpt-5-nano", 0.05, 0.40),
    ("o3", 2.00, 8.00),
    ("o3-mini", 1.10, 4.40),
    ("o4-mini", 1.10, 4.40),
    ("gpt-3.5-turbo", 0.50, 1.50),
];

impl Default for Prices {
    fn default() -> Self {
        Prices {
            by_model: BUILT_IN
                .iter()
                .map(|(model, input, output)| {
                    (
                        model.to_string(),
                        Price {
                            input_per_million: *input,
                            output_per_million: *output,
                        },
                    )
                })
                .collect(),
        }
    }
}

impl Prices {
    /// The built-in prices with `spec`'s entries added or replacing them.
    /// The error names the entry that could not be read.
    pub fn with_overrides(spec: &str) -> Result<Prices, String> {
        let mut prices = Prices::default();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || {
                format!("'{entry}' is not model=input/output in dollars per million tokens, e.g. gpt-4o-mini=0.15/0.60")
            };
            let (model, rates) = entry.split_once('=').ok_or_else(bad)?;
            let (input, output) = rates.split_once('/').ok_or_else(bad)?;
            let rate = |text: &str| {
                text.trim()
                    .trim_start_matches('$')
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
            };
            let (Some(input), Some(output)) = (rate(input), rate(output)) else {
                return Err(bad());
            };
            let model = model.trim();
            if model.is_empty() {
                return Err(bad());
            }
            prices.by_model.insert(
                model.to_string(),
                Price {
                    input_per_million: input,
                    output_per_million: output,
                },
            );
        }
        Ok(prices)
    }

    /// The price of `model`; a dated snapshot (`gpt-4o-mini-2024-07-18`)
    /// costs what its family does unless listed itself.
    pub fn of(&self, model: &str) -> Option<Price> {
        if let Some(price) = self.by_model.get(model) {
            return Some(*price);
        }
        let bytes = model.as_bytes();
        let dated = bytes.len() > 11
            && bytes[bytes.len() - 11] == b'-'
            && model[model.len() - 10..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-');
        if dated {
            return self.by_model.get(&model[..model.len() - 11]).copied();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_prices_and_snapshots() {
        let prices = Prices::default();
        let mini = prices.of("gpt-4o-mini").unwrap();
        assert!((mini.cost(1_000_000, 1_000_000) - 0.75).abs() < 1e-9);
        assert_eq!(prices.of("gpt-4o-mini-2024-07-18"), Some(mini));
        assert_eq!(prices.of("llama3.1"), None);
    }

    #[test]
    fn overrides_add_and_replace() {
        let prices = Prices::with_overrides("llama3.1=0/0, gpt-4o-mini=$1/2").unwrap();
        assert_eq!(prices.of("llama3.1").unwrap().cost(5_000, 5_000), 0.0);
        assert!((prices.of("gpt-4o-mini").unwrap().cost(1_000_000, 0) - 1.0).abs() < 1e-9);
        for bad in ["gpt-4o", "x=1", "x=a/b", "=1/2", "x=-1/2"] {
            let err = Prices::with_overrides(bad).unwrap_err();
            assert!(err.contains("model=input/output"), "{bad}: {err}");
        }
    }
}

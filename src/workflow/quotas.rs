//! What each person (not an admin) may do, set by the operator for everyone
//! (`STEWARD_QUOTA_*`) and by an admin for one person (an override). Pure:
//! `manage/` enforces them, `store/` keeps the overrides.

use serde::{Deserialize, Serialize};

/// One person's quotas.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quotas {
    /// Chat messages a minute, on every surface (`STEWARD_QUOTA_MESSAGES_PER_MINUTE`).
    pub messages_per_minute: u32,
    /// Workflows kept at once, active or paused (`STEWARD_QUOTA_WORKFLOWS`).
    pub max_workflows: u32,
    /// Runs an hour across all their workflows (`STEWARD_QUOTA_RUNS_PER_HOUR`).
    pub runs_per_hour: u32,
    /// The shortest time between two runs of one workflow
    /// (`STEWARD_MIN_INTERVAL_SECONDS`).
    pub min_interval_seconds: i64,
    /// Agent tokens a day, across all their runs (`STEWARD_QUOTA_TOKENS_PER_DAY`).
    pub tokens_per_day: u64,
    /// Agent cost a day in US dollars (`STEWARD_QUOTA_COST_PER_DAY_USD`).
    pub cost_per_day_usd: f64,
}

impl Default for Quotas {
    /// Safe for a public bot: 20 messages a minute, 50 workflows, 600 runs an
    /// hour, one minute between runs, 1,000,000 tokens and $1 a day.
    fn default() -> Self {
        Quotas {
            messages_per_minute: 20,
            max_workflows: 50,
            runs_per_hour: 600,
            min_interval_seconds: 60,
            tokens_per_day: 1_000_000,
            cost_per_day_usd: 1.0,
        }
    }
}

/// The quotas an admin set for one person; `None` keeps the operator's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaOverride {
    #[serde(default)]
    pub messages_per_minute: Option<u32>,
    #[serde(default)]
    pub max_workflows: Option<u32>,
    #[serde(default)]
    pub runs_per_hour: Option<u32>,
    #[serde(default)]
    pub min_interval_seconds: Option<i64>,
    #[serde(default)]
    pub tokens_per_day: Option<u64>,
    #[serde(default)]
    pub cost_per_day_usd: Option<f64>,
}

impl Quotas {
    /// These quotas with `person`'s overrides in place.
    pub fn with(&self, person: &QuotaOverride) -> Quotas {
        Quotas {
            messages_per_minute: person
                .messages_per_minute
                .unwrap_or(self.messages_per_minute),
            max_workflows: person.max_workflows.unwrap_or(self.max_workflows),
            runs_per_hour: person.runs_per_hour.unwrap_or(self.runs_per_hour),
            min_interval_seconds: person
                .min_interval_seconds
                .unwrap_or(self.min_interval_seconds),
            tokens_per_day: person.tokens_per_day.unwrap_or(self.tokens_per_day),
            cost_per_day_usd: person.cost_per_day_usd.unwrap_or(self.cost_per_day_usd),
        }
    }

    /// The value of `limit`, as a number.
    pub fn value(&self, limit: Limit) -> f64 {
        match limit {
            Limit::Messages => self.messages_per_minute.into(),
            Limit::Workflows => self.max_workflows.into(),
            Limit::RunsPerHour => self.runs_per_hour.into(),
            Limit::Interval => self.min_interval_seconds as f64,
            Limit::TokensPerDay => self.tokens_per_day as f64,
            Limit::CostPerDay => self.cost_per_day_usd,
        }
    }
}

impl QuotaOverride {
    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == QuotaOverride::default()
    }

    /// Sets `limit` to `value`, or back to the operator's with `None`; a
    /// value that is not a positive number (a whole one where the limit
    /// counts) is refused with a sentence.
    pub fn set(&mut self, limit: Limit, value: Option<f64>) -> Result<(), String> {
        let Some(value) = value else {
            match limit {
                Limit::Messages => self.messages_per_minute = None,
                Limit::Workflows => self.max_workflows = None,
                Limit::RunsPerHour => self.runs_per_hour = None,
                Limit::Interval => self.min_interval_seconds = None,
                Limit::TokensPerDay => self.tokens_per_day = None,
                Limit::CostPerDay => self.cost_per_day_usd = None,
            }
            return Ok(());
        };
        if !value.is_finite() || value <= 0.0 {
            return Err(format!(
                "{} must be a number above 0, not {value}",
                limit.name()
            ));
        }
        let whole = || -> Result<u64, String> {
            if value.fract() != 0.0 {
                return Err(format!(
                    "{} must be a whole number, not {value}",
                    limit.name()
                ));
            }
            Ok(value as u64)
        };
        let small = |n: u64| u32::try_from(n).map_err(|_| format!("{n} is too large"));
        match limit {
            Limit::Messages => self.messages_per_minute = Some(small(whole()?)?),
            Limit::Workflows => self.max_workflows = Some(small(whole()?)?),
            Limit::RunsPerHour => self.runs_per_hour = Some(small(whole()?)?),
            Limit::Interval => {
                self.min_interval_seconds = Some(whole()?.min(i64::MAX as u64) as i64)
            }
            Limit::TokensPerDay => self.tokens_per_day = Some(whole()?),
            Limit::CostPerDay => self.cost_per_day_usd = Some(value),
        }
        Ok(())
    }

    /// The limits this override sets.
    pub fn set_limits(&self) -> Vec<Limit> {
        Limit::ALL
            .into_iter()
            .filter(|limit| self.names(*limit))
            .collect()
    }

    fn names(&self, limit: Limit) -> bool {
        match limit {
            Limit::Messages => self.messages_per_minute.is_some(),
            Limit::Workflows => self.max_workflows.is_some(),
            Limit::RunsPerHour => self.runs_per_hour.is_some(),
            Limit::Interval => self.min_interval_seconds.is_some(),
            Limit::TokensPerDay => self.tokens_per_day.is_some(),
            Limit::CostPerDay => self.cost_per_day_usd.is_some(),
        }
    }
}

/// One of a person's quotas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    Messages,
    Workflows,
    RunsPerHour,
    Interval,
    TokensPerDay,
    CostPerDay,
}

impl Limit {
    pub const ALL: [Limit; 6] = [
        Limit::Messages,
        Limit::Workflows,
        Limit::RunsPerHour,
        Limit::Interval,
        Limit::TokensPerDay,
        Limit::CostPerDay,
    ];

    /// The name in the API, the CLI and the store.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Messages => "messages_per_minute",
            Limit::Workflows => "max_workflows",
            Limit::RunsPerHour => "runs_per_hour",
            Limit::Interval => "min_interval_seconds",
            Limit::TokensPerDay => "tokens_per_day",
            Limit::CostPerDay => "cost_per_day_usd",
        }
    }

    /// The limit a name or a person's word for it means: the API's names,
    /// and "workflows", "messages", "runs", "interval", "tokens", "cost"
    /// (singular or plural, any case).
    pub fn parse(word: &str) -> Option<Limit> {
        let word = word.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let word = word.trim_start_matches("max_");
        Limit::ALL
            .into_iter()
            .find(|l| l.name() == word || l.name().trim_start_matches("max_") == word)
            .or(match word.trim_end_matches('s') {
                "workflow" => Some(Limit::Workflows),
                "message" | "messages_a_minute" | "msg" => Some(Limit::Messages),
                "run" | "runs_an_hour" | "runs_per_hour" => Some(Limit::RunsPerHour),
                "interval" | "min_interval" | "shortest_interval" => Some(Limit::Interval),
                "token" | "tokens_a_day" | "tokens_per_day" => Some(Limit::TokensPerDay),
                "cost" | "dollar" | "usd" | "spend" | "budget" => Some(Limit::CostPerDay),
                _ => None,
            })
    }

    /// The limit and its value in words: "20 messages a minute".
    pub fn describe(self, value: f64) -> String {
        let n = value as u64;
        match self {
            Limit::Messages => format!("{n} messages a minute"),
            Limit::Workflows => format!("{n} workflows"),
            Limit::RunsPerHour => format!("{n} runs an hour"),
            Limit::Interval => format!("{} between runs", seconds_words(n)),
            Limit::TokensPerDay => format!("{} agent tokens a day", thousands(n)),
            Limit::CostPerDay => format!("${value:.2} of agent cost a day"),
        }
    }
}

/// "1 minute", "90 s", "2 hours".
pub fn seconds_words(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s % 60 == 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// The start of `now`'s UTC day, when the daily quotas free up.
pub fn day_start(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now)
}

/// 1000000 as "1,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_replaces_only_what_it_names() {
        let mut alice = QuotaOverride::default();
        alice.set(Limit::Workflows, Some(200.0)).unwrap();
        let quotas = Quotas::default().with(&alice);
        assert_eq!(quotas.max_workflows, 200);
        assert_eq!(quotas.runs_per_hour, 600);
        assert_eq!(alice.set_limits(), vec![Limit::Workflows]);
        alice.set(Limit::Workflows, None).unwrap();
        assert!(alice.is_empty());
    }

    #[test]
    fn values_must_be_positive_and_whole_where_they_count() {
        let mut o = QuotaOverride::default();
        assert!(o.set(Limit::Workflows, Some(0.0)).is_err());
        assert!(o.set(Limit::Workflows, Some(2.5)).is_err());
        assert!(o.set(Limit::CostPerDay, Some(2.5)).is_ok());
        assert!(o.set(Limit::Messages, Some(-1.0)).is_err());
    }

    #[test]
    fn people_name_limits_in_many_ways() {
        for (word, limit) in [
            ("workflows", Limit::Workflows),
            ("Workflow", Limit::Workflows),
            ("max_workflows", Limit::Workflows),
            ("messages", Limit::Messages),
            ("messages-per-minute", Limit::Messages),
            ("runs", Limit::RunsPerHour),
            ("runs per hour", Limit::RunsPerHour),
            ("tokens", Limit::TokensPerDay),
            ("cost", Limit::CostPerDay),
            ("interval", Limit::Interval),
        ] {
            assert_eq!(Limit::parse(word), Some(limit), "{word}");
        }
        assert_eq!(Limit::parse("bananas"), None);
    }

    #[test]
    fn limits_read_as_words() {
        assert_eq!(Limit::Interval.describe(60.0), "1 minute between runs");
        assert_eq!(
            Limit::TokensPerDay.describe(1_000_000.0),
            "1,000,000 agent tokens a day"
        );
        assert_eq!(Limit::CostPerDay.describe(1.0), "$1.00 of agent cost a day");
    }
}

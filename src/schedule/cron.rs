//! Cron expressions: 5 fields, 6 with seconds (7 with a year), nicknames, names,
//! `L`, `W`, `#`, and OCPS semantics (day-of-month OR day-of-week when both are
//! restricted; `+` before day-of-week asks for AND). Parsing and next-fire come from
//! `croner`, which follows OCPS and the DST rules of DESIGN §3; this module adds
//! errors that name the bad field.

use crate::text::clip;
use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;
use std::fmt;

use super::Zone;

/// A validated cron expression.
#[derive(Clone)]
pub struct CronExpr {
    source: String,
    /// Shared: a parsed cron is kilobytes of tables, and every workflow read
    /// back (the scheduler's due set) clones its schedule from the cache.
    cron: std::sync::Arc<Cron>,
}

/// Why a cron expression was rejected, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CronError(pub String);

const NICKNAMES: &[(&str, &str)] = &[
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

const FIVE_FIELDS: [(&str, &str); 5] = [
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31, L, or nW"),
    ("month", "1-12 or JAN-DEC"),
    ("day-of-week", "0-7 or SUN-SAT, with #n or #L"),
];

impl CronExpr {
    /// Parses a cron expression. Nicknames are lower case (OCPS 1.1).
    pub fn parse(input: &str) -> Result<CronExpr, CronError> {
        let source = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if source.is_empty() {
            return Err(CronError(
                "the cron expression is empty: try '30 8 * * 1-5' (08:30 on weekdays)".into(),
            ));
        }
        let expanded = if source.starts_with('@') {
            if source == "@reboot" {
                return Err(CronError(
                    "@reboot is not supported: steward has no start-up trigger; use a schedule such as '@daily' or '0 9 * * *'"
                        .into(),
                ));
            }
            match NICKNAMES.iter().find(|(nick, _)| *nick == source) {
                Some((_, pattern)) => pattern.to_string(),
                None => {
                    return Err(CronError(format!(
                        "unknown nickname '{}': use one of @yearly, @monthly, @weekly, @daily, @hourly (lower case)",
                        clip(&source, 40)
                    )))
                }
            }
        } else {
            source.clone()
        };
        let cron = parser().parse(&expanded).map_err(|_| explain(&expanded))?;
        Ok(CronExpr {
            source,
            cron: std::sync::Arc::new(cron),
        })
    }

    /// The expression as written (whitespace normalised).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The fields after nickname expansion, e.g. `["0", "0", "*", "*", "*"]`.
    pub fn fields(&self) -> Vec<String> {
        let expanded = NICKNAMES
            .iter()
            .find(|(nick, _)| *nick == self.source)
            .map(|(_, pattern)| pattern.to_string())
            .unwrap_or_else(|| self.source.clone());
        expanded.split(' ').map(str::to_string).collect()
    }

    /// croner's own English rendering, used when `describe` has no nicer words.
    pub fn croner_description(&self) -> String {
        self.cron.describe()
    }

    /// The first fire time strictly after `after`, in `zone`. `None` when the
    /// pattern can never match again (such as `0 0 30 2 *`).
    pub fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        let start = after.with_timezone(&zone.tz());
        self.cron
            .find_next_occurrence(&start, false)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }

    /// Whether a local wall-clock time matches (seconds count).
    pub fn matches(&self, at: DateTime<Utc>, zone: Zone) -> bool {
        self.cron
            .is_time_matching(&at.with_timezone(&zone.tz()))
            .unwrap_or(false)
    }
}

fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .dom_and_dow(false)
        .build()
}

/// Finds which field croner refused by parsing each one alone with the others as
/// wildcards, and says what that field accepts.
fn explain(expanded: &str) -> CronError {
    let fields: Vec<&str> = expanded.split(' ').collect();
    if !(5..=7).contains(&fields.len()) {
        return CronError(format!(
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first; '{}' has {}: try '30 8 * * 1-5'",
            clip(expanded, 40),
            fields.len()
        ));
    }
    let mut names: Vec<(&str, &str)> = Vec::new();
    if fields.len() >= 6 {
        names.push(("second", "0-59"));
    }
    names.extend(FIVE_FIELDS);
    if fields.len() == 7 {
        names.push(("year", "1970-2199"));
    }
    for (index, value) in fields.iter().enumerate() {
        let probe: Vec<&str> = (0..fields.len())
            .map(|i| if i == index { *value } else { "*" })
            .collect();
        if parser().parse(&probe.join(" ")).is_err() {
            let (name, allowed) = names[index];
            // The same expression with a valid value in the bad field.
            let fixed: Vec<&str> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i != index {
                        *f
                    } else if name == "year" {
                        "*"
                    } else if i < 3 && name != "day-of-month" {
                        "0"
                    } else {
                        "*"
                    }
                })
                .collect();
            let fixed = fixed.join(" ");
            let example = if parser().parse(&fixed).is_ok() {
                fixed
            } else {
                "30 8 * * 1-5".into()
            };
            return CronError(format!(
                "the {name} field '{}' is not valid: it takes {allowed}, lists (1,15), ranges (1-5) and steps (*/15). Try '{}'",
                clip(value, 40),
                clip(&example, 40)
            ));
        }
    }
    CronError(format!(
        "'{}' is not a valid cron expression: try '30 8 * * 1-5' (08:30 on weekdays)",
        clip(expanded, 40)
    ))
}

impl fmt::Debug for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronExpr({:?})", self.source)
    }
}

impl PartialEq for CronExpr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_bad_field() {
        let err = CronExpr::parse("60 * * * *").unwrap_err().0;
        assert!(err.contains("minute field '60'"), "{err}");
        let err = CronExpr::parse("0 25 * * *").unwrap_err().0;
        assert!(err.contains("hour field '25'"), "{err}");
        let err = CronExpr::parse("0 0 * * MON#6").unwrap_err().0;
        assert!(err.contains("day-of-week field"), "{err}");
        let err = CronExpr::parse("0 0 1 * * * * *").unwrap_err().0;
        assert!(err.contains("has 8"), "{err}");
        let err = CronExpr::parse("@Daily").unwrap_err().0;
        assert!(err.contains("unknown nickname"), "{err}");
    }

    #[test]
    fn nicknames_expand() {
        let cron = CronExpr::parse("@weekly").unwrap();
        assert_eq!(cron.fields(), vec!["0", "0", "*", "*", "0"]);
    }
}

//! `steward schedule <phrase or cron> [--tz ZONE] [--now RFC3339] [--count N] [--json]`

use chrono::{DateTime, Utc};
use clap::Args;
use serde_json::json;

use super::Printed;
use crate::config::Config;
use crate::schedule::natural::Context;
use crate::schedule::{format_local, Reading, Zone};
use crate::text::clip;

use crate::schedule::reading::MAX_COUNT;

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The schedule: a phrase ("every weekday at 8:30"), a cron expression
    /// ("30 8 * * 1-5"), an RRULE, or an ISO-8601 duration ("PT15M").
    #[arg(required = true, num_args = 1.., value_name = "PHRASE OR CRON")]
    pub input: Vec<String>,
    /// Time zone (IANA name, city or abbreviation); default STEWARD_TIMEZONE, else UTC.
    #[arg(long)]
    pub tz: Option<String>,
    /// The instant to count from (RFC 3339); default the current time.
    #[arg(long)]
    pub now: Option<String>,
    /// How many fire times to list.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command; `clock_now` is the current time (passed in so the schedule
/// module stays free of clock reads).
pub fn run_schedule(args: &ScheduleArgs, config: &Config, clock_now: DateTime<Utc>) -> Printed {
    let input = args.input.join(" ");
    match evaluate(args, &input, config, clock_now) {
        Ok(report) => {
            let stdout = if args.json {
                format!("{}\n", report.to_json(&input))
            } else {
                report.to_text(&input)
            };
            Printed {
                stdout,
                stderr: String::new(),
                code: 0,
            }
        }
        Err(error) => {
            if args.json {
                Printed {
                    stdout: format!("{}\n", json!({ "error": error })),
                    stderr: String::new(),
                    code: 2,
                }
            } else {
                Printed {
                    stdout: String::new(),
                    stderr: format!("error: {error}\n"),
                    code: 2,
                }
            }
        }
    }
}

fn evaluate(
    args: &ScheduleArgs,
    input: &str,
    config: &Config,
    clock_now: DateTime<Utc>,
) -> Result<Reading, String> {
    let zone = match &args.tz {
        Some(name) => name.parse::<Zone>().map_err(|e| e.to_string())?,
        None => config.default_zone,
    };
    let now = match &args.now {
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                format!(
                    "--now '{}' is not an RFC 3339 instant: try 2026-03-06T08:00:00-05:00",
                    clip(text, 40)
                )
            })?,
        None => clock_now,
    };
    if args.count > MAX_COUNT {
        return Err(format!("--count is at most {MAX_COUNT}"));
    }
    let context = Context {
        now,
        zone,
        min_interval_seconds: config.min_interval_seconds,
    };
    Reading::of(input, &context, args.count)
}

/// The plain `steward schedule`.
trait ToText {
    fn to_text(&self, input: &str) -> String;
}

impl ToText for Reading {
    fn to_text(&self, input: &str) -> String {
        let mut out = format!("{}\n", self.description);
        out.push_str(&format!("  input:       {input}\n"));
        out.push_str(&format!("  kind:        {}\n", self.kind));
        for (index, line) in self.expression.lines().enumerate() {
            let label = if index == 0 { "expression:" } else { "" };
            out.push_str(&format!("  {label:<12} {line}\n"));
        }
        out.push_str(&format!("  time zone:   {}\n", self.zone));
        if let Some(task) = &self.task {
            out.push_str(&format!("  task:        {task}\n"));
        }
        if self.next.is_empty() {
            out.push_str("  next:        never (the schedule has ended)\n");
        } else {
            out.push_str("  next:\n");
            for at in &self.next {
                out.push_str(&format!("    {}\n", format_local(*at, self.zone)));
            }
        }
        out
    }
}

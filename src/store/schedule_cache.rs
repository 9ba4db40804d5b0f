//! Schedules read back from stored rows, parsed once per distinct
//! (kind, expression, zone, anchor) rather than once per row: a page of 50
//! workflows, or the scheduler's due set, mostly repeats a few schedules,
//! and parsing cron, RRULE and unions is most of the cost of reading a row.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use crate::schedule::{Schedule, Zone};

/// What identifies a stored schedule.
type Key = (String, String, String, Option<i64>);

/// Distinct schedules kept; past this the cache starts over (a bound, not
/// a policy: real deployments have far fewer distinct schedules).
const MAX_ENTRIES: usize = 10_000;

static CACHE: LazyLock<Mutex<HashMap<Key, Result<Schedule, String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The schedule of a stored row, as [`Schedule::from_stored`] reads it.
pub(super) fn schedule(
    kind: &str,
    expression: &str,
    timezone: &str,
    anchor: Option<DateTime<Utc>>,
) -> Result<Schedule, String> {
    let key: Key = (
        kind.to_string(),
        expression.to_string(),
        timezone.to_string(),
        anchor.map(|a| a.timestamp_millis()),
    );
    if let Some(found) = lock().get(&key) {
        return found.clone();
    }
    let parsed = match timezone.parse::<Zone>() {
        Ok(zone) => Schedule::from_stored(kind, expression, zone, anchor),
        Err(e) => Err(e.to_string()),
    };
    let mut cache = lock();
    if cache.len() >= MAX_ENTRIES {
        cache.clear();
    }
    cache.insert(key, parsed.clone());
    parsed
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<Key, Result<Schedule, String>>> {
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_schedule_is_the_one_parsed_and_errors_are_kept_too() {
        let parsed = Schedule::from_stored(
            "cron",
            "30 8 * * 1-5",
            "Europe/Madrid".parse().unwrap(),
            None,
        );
        assert_eq!(
            schedule("cron", "30 8 * * 1-5", "Europe/Madrid", None),
            parsed
        );
        assert_eq!(
            schedule("cron", "30 8 * * 1-5", "Europe/Madrid", None),
            parsed
        );
        assert!(schedule("cron", "30 8 * * 1-5", "Mars/Olympus", None).is_err());
        assert!(schedule("cron", "not cron", "UTC", None).is_err());
    }
}

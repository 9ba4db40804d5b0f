//! A workflow's runs per day over 30 days as a stacked bar chart, drawn as
//! inline SVG: green succeeded, red failed, amber skipped or missed, grey
//! the rest. Each bar has a title in words and the legend counts them, so
//! colour is never the only signal.

use chrono::{DateTime, TimeDelta, Utc};

/// Days the chart shows, today last.
pub const DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;
/// Drawing size: each day a 20-unit slot, bars up to 120 high.
const SLOT: u32 = 20;
const TALL: u32 = 120;

/// The chart, ready to draw.
pub struct Chart {
    pub bars: Vec<Bar>,
    /// Each group with its total, in words: "12 succeeded".
    pub legend: Vec<(&'static str, String)>,
    /// What the whole chart says, for screen readers.
    pub label: String,
    pub width: u32,
}

pub struct Bar {
    pub x: u32,
    pub title: String,
    pub segments: Vec<Segment>,
    /// Under every fifth bar, and today's.
    pub day_label: Option<String>,
}

pub struct Segment {
    pub y: u32,
    pub height: u32,
    pub class: &'static str,
}

/// The groups, in stacking order: CSS class, words, statuses.
const GROUPS: [(&str, &str, &[&str]); 4] = [
    ("ok", "succeeded", &["succeeded"]),
    ("bad", "failed", &["failed", "interrupted", "guardrail"]),
    ("skip", "skipped or missed", &["skipped", "missed"]),
    (
        "other",
        "other (cancelled, going)",
        &["cancelled", "running", "waiting", "queued", "retrying"],
    ),
];

/// The window `[since, until)` of the chart's days ending today, in a zone
/// `offset_ms` ahead of UTC; and today's day number.
pub fn window(now: DateTime<Utc>, offset_ms: i64) -> (DateTime<Utc>, DateTime<Utc>, i64) {
    let today = (now.timestamp_millis() + offset_ms).div_euclid(DAY_MS);
    let at = |day: i64| DateTime::from_timestamp_millis(day * DAY_MS - offset_ms).unwrap_or(now);
    (at(today - DAYS + 1), at(today + 1), today)
}

/// The chart of `counts` (day number, status, runs) for the days ending
/// with `today`.
pub fn chart(counts: &[(i64, String, i64)], today: i64) -> Chart {
    let first = today - DAYS + 1;
    let mut per_day = vec![[0i64; 4]; DAYS as usize];
    for (day, status, count) in counts {
        let Some(slot) = day.checked_sub(first).filter(|d| (0..DAYS).contains(d)) else {
            continue;
        };
        let group = GROUPS
            .iter()
            .position(|(_, _, statuses)| statuses.contains(&status.as_str()))
            .unwrap_or(3);
        per_day[slot as usize][group] += count;
    }
    let most = per_day
        .iter()
        .map(|d| d.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut totals = [0i64; 4];
    let bars = per_day
        .iter()
        .enumerate()
        .map(|(i, groups)| {
            let date = DateTime::from_timestamp_millis((first + i as i64) * DAY_MS)
                .unwrap_or_default()
                .date_naive();
            let mut bottom = TALL;
            let mut segments = Vec::new();
            let mut words = Vec::new();
            for (g, count) in groups.iter().enumerate() {
                totals[g] += count;
                if *count == 0 {
                    continue;
                }
                let height = ((*count as u64 * TALL as u64) / most as u64).max(2) as u32;
                bottom = bottom.saturating_sub(height);
                segments.push(Segment {
                    y: bottom,
                    height,
                    class: GROUPS[g].0,
                });
                words.push(format!("{count} {}", GROUPS[g].1));
            }
            let last = i as i64 == DAYS - 1;
            Bar {
                x: i as u32 * SLOT,
                title: format!(
                    "{}: {}",
                    date.format("%a %-d %b"),
                    if words.is_empty() {
                        "no runs".to_string()
                    } else {
                        words.join(", ")
                    }
                ),
                segments,
                day_label: (last || i % 5 == 0).then(|| date.format("%-d %b").to_string()),
            }
        })
        .collect();
    let legend: Vec<(&'static str, String)> = GROUPS
        .iter()
        .zip(totals)
        .map(|((class, words, _), total)| (*class, format!("{total} {words}")))
        .collect();
    let label = format!(
        "Runs per day over the last {DAYS} days: {}",
        legend
            .iter()
            .map(|(_, words)| words.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Chart {
        bars,
        legend,
        label,
        width: SLOT * DAYS as u32,
    }
}

/// Counts of the chart's past days, kept a while per workflow: days that
/// ended change only by a retry or a late run, and a busy workflow's 30
/// days are tens of thousands of runs to count (90 ms at 43,200). Today is
/// counted at every view.
#[derive(Default)]
pub struct PastDays(std::sync::Mutex<std::collections::HashMap<(i64, i64, i64), Kept>>);

type Kept = (std::time::Instant, Vec<(i64, String, i64)>);

/// How long past days' counts are kept.
const KEEP: std::time::Duration = std::time::Duration::from_secs(600);
/// The most workflows whose counts are kept.
const KEPT: usize = 10_000;

impl std::fmt::Debug for PastDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PastDays")
    }
}

impl PastDays {
    /// The kept counts of workflow `id` for the days before `today` (in a
    /// zone `offset_ms` ahead of UTC), if fresh.
    pub fn get(&self, id: i64, offset_ms: i64, today: i64) -> Option<Vec<(i64, String, i64)>> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&(id, offset_ms, today))
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, counts)| counts.clone())
    }

    /// Keeps `counts` of workflow `id`'s days before `today`.
    pub fn keep(&self, id: i64, offset_ms: i64, today: i64, counts: Vec<(i64, String, i64)>) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.retain(|_, (at, _)| at.elapsed() < KEEP);
            if kept.len() >= KEPT {
                kept.clear();
            }
        }
        kept.insert((id, offset_ms, today), (std::time::Instant::now(), counts));
    }
}

/// The start of day `day` in a zone `offset_ms` ahead of UTC.
pub fn day_start(day: i64, offset_ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(day * DAY_MS - offset_ms).unwrap_or_default()
}

/// The offset of `zone` from UTC at `now`, in milliseconds.
pub fn offset_ms(zone: crate::schedule::Zone, now: DateTime<Utc>) -> i64 {
    use chrono::Offset;
    let offset = now.with_timezone(&zone.tz()).offset().fix();
    TimeDelta::seconds(offset.local_minus_utc() as i64).num_milliseconds()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_stack_by_group_and_the_legend_counts_every_run() {
        let today = 20_000;
        let counts = vec![
            (today, "succeeded".to_string(), 3),
            (today, "failed".to_string(), 1),
            (today - 1, "missed".to_string(), 2),
            (today - 40, "succeeded".to_string(), 9),
        ];
        let chart = chart(&counts, today);
        assert_eq!(chart.bars.len(), 30);
        let last = chart.bars.last().unwrap();
        assert_eq!(last.segments.len(), 2);
        assert_eq!(last.segments[0].class, "ok");
        assert_eq!(last.segments[0].height + last.segments[1].height, TALL);
        assert!(
            last.title.ends_with("3 succeeded, 1 failed"),
            "{}",
            last.title
        );
        assert!(chart.bars[28].title.ends_with("2 skipped or missed"));
        assert!(chart.bars[0].title.ends_with("no runs"));
        assert_eq!(
            chart.legend[0].1, "3 succeeded",
            "a day outside is not counted"
        );
    }

    #[test]
    fn past_days_are_kept_per_workflow_zone_and_day() {
        let kept = PastDays::default();
        assert_eq!(kept.get(1, 0, 100), None);
        kept.keep(1, 0, 100, vec![(99, "succeeded".into(), 3)]);
        assert_eq!(kept.get(1, 0, 100).unwrap()[0].2, 3);
        assert_eq!(kept.get(1, 0, 101), None, "a new day counts again");
        assert_eq!(
            kept.get(1, 3_600_000, 100),
            None,
            "another zone's days differ"
        );
        assert_eq!(kept.get(2, 0, 100), None);
    }

    #[test]
    fn the_window_ends_with_today_in_the_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let paris = 3_600_000;
        let (since, until, _) = window(now, paris);
        assert_eq!(until.to_rfc3339(), "2026-12-01T23:00:00+00:00");
        assert_eq!(since.to_rfc3339(), "2026-11-01T23:00:00+00:00");
    }
}

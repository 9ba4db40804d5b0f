//! Times of day laid out as cron minute and hour fields. One pattern holds
//! times that share their minutes across hours ("9:00 and 17:00"); times that
//! do not ("9:00 and 13:30", every 45 minutes from 9 to 5) take one pattern
//! per distinct set of minutes, fired together as a union.

use chrono::{NaiveTime, Timelike};
use std::collections::BTreeMap;

/// (minute field, hour field) pairs that together fire at exactly `times`.
pub fn fields(times: &[NaiveTime]) -> Vec<(String, String)> {
    groups(times)
        .into_iter()
        .map(|(minutes, hours)| (compress(&minutes, 59), compress(&hours, 23)))
        .collect()
}

/// (minutes, hours) lists that together fire at exactly `times`, each group
/// one set of minutes and the hours that have it.
pub fn groups(times: &[NaiveTime]) -> Vec<(Vec<u32>, Vec<u32>)> {
    let mut by_hour: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for time in times {
        by_hour.entry(time.hour()).or_default().push(time.minute());
    }
    // Hours grouped by their set of minutes, in order of first appearance.
    let mut groups: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    for (hour, mut minutes) in by_hour {
        minutes.sort_unstable();
        minutes.dedup();
        match groups.iter_mut().find(|(m, _)| *m == minutes) {
            Some((_, hours)) => hours.push(hour),
            None => groups.push((minutes, vec![hour])),
        }
    }
    groups
}

/// Every `step` minutes from `start` to `end` inclusive (the end fires when
/// the step lands on it).
pub fn window(start: NaiveTime, end: NaiveTime, step_minutes: u32) -> Vec<NaiveTime> {
    let first = start.hour() * 60 + start.minute();
    let last = end.hour() * 60 + end.minute();
    (first..=last)
        .step_by(step_minutes.max(1) as usize)
        .filter_map(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
        .collect()
}

/// A sorted list of field values in cron's shortest clear form: `*`, `*/15`,
/// `9-17`, `9-17/2`, or a comma list.
fn compress(values: &[u32], max: u32) -> String {
    if values.len() >= 3 {
        let step = values[1] - values[0];
        let even = values.windows(2).all(|w| w[1] - w[0] == step);
        let (first, last) = (values[0], values[values.len() - 1]);
        if even && step >= 1 {
            let to_the_end = last + step > max;
            return match (first, step) {
                (0, 1) if to_the_end => "*".into(),
                (0, s) if to_the_end => format!("*/{s}"),
                (f, 1) => format!("{f}-{last}"),
                (f, s) => format!("{f}-{last}/{s}"),
            };
        }
    }
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(m, h)| (m.to_string(), h.to_string()))
            .collect()
    }

    #[test]
    fn times_sharing_minutes_take_one_pattern() {
        assert_eq!(fields(&[t(9, 0), t(17, 0)]), pairs(&[("0", "9,17")]));
        assert_eq!(fields(&[t(9, 0), t(9, 30)]), pairs(&[("0,30", "9")]));
    }

    #[test]
    fn times_with_other_minutes_take_one_pattern_each() {
        assert_eq!(
            fields(&[t(9, 0), t(13, 30)]),
            pairs(&[("0", "9"), ("30", "13")])
        );
    }

    #[test]
    fn windows_include_their_end_when_the_step_lands_on_it() {
        let times = window(t(9, 0), t(17, 0), 15);
        assert_eq!(times.first(), Some(&t(9, 0)));
        assert_eq!(times.last(), Some(&t(17, 0)));
        assert_eq!(times.len(), 33);
        assert_eq!(fields(&times), pairs(&[("*/15", "9-16"), ("0", "17")]));
        assert_eq!(
            fields(&window(t(0, 0), t(23, 59), 10)),
            pairs(&[("*/10", "*")])
        );
        assert_eq!(
            fields(&window(t(9, 0), t(17, 0), 120)),
            pairs(&[("0", "9-17/2")])
        );
    }
}

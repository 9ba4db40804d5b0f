//! Words for the times of day a cron pattern, or several, fire at: "At 09:00
//! and 13:30 on weekdays", "Every 15 minutes from 09:00 to 17:00 on weekdays".
//! Members of a union that share their days are described together, so a
//! window stored as three cron patterns reads as the one thing it is.

use super::describe::{cron_day_words, describe_cron, describe_rrule, join_and};
use super::{Member, Union, Zone};

/// Minutes of the day listed in words at most (beyond, a rule is needed).
const MAX_LISTED: usize = 8;

/// The union in words, without the zone.
pub(super) fn describe_union(union: &Union, zone: Zone) -> String {
    // (day fields, minutes of the day) in first-seen order.
    let mut groups: Vec<((String, String, String), Vec<u32>)> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for member in union.members() {
        match member {
            Member::Cron(cron) => match day_minutes(&cron.fields()) {
                Some((days, minutes)) => match groups.iter_mut().find(|(d, _)| *d == days) {
                    Some((_, all)) => all.extend(minutes),
                    None => groups.push((days, minutes)),
                },
                None => others.push(describe_cron(cron)),
            },
            Member::Rrule(rule) => others.push(describe_rrule(rule, zone)),
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for ((dom, month, dow), mut minutes) in groups {
        minutes.sort_unstable();
        minutes.dedup();
        let days = cron_day_words(&dom, &month, &dow).unwrap_or_default();
        let when =
            minutes_words(&minutes).unwrap_or_else(|| format!("At {} times a day", minutes.len()));
        parts.push(if days.is_empty() {
            format!("{when} every day")
        } else {
            format!("{when} {days}")
        });
    }
    parts.extend(others);
    let parts: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.clone()
            } else {
                lower_first(part)
            }
        })
        .collect();
    parts.join("; and ")
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "At 09:00 and 13:30", or "Every 15 minutes from 09:00 to 17:00" for an
/// even progression of three or more; `None` when neither reads well.
pub(super) fn minutes_words(minutes: &[u32]) -> Option<String> {
    let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    if minutes.len() >= 3 {
        let step = minutes[1] - minutes[0];
        if minutes.windows(2).all(|w| w[1] - w[0] == step) {
            let every = match step {
                60 => "Every hour".to_string(),
                s if s % 60 == 0 => format!("Every {} hours", s / 60),
                1 => "Every minute".to_string(),
                s => format!("Every {s} minutes"),
            };
            return Some(format!(
                "{every} from {} to {}",
                clock(minutes[0]),
                clock(minutes[minutes.len() - 1])
            ));
        }
    }
    if minutes.is_empty() || minutes.len() > MAX_LISTED {
        return None;
    }
    let times: Vec<String> = minutes.iter().map(|m| clock(*m)).collect();
    Some(format!("At {}", join_and(&times)))
}

/// The day fields and the minutes of the day of a five-field pattern (or six
/// with second 0) whose minute and hour fields are plain lists, ranges or steps.
pub(super) fn day_minutes(fields: &[String]) -> Option<((String, String, String), Vec<u32>)> {
    let rest = match fields.len() {
        5 => fields,
        6 if fields[0] == "0" => &fields[1..],
        _ => return None,
    };
    let minutes = expand(&rest[0], 59)?;
    let hours = expand(&rest[1], 23)?;
    if minutes.len() * hours.len() > 24 * 60 {
        return None;
    }
    let all = hours
        .iter()
        .flat_map(|h| minutes.iter().map(move |m| h * 60 + m))
        .collect();
    Some(((rest[2].clone(), rest[3].clone(), rest[4].clone()), all))
}

/// A minute or hour field as its values: `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n`
/// and comma lists of them.
pub(super) fn expand(field: &str, max: u32) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" => (0, max),
            r => match r.split_once('-') {
                Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                None => {
                    let a: u32 = r.parse().ok()?;
                    (a, if item.contains('/') { max } else { a })
                }
            },
        };
        if from > to || to > max {
            return None;
        }
        out.extend((from..=to).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn union(text: &str) -> String {
        let now: DateTime<Utc> = "2026-11-23T06:00:00Z".parse().unwrap();
        describe_union(&Union::parse(text, Zone::UTC, now).unwrap(), Zone::UTC)
    }

    #[test]
    fn several_times_on_the_same_days_read_as_one_list() {
        assert_eq!(
            union("0 9 * * MON-FRI | 30 13 * * MON-FRI"),
            "At 09:00 and 13:30 on weekdays"
        );
    }

    #[test]
    fn a_window_reads_as_every_n_minutes_from_to() {
        assert_eq!(
            union("*/15 9-16 * * MON-FRI | 0 17 * * MON-FRI"),
            "Every 15 minutes from 09:00 to 17:00 on weekdays"
        );
        assert_eq!(
            union("0 9-17/2 * * * | 0 20 * * SUN"),
            "Every 2 hours from 09:00 to 17:00 every day; and at 20:00 on Sundays"
        );
    }

    #[test]
    fn fields_expand() {
        assert_eq!(expand("*/20", 59), Some(vec![0, 20, 40]));
        assert_eq!(expand("9-17/4", 23), Some(vec![9, 13, 17]));
        assert_eq!(expand("5/30", 59), Some(vec![5, 35]));
        assert_eq!(expand("1,3-4", 23), Some(vec![1, 3, 4]));
        assert_eq!(expand("L", 23), None);
    }
}

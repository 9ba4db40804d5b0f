//! The phrase corpus (issue "Never a silently wrong schedule"): what people
//! type, each with what a careful person reads in it, checked at fixed "now"
//! instants on both sides of the spring and autumn DST changes in Paris.
//!
//! Expected fire times are not computed by the reader, croner or rrule: each
//! phrase carries a small rule (days of the week, days of the month, nth
//! weekdays, months, times of day, or a window and a step) that this file
//! expands itself, day by day, with the DESIGN §3 DST policy (a time in the
//! spring gap fires at the end of the gap; in the autumn overlap, once).
//!
//! Outcomes: right (the schedule fires exactly when the rule says), asked (the
//! reader refused with a question: right only where the corpus says a careful
//! person would ask), wrong (anything else; the goal is none).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::schedule_corpus_phrases::phrases;
use crate::helpers::{at, read};

/// Saturday 21 November 2026, 10:00 in Paris; one-shot expectations are
/// written for this instant.
const NOW: &str = "2026-11-21T10:00:00+01:00";
/// Friday before the spring change (Sunday 29 March 2026) and before the
/// autumn change (Sunday 25 October 2026).
const DST_NOWS: [&str; 2] = ["2026-03-27T10:00:00+01:00", "2026-10-23T10:00:00+02:00"];
const ZONE: &str = "Europe/Paris";
/// Fire times compared per phrase and "now".
const COUNT: usize = 6;

#[derive(Default, Debug)]
struct Rule {
    ask: bool,
    days: Option<Vec<Weekday>>,
    dom: Vec<i32>,
    nth: Vec<(i32, Weekday)>,
    months: Vec<u32>,
    times: Vec<NaiveTime>,
    every: Option<(u32, NaiveTime, NaiveTime)>,
    once: Option<String>,
    after_seconds: Option<i64>,
    zone: Option<String>,
    task: Option<String>,
}

fn weekday(name: &str) -> Weekday {
    name.parse()
        .unwrap_or_else(|_| panic!("corpus: bad day {name}"))
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap_or_else(|_| panic!("corpus: bad time {text}"))
}

/// Reads a rule: `ask`, `days=mon,fri|weekdays|weekends`, `dom=1,15,L`,
/// `nth=1mon,-1fri`, `months=1,4`, `at=09:00,17:30`,
/// `every=15 from=09:00 to=17:00` (minutes), `once=2026-11-22T09:00`,
/// `in=5400` (seconds), `zone=Asia/Tokyo`, `task=words_with_underscores`.
fn rule(text: &str) -> Rule {
    use Weekday::*;
    let mut rule = Rule::default();
    let (mut step, mut from, mut to) = (None, time("00:00"), time("23:59"));
    for item in text.split_whitespace() {
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        let list = || value.split(',').filter(|v| !v.is_empty());
        match key {
            "ask" => rule.ask = true,
            "days" => {
                rule.days = Some(match value {
                    "weekdays" => vec![Mon, Tue, Wed, Thu, Fri],
                    "weekends" => vec![Sat, Sun],
                    _ => list().map(weekday).collect(),
                })
            }
            "dom" => {
                rule.dom = list()
                    .map(|d| if d == "L" { -1 } else { d.parse().unwrap() })
                    .collect()
            }
            "nth" => {
                rule.nth = list()
                    .map(|n| {
                        let split = n.find(|c: char| c.is_alphabetic()).unwrap();
                        (n[..split].parse().unwrap(), weekday(&n[split..]))
                    })
                    .collect()
            }
            "months" => rule.months = list().map(|m| m.parse().unwrap()).collect(),
            "at" => rule.times = list().map(time).collect(),
            "every" => step = Some(value.parse().unwrap()),
            "from" => from = time(value),
            "to" => to = time(value),
            "once" => rule.once = Some(value.to_string()),
            "in" => rule.after_seconds = Some(value.parse().unwrap()),
            "zone" => rule.zone = Some(value.to_string()),
            "task" => rule.task = Some(value.replace('_', " ")),
            other => panic!("corpus: unknown key {other} in '{text}'"),
        }
    }
    rule.every = step.map(|s| (s, from, to));
    rule
}

fn last_day(date: NaiveDate) -> u32 {
    let next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    };
    (next.unwrap() - Duration::days(1)).day()
}

impl Rule {
    fn date_matches(&self, date: NaiveDate) -> bool {
        let day = date.day();
        let days_ok = self
            .days
            .as_ref()
            .is_none_or(|d| d.contains(&date.weekday()));
        let dom_ok = self.dom.is_empty()
            || self
                .dom
                .iter()
                .any(|d| (*d == -1 && day == last_day(date)) || *d == day as i32);
        let nth_ok = self.nth.is_empty()
            || self.nth.iter().any(|(n, w)| {
                date.weekday() == *w
                    && if *n == -1 {
                        day + 7 > last_day(date)
                    } else {
                        (day - 1) / 7 + 1 == *n as u32
                    }
            });
        let month_ok = self.months.is_empty() || self.months.contains(&date.month());
        days_ok && dom_ok && nth_ok && month_ok
    }

    fn times_of_day(&self) -> Vec<NaiveTime> {
        let mut times = self.times.clone();
        if let Some((step, from, to)) = self.every {
            let mut t = from;
            while t <= to {
                times.push(t);
                match t.overflowing_add_signed(Duration::minutes(step as i64)) {
                    (next, 0) if next > t => t = next,
                    _ => break,
                }
            }
        }
        if times.is_empty() {
            times.push(time("09:00"));
        }
        times.sort();
        times.dedup();
        times
    }

    /// The first `COUNT` instants after `now`, expanded day by day.
    fn expand(&self, now: DateTime<Utc>, tz: Tz) -> Vec<DateTime<Utc>> {
        if let Some(seconds) = self.after_seconds {
            return vec![now + Duration::seconds(seconds)];
        }
        let times = self.times_of_day();
        let mut out: Vec<DateTime<Utc>> = Vec::new();
        let mut date = now.with_timezone(&tz).date_naive();
        for _ in 0..(366 * 8) {
            if self.date_matches(date) {
                for t in &times {
                    let fire = resolve(tz, date.and_time(*t));
                    if fire > now && out.last().is_none_or(|last| *last < fire) {
                        out.push(fire);
                    }
                }
            }
            if out.len() >= COUNT {
                break;
            }
            date = date.succ_opt().unwrap();
        }
        out.truncate(COUNT);
        out
    }
}

/// DESIGN §3: in a spring gap, the first valid instant after it; in an
/// autumn overlap, the first occurrence.
fn resolve(tz: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    loop {
        match tz.from_local_datetime(&probe) {
            chrono::LocalResult::Single(at) => return at.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            chrono::LocalResult::None => probe += Duration::minutes(1),
        }
    }
}

enum Outcome {
    Right,
    Asked,
    Wrong(String),
}

fn judge(phrase: &str, rule: &Rule, also: &[Rule], now: &str) -> Outcome {
    let parsed = match read(phrase, now, ZONE) {
        Err(_) => return Outcome::Asked,
        Ok(parsed) => parsed,
    };
    let zone = rule.zone.as_deref().unwrap_or(ZONE);
    if parsed.schedule.zone.name() != zone {
        return Outcome::Wrong(format!(
            "zone {} (wanted {zone})",
            parsed.schedule.zone.name()
        ));
    }
    let tz: Tz = zone.parse().unwrap();
    let got = parsed.schedule.upcoming(at(now), COUNT);
    let wanted = match &rule.once {
        Some(local) => {
            let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
            vec![resolve(tz, local)]
        }
        None => {
            // "days=mon at=09:00 ; days=thu at=14:00": each part, together.
            let mut all: Vec<DateTime<Utc>> = also
                .iter()
                .flat_map(|part| part.expand(at(now), tz))
                .chain(rule.expand(at(now), tz))
                .collect();
            all.sort();
            all.dedup();
            all.truncate(COUNT);
            all
        }
    };
    if got != wanted {
        let show = |list: &[DateTime<Utc>]| {
            list.iter()
                .map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Outcome::Wrong(format!(
            "{} [{}]: fires {}; wanted {}",
            parsed.schedule.describe(),
            parsed.schedule.expression(),
            show(&got),
            show(&wanted)
        ));
    }
    if let Some(task) = &rule.task {
        if parsed.task.as_deref() != Some(task.as_str()) {
            return Outcome::Wrong(format!("task {:?} (wanted {task:?})", parsed.task));
        }
    }
    Outcome::Right
}

#[test]
fn the_corpus_is_read_right_or_asked_about_never_wrong() {
    let (mut right, mut asked, mut checks) = (0, 0, 0);
    let mut failures: Vec<String> = Vec::new();
    let corpus = phrases();
    for (phrase, text) in &corpus {
        let mut parts = text.split(" ; ");
        let first = rule(parts.next().unwrap_or_default());
        let also: Vec<Rule> = parts.map(rule).collect();
        let (phrase, rule) = (phrase.as_str(), first);
        // One-shots are written for NOW; recurrences are also read across DST.
        let nows: Vec<&str> = if rule.once.is_some() || rule.after_seconds.is_some() || rule.ask {
            vec![NOW]
        } else {
            std::iter::once(NOW).chain(DST_NOWS).collect()
        };
        for now in nows {
            checks += 1;
            match (judge(phrase, &rule, &also, now), rule.ask) {
                (Outcome::Asked, true) => asked += 1,
                (Outcome::Right, false) => right += 1,
                (Outcome::Asked, false) => {
                    let error = read(phrase, now, ZONE).err().unwrap_or_default();
                    failures.push(format!("asked, should read: '{phrase}' at {now}: {error}"))
                }
                (Outcome::Right, true) | (Outcome::Wrong(_), true) => {
                    failures.push(format!("WRONG, should ask: '{phrase}' at {now}"))
                }
                (Outcome::Wrong(why), false) => {
                    failures.push(format!("WRONG: '{phrase}' at {now}: {why}"))
                }
            }
        }
    }
    let wrong = failures.iter().filter(|f| f.starts_with("WRONG")).count();
    println!(
        "corpus: {} phrases, {checks} readings: right {right}, asked {asked} (all where a question is right), wrong {wrong}, asked needlessly {}",
        corpus.len(),
        failures.len() - wrong
    );
    assert!(corpus.len() >= 300, "the corpus keeps at least 300 phrases");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn schedule_words_the_reader_does_not_place_get_a_question_never_a_draft() {
    // A readable schedule with a word of schedule meaning inserted that the
    // reader has no rule for: the answer must be a question naming it.
    let schedules = [
        "every day at 7",
        "every weekday at 8:30",
        "every monday at 9",
        "at 9 on weekends",
        "every 2 hours",
    ];
    let inserts = [
        "except the first monday",
        "except holidays",
        "but not in december",
        "until friday",
        "until the end of the month",
        "during the school holidays",
        "between christmas and new year",
        "every other quarter",
        "on the weekend",
        "except when it rains",
    ];
    for schedule in schedules {
        for insert in inserts {
            for text in [
                format!("{schedule} {insert} remind me to stretch"),
                format!("remind me to stretch {insert} {schedule}"),
            ] {
                match read(&text, NOW, ZONE) {
                    Ok(parsed) => panic!(
                        "'{text}' was read as {} with task {:?}; it should ask",
                        parsed.schedule.describe(),
                        parsed.task
                    ),
                    Err(question) => {
                        let key = insert.split_whitespace().find(|w| w.len() > 3).unwrap();
                        assert!(
                            question.contains(key),
                            "'{text}': the question should name '{key}': {question}"
                        );
                    }
                }
            }
        }
    }
}

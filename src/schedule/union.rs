//! Several cron or RRULE expressions fired as one trigger ("weekdays at 9:00
//! and 13:30", "every 15 minutes from 9:00 to 17:00"), as RFC 5545 allows
//! several RRULEs in one set. Stored as the members' expressions joined by
//! ` | `; an instant two members share fires once.

use chrono::{DateTime, Utc};

use super::{CronExpr, Recurrence, Zone};

/// What joins the members in the stored expression.
pub const SEPARATOR: &str = " | ";
/// The most members one trigger holds (a window with an odd step makes a few;
/// more than this is a sign of a mistake).
pub const MAX_MEMBERS: usize = 24;

/// One member of a union.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Cron(CronExpr),
    Rrule(std::sync::Arc<Recurrence>),
}

impl Member {
    fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        match self {
            Member::Cron(cron) => cron.next_after(after, zone),
            Member::Rrule(rule) => rule.next_after(after, zone),
        }
    }

    fn expression(&self, zone: Zone) -> String {
        match self {
            Member::Cron(cron) => cron.as_str().to_string(),
            Member::Rrule(rule) => rule.expression(zone).replace('\n', " "),
        }
    }
}

/// Several members, at least two, fired as one schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    members: Vec<Member>,
}

/// Why a union was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnionError(pub String);

impl Union {
    pub fn new(members: Vec<Member>) -> Result<Union, UnionError> {
        if members.len() < 2 {
            return Err(UnionError(
                "a combined schedule needs at least two expressions joined by ' | '".into(),
            ));
        }
        if members.len() > MAX_MEMBERS {
            return Err(UnionError(format!(
                "a combined schedule holds at most {MAX_MEMBERS} expressions; this one has {}",
                members.len()
            )));
        }
        Ok(Union { members })
    }

    /// Reads `expr | expr | …`, each a cron expression or an RRULE (with its
    /// DTSTART on the same line); a bare RRULE starts at `now`.
    pub fn parse(input: &str, zone: Zone, now: DateTime<Utc>) -> Result<Union, UnionError> {
        let mut members = Vec::new();
        for (index, part) in input.split('|').enumerate() {
            let part = part.trim();
            let upper = part.to_ascii_uppercase();
            let member = if upper.starts_with("DTSTART")
                || upper.starts_with("RRULE:")
                || upper.starts_with("FREQ=")
            {
                let (rule, _) = Recurrence::parse(part, zone, now)
                    .map_err(|e| UnionError(format!("part {} of the schedule: {e}", index + 1)))?;
                Member::Rrule(std::sync::Arc::new(rule))
            } else {
                let cron = CronExpr::parse(part)
                    .map_err(|e| UnionError(format!("part {} of the schedule: {e}", index + 1)))?;
                Member::Cron(cron)
            };
            members.push(member);
        }
        Union::new(members)
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The stored form: the members joined by ` | `.
    pub fn expression(&self, zone: Zone) -> String {
        self.members
            .iter()
            .map(|m| m.expression(zone))
            .collect::<Vec<_>>()
            .join(SEPARATOR)
    }

    /// The earliest member's next fire time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        self.members
            .iter()
            .filter_map(|m| m.next_after(after, zone))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn members_fire_in_order_and_a_shared_instant_once() {
        let zone: Zone = "Europe/Paris".parse().unwrap();
        let now = at("2026-11-23T06:00:00Z");
        let union = Union::parse(
            "0 9 * * MON-FRI | 30 13 * * MON-FRI | 0 9 * * MON",
            zone,
            now,
        )
        .unwrap();
        let mut fires = Vec::new();
        let mut cursor = now;
        for _ in 0..4 {
            cursor = union.next_after(cursor, zone).unwrap();
            fires.push(cursor);
        }
        assert_eq!(
            fires,
            [
                at("2026-11-23T08:00:00Z"),
                at("2026-11-23T12:30:00Z"),
                at("2026-11-24T08:00:00Z"),
                at("2026-11-24T12:30:00Z"),
            ]
        );
    }

    #[test]
    fn the_stored_form_reads_back() {
        let zone = Zone::UTC;
        let now = at("2026-11-23T06:00:00Z");
        let text = "0 9 * * * | DTSTART;TZID=UTC:20261124T133000 RRULE:FREQ=WEEKLY;INTERVAL=2";
        let union = Union::parse(text, zone, now).unwrap();
        let again = Union::parse(&union.expression(zone), zone, now).unwrap();
        assert_eq!(union, again);
        assert_eq!(union.members().len(), 2);
    }

    #[test]
    fn one_member_or_a_bad_one_is_refused() {
        let now = at("2026-11-23T06:00:00Z");
        assert!(Union::parse("0 9 * * *", Zone::UTC, now).is_err());
        let error = Union::parse("0 9 * * * | 0 25 * * *", Zone::UTC, now).unwrap_err();
        assert!(error.0.starts_with("part 2"), "{error}");
    }
}

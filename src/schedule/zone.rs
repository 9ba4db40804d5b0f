//! IANA time zones, parsed from the names people actually type, and the DST rules
//! for turning a wall-clock time into an instant (DESIGN §3).

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// An IANA time zone. Parsing accepts IANA names in any case ("europe/paris"),
/// common abbreviations ("EST", "CET") and city names ("Tokyo", "new york").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

/// Abbreviations people write after a time, mapped to the zone they almost always
/// mean. "9am EST" in November means New York time, not a fixed UTC-5 that ignores
/// DST, so abbreviations resolve to a region and the description shows which.
const ABBREVIATIONS: &[(&str, Tz)] = &[
    ("UTC", Tz::UTC),
    ("GMT", Tz::UTC),
    ("Z", Tz::UTC),
    ("EST", Tz::America__New_York),
    ("EDT", Tz::America__New_York),
    ("ET", Tz::America__New_York),
    ("CST", Tz::America__Chicago),
    ("CDT", Tz::America__Chicago),
    ("CT", Tz::America__Chicago),
    ("MST", Tz::America__Denver),
    ("MDT", Tz::America__Denver),
    ("MT", Tz::America__Denver),
    ("PST", Tz::America__Los_Angeles),
    ("PDT", Tz::America__Los_Angeles),
    ("PT", Tz::America__Los_Angeles),
    ("AKST", Tz::America__Anchorage),
    ("HST", Tz::Pacific__Honolulu),
    ("BST", Tz::Europe__London),
    ("WET", Tz::Europe__Lisbon),
    ("CET", Tz::Europe__Paris),
    ("CEST", Tz::Europe__Paris),
    ("EET", Tz::Europe__Athens),
    ("EEST", Tz::Europe__Athens),
    ("MSK", Tz::Europe__Moscow),
    ("IST", Tz::Asia__Kolkata),
    ("SGT", Tz::Asia__Singapore),
    ("HKT", Tz::Asia__Hong_Kong),
    ("JST", Tz::Asia__Tokyo),
    ("KST", Tz::Asia__Seoul),
    ("AEST", Tz::Australia__Sydney),
    ("AEDT", Tz::Australia__Sydney),
    ("ACST", Tz::Australia__Adelaide),
    ("AWST", Tz::Australia__Perth),
    ("NZST", Tz::Pacific__Auckland),
    ("NZDT", Tz::Pacific__Auckland),
];

/// Places people name that are not the last part of an IANA name.
pub(super) const PLACES: &[(&str, Tz)] = &[
    ("san francisco", Tz::America__Los_Angeles),
    ("seattle", Tz::America__Los_Angeles),
    ("silicon valley", Tz::America__Los_Angeles),
    ("boston", Tz::America__New_York),
    ("washington", Tz::America__New_York),
    ("miami", Tz::America__New_York),
    ("atlanta", Tz::America__New_York),
    ("austin", Tz::America__Chicago),
    ("dallas", Tz::America__Chicago),
    ("houston", Tz::America__Chicago),
    ("montreal", Tz::America__Toronto),
    ("beijing", Tz::Asia__Shanghai),
    ("mumbai", Tz::Asia__Kolkata),
    ("delhi", Tz::Asia__Kolkata),
    ("new delhi", Tz::Asia__Kolkata),
    ("bangalore", Tz::Asia__Kolkata),
    ("munich", Tz::Europe__Berlin),
    ("frankfurt", Tz::Europe__Berlin),
    ("hamburg", Tz::Europe__Berlin),
    ("barcelona", Tz::Europe__Madrid),
    ("milan", Tz::Europe__Rome),
    ("geneva", Tz::Europe__Zurich),
    ("edinburgh", Tz::Europe__London),
    ("manchester", Tz::Europe__London),
    ("hawaii", Tz::Pacific__Honolulu),
    ("utc", Tz::UTC),
    ("gmt", Tz::UTC),
    // countries with one zone ("UK time", "at 9 in Germany")
    ("uk", Tz::Europe__London),
    ("u.k.", Tz::Europe__London),
    ("britain", Tz::Europe__London),
    ("great britain", Tz::Europe__London),
    ("england", Tz::Europe__London),
    ("scotland", Tz::Europe__London),
    ("wales", Tz::Europe__London),
    ("ireland", Tz::Europe__Dublin),
    ("germany", Tz::Europe__Berlin),
    ("france", Tz::Europe__Paris),
    ("spain", Tz::Europe__Madrid),
    ("italy", Tz::Europe__Rome),
    ("netherlands", Tz::Europe__Amsterdam),
    ("holland", Tz::Europe__Amsterdam),
    ("belgium", Tz::Europe__Brussels),
    ("switzerland", Tz::Europe__Zurich),
    ("austria", Tz::Europe__Vienna),
    ("poland", Tz::Europe__Warsaw),
    ("czechia", Tz::Europe__Prague),
    ("sweden", Tz::Europe__Stockholm),
    ("norway", Tz::Europe__Oslo),
    ("denmark", Tz::Europe__Copenhagen),
    ("finland", Tz::Europe__Helsinki),
    ("greece", Tz::Europe__Athens),
    ("turkey", Tz::Europe__Istanbul),
    ("ukraine", Tz::Europe__Kyiv),
    ("israel", Tz::Asia__Jerusalem),
    ("egypt", Tz::Africa__Cairo),
    ("nigeria", Tz::Africa__Lagos),
    ("kenya", Tz::Africa__Nairobi),
    ("south africa", Tz::Africa__Johannesburg),
    ("india", Tz::Asia__Kolkata),
    ("china", Tz::Asia__Shanghai),
    ("japan", Tz::Asia__Tokyo),
    ("korea", Tz::Asia__Seoul),
    ("south korea", Tz::Asia__Seoul),
    ("taiwan", Tz::Asia__Taipei),
    ("philippines", Tz::Asia__Manila),
    ("thailand", Tz::Asia__Bangkok),
    ("vietnam", Tz::Asia__Ho_Chi_Minh),
    ("new zealand", Tz::Pacific__Auckland),
    ("uae", Tz::Asia__Dubai),
    // the regions of North America, only before "time" (see natural/zones.rs)
    ("eastern", Tz::America__New_York),
    ("us eastern", Tz::America__New_York),
    ("central", Tz::America__Chicago),
    ("us central", Tz::America__Chicago),
    ("mountain", Tz::America__Denver),
    ("us mountain", Tz::America__Denver),
    ("pacific", Tz::America__Los_Angeles),
    ("us pacific", Tz::America__Los_Angeles),
];

/// Countries and regions that span several zones: "US time" is asked about.
pub const SPREAD: &[&str] = &[
    "us",
    "u.s.",
    "usa",
    "america",
    "canada",
    "australia",
    "brazil",
    "russia",
    "mexico",
    "indonesia",
    "us standard",
    "standard",
];

/// Why a zone name was not understood. The zone it was probably meant to
/// be, when it looks like a typo of one, is worked out only when asked for:
/// many callers try a word as a zone and move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownZone {
    /// What was typed, cut to 64 characters.
    pub name: String,
}

impl UnknownZone {
    /// The zone the name looks like a typo of (offered, never taken).
    pub fn suggestion(&self) -> Option<super::zone_typo::Guess> {
        super::zone_typo::closest(&self.name)
    }

    /// "Did you mean Europe/Paris? " when there is a guess, else nothing.
    pub fn did_you_mean(&self) -> String {
        self.suggestion()
            .map(|guess| format!("Did you mean {guess}? "))
            .unwrap_or_default()
    }
}

impl fmt::Display for UnknownZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown time zone '{}'", self.name)?;
        match self.suggestion() {
            Some(guess) => write!(f, ": did you mean {guess}? Otherwise use")?,
            None => f.write_str(": use")?,
        }
        f.write_str(
            " an IANA name such as Europe/Paris or America/New_York, or a city such as Tokyo",
        )
    }
}

impl std::error::Error for UnknownZone {}

impl Zone {
    pub const UTC: Zone = Zone(Tz::UTC);

    /// The chrono-tz zone behind this one.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// The IANA name, e.g. "Europe/Paris".
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Parses an abbreviation written in capitals ("EST"); lower-case words are
    /// ordinary English and are never taken for zones.
    pub fn from_abbreviation(word: &str) -> Option<Zone> {
        ABBREVIATIONS
            .iter()
            .find(|(abbr, _)| *abbr == word)
            .map(|(_, tz)| Zone(*tz))
    }

    /// An IANA name in any letter case ("america/new_york").
    pub fn from_iana(name: &str) -> Option<Zone> {
        if let Ok(tz) = Tz::from_str(name) {
            return Some(Zone(tz));
        }
        if name.is_empty() || name.len() > 64 {
            return None;
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .map(|tz| Zone(*tz))
    }

    /// A city or place ("tokyo", "New York", "los_angeles").
    pub fn from_place(place: &str) -> Option<Zone> {
        let wanted = place.trim().to_lowercase().replace('_', " ");
        if wanted.is_empty() || wanted.len() > 40 {
            return None;
        }
        if let Some((_, tz)) = PLACES.iter().find(|(name, _)| *name == wanted) {
            return Some(Zone(*tz));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .filter(|tz| tz.name().contains('/') && !tz.name().starts_with("Etc/"))
            .find(|tz| {
                let city = tz.name().rsplit('/').next().unwrap_or_default();
                city.replace('_', " ").eq_ignore_ascii_case(&wanted)
            })
            .map(|tz| Zone(*tz))
    }

    /// The zone's abbreviation at an instant ("CET", "EDT"; "+1030" where the
    /// database has none).
    pub fn abbreviation_at(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).format("%Z").to_string()
    }

    /// The instant a wall-clock time means in this zone (DESIGN §3): a time inside
    /// a spring-forward gap becomes the first valid instant after the gap (02:30 →
    /// 03:00); a time inside a fall-back overlap is its first occurrence, so it
    /// fires once.
    pub fn resolve(self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) => at.with_timezone(&Utc),
            LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
            LocalResult::None => self.end_of_gap(local),
        }
    }

    /// The first valid instant after the gap that contains `local`. Transitions
    /// fall on whole minutes and no gap is longer than a day, so a walk by the
    /// minute ends quickly.
    fn end_of_gap(self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = local.with_second(0).unwrap_or(local);
        for _ in 0..(24 * 60) {
            probe += TimeDelta::minutes(1);
            match self.0.from_local_datetime(&probe) {
                LocalResult::Single(at) => return at.with_timezone(&Utc),
                LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
                LocalResult::None => {}
            }
        }
        // Unreachable with the IANA database; read the wall time as UTC rather
        // than panic.
        Utc.from_utc_datetime(&local)
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;

    /// Abbreviation ("EST" means New York time, not the fixed IANA zone "EST"),
    /// then IANA name, then place name.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        Zone::from_abbreviation(&trimmed.to_uppercase())
            .or_else(|| Zone::from_iana(trimmed))
            .or_else(|| Zone::from_place(trimmed))
            .ok_or_else(|| UnknownZone {
                name: trimmed.chars().take(64).collect(),
            })
    }
}

impl fmt::Display for Zone {
    /// The IANA name; a fixed offset reads as people write it ("UTC+2"), since
    /// IANA's `Etc/GMT-2` has the sign inverted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match name.strip_prefix("Etc/GMT") {
            Some(offset) if offset.starts_with(['+', '-']) => {
                let flipped = if let Some(hours) = offset.strip_prefix('-') {
                    format!("+{hours}")
                } else {
                    format!("-{}", &offset[1..])
                };
                write!(f, "UTC{flipped}")
            }
            _ => f.write_str(name),
        }
    }
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone(tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn names_cities_and_abbreviations_parse() {
        assert_eq!(
            "europe/paris".parse::<Zone>().unwrap().name(),
            "Europe/Paris"
        );
        assert_eq!("Tokyo".parse::<Zone>().unwrap().name(), "Asia/Tokyo");
        assert_eq!(
            "new york".parse::<Zone>().unwrap().name(),
            "America/New_York"
        );
        assert_eq!("EST".parse::<Zone>().unwrap().name(), "America/New_York");
        assert!("Atlantis".parse::<Zone>().is_err());
    }

    #[test]
    fn a_time_in_the_spring_gap_becomes_the_end_of_the_gap() {
        let ny = Zone(Tz::America__New_York);
        let at = ny.resolve(local(2026, 3, 8, 2, 30));
        assert_eq!(at.to_rfc3339(), "2026-03-08T07:00:00+00:00");
        let lord_howe = Zone(Tz::Australia__Lord_Howe);
        // Lord Howe springs forward by 30 minutes, 02:00 → 02:30.
        let at = lord_howe.resolve(local(2026, 10, 4, 2, 15));
        assert_eq!(
            at.with_timezone(&lord_howe.tz()).to_rfc3339(),
            "2026-10-04T02:30:00+11:00"
        );
    }

    #[test]
    fn a_time_in_the_fall_overlap_is_its_first_occurrence() {
        let ny = Zone(Tz::America__New_York);
        let at = ny.resolve(local(2026, 11, 1, 1, 30));
        assert_eq!(at.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }
}

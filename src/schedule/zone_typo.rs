//! The zone a mistyped name was probably meant to be ("Pariss", "Tokio",
//! "America/New_Yrok"): offered in the error, never taken in its place, so a
//! typo never sets a zone the person did not name.

use chrono_tz::Tz;
use std::fmt;

use super::zone::PLACES;
use super::Zone;

/// A zone offered for a name not understood, and the name it was taken for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guess {
    pub zone: Zone,
    /// The place as written ("Atlanta"), or `None` when the IANA name
    /// itself was mistyped.
    pub place: Option<String>,
}

impl fmt::Display for Guess {
    /// "Atlanta (America/New_York)", or "America/New_York".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{place} ({})", self.zone),
            None => write!(f, "{}", self.zone),
        }
    }
}

/// The one zone whose city, place or IANA name is a letter or two from
/// `typed`; `None` when nothing is that close, or when two different zones
/// are equally close (then a guess would be a coin toss).
pub fn closest(typed: &str) -> Option<Guess> {
    let wanted = typed.trim().to_lowercase().replace('_', " ");
    let letters = wanted.chars().count();
    if !(4..=40).contains(&letters) {
        return None;
    }
    // One letter off in a short name, two in a longer one ("Lima" and
    // "Riga" are two apart, so a short guess must be closer); two letters
    // swapped count as one.
    let allowed = if letters <= 6 { 1 } else { 2 };
    let mut best: Option<(usize, Tz, String)> = None;
    let mut tied = false;
    for (name, tz) in names() {
        let distance = strsim::osa_distance(&wanted, &name);
        if distance > allowed {
            continue;
        }
        match &best {
            Some((closest, zone, _)) if distance == *closest && *zone != tz => tied = true,
            Some((closest, _, _)) if distance >= *closest => {}
            _ => {
                best = Some((distance, tz, name));
                tied = false;
            }
        }
    }
    let (_, tz, name) = best.filter(|_| !tied)?;
    Some(Guess {
        zone: Zone::from(tz),
        place: (!name.contains('/')).then(|| title_case(&name)),
    })
}

/// "new york" as "New York".
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let mut letters = word.chars();
            letters
                .next()
                .map(|first| first.to_uppercase().chain(letters).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The IANA regions of today's names; the old aliases ("Canada/Atlantic",
/// "US/Eastern") still parse but are not offered.
const REGIONS: [&str; 9] = [
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
];

/// Whether `zone` is a place people live in under today's name: not an old
/// alias ("US/Central") nor an Antarctic station ("Davis").
pub fn lived_in(zone: Zone) -> bool {
    zone == Zone::UTC
        || REGIONS
            .iter()
            .filter(|region| **region != "Antarctica/")
            .any(|region| zone.name().starts_with(region))
}

/// Every name a zone is known by, in lower case with spaces: the places
/// steward knows, each IANA city ("new york"), and each whole IANA name
/// ("america/new york").
fn names() -> impl Iterator<Item = (String, Tz)> {
    let places = PLACES.iter().map(|(name, tz)| (name.to_string(), *tz));
    let iana = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| REGIONS.iter().any(|region| tz.name().starts_with(region)))
        .flat_map(|tz| {
            let whole = tz.name().to_lowercase().replace('_', " ");
            let city = whole.rsplit('/').next().unwrap_or_default().to_string();
            [(city, *tz), (whole, *tz)]
        });
    places.chain(iana)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(typed: &str) -> Option<&'static str> {
        closest(typed).map(|guess| guess.zone.name())
    }

    fn shown(typed: &str) -> Option<String> {
        closest(typed).map(|guess| guess.to_string())
    }

    #[test]
    fn a_name_a_letter_or_two_off_is_offered() {
        assert_eq!(guess("Pariss"), Some("Europe/Paris"));
        assert_eq!(guess("tokio"), Some("Asia/Tokyo"));
        assert_eq!(guess("Amsterdm"), Some("Europe/Amsterdam"));
        assert_eq!(guess("new yrok"), Some("America/New_York"));
        assert_eq!(guess("America/New_Yrok"), Some("America/New_York"));
        assert_eq!(guess("san fransisco"), Some("America/Los_Angeles"));
        assert_eq!(guess("Berln"), Some("Europe/Berlin"));
        assert_eq!(guess("Parsi"), Some("Europe/Paris"));
    }

    #[test]
    fn a_guess_names_the_place_it_was_taken_for() {
        assert_eq!(shown("Pariss").as_deref(), Some("Paris (Europe/Paris)"));
        assert_eq!(
            shown("Atlantis").as_deref(),
            Some("Atlanta (America/New_York)")
        );
        assert_eq!(shown("Europe/Pari").as_deref(), Some("Europe/Paris"));
        assert_eq!(
            shown("new yrok").as_deref(),
            Some("New York (America/New_York)")
        );
    }

    #[test]
    fn far_short_or_ambiguous_names_get_no_guess() {
        assert_eq!(guess("Narnia"), None);
        assert_eq!(guess("xyz"), None);
        assert_eq!(guess("tomorrow"), None);
        assert_eq!(guess("the office"), None);
        // "Lime" is one letter from Lima and from Lomé.
        assert_eq!(guess("Lime"), None);
        // Two letters off a name of six or fewer is too far.
        assert_eq!(guess("Lnodn"), None);
    }
}

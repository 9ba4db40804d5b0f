//! The answer to "What's your time zone?" (see `zone_question.rs`): a place
//! or zone becomes theirs, "skip" keeps the server's and is remembered, and
//! the request held behind the question is drafted in it.

use serde_json::{json, Value};

use super::draft::Draft;
use super::grammar::{self, Intent};
use super::tools;
use super::turn::Turn;
use super::{render, Agent, Reply};
use crate::schedule::{Guess, UnknownZone, Zone};
use crate::store::users;

/// Reads a message said while the question waits: a place or zone, "skip",
/// or a word that is neither (asked again). `None` for anything else (a
/// command, a new request, "no"), which goes its usual way while the
/// question keeps waiting.
pub async fn answer(turn: &mut Turn, agent: &Agent, text: &str) -> Option<Reply> {
    let words = text.trim().trim_end_matches(['.', '!']).trim();
    if is_skip(words) {
        return Some(skip(turn, agent).await);
    }
    let unknown = match zone_in(words) {
        Ok(zone) => return Some(settle(turn, agent, zone).await),
        Err(unknown) => unknown,
    };
    let plain_words = matches!(grammar::parse(words), Intent::Tool("create_workflow", _))
        && !grammar::sounds_like_a_request(words)
        && words.split_whitespace().count() <= 4;
    plain_words.then(|| Reply {
        text: format!(
            "I don't know '{}' as a place or time zone. {}A city is enough (Paris, New York, Tokyo), or an IANA name such as Europe/Paris; 'skip' uses the server's zone ({}).",
            render::clip(words, 40),
            guess(&unknown)
                .map(|guess| format!("Did you mean {guess}? "))
                .unwrap_or_default(),
            agent.settings.default_zone.name()
        ),
        buttons: turn.buttons(),
        ..Reply::default()
    })
}

fn is_skip(words: &str) -> bool {
    let lower = words.to_lowercase();
    [
        "skip",
        "skip it",
        "skip that",
        "default",
        "use the default",
        "the default",
        "server default",
        "use the server's zone",
        "i don't know",
        "dunno",
        "doesn't matter",
        "whatever",
    ]
    .contains(&lower.as_str())
}

/// The zone a short answer names: "Paris", "Europe/Paris", "I'm in New
/// York", "Lyon, France" is not known but "Paris, France" is. When it names
/// none, the names tried, for [`guess`].
fn zone_in(words: &str) -> Result<Zone, Vec<UnknownZone>> {
    if words.split_whitespace().count() > 6 {
        return Err(Vec::new());
    }
    let lower = words.to_lowercase();
    const SAID_BEFORE: [&str; 12] = [
        "my time zone is ",
        "my timezone is ",
        "my tz is ",
        "i'm in ",
        "i am in ",
        "i live in ",
        "i moved to ",
        "i've moved to ",
        "i'm based in ",
        "in ",
        "it's ",
        "its ",
    ];
    let place = SAID_BEFORE
        .iter()
        .find_map(|prefix| lower.strip_prefix(*prefix))
        .unwrap_or(&lower);
    let place = place.trim_end_matches(" time").trim();
    let candidates = [
        Some(place),
        place.split(',').next(),
        place.strip_suffix(" city"),
    ];
    let mut unknown = Vec::new();
    for candidate in candidates.into_iter().flatten().map(str::trim) {
        match candidate.parse::<Zone>() {
            Ok(zone) if candidate.len() > 1 => return Ok(zone),
            Ok(_) => {}
            Err(name) => unknown.push(name),
        }
    }
    Err(unknown)
}

/// The zone a name not understood looks like a typo of ("Pariss"), to
/// offer. Worked out only for a reply that says the name was not
/// understood: every message said while the question waits comes here.
fn guess(unknown: &[UnknownZone]) -> Option<Guess> {
    unknown.iter().find_map(UnknownZone::suggestion)
}

/// Takes the question and what it held; `None` when nothing waits.
fn take_request(turn: &mut Turn) -> Option<Option<Value>> {
    match turn.draft.take() {
        Some(Draft::Zone { request }) => Some(request),
        other => {
            turn.draft = other;
            None
        }
    }
}

/// Remembers the zone and drafts the held request in it.
async fn settle(turn: &mut Turn, agent: &Agent, zone: Zone) -> Reply {
    if let Err(error) = users::set_timezone(agent.store.pool(), &turn.user.id, zone.name()).await {
        return Reply::text(render::capitalize(&tools::store_failed(&error)));
    }
    turn.zone = zone;
    turn.zone_known = true;
    turn.user.timezone = Some(zone.name().to_string());
    turn.record(
        "set_timezone",
        json!({ "timezone": zone.name() }),
        json!({ "timezone": zone.name() }),
    );
    let intro = format!(
        "Got it: your time zone is {} (it's {} there).",
        zone.name(),
        turn.now.with_timezone(&zone.tz()).format("%H:%M %Z")
    );
    carry_on(turn, agent, intro).await
}

/// "skip": the server's zone, remembered so the question is not asked again.
pub async fn skip(turn: &mut Turn, agent: &Agent) -> Reply {
    if !matches!(turn.draft, Some(Draft::Zone { .. })) {
        return Reply::text("There's no question about your time zone waiting.");
    }
    if let Err(error) = users::skip_timezone(agent.store.pool(), &turn.user.id, turn.now).await {
        return Reply::text(render::capitalize(&tools::store_failed(&error)));
    }
    let zone = agent.settings.default_zone;
    turn.zone = zone;
    turn.zone_known = true;
    turn.user.zone_skipped = true;
    turn.record(
        "set_timezone",
        json!({ "timezone": null, "skip": true }),
        json!({ "timezone": zone.name(), "server_default": true }),
    );
    let intro = format!(
        "OK, I'll use the server's time zone, {}, and won't ask again; say 'my timezone is …' any time to set yours.",
        zone.name()
    );
    carry_on(turn, agent, intro).await
}

/// The held request drafted after `intro`, or `intro` alone.
async fn carry_on(turn: &mut Turn, agent: &Agent, intro: String) -> Reply {
    let Some(Some(request)) = take_request(turn) else {
        return Reply::text(format!("{intro} {}", render::EXAMPLES_SHORT));
    };
    let (tool, request) = super::zone_question::held_call(request);
    let outcome = tools::call(turn, agent, tool, request).await;
    let text = if outcome.ok {
        outcome.text
    } else {
        render::capitalize(&outcome.text)
    };
    Reply {
        text: format!("{intro}\n{text}"),
        buttons: turn.buttons(),
        ..Reply::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_name_places_and_zones() {
        let zone = |words: &str| zone_in(words).ok().map(|z| z.name());
        assert_eq!(zone("Paris"), Some("Europe/Paris"));
        assert_eq!(zone("new york"), Some("America/New_York"));
        assert_eq!(zone("I'm in Tokyo"), Some("Asia/Tokyo"));
        assert_eq!(zone("Europe/Berlin"), Some("Europe/Berlin"));
        assert_eq!(zone("Paris, France"), Some("Europe/Paris"));
        assert_eq!(zone("New York City"), Some("America/New_York"));
        assert_eq!(zone("list my workflows"), None);
        assert_eq!(zone("Parsi"), None);
        // A typo is offered, never taken.
        let guess = |words: &str| {
            zone_in(words)
                .err()
                .and_then(|u| guess(&u))
                .map(|g| g.zone.name())
        };
        assert_eq!(guess("Parsi"), Some("Europe/Paris"));
        assert_eq!(guess("I'm in Tokio"), Some("Asia/Tokyo"));
        assert_eq!(guess("Berln, Germany"), Some("Europe/Berlin"));
        assert_eq!(guess("list my workflows"), None);
        assert!(is_skip("Skip"));
        assert!(!is_skip("skip the next run of #3"));
    }
}

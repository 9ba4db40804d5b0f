use super::*;
use crate::schedule::Zone;
use chrono::{TimeZone, Utc};

fn examples(template: &Template) -> BTreeMap<String, String> {
    template
        .placeholders
        .iter()
        .map(|p| (p.name.clone(), p.example.clone()))
        .collect()
}

#[test]
fn the_catalogue_has_at_least_ten_templates_with_unique_slugs() {
    let all = builtin();
    assert!(all.len() >= 10, "{}", all.len());
    let mut ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    for t in all {
        assert!(!t.id.starts_with(USER_PREFIX), "{}", t.id);
        assert!(
            t.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            t.id
        );
        assert!(
            !t.description.is_empty() && !t.category.is_empty(),
            "{}",
            t.id
        );
    }
}

#[test]
fn every_builtin_template_filled_with_its_examples_validates_like_post_workflows() {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    for template in builtin() {
        let filling = Filling {
            values: examples(template),
            ..Filling::default()
        };
        let definition = template
            .definition("alice", &filling)
            .unwrap_or_else(|e| panic!("{}: {e}", template.id));
        let new = definition
            .validate_fields(now, Zone::UTC, 60)
            .unwrap_or_else(|e| panic!("{}: {} ({})", template.id, e.message, e.field));
        assert!(
            new.schedule.next_after(now).is_some(),
            "{}: its schedule never fires",
            template.id
        );
        // Every placeholder the steps use is described, and every described
        // one is used somewhere.
        let text = format!("{}{}", template.steps, template.schedule);
        for p in &template.placeholders {
            assert!(
                text.contains(&format!("{{{{KEY:{}}}}}", p.name)),
                "{}: {} unused",
                template.id,
                p.name
            );
            assert!(!p.description.is_empty() && !p.example.is_empty());
            assert!(
                p.required || p.default.is_some(),
                "{}: {}",
                template.id,
                p.name
            );
        }
    }
}

#[test]
fn secret_flags_agree_with_the_names_that_mark_secrets() {
    for template in builtin() {
        for p in &template.placeholders {
            assert_eq!(
                p.secret,
                is_secret_name(&p.name),
                "{}: {}",
                template.id,
                p.name
            );
        }
    }
    assert_eq!(shown_value("API_TOKEN", "abc"), "(set)");
    assert_eq!(shown_value("URL", "https://x.example"), "https://x.example");
}

#[test]
fn missing_required_values_are_all_named_and_the_first_is_the_field() {
    let template = find_builtin("api-health-check").unwrap();
    let error = template
        .definition("alice", &Filling::default())
        .unwrap_err();
    assert_eq!(error.field, "placeholders.URL");
    assert_eq!(error.missing, vec!["URL", "API_TOKEN"]);
    assert!(error.message.contains("API_TOKEN"), "{}", error.message);
}

#[test]
fn unknown_placeholders_are_refused_and_names_match_any_case() {
    let template = find_builtin("website-monitor").unwrap();
    let mut values = BTreeMap::from([("nope".to_string(), "x".to_string())]);
    let error = template.values(&values).unwrap_err();
    assert_eq!(error.field, "placeholders.nope");
    values = BTreeMap::from([("url".to_string(), "https://a.example".to_string())]);
    assert_eq!(
        template.values(&values).unwrap()["URL"],
        "https://a.example"
    );
}

#[test]
fn secret_values_stay_out_of_the_name_instruction_and_schedule() {
    let template = find_builtin("api-health-check").unwrap();
    let filling = Filling {
        values: examples(template),
        schedule: Some("every 10 minutes"),
        name: None,
    };
    let definition = template.definition("alice", &filling).unwrap();
    let shown = serde_json::to_string(&(
        &definition.name,
        &definition.instruction,
        &definition.trigger,
        &definition.steps,
    ))
    .unwrap();
    assert!(!shown.contains("s3cr3t-t0ken"), "{shown}");
    assert!(shown.contains("https://example.com"), "{shown}");
    assert_eq!(definition.placeholders["API_TOKEN"], "s3cr3t-t0ken");
    assert_eq!(
        definition.trigger.schedule.as_deref(),
        Some("every 10 minutes")
    );
}

#[test]
fn the_birthday_template_reads_its_date_into_the_schedule() {
    let template = find_builtin("birthday-reminder").unwrap();
    let filling = Filling {
        values: examples(template),
        ..Filling::default()
    };
    let definition = template.definition("alice", &filling).unwrap();
    assert_eq!(
        definition.trigger.schedule.as_deref(),
        Some("every year on march 14th at 9:00")
    );
    assert_eq!(definition.placeholders["OCCASION"], "wedding anniversary");
}

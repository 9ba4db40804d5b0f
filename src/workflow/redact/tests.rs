use super::*;
use serde_json::json;

fn plain() -> Redactor {
    Redactor::new(Vec::new(), false)
}

#[test]
fn secrets_are_masked_by_shape() {
    let r = plain();
    for (input, hidden) in [
        ("Authorization: Bearer abcdef123456789", "abcdef123456789"),
        (
            "my key is stw_13e24461cc78eb58086b7a1b1a08431383203620280963ab ok",
            "13e24461cc78eb58086b7a1b1a08431383203620280963ab",
        ),
        ("https://bob:hunter2pass@db.example.com/x", "hunter2pass"),
        (
            "GET https://api.example.com/v1?api_key=XYZ987654&q=1",
            "XYZ987654",
        ),
        ("password=correct-horse", "correct-horse"),
        (r#"{"client_secret": "s3cr3t-value"}"#, "s3cr3t-value"),
        (
            "key sk-proj-abcdefghijklmnopqrstuv",
            "sk-proj-abcdefghijklmnopqrstuv",
        ),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghij"),
        (
            "bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
            "AAHdqTcvCH1vGWJ",
        ),
        ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        (
            "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX",
            "XXXXXXXXXXXXXXXX",
        ),
        (
            "https://discord.com/api/webhooks/123456/abcDEF-ghi_jkl",
            "abcDEF-ghi_jkl",
        ),
    ] {
        let out = r.text(input);
        assert!(!out.contains(hidden), "{input} -> {out}");
        assert!(out.contains(MASK), "{input} -> {out}");
    }
    assert!(r
        .text("?q=1&api_key=XYZ987654")
        .ends_with("api_key=[redacted]"));
    assert_eq!(
        r.text("https://bob:hunter2pass@db.example.com/x"),
        "https://bob:[redacted]@db.example.com/x"
    );
}

#[test]
fn ordinary_text_is_left_alone() {
    let r = plain();
    for text in [
        "The status page is up: HTTP 200 in 0.4 s.",
        "Visits completed today: 12 (3 clients).",
        "https://status.example.com/api/v2/summary.json?page=2",
        "Call 555 and ask for the token count.",
        "It offers basic functionality and bearer bonds.",
        "Authorization failed.",
    ] {
        assert_eq!(r.text(text), text);
    }
}

#[test]
fn known_secrets_are_masked_wherever_they_appear() {
    let r = Redactor::new(
        ["my-own-api-token-42".to_string(), "abc".to_string()],
        false,
    );
    assert_eq!(
        r.text("sent with my-own-api-token-42 inside"),
        "sent with [redacted] inside"
    );
    // Too short to be masked safely.
    assert_eq!(r.text("abc"), "abc");
}

#[test]
fn secret_fields_are_masked_whole_in_json() {
    let r = plain();
    let out = r.value(&json!({
        "headers": {"Authorization": "Bearer abcdefgh12345", "Accept": "text/html"},
        "password": "x",
        "token": null,
        "body": ["ok", "https://u:pw123456@h.example/"]
    }));
    assert_eq!(out["headers"]["Authorization"], MASK);
    assert_eq!(out["headers"]["Accept"], "text/html");
    assert_eq!(out["password"], MASK);
    assert_eq!(out["token"], Value::Null);
    assert_eq!(out["body"][1], "https://u:[redacted]@h.example/");
}

#[test]
fn emails_and_phones_only_when_configured() {
    let text = "Write to ana.lopez@example.org or call +33 6 12 34 56 78 or (555) 123-4567.";
    assert_eq!(plain().text(text), text);
    let r = Redactor::new(Vec::new(), true);
    assert_eq!(r.text(text), "Write to [email] or call [phone] or [phone].");
    // Dates, times and counts are not phone numbers.
    for text in [
        "on 2026-11-21 at 08:30",
        "12345678 rows",
        "v1.2.3",
        "21.11.2026",
        "host 192.168.100.200",
    ] {
        assert_eq!(r.text(text), text, "{text}");
    }
    // What goes to people keeps them; secrets still go.
    assert_eq!(
        r.secrets("mail ana.lopez@example.org with sk-abcdefghijklmnopqrstu"),
        "mail ana.lopez@example.org with [redacted]"
    );
}

#[test]
fn values_with_personal_data_are_masked_and_those_without_kept_as_they_are() {
    let r = Redactor::new(Vec::new(), true);
    let value = json!({
        "to": "ana.lopez@example.org",
        "lines": ["call +33 6 12 34 56 78", "slot 2026-12-01T06:00:00.000Z"],
        "plain": "ok",
    });
    let out = r.value(&value);
    assert_eq!(out["to"], "[email]");
    assert_eq!(out["lines"][0], "call [phone]");
    assert_eq!(out["lines"][1], "slot 2026-12-01T06:00:00.000Z");
    // Neither an '@' nor 8 digits: nothing to look for.
    let quiet = json!({"text": "slot 06:00 on day 1", "n": 1234567});
    assert_eq!(r.value(&quiet), quiet);
    // Split between strings, the parts of a phone number are no phone number.
    let split = json!(["+33 6 12", "34 56 78"]);
    assert_eq!(r.value(&split), split);
}

use super::*;

fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap()
}

fn check(
    auth: HookAuth,
    secret: &str,
    headers: &[(&str, String)],
    body: &[u8],
    now: i64,
) -> Result<(), Refusal> {
    let lookup = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let call = Call {
        header: &lookup,
        path_secret: None,
        body,
    };
    verify(auth, secret, &call, at(now))
}

#[test]
fn githubs_documented_example_signature_is_accepted() {
    // docs.github.com, "Validating webhook deliveries".
    let headers = [(
        "X-Hub-Signature-256",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".to_string(),
    )];
    let secret = "It's a Secret to Everybody";
    assert_eq!(
        check(HookAuth::Github, secret, &headers, b"Hello, World!", 0),
        Ok(())
    );
    assert_eq!(
        check(HookAuth::Github, secret, &headers, b"Hello, World?", 0),
        Err(Refusal::Mismatch)
    );
}

#[test]
fn every_scheme_accepts_its_own_signature_and_refuses_a_changed_body_or_secret() {
    let now = 1_700_000_000;
    for auth in [
        HookAuth::Github,
        HookAuth::Stripe,
        HookAuth::Slack,
        HookAuth::Steward,
    ] {
        let headers: Vec<(&str, String)> = sign(auth, "s3cret", b"{\"a\":1}", at(now));
        assert_eq!(
            check(auth, "s3cret", &headers, b"{\"a\":1}", now + 10),
            Ok(()),
            "{auth:?}"
        );
        assert_eq!(
            check(auth, "s3cret", &headers, b"{\"a\":2}", now),
            Err(Refusal::Mismatch),
            "{auth:?}"
        );
        assert_eq!(
            check(auth, "other", &headers, b"{\"a\":1}", now),
            Err(Refusal::Mismatch),
            "{auth:?}"
        );
        assert!(matches!(
            check(auth, "s3cret", &[], b"{}", now),
            Err(Refusal::Missing(_))
        ));
    }
}

#[test]
fn stripe_and_slack_refuse_a_timestamp_older_than_five_minutes() {
    let now = 1_700_000_000;
    for auth in [HookAuth::Stripe, HookAuth::Slack] {
        let headers = sign(auth, "k", b"x", at(now - 301));
        assert_eq!(
            check(auth, "k", &headers, b"x", now),
            Err(Refusal::Stale),
            "{auth:?}"
        );
        let headers = sign(auth, "k", b"x", at(now - 299));
        assert_eq!(check(auth, "k", &headers, b"x", now), Ok(()), "{auth:?}");
    }
}

#[test]
fn a_path_secret_must_be_exactly_the_secret() {
    let call = |given: Option<&'static str>| {
        let lookup = |_: &str| None;
        let call = Call {
            header: &lookup,
            path_secret: given,
            body: b"",
        };
        verify(HookAuth::Path, "abc", &call, at(0))
    };
    assert_eq!(call(Some("abc")), Ok(()));
    assert_eq!(call(Some("abd")), Err(Refusal::WrongSecret));
    assert_eq!(call(Some("ab")), Err(Refusal::WrongSecret));
    assert_eq!(call(None), Err(Refusal::WrongSecret));
}

#[test]
fn json_form_and_text_bodies_become_the_input_with_the_kept_headers_only() {
    let hook = Webhook::parse("github headers=x-extra").unwrap();
    let headers = |ct: &str| {
        vec![
            ("content-type".to_string(), ct.to_string()),
            ("x-github-event".to_string(), "push".to_string()),
            ("x-extra".to_string(), "1".to_string()),
            ("x-hub-signature-256".to_string(), "sha256=00".to_string()),
            ("x-other".to_string(), "no".to_string()),
        ]
    };
    let json_in = input(&hook, &headers("application/json"), br#"{"a":[1]}"#).unwrap();
    assert_eq!(json_in["body"]["a"][0], 1);
    assert_eq!(json_in["headers"]["x-github-event"], "push");
    assert_eq!(json_in["headers"]["x-extra"], "1");
    assert!(json_in["headers"].get("x-hub-signature-256").is_none());
    assert!(json_in["headers"].get("x-other").is_none());
    let form = "application/x-www-form-urlencoded";
    let payload = input(
        &hook,
        &headers(form),
        b"payload=%7B%22ref%22%3A%22main%22%7D",
    )
    .unwrap();
    assert_eq!(payload["body"]["ref"], "main");
    let fields = input(&hook, &headers(form), b"a=1&b=two").unwrap();
    assert_eq!(fields["body"]["b"], "two");
    let text = input(&hook, &headers("text/plain"), b"hello").unwrap();
    assert_eq!(text["body"], "hello");
    assert!(input(&hook, &headers("application/json"), b"{nope").is_err());
}

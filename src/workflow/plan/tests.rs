use super::*;

#[test]
fn a_plan_parses_and_names_its_steps() {
    let plan = Plan::parse(
        r#"{"steps": [
            {"type": "http", "url": "https://status.example.com"},
            {"id": "down", "type": "condition", "if": {"left": "${steps.http1.output.status}", "op": "gte", "right": 400},
             "then": [{"type": "message", "text": "down"}]}
        ]}"#,
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(plan.steps[0].id, "http1");
    assert_eq!(plan.step_count(), 3);
}

#[test]
fn an_unknown_step_type_is_named() {
    let err = Plan::parse(r#"[{"type": "frobnicate"}]"#, &BTreeMap::new()).unwrap_err();
    assert!(
        err.0.contains("step 1 has unknown type 'frobnicate'"),
        "{err}"
    );
    let err = Plan::parse(r#"[{"type": "http"}]"#, &BTreeMap::new()).unwrap_err();
    assert!(err.0.contains("missing field `url`"), "{err}");
    assert!(Plan::parse("{", &BTreeMap::new()).is_err());
}

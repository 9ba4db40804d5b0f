use super::super::{parse as read, Intent};
use serde_json::json;

fn tool(text: &str) -> (String, serde_json::Value) {
    match read(text) {
        Intent::Tool(name, args) => (name.to_string(), args),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn the_ways_of_asking_for_the_list_of_templates() {
    for text in [
        "what templates are there?",
        "show templates",
        "list templates",
        "list tempaltes",
        "show me the templates",
        "templates",
        "which templates do you have?",
        "any templates?",
        "what kind of templates are available",
        "show me all available templates",
        "list of templates",
        "use a template",
        "templates pls",
    ] {
        assert_eq!(tool(text).0, "list_templates", "{text}");
    }
}

#[test]
fn using_a_template_carries_its_values_and_schedule() {
    let (name, args) = tool("use the website monitor for https://example.com every 5 minutes");
    assert_eq!(name, "use_template");
    assert_eq!(args["template"], "website monitor");
    assert_eq!(args["schedule"], "every 5 minutes");
    assert_eq!(
        args["placeholders"],
        json!([{ "name": "URL", "value": "https://example.com" }])
    );
    let (_, args) = tool("Use website monitor template on https://example.org, every 10 min");
    assert_eq!(args["template"], "website monitor");
    assert_eq!(args["schedule"], "every 10 min");
    let (_, args) = tool("use the api health check template with URL=https://api.example.com/health API_TOKEN=abc123");
    assert_eq!(args["template"], "api health check");
    assert_eq!(
        args["placeholders"][0],
        json!({ "name": "URL", "value": "https://api.example.com/health" })
    );
    assert_eq!(
        args["placeholders"][1],
        json!({ "name": "API_TOKEN", "value": "abc123" })
    );
    assert_eq!(tool("use the birthday template").1["template"], "birthday");
    assert_eq!(tool("set up the rss digest").0, "use_template");
    assert_eq!(
        tool("use the on-call handoff").1["template"],
        "on-call handoff"
    );
    let upper = tool("Use The Website Monitor For HTTPS://EXAMPLE.COM Every 15 Minutes").1;
    assert_eq!(upper["placeholders"][0]["value"], "HTTPS://EXAMPLE.COM");
    let (name, args) = tool("monitor https://example.com with the website monitor template");
    assert_eq!(
        (name.as_str(), &args["template"]),
        ("use_template", &json!("website monitor"))
    );
    assert_eq!(
        tool("can you use the site monitr template for https://example.com").1["template"],
        "site monitr"
    );
}

#[test]
fn use_without_a_template_is_not_taken_for_one() {
    assert_ne!(
        tool("use my phone every day at 9 to remind me").0,
        "use_template"
    );
    assert_eq!(
        tool("create a reminder every day at 9 to stretch").0,
        "create_workflow"
    );
}

#[test]
fn saving_as_a_template_and_setting_a_value() {
    let (name, args) = tool("save this as a template");
    assert_eq!(name, "save_template");
    assert_eq!(args["workflow"], "it");
    let (_, args) = tool("save the status check as a template called Uptime");
    assert_eq!(args["workflow"], "the status check");
    assert_eq!(args["name"], "Uptime");
    let (name, args) = tool("set the URL of the site monitor to https://new.example.com");
    assert_eq!(name, "set_placeholder");
    assert_eq!(args["workflow"], "the site monitor");
    assert_eq!(args["name"], "URL");
    assert_eq!(args["value"], "https://new.example.com");
    assert_eq!(
        tool("change the API_TOKEN of #3 to xyz").1["name"],
        "API_TOKEN"
    );
}

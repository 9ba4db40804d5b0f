//! `POST /api/v1/workflows/generate` (offline and with the model; the
//! definition round trip to `POST /workflows`) and `GET /api/v1/tools`
//! (built-ins and MCP servers, one of them down).

use serde_json::{json, Value};

use crate::api_client::{served, Api};
use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::Served;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_generate_reads_a_request_and_its_definition_creates_the_workflow() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let read = alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "every weekday at 8:30 remind me to stand up", "timezone": "Europe/Madrid"}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["read_by"], "offline");
    assert_eq!(read.body["questions"], json!([]));
    let next = read.body["next"].as_array().unwrap();
    assert_eq!(next.len(), 5, "{}", read.body);
    let first = next[0].as_str().unwrap();
    assert!(
        first.contains("T08:30:00+01:00") || first.contains("T08:30:00+02:00"),
        "{first}"
    );
    assert!(
        read.body["reading"].as_str().unwrap().contains("8:30"),
        "{}",
        read.body
    );
    let definition = read.body["definition"].clone();
    assert_eq!(definition["owner"], "alice");
    assert_eq!(definition["trigger"]["timezone"], "Europe/Madrid");
    // Nothing was stored by reading.
    let none = alice.get("/api/v1/workflows").await;
    assert_eq!(none.body["items"], json!([]));

    let created = alice.post("/api/v1/workflows", &definition).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["name"], definition["name"]);
    assert_eq!(created.body["trigger"]["timezone"], "Europe/Madrid");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_asks_when_it_cannot_place_the_words_and_names_bad_fields() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let vague = alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "remind me to water the plants"}),
        )
        .await;
    assert_eq!(vague.status, 200, "{}", vague.body);
    assert_eq!(vague.body["definition"], Value::Null);
    assert_eq!(vague.body["next"], json!([]));
    assert!(
        !vague.body["questions"].as_array().unwrap().is_empty(),
        "{}",
        vague.body
    );
    let nonsense = alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "purple elephants"}),
        )
        .await;
    assert_eq!(nonsense.body["definition"], Value::Null);
    assert!(!nonsense.body["questions"].as_array().unwrap().is_empty());

    alice
        .post("/api/v1/workflows/generate", &json!({}))
        .await
        .assert_error(422, Some("text"));
    alice
        .post("/api/v1/workflows/generate", &json!({"text": "  "}))
        .await
        .assert_error(422, Some("text"));
    alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "every day at 9 say hi", "timezone": "Mars/Olympus"}),
        )
        .await
        .assert_error(422, Some("timezone"));
    alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "every day at 9 say hi", "zone": "UTC"}),
        )
        .await
        .assert_error(422, Some("zone"));
    alice
        .post("/api/v1/workflows/generate", &json!({"text": 42}))
        .await
        .assert_error(422, Some("text"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_model_generate_offers_it_only_the_create_tool_and_returns_its_draft() {
    let args = json!({
        "name": "Stand up",
        "schedule": "every weekday at 8:30",
        "instruction": "remind me to stand up",
        "steps": null, "timezone": "Europe/Paris", "limits": null, "reading": null
    });
    let llm = FakeOpenAi::start(vec![Reply::call("create_workflow", &args.to_string())]).await;
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_LLM_BASE_URL", llm.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test-key"),
        ("STEWARD_LLM_MODEL", "test-model"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let read = alice
        .post(
            "/api/v1/workflows/generate",
            &json!({"text": "weekdays 8:30 tell me to stand up"}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["read_by"], "model", "{}", read.body);
    assert_eq!(read.body["definition"]["name"], "Stand up");
    assert_eq!(
        read.body["definition"]["trigger"]["timezone"],
        "Europe/Paris"
    );
    assert_eq!(read.body["next"].as_array().unwrap().len(), 5);
    let requests = llm.requests();
    assert_eq!(requests.len(), 1);
    let offered: Vec<&str> = requests[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["create_workflow"]);
    let created = alice
        .post("/api/v1/workflows", &read.body["definition"])
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_lists_the_built_ins_and_each_mcp_servers_and_names_one_that_is_down() {
    let config = tempfile::NamedTempFile::new().unwrap();
    let fixture = crate::mcp::fixture_binary();
    std::fs::write(
        config.path(),
        json!({"mcpServers": {
            "fixture": {"command": fixture.to_str().unwrap()},
            "down": {"command": "/nonexistent/steward-mcp-server"}
        }})
        .to_string(),
    )
    .unwrap();
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_MCP_CONFIG", config.path().to_str().unwrap()),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let tools = alice.get("/api/v1/tools").await;
    assert_eq!(tools.status, 200, "{}", tools.body);
    let names: Vec<&str> = tools.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for name in [
        "http_request",
        "send_message",
        "workflow_runs",
        "fixture.echo",
        "fixture.add",
    ] {
        assert!(names.contains(&name), "{name} missing: {names:?}");
    }
    let add = tools.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "fixture.add")
        .unwrap();
    assert_eq!(add["source"], "fixture");
    assert_eq!(add["description"], "Adds two numbers.");
    assert_eq!(add["schema"]["required"], json!(["a", "b"]));
    let failed = tools.body["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{}", tools.body);
    assert_eq!(failed[0]["server"], "down");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("down"),
        "{}",
        tools.body
    );
    alice
        .get("/api/v1/tools?limit=5")
        .await
        .assert_error(400, Some("limit"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_counts_against_the_chats_per_user_limit() {
    let served = Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_API_RATE_PER_MINUTE", "2"),
    ])
    .await;
    let alice = Api::of(&served, "alice").await;
    let body = json!({"text": "every day at 9 remind me to stretch"});
    for _ in 0..2 {
        let read = alice.post("/api/v1/workflows/generate", &body).await;
        assert_eq!(read.status, 200, "{}", read.body);
    }
    let refused = alice.post("/api/v1/workflows/generate", &body).await;
    refused.assert_error(429, None);
    assert!(!refused.header("retry-after").is_empty());
    // Another person has their own allowance.
    let bob = Api::of(&served, "bob").await;
    let read = bob.post("/api/v1/workflows/generate", &body).await;
    assert_eq!(read.status, 200, "{}", read.body);
    served.stop().await;
}

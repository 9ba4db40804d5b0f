//! An agent step's question outlives `steward serve`: the run asks, serve
//! stops and starts again, the person approves through the chat API, and the
//! run goes on from where the model was.

use serde_json::{json, Value};
use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::output_of;

const BIN: &str = env!("CARGO_BIN_EXE_steward");
const TOKEN: &str = "approval-test-token-0123";

fn steward(db: &Path, llm: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--db")
        .arg(db)
        .env("STEWARD_LLM_BASE_URL", llm)
        .env("STEWARD_LLM_MODEL", "gpt-4o-mini")
        .env("STEWARD_LLM_MAX_RETRIES", "0")
        .env("STEWARD_API_TOKEN", TOKEN)
        .env("STEWARD_BIND", "127.0.0.1:0")
        .env("STEWARD_SHUTDOWN_GRACE_SECONDS", "5")
        .env_remove("OPENAI_API_KEY")
        .env_remove("STEWARD_TIMEZONE")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("DISCORD_TOKEN");
    command
}

fn serve(db: &Path, llm: &str, out: &Path, err: &Path) -> Child {
    steward(db, llm)
        .arg("serve")
        .stdout(Stdio::from(File::create(out).unwrap()))
        .stderr(Stdio::from(File::create(err).unwrap()))
        .spawn()
        .unwrap()
}

async fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}

/// The chat API's address, from serve's start-up line.
async fn api_of(err: &Path) -> String {
    for _ in 0..100 {
        let text = std::fs::read_to_string(err).unwrap_or_default();
        if let Some(rest) = text.split("chat API ").nth(1) {
            return rest.split_whitespace().next().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "serve did not say where it listens: {}",
        std::fs::read_to_string(err).unwrap_or_default()
    );
}

/// `steward runs --json`, off the runtime's threads (the fake model serves on
/// them).
async fn runs(db: &Path, llm: &str) -> Vec<Value> {
    let mut command = steward(db, llm);
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || output_of(command.args(["runs", "--json"]), None))
            .await
            .unwrap();
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until the first run has `status`.
async fn first_run_becomes(db: &Path, llm: &str, status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        if let Some(run) = runs(db, llm).await.first() {
            if run["status"] == status {
                return run.clone();
            }
            last = run.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the run never became {status}: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_asked_before_serve_restarts_is_answered_after_and_the_run_goes_on() {
    let llm = FakeOpenAi::start(vec![
        Reply::call(
            "ask_approval",
            &json!({"question": "Send the weekly report to the board?", "timeout_minutes": 60})
                .to_string(),
        ),
        Reply::call(
            "send_message",
            &json!({"text": "Weekly report sent to the board.", "to": null}).to_string(),
        ),
        Reply::text("Asked, was approved, sent the report."),
    ])
    .await;
    let llm_url = llm.base_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let definition = json!([{
        "name": "Weekly report", "owner": "webhook:alice",
        "trigger": {"kind": "once", "expression": soon},
        "steps": [{"id": "report", "type": "agent",
                   "instruction": "Send the weekly report, after asking",
                   "tools": ["ask_approval", "send_message"]}]
    }]);
    let (code, _, stderr) = output_of(
        steward(&db, &llm_url).args(["workflows", "import", "-"]),
        Some(&definition.to_string()),
    );
    assert_eq!(code, 0, "{stderr}");

    let (out1, err1) = (dir.path().join("first.out"), dir.path().join("first.err"));
    let first = serve(&db, &llm_url, &out1, &err1);
    let waiting = first_run_becomes(&db, &llm_url, "waiting").await;
    let run_id = waiting["id"].as_i64().unwrap();
    stop(first).await;
    let asked = std::fs::read_to_string(&out1).unwrap();
    assert!(
        asked.contains(&format!(
            "run {run_id} asks: Send the weekly report to the board?"
        )),
        "{asked}"
    );
    assert_eq!(
        runs(&db, &llm_url).await[0]["status"],
        "waiting",
        "a stop leaves the question open"
    );

    let (out2, err2) = (dir.path().join("second.out"), dir.path().join("second.err"));
    let second = serve(&db, &llm_url, &out2, &err2);
    let api = api_of(&err2).await;
    let reply: Value = reqwest::Client::new()
        .post(&api)
        .bearer_auth(TOKEN)
        .json(&json!({"conversation_id": "room", "user_id": "alice", "action": format!("approve:{run_id}")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        reply["reply"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("approved"),
        "{reply}"
    );
    let done = first_run_becomes(&db, &llm_url, "succeeded").await;
    stop(second).await;

    assert_eq!(done["id"], run_id);
    let said = std::fs::read_to_string(&out2).unwrap();
    assert!(said.contains("Weekly report sent to the board."), "{said}");
    let requests = llm.requests();
    assert_eq!(requests.len(), 3);
    let answered = requests[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    let answered: Value = serde_json::from_str(&answered).unwrap();
    assert_eq!(answered, json!({"approved": true, "by": "webhook:alice"}));
    // Usage covers both processes' work, on the run and on its step.
    assert_eq!(done["usage"]["model_calls"], 3);
    assert_eq!(done["usage"]["tool_calls"], 2);
    assert_eq!(done["usage"]["prompt_tokens"], 300);
    let step = &done["steps"][0];
    assert_eq!(step["key"], "report");
    assert_eq!(step["usage"]["model_calls"], 3);
    assert_eq!(step["usage"]["completion_tokens"], 60);
}

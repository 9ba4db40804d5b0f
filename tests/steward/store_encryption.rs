//! Encryption at rest (`STEWARD_ENCRYPTION_KEY`), through the `steward`
//! binary as operators run it: with a key the database file holds no secret
//! a workflow keeps, the workflow still runs with them, and a start with no
//! key or another one is refused with a clear message and a non-zero exit.

use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::fake_http::FakeHttp;
use crate::helpers::{output_of, steward_command};

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_KEY: &str = "HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

/// The secrets the workflow below keeps: in a URL's user info, a query
/// parameter, an Authorization header and a `{{KEY:…}}` placeholder value.
const SECRETS: [&str; 4] = [
    "hunter2pass",
    "query-secret-1234",
    "bearer-secret-5678",
    "placeholder-secret-9012",
];

fn steward(db: &Path, key: Option<&str>, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut command = steward_command();
    command
        .arg("--db")
        .arg(db)
        .env("STEWARD_HTTP_ALLOW_PRIVATE", "true")
        .env_remove("STEWARD_ENCRYPTION_KEY");
    if let Some(key) = key {
        command.env("STEWARD_ENCRYPTION_KEY", key);
    }
    let (code, stdout, stderr) = output_of(command.args(args), stdin);
    (code, format!("{stdout}{stderr}"))
}

fn import(db: &Path, key: Option<&str>, fake: &FakeHttp) {
    let base = fake.base.replace("http://", "");
    let definitions = json!([{
        "name": "Checks", "owner": "alice",
        "instruction": format!("every day check http://admin:hunter2pass@{base}/ok"),
        "trigger": {"schedule": "every day at 9"},
        "steps": [
            {"id": "first", "type": "http", "url": format!("http://admin:hunter2pass@{base}/ok?token=query-secret-1234")},
            {"id": "second", "type": "http", "url": format!("http://{base}/ok"),
             "headers": {"Authorization": "Bearer bearer-secret-5678", "X-Api-Key": "{{KEY:api}}"}}
        ],
        "placeholders": {"api": "placeholder-secret-9012"}
    }]);
    let (code, out) = steward(
        db,
        key,
        &["workflows", "import", "-"],
        Some(&definitions.to_string()),
    );
    assert_eq!(code, 0, "{out}");
}

/// Runs workflow 1 now and checks the fake server got every secret.
fn run_and_check_the_secrets_arrive(db: &Path, key: Option<&str>, fake: &FakeHttp) {
    let (code, out) = steward(db, key, &["workflows", "run", "1", "--json"], None);
    assert_eq!(code, 0, "{out}");
    let run: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}"));
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(fake.hits("/ok?token=query-secret-1234"), 1);
    let headers = fake.seen.lock().unwrap().headers.clone();
    // Header lines are kept lowercased: base64("admin:hunter2pass").
    for expected in [
        "authorization: basic ywrtaw46ahvudgvymnbhc3m=",
        "authorization: bearer bearer-secret-5678",
        "x-api-key: placeholder-secret-9012",
    ] {
        assert!(
            headers.iter().any(|h| h == expected),
            "{expected}: {headers:?}"
        );
    }
}

/// The secrets found in the database's files (the file, its write-ahead log).
fn secrets_on_disk(db: &Path) -> Vec<&'static str> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", db.display());
        bytes.extend(std::fs::read(path).unwrap_or_default());
    }
    SECRETS
        .into_iter()
        .filter(|secret| bytes.windows(secret.len()).any(|w| w == secret.as_bytes()))
        .collect()
}

/// `steward serve` on `db`, expected to refuse to start: its exit code and output.
fn serve_refused(db: &Path, key: Option<&str>) -> (i32, String) {
    let mut command = steward_command();
    command.arg("--db").arg(db).arg("serve");
    command.env_remove("STEWARD_ENCRYPTION_KEY");
    if let Some(key) = key {
        command.env("STEWARD_ENCRYPTION_KEY", key);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_key_the_database_file_holds_no_secret_and_the_workflow_runs_with_them() {
    let fake = FakeHttp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    import(&db, Some(KEY), &fake);
    run_and_check_the_secrets_arrive(&db, Some(KEY), &fake);
    assert_eq!(secrets_on_disk(&db), Vec::<&str>::new());
    let (code, out) = steward(&db, Some(KEY), &["workflows", "list"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Checks"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_a_plain_database_works_as_before_and_holds_the_secrets() {
    let fake = FakeHttp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    import(&db, None, &fake);
    run_and_check_the_secrets_arrive(&db, None, &fake);
    // What the key is for: without it the file holds them.
    assert_eq!(secrets_on_disk(&db), SECRETS.to_vec());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_database_refuses_a_start_with_no_key_or_another_key() {
    let fake = FakeHttp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    import(&db, Some(KEY), &fake);

    let (code, out) = steward(&db, None, &["workflows", "list"], None);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("encrypted with a key; set STEWARD_ENCRYPTION_KEY"),
        "{out}"
    );
    let (code, out) = steward(&db, Some(OTHER_KEY), &["runs"], None);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("STEWARD_ENCRYPTION_KEY does not open"),
        "{out}"
    );
    for (key, says) in [
        (None, "set STEWARD_ENCRYPTION_KEY"),
        (Some(OTHER_KEY), "STEWARD_ENCRYPTION_KEY does not open"),
    ] {
        let (code, out) = serve_refused(&db, key);
        assert_ne!(code, 0, "{out}");
        assert!(out.contains(says), "{out}");
    }
    // Nothing was read as data: with its key the workflow is whole.
    run_and_check_the_secrets_arrive(&db, Some(KEY), &fake);
}

#[test]
fn a_malformed_key_is_refused_at_start_naming_the_variable_and_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let (code, out) = steward(&db, Some("c2hvcnQta2V5"), &["workflows", "list"], None);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("STEWARD_ENCRYPTION_KEY must be 32 random bytes as base64"),
        "{out}"
    );
    assert!(
        !out.contains("c2hvcnQta2V5"),
        "the key is not repeated: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_set_on_a_plain_database_encrypts_what_it_held_and_keeps_it_running() {
    let fake = FakeHttp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    import(&db, None, &fake);
    assert_eq!(secrets_on_disk(&db), SECRETS.to_vec());

    let (code, out) = steward(&db, Some(KEY), &["workflows", "list"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(secrets_on_disk(&db), Vec::<&str>::new());
    run_and_check_the_secrets_arrive(&db, Some(KEY), &fake);
    let (code, out) = steward(&db, None, &["workflows", "list"], None);
    assert_ne!(code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhooks_secret_is_sealed_once_a_key_is_set_and_still_shown_to_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let definitions = json!([{
        "name": "Push", "owner": "alice",
        "trigger": {"kind": "webhook", "expression": "github"},
        "steps": [{"id": "m", "type": "message", "text": "${input.body.ref}"}]
    }]);
    let definitions = definitions.to_string();
    let (code, out) = steward(&db, None, &["workflows", "import", "-"], Some(&definitions));
    assert_eq!(code, 0, "{out}");
    let imported: Value = serde_json::from_str(&out).unwrap();
    let secret = imported["imported"][0]["hook"]["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    let on_disk = |secret: &str| {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            bytes.extend(std::fs::read(format!("{}{suffix}", db.display())).unwrap_or_default());
        }
        bytes.windows(secret.len()).any(|w| w == secret.as_bytes())
    };
    assert!(on_disk(secret), "without a key it is kept as it is");
    // The key is set: the secret is sealed, and the operator still reads it.
    let (code, out) = steward(&db, Some(KEY), &["workflows", "hook", "1", "--json"], None);
    assert_eq!(code, 0, "{out}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["secret"], secret);
    assert!(!on_disk(secret), "sealed once the key is set");
}

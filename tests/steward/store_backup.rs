//! `steward backup FILE`: a consistent copy of a live store, taken while
//! `serve` runs and writes, that opens as a steward database.

use crate::api_client::Api;
use crate::helpers::{output_of, steward_command, Served};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_a_running_serve_opens_with_its_workflows() {
    let served = Served::start(&[("STEWARD_API_TOKEN", "chat-token")]).await;
    let alice = Api::of(&served, "alice").await;
    for name in ["One", "Two", "Three"] {
        alice.create(name).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    let db = served.db.clone();
    let copy_path = copy.clone();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        output_of(
            steward_command()
                .arg("--db")
                .arg(&db)
                .arg("backup")
                .arg(&copy_path),
            None,
        )
    })
    .await
    .unwrap();
    if crate::helpers::on_postgres() {
        // A server's database is backed up with its own tools.
        assert_ne!(code, 0, "{stdout}{stderr}");
        assert!(stderr.contains("pg_dump"), "{stderr}");
        served.stop().await;
        return;
    }
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Backed up"), "{stdout}");
    // serve still answers while and after the copy is taken.
    alice.create("Four").await;
    served.stop().await;

    let store = steward::store::Store::open(&copy).await.unwrap();
    let kept = steward::store::workflows::list(store.pool(), Some("alice"))
        .await
        .unwrap();
    let names: Vec<&str> = kept.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["One", "Two", "Three"]);
    store.close().await;

    // An existing file is never overwritten.
    let (code, _, stderr) = output_of(
        steward_command()
            .arg("--db")
            .arg(dir.path().join("other.db"))
            .arg("backup")
            .arg(&copy),
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("exists"), "{stderr}");
}

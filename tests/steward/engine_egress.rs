//! Where `http` steps may go: IPv6 spellings of loopback and private IPv4
//! addresses are refused like the addresses themselves, and
//! `STEWARD_HTTP_ALLOW` opens exactly the hosts and networks it names.

use serde_json::json;
use steward::egress::parse_allow_list;
use steward::engine::{HttpClient, HttpClientConfig};
use steward::workflow::{Run, RunStatus};

use crate::fake_http::FakeHttp;
use crate::helpers::Sim;

const NOW: &str = "2026-06-01T10:00:00Z";

/// A simulation whose `http` steps may reach `allow` besides public addresses.
async fn allowing(allow: &str) -> Sim {
    let allow = parse_allow_list(allow).unwrap();
    Sim::with_engine(NOW, false, move |engine| {
        engine.http = HttpClient::new(HttpClientConfig {
            allow,
            ..HttpClientConfig::default()
        })
        .unwrap();
    })
    .await
}

async fn get(sim: &Sim, url: &str) -> Run {
    let definition = json!({"name": "probe", "owner": "alice", "trigger": {"kind": "manual"},
        "steps": [{"id": "get", "type": "http", "url": url}]});
    let id = sim.add(definition).await;
    sim.run_now(id).await
}

fn refused(run: &Run) -> bool {
    run.status == RunStatus::Failed
        && run
            .error
            .as_deref()
            .is_some_and(|e| e.contains("private and loopback addresses are blocked"))
}

#[tokio::test]
async fn ipv6_forms_of_loopback_are_refused_before_any_connection() {
    let server = FakeHttp::start().await;
    let port = server.base.rsplit(':').next().unwrap().to_string();
    let sim = Sim::start(NOW).await;
    for host in [
        "[::127.0.0.1]",      // IPv4-compatible
        "[::ffff:127.0.0.1]", // IPv4-mapped
        "[64:ff9b::7f00:1]",  // NAT64
        "[64:ff9b:1::7f00:1]",
        "[2002:7f00:1::1]",   // 6to4
        "[2001:0:7f00:1::1]", // Teredo
        "[fec0::1]",          // site-local
        "[fd12::1]",          // unique-local
        "0x7f.1",             // 127.0.0.1 in another spelling
        "app.localhost",
    ] {
        let run = get(&sim, &format!("http://{host}:{port}/ok")).await;
        assert!(refused(&run), "{host}: {:?} {:?}", run.status, run.error);
    }
    assert_eq!(server.hits("/ok"), 0);
}

#[tokio::test]
async fn the_allow_list_opens_the_networks_and_hosts_it_names_and_nothing_else() {
    let server = FakeHttp::start().await;
    let port = server.base.rsplit(':').next().unwrap().to_string();

    let sim = allowing("127.0.0.0/8").await;
    let run = get(&sim, &format!("http://127.0.0.1:{port}/ok")).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert!(refused(
        &get(&sim, &format!("http://localhost:{port}/ok")).await
    ));

    let sim = allowing("localhost").await;
    let run = get(&sim, &format!("http://localhost:{port}/ok")).await;
    assert_eq!(run.status, RunStatus::Succeeded, "{:?}", run.error);
    assert!(refused(
        &get(&sim, &format!("http://127.0.0.1:{port}/ok")).await
    ));

    let sim = allowing("10.0.0.0/8,intranet.example.com").await;
    assert!(refused(
        &get(&sim, &format!("http://127.0.0.1:{port}/ok")).await
    ));
    assert_eq!(server.hits("/ok"), 2);
}

#[test]
fn an_unreadable_allow_list_stops_steward_at_start_naming_the_entry() {
    let error = steward::config::Config::from_lookup(|name| {
        (name == "STEWARD_HTTP_ALLOW").then(|| "10.0.0.0/8, 10.0.0.0/40".to_string())
    })
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("STEWARD_HTTP_ALLOW") && error.contains("10.0.0.0/40"),
        "{error}"
    );
}

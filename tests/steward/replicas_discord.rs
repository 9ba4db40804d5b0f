//! The Discord gateway in one replica at a time: `steward serve` processes
//! on one database, each pointed at a fake Discord of its own (REST API and
//! gateway), so the fakes tell them apart. The first connects, the second
//! waits; killed, the first is replaced within the lease; stopped, the
//! holder gives the lease up for the next at once. Each session is sent a
//! DM, answered only by the replica holding the gateway.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::discord_payloads::{message_create, user_object, Place, ALICE, DM};
use crate::fake_discord::FakeDiscord;
use crate::fake_discord_gateway::FakeGateway;
use crate::helpers::{serve_replica, test_db, KillOnDrop};

/// The lease: a dead holder is replaced within it.
const LEASE: Duration = Duration::from_secs(2);
const WAIT: Duration = Duration::from_secs(20);

/// One replica's own fake Discord.
struct Fakes {
    api: FakeDiscord,
    gateway: FakeGateway,
}

impl Fakes {
    /// Every session that identifies gets Alice's DM.
    async fn start() -> Fakes {
        let alice = user_object(ALICE, "alice", false);
        let gateway = FakeGateway::start(vec![message_create(alice, Place::Dm, "help", &[])]).await;
        let api = FakeDiscord::start().await;
        api.set_gateway(&gateway.url);
        Fakes { api, gateway }
    }

    /// Whether the replica asked Discord for anything at all.
    fn untouched(&self) -> bool {
        self.api.calls().is_empty() && self.gateway.identified() == 0
    }

    /// Answers posted to Alice's DM channel.
    fn answers(&self) -> usize {
        let path = format!("/api/v10/channels/{DM}/messages");
        self.api
            .calls()
            .iter()
            .filter(|c| c.method == "POST" && c.path == path)
            .count()
    }
}

fn spawn(db: &Path, dir: &Path, fakes: &Fakes, node: &str) -> KillOnDrop {
    let env = [
        ("DISCORD_TOKEN", "fake-bot-token"),
        ("DISCORD_API_URL", fakes.api.base.as_str()),
    ];
    serve_replica(db, dir, node, LEASE, &env)
}

/// Waits until `node`'s session has identified and answered the DM;
/// returns how long the identify took.
async fn connected(fakes: &Fakes, node: &str, dir: &Path) -> Duration {
    let began = Instant::now();
    let log = || std::fs::read_to_string(dir.join(format!("{node}.err"))).unwrap_or_default();
    while fakes.gateway.identified() == 0 {
        assert!(began.elapsed() < WAIT, "{node} never connected: {}", log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = began.elapsed();
    while fakes.answers() == 0 {
        assert!(
            began.elapsed() < WAIT,
            "{node} never answered the DM: {}",
            log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    took
}

async fn lease_holder(db: &Path) -> Option<String> {
    let store = steward::store::Store::open(db).await.unwrap();
    let holder = store.lease_holder("discord-gateway").await.unwrap();
    store.close().await;
    holder.map(|(holder, _)| holder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_discord_gateway_runs_in_one_replica_and_another_takes_over_when_it_dies_or_stops() {
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path());
    let (first, second, third) = (
        Fakes::start().await,
        Fakes::start().await,
        Fakes::start().await,
    );
    let mut one = spawn(&db, dir.path(), &first, "one");
    connected(&first, "one", dir.path()).await;
    let mut two = spawn(&db, dir.path(), &second, "two");
    // Two leases' time: "two" never calls Discord, and "one" keeps its one
    // session (no reconnect).
    tokio::time::sleep(LEASE * 2).await;
    assert!(
        second.untouched(),
        "the second replica waits: {:?}",
        second.api.calls()
    );
    assert_eq!(
        first.gateway.identified(),
        1,
        "the holder keeps its session"
    );
    assert_eq!(lease_holder(&db).await.as_deref(), Some("one"));

    one.kill().unwrap(); // SIGKILL: the lease is not given up, it lapses
    one.wait().unwrap();
    let took = connected(&second, "two", dir.path()).await;
    assert!(
        took < LEASE + Duration::from_millis(1_500),
        "a survivor connects within the lease after the holder died: {took:?}"
    );
    assert_eq!(first.answers(), 1, "the dead replica answered once");

    let mut three = spawn(&db, dir.path(), &third, "three");
    tokio::time::sleep(LEASE).await;
    assert!(third.untouched(), "the third waits too");
    crate::helpers::stop_gracefully(&mut two);
    assert_ne!(
        lease_holder(&db).await.as_deref(),
        Some("two"),
        "a replica that stops gives the lease up"
    );
    let took = connected(&third, "three", dir.path()).await;
    assert!(
        took < LEASE,
        "a stopped holder's lease goes at once: {took:?}"
    );
    assert_eq!(second.answers(), 1);
    crate::helpers::stop_gracefully(&mut three);
}

//! Shared helpers: instants, zones, schedules read the way users write them.

use chrono::{DateTime, SecondsFormat, Utc};
use steward::schedule::natural::Context;
use steward::schedule::{parse_input, ParsedInput, Schedule, Zone};

/// An RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("bad instant {text}: {e}"))
        .with_timezone(&Utc)
}

pub fn zone(name: &str) -> Zone {
    name.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// Reads `input` (phrase, cron, RRULE, duration) at `now` in `zone`.
pub fn read(input: &str, now: &str, zone_name: &str) -> Result<ParsedInput, String> {
    parse_input(input, &Context::new(at(now), zone(zone_name)))
}

/// Reads `input` or fails the test with the error.
pub fn schedule(input: &str, now: &str, zone_name: &str) -> Schedule {
    read(input, now, zone_name)
        .unwrap_or_else(|e| panic!("'{input}' should parse: {e}"))
        .schedule
}

/// The next `count` fire times after `now`, as RFC 3339 in the schedule's zone.
pub fn next(schedule: &Schedule, now: &str, count: usize) -> Vec<String> {
    schedule
        .upcoming(at(now), count)
        .into_iter()
        .map(|t| {
            t.with_timezone(&schedule.zone.tz())
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .collect()
}

/// `next` for an input in one go.
pub fn fires(input: &str, now: &str, zone_name: &str, count: usize) -> Vec<String> {
    next(&schedule(input, now, zone_name), now, count)
}

// ----- a scheduler on a simulated clock -------------------------------------

use async_trait::async_trait;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use steward::clock::ManualClock;
use steward::engine::{Engine, HttpClient, HttpClientConfig};
use steward::scheduler::{Scheduler, SchedulerConfig};
use steward::store::{runs as run_log, workflows, Store};
use steward::workflow::notify::{Kept, Notice, Notifier};
use steward::workflow::{Definition, Run, Workflow};

/// Keeps every notice for the test to read; once told to, has the outbox
/// keep them too (as `serve`'s delivery does) and records their rows.
#[derive(Default)]
pub struct RecordingNotifier {
    pub notices: Mutex<Vec<Notice>>,
    keeping: std::sync::atomic::AtomicBool,
    /// The outbox rows of notices handed over after their cause's commit.
    pub kept: Mutex<Vec<i64>>,
}

impl RecordingNotifier {
    /// From now on notices are kept in the outbox with their cause.
    pub fn keep_in_outbox(&self) {
        self.keeping
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    async fn notify(&self, notice: Notice) {
        self.notices.lock().unwrap().push(notice);
    }

    fn keep(&self, notice: &Notice) -> Option<Kept> {
        if !self.keeping.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        static SEQUENCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let sequence = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some(Kept {
            destination: "test:outbox".into(),
            delivery_id: format!("test-{sequence}"),
            text: notice.line(),
            buttons: "[]".into(),
            about: None,
        })
    }

    async fn notify_kept(&self, notice: Notice, _kept: Kept, outbox_id: i64) {
        self.kept.lock().unwrap().push(outbox_id);
        self.notices.lock().unwrap().push(notice);
    }
}

/// steward's store, engine and scheduler on a fresh database and a clock the
/// test moves.
pub struct Sim {
    _dir: tempfile::TempDir,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub notifier: Arc<RecordingNotifier>,
    pub scheduler: Arc<Scheduler>,
}

impl Sim {
    pub async fn start(now: &str) -> Sim {
        Sim::with_http(now, false).await
    }

    pub async fn with_http(now: &str, allow_private: bool) -> Sim {
        Sim::with_engine(now, allow_private, |_| {}).await
    }

    /// As [`Sim::with_http`], with the engine changed by `configure` (a
    /// model, MCP servers, redaction) before it starts.
    pub async fn with_engine(
        now: &str,
        allow_private: bool,
        configure: impl FnOnce(&mut Engine),
    ) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&test_db(dir.path())).await.unwrap();
        let clock = Arc::new(ManualClock::new(at(now)));
        let notifier = Arc::new(RecordingNotifier::default());
        let mut engine = Engine {
            store: store.clone(),
            http: HttpClient::new(HttpClientConfig {
                allow_private,
                ..HttpClientConfig::default()
            })
            .unwrap(),
            model: None,
            prices: Default::default(),
            mcp: steward::engine::Mcp::none(),
            redactor: Default::default(),
            notifier: notifier.clone(),
            clock: clock.clone(),
            node: "sim".into(),
            lease: std::time::Duration::from_secs(30),
            ceilings: Default::default(),
            quotas: Default::default(),
            plans: Default::default(),
        };
        configure(&mut engine);
        let engine = Arc::new(engine);
        let scheduler = Arc::new(Scheduler::new(
            store.clone(),
            engine,
            clock.clone(),
            notifier.clone(),
            SchedulerConfig {
                node: "sim".into(),
                ..SchedulerConfig::default()
            },
        ));
        Sim {
            _dir: dir,
            store,
            clock,
            notifier,
            scheduler,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        use steward::clock::Clock;
        self.clock.now()
    }

    /// Imports one definition (the `workflows import` format) now.
    pub async fn add(&self, definition: Value) -> i64 {
        let definition: Definition = serde_json::from_value(definition).unwrap();
        let new = definition.validate(self.now(), Zone::UTC, 1).unwrap();
        let next = new.schedule.next_after(self.now());
        let mut tx = self.store.begin_write().await.unwrap();
        let id = workflows::insert(&mut tx, &new, next, self.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Moves the clock to `when` and lets the scheduler do what is due.
    pub async fn tick_at(&self, when: &str) {
        self.clock.set(at(when));
        self.scheduler.tick(at(when)).await.unwrap();
    }

    /// Runs the scheduler as if steward were up from now until `end`: jump to
    /// each next wake, do what is due.
    pub async fn run_until(&self, end: &str) {
        let end = at(end);
        self.scheduler.tick(self.now()).await.unwrap();
        loop {
            let Some(wake) = self.scheduler.next_wake().await.unwrap() else {
                break;
            };
            if wake > end {
                break;
            }
            let wake = wake.max(self.now());
            self.clock.set(wake);
            self.scheduler.tick(wake).await.unwrap();
        }
        self.clock.set(end);
    }

    pub async fn runs(&self, workflow: i64) -> Vec<Run> {
        run_log::list(self.store.pool(), Some(workflow), None, 100_000)
            .await
            .unwrap()
    }

    /// Runs workflow `id` now, as "run it now" does, and returns the run as
    /// recorded when it ended (or paused).
    pub async fn run_now(&self, id: i64) -> Run {
        self.manage()
            .run_now(&steward::manage::Actor::operator("test"), id, None)
            .await
            .unwrap()
    }

    /// The use cases over this simulation's store, running in its scheduler.
    pub fn manage(&self) -> steward::manage::Manager {
        steward::manage::Manager::new(
            self.store.clone(),
            self.clock.clone(),
            Arc::new(steward::app::SchedulerRunner {
                scheduler: Arc::clone(&self.scheduler),
            }),
            "sim",
            chrono::TimeDelta::minutes(5),
        )
    }

    pub async fn workflow(&self, id: i64) -> Workflow {
        let mut conn = self.store.connection().await.unwrap();
        workflows::get(&mut conn, id).await.unwrap().unwrap()
    }

    pub fn notices(&self) -> Vec<Notice> {
        self.notifier.notices.lock().unwrap().clone()
    }

    /// The texts of the messages steps sent, in order.
    pub fn messages(&self) -> Vec<String> {
        self.notices()
            .into_iter()
            .filter_map(|n| match n {
                Notice::Message { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }
}

/// The slots of runs as "RFC 3339 status" lines.
pub fn slots(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|r| {
            format!(
                "{} {}",
                r.scheduled_for.to_rfc3339_opts(SecondsFormat::Secs, true),
                r.status
            )
        })
        .collect()
}

// ----- the steward binary -----------------------------------------------------

/// The `steward` binary with no default zone from the environment.
pub fn steward_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_steward"));
    // Offline and in UTC whatever the machine running the tests has set.
    for name in [
        "STEWARD_TIMEZONE",
        "OPENAI_API_KEY",
        "STEWARD_LLM_BASE_URL",
        "STEWARD_DB",
        "STEWARD_API_TOKEN",
        "STEWARD_WEBHOOK_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "DISCORD_TOKEN",
        "STEWARD_MCP_CONFIG",
    ] {
        command.env_remove(name);
    }
    // The machine's zone counts as unknown (UTC), so `steward chat` asks a
    // newcomer theirs; a test wanting another machine zone sets TZ.
    command.env("TZ", "UTC");
    // Any free port, so tests that start `serve` run side by side.
    command.env("STEWARD_BIND", "127.0.0.1:0");
    command
}

/// Runs a prepared command, feeding it `stdin`; returns exit code, stdout, stderr.
pub fn output_of(
    command: &mut std::process::Command,
    stdin: Option<&str>,
) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("steward starts");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input
            .write_all(text.as_bytes())
            .expect("stdin takes the input");
    }
    drop(input);
    let output = child.wait_with_output().expect("steward ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

// ----- the conversation ------------------------------------------------------

use steward::agent::{Agent, Content, Inbound, Reply};
use steward::app::App;
use steward::config::Config;

/// steward's agent on a fresh database, the whole app behind it (scheduler,
/// engine), a clock the test sets and every notice recorded.
pub struct Chat {
    _dir: tempfile::TempDir,
    pub app: App,
    pub agent: Agent,
    pub clock: Arc<ManualClock>,
    pub notifier: Arc<RecordingNotifier>,
    pub config: Config,
}

impl Chat {
    /// Offline mode, `http` steps allowed to reach 127.0.0.1.
    pub async fn start(now: &str) -> Chat {
        Chat::with(now, |_| None).await
    }

    /// With more settings (as environment variables would give them).
    pub async fn with(now: &str, settings: impl Fn(&str) -> Option<String>) -> Chat {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path()).display().to_string();
        let config = Config::from_lookup(|name| match name {
            "STEWARD_DB" => Some(db.clone()),
            "STEWARD_HTTP_ALLOW_PRIVATE" => Some("true".into()),
            other => settings(other),
        })
        .unwrap();
        let clock = Arc::new(ManualClock::new(at(now)));
        let notifier = Arc::new(RecordingNotifier::default());
        let app = App::build(&config, notifier.clone(), clock.clone())
            .await
            .unwrap();
        let agent = app
            .agent(&config, std::time::Duration::from_secs(30))
            .unwrap();
        Chat {
            _dir: dir,
            app,
            agent,
            clock,
            notifier,
            config,
        }
    }

    /// What `user` sends from a platform that knows their zone is the
    /// server's (as the terminal on a machine set to it would): drafts come
    /// at once, in the server's zone, unless they set their own.
    fn inbound(&self, user: &str, content: Content) -> Inbound {
        Inbound {
            conversation: format!("test:{user}"),
            user: user.to_string(),
            user_name: None,
            home_chat: format!("test:{user}"),
            manages: None,
            timezone: Some(self.config.default_zone),
            greet_newcomer: false,
            answer_by: steward::agent::AnswerBy::Words,
            content,
        }
    }

    /// `user` says `text`; the reply.
    pub async fn say(&self, user: &str, text: &str) -> Reply {
        self.agent
            .handle(self.inbound(user, Content::Text(text.to_string())))
            .await
            .unwrap_or_else(|e| panic!("'{text}' failed: {e}"))
    }

    /// Telegram user 7 sends `content` in a group chat; the reply.
    pub async fn in_group(&self, content: Content) -> Reply {
        let inbound = Inbound {
            conversation: "telegram:-100123".into(),
            user: "telegram:7".into(),
            user_name: None,
            home_chat: "telegram:-100123".into(),
            manages: None,
            timezone: Some(self.config.default_zone),
            greet_newcomer: false,
            answer_by: steward::agent::AnswerBy::ButtonOrReply,
            content,
        };
        self.agent.handle(inbound).await.unwrap()
    }

    /// `user`, whose zone no platform tells, says `text`.
    pub async fn newcomer_says(&self, user: &str, text: &str) -> Reply {
        let inbound = Inbound {
            timezone: None,
            ..self.inbound(user, Content::Text(text.to_string()))
        };
        self.agent
            .handle(inbound)
            .await
            .unwrap_or_else(|e| panic!("'{text}' failed: {e}"))
    }

    /// `user` presses the button with `action`.
    pub async fn press(&self, user: &str, action: &str) -> Reply {
        self.agent
            .handle(self.inbound(user, Content::Action(action.to_string())))
            .await
            .unwrap()
    }

    /// `user`'s workflows as stored.
    pub async fn workflows(&self, user: &str) -> Vec<Workflow> {
        workflows::list(self.app.store.pool(), Some(user))
            .await
            .unwrap()
    }

    /// Every workflow and run, to check nothing changed.
    pub async fn snapshot(&self) -> (Vec<(i64, String, String, String)>, usize) {
        let all = workflows::list(self.app.store.pool(), None).await.unwrap();
        let runs = run_log::list(self.app.store.pool(), None, None, 100_000)
            .await
            .unwrap();
        (
            all.into_iter()
                .map(|w| {
                    (
                        w.id,
                        w.name,
                        w.status.as_str().to_string(),
                        w.trigger_expression,
                    )
                })
                .collect(),
            runs.len(),
        )
    }
}

/// The database of a stopped [`Served`], for the next one.
pub struct Halted {
    dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
}

impl Halted {
    /// `serve` again on this database.
    pub async fn start(self, settings: &[(&str, &str)]) -> Served {
        match Served::try_start_in(self.dir, self.db, settings).await {
            Ok(served) => served,
            Err(error) => panic!("serve did not start again: {error:#}"),
        }
    }
}

/// `steward serve` in this process on a fresh database and a free port, with
/// quick delivery retries; `settings` add to (or override) the environment.
pub struct Served {
    _dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    pub serving: Option<steward::app::Serving>,
    pub notifier: Arc<RecordingNotifier>,
    pub base: String,
}

impl Served {
    /// `POST /api/v1/chat` with `body` and bearer `token`: the status and the
    /// JSON answer (null when the answer is not JSON).
    pub async fn chat(&self, token: &str, body: &Value) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/chat", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn start(settings: &[(&str, &str)]) -> Served {
        match Served::try_start(settings).await {
            Ok(served) => served,
            Err(error) => panic!("serve did not start: {error:#}"),
        }
    }

    /// `serve` on the database `db` (a second replica on one PostgreSQL
    /// database, say).
    pub async fn start_on(db: std::path::PathBuf, settings: &[(&str, &str)]) -> Served {
        match Served::try_start_in(tempfile::tempdir().unwrap(), db, settings).await {
            Ok(served) => served,
            Err(error) => panic!("serve did not start: {error:#}"),
        }
    }

    /// Why `serve` refused to start with `settings`.
    pub async fn refusal(settings: &[(&str, &str)]) -> String {
        match Served::try_start(settings).await {
            Ok(served) => {
                served.stop().await;
                panic!("serve started with {settings:?}")
            }
            Err(error) => error.to_string(),
        }
    }

    /// Stops this `serve`, keeping its database for another.
    pub async fn halt(mut self) -> Halted {
        if let Some(serving) = self.serving.take() {
            serving.stop().await.unwrap();
        }
        Halted {
            db: self.db.clone(),
            dir: self._dir,
        }
    }

    async fn try_start(settings: &[(&str, &str)]) -> anyhow::Result<Served> {
        let dir = tempfile::tempdir().unwrap();
        let db = test_db(dir.path());
        Served::try_start_in(dir, db, settings).await
    }

    async fn try_start_in(
        dir: tempfile::TempDir,
        db: std::path::PathBuf,
        settings: &[(&str, &str)],
    ) -> anyhow::Result<Served> {
        let db_text = db.display().to_string();
        // Every `serve` of this test process would be `<host>-<pid>`: one
        // name, as if two replicas were misconfigured to share it (and each
        // one's shutdown would interrupt the other's runs).
        static SERVED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let node = format!(
            "test-{}-{}",
            std::process::id(),
            SERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let settings: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_lookup(|name| {
            if let Some((_, value)) = settings.iter().find(|(k, _)| k == name) {
                return Some(value.clone());
            }
            match name {
                "STEWARD_DB" => Some(db_text.clone()),
                "STEWARD_BIND" => Some("127.0.0.1:0".into()),
                "STEWARD_MIN_INTERVAL_SECONDS" => Some("1".into()),
                // Per-second test workflows: far past a person's 600 an hour.
                "STEWARD_QUOTA_RUNS_PER_HOUR" => Some("1000000".into()),
                "STEWARD_HTTP_ALLOW_PRIVATE" => Some("true".into()),
                // Test receivers listen on loopback.
                "STEWARD_WEBHOOK_CALLBACK_ALLOW" => Some("127.0.0.0/8".into()),
                "STEWARD_SHUTDOWN_GRACE_SECONDS" => Some("2".into()),
                "STEWARD_NODE" => Some(node.clone()),
                _ => None,
            }
        })
        .unwrap();
        let notifier = Arc::new(RecordingNotifier::default());
        let serving = steward::app::start(
            config,
            Arc::new(steward::clock::SystemClock),
            notifier.clone(),
            steward::chat::delivery::RetryPolicy {
                attempts: 3,
                first_backoff: std::time::Duration::from_millis(50),
                max_backoff: std::time::Duration::from_secs(2),
            },
        )
        .await?;
        let base = format!("http://{}", serving.addr);
        Ok(Served {
            _dir: dir,
            db,
            serving: Some(serving),
            notifier,
            base,
        })
    }

    /// A second connection to the database, for checking what was stored.
    pub async fn store(&self) -> steward::store::Store {
        steward::store::Store::open(&self.db).await.unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(serving) = self.serving.take() {
            serving.stop().await.unwrap();
        }
    }
}

// ----- the database -----------------------------------------------------------

/// The database a test's steward uses: a SQLite file in `dir`, or, with
/// `STEWARD_TEST_BACKEND=postgres` (as `.ci/run`'s second pass sets it), a
/// new empty database on the server `STEWARD_TEST_DATABASE_URL` names, so
/// the same tests run on both.
pub fn test_db(dir: &std::path::Path) -> std::path::PathBuf {
    if on_postgres() {
        let server = postgres_server()
            .expect("STEWARD_TEST_BACKEND=postgres needs STEWARD_TEST_DATABASE_URL (see README)");
        return std::path::PathBuf::from(new_postgres_database(&server));
    }
    dir.join("steward.db")
}

/// The PostgreSQL server of the tests (`STEWARD_TEST_DATABASE_URL`).
pub fn postgres_server() -> Option<String> {
    std::env::var("STEWARD_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A new empty database on the tests' PostgreSQL server, for a test that
/// needs PostgreSQL itself. Without a server the test is skipped, loudly;
/// under CI (`CI=true`) it fails instead, as CI always has one.
pub fn postgres_or_skip(test: &str) -> Option<std::path::PathBuf> {
    match postgres_server() {
        Some(server) => Some(std::path::PathBuf::from(new_postgres_database(&server))),
        None if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("{test} needs PostgreSQL: STEWARD_TEST_DATABASE_URL is unset under CI (.ci/run starts a cluster)")
        }
        None => {
            eprintln!(
                "\n!!!! SKIPPED {test}: it needs PostgreSQL. Start one with \
                 `.ci/postgres start /tmp/pg` and set STEWARD_TEST_DATABASE_URL to the URL it prints.\n"
            );
            None
        }
    }
}

/// The server's URL (`postgres://user@host:port/db`) for a new database.
fn new_postgres_database(server: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "steward_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let server = server.to_owned();
    let create = name.clone();
    // Its own thread and runtime: callers are sync and async alike.
    let server_url = server.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                use sqlx::Connection;
                let mut conn = sqlx::postgres::PgConnection::connect(&server_url)
                    .await
                    .expect("STEWARD_TEST_DATABASE_URL names a PostgreSQL server that answers");
                sqlx::query(&format!("CREATE DATABASE {create}"))
                    .execute(&mut conn)
                    .await
                    .expect("creating a test database");
            })
    })
    .join()
    .unwrap();
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Whether the tests run on PostgreSQL (`STEWARD_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("STEWARD_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// Every insert into `table` fails from now on with `message`, as on a full
/// or read-only disk: a trigger in each database's own syntax.
pub async fn refuse_inserts(pool: &sqlx::AnyPool, table: &str, message: &str) {
    let statement = if on_postgres() {
        format!(
            "CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION '{message}'; END $$; \
             CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} \
             FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
        )
    } else {
        format!(
            "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    };
    sqlx::raw_sql(&statement).execute(pool).await.unwrap();
}

/// Undoes [`refuse_inserts`].
pub async fn allow_inserts(pool: &sqlx::AnyPool, table: &str) {
    let statement = if on_postgres() {
        format!("DROP TRIGGER refuse_{table} ON {table}")
    } else {
        format!("DROP TRIGGER refuse_{table}")
    };
    sqlx::raw_sql(&statement).execute(pool).await.unwrap();
}

/// A child process killed when the test ends, passing or failing, so a
/// failed test leaves no `steward serve` running behind it.
pub struct KillOnDrop(pub std::process::Child);

impl std::ops::Deref for KillOnDrop {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Sends SIGTERM to `child`: the graceful stop a service manager sends.
pub fn sigterm(child: &std::process::Child) {
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
}

/// Stops `child` with SIGTERM and asserts it exits 0.
pub fn stop_gracefully(child: &mut std::process::Child) {
    sigterm(child);
    let status = child.wait().unwrap();
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}

/// A `steward serve` replica named `node` on `db` with a short lease and
/// the platform settings `env`; its log goes to `dir/<node>.err`.
pub fn serve_replica(
    db: &std::path::Path,
    dir: &std::path::Path,
    node: &str,
    lease: std::time::Duration,
    env: &[(&str, &str)],
) -> KillOnDrop {
    let mut command = steward_command();
    command
        .arg("--db")
        .arg(db)
        .envs(env.iter().copied())
        .env("STEWARD_LEASE_SECONDS", lease.as_secs().to_string())
        .env("STEWARD_NODE", node)
        .env("STEWARD_LOG", "steward=info")
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::from(
            std::fs::File::create(dir.join(format!("{node}.err"))).unwrap(),
        ))
        .spawn()
        .map(KillOnDrop)
        .unwrap()
}

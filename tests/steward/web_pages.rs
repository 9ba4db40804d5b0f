//! The dashboard over HTTP: signing in with a link from chat (once) or an
//! API key, who sees what, forms refused without the session's token or
//! from another site, signing out, and the pages' content.

use chrono::TimeDelta;
use serde_json::json;
use std::time::Duration;

use crate::api_client::{key_for, served, Api};
use crate::web_client::{csrf_of, link_for, link_from_chat, Web};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_from_chat_signs_in_once_and_opening_it_does_not_spend_it() {
    let served = served().await;
    let alice = Api::of(&served, "webhook:alice").await;
    alice.create("Morning report").await;
    let link = link_from_chat(&served, "chat-token", "alice").await;

    let anonymous = Web::anonymous(&served);
    // A chat's link preview opens the link: it only shows a button.
    for _ in 0..2 {
        let opened = anonymous.get(&link).await;
        assert_eq!(opened.status, 200);
        assert!(opened.body.contains("Sign in"), "{}", opened.body);
    }
    let used = anonymous.post_raw(&link, &[]).await;
    assert_eq!(used.status, 303, "{}", used.body);
    assert_eq!(used.location, "/");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(used.set_cookie.contains(attribute), "{}", used.set_cookie);
    }
    assert!(!used.set_cookie.contains("Secure"), "http: no Secure flag");
    let mut web = Web::anonymous(&served);
    web.keep_cookie(&used);
    let page = web.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Morning report"), "{}", page.body);
    assert!(page.body.contains("webhook:alice"));

    let again = Web::anonymous(&served).post_raw(&link, &[]).await;
    assert_eq!(again.status, 401);
    assert!(again.body.contains("already used or has expired"));
    assert!(again.set_cookie.is_empty());
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_made_up_link_signs_no_one_in_and_pages_ask_to_sign_in() {
    let served = served().await;
    let expired = link_for(&served, "alice", false, TimeDelta::seconds(-1)).await;
    let anonymous = Web::anonymous(&served);
    let refused = anonymous
        .post_raw(&format!("/sign-in/{expired}"), &[])
        .await;
    assert_eq!(refused.status, 401);
    let made_up = anonymous
        .post_raw(&format!("/sign-in/{}", "0".repeat(64)), &[])
        .await;
    assert_eq!(made_up.status, 401);

    let page = anonymous.get("/workflows/1?x=1").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location, "/sign-in?next=%2Fworkflows%2F1%3Fx%3D1");
    let mut forged = Web::anonymous(&served);
    forged.cookie = format!("steward_session={}", "ab".repeat(32));
    assert_eq!(forged.get("/").await.status, 303);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sees_only_their_workflows_and_an_admin_sees_everyones() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let mine = alice.create("Alice's check").await;
    let theirs = bob.create("Bob's backup").await;
    let bobs_run = bob
        .act(&format!("/api/v1/workflows/{theirs}/run?wait=5"))
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    let web = Web::with_link(
        &served,
        &format!(
            "/sign-in/{}",
            link_for(&served, "alice", false, TimeDelta::minutes(10)).await
        ),
    )
    .await;
    let list = web.get("/").await.body;
    assert!(
        list.contains("Alice&#39;s check") || list.contains("Alice's check"),
        "{list}"
    );
    assert!(!list.contains("Bob"), "{list}");
    assert_eq!(web.get(&format!("/workflows/{mine}")).await.status, 200);
    let hidden = web.get(&format!("/workflows/{theirs}")).await;
    assert_eq!(hidden.status, 404);
    assert!(!hidden.body.contains("Bob"));
    assert_eq!(web.get(&format!("/runs/{bobs_run}")).await.status, 404);
    let refused = web
        .submit(
            &format!("/workflows/{mine}"),
            &format!("/workflows/{theirs}/pause"),
            &[],
        )
        .await;
    assert_eq!(refused.status, 404);

    let admin = Web::with_key(&served, &key_for(&served, "root", true).await).await;
    let everyone = admin.get("/").await.body;
    assert!(
        everyone.contains("Everyone&#39;s workflows") || everyone.contains("Everyone's workflows")
    );
    assert!(
        everyone.contains("Bob") && everyone.contains("Alice"),
        "{everyone}"
    );
    assert!(
        everyone.contains(">bob<") && everyone.contains(">alice<"),
        "owners are shown"
    );
    assert_eq!(admin.get(&format!("/workflows/{theirs}")).await.status, 200);
    assert_eq!(admin.get(&format!("/runs/{bobs_run}")).await.status, 200);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_the_sessions_token_or_from_another_site_is_refused() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let web = Web::with_key(&served, &alice.key).await;
    let page = format!("/workflows/{id}");
    let status =
        || async { alice.get(&format!("/api/v1/workflows/{id}")).await.body["status"].clone() };

    let bare = web.post_raw(&format!("{page}/pause"), &[]).await;
    assert_eq!(bare.status, 403);
    assert!(bare.body.contains("token"), "{}", bare.body);
    let wrong = web
        .post_raw(&format!("{page}/pause"), &[("csrf", &"0".repeat(64))])
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(status().await, "active");

    let csrf = csrf_of(&web.get(&page).await.body);
    let cross = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{page}/pause", served.base))
        .header("cookie", &web.cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(status().await, "active");

    let paused = web
        .submit(&page, &format!("{page}/pause"), &[("note", "on holiday")])
        .await;
    assert_eq!(paused.status, 303, "{}", paused.body);
    assert_eq!(paused.location, format!("{page}?done=paused"));
    assert_eq!(status().await, "paused");
    let shown = web.get(&paused.location).await.body;
    assert!(shown.contains("Paused: on holiday"), "{shown}");
    assert!(shown.contains("Paused. It will not fire"), "{shown}");
    let resumed = web.submit(&page, &format!("{page}/resume"), &[]).await;
    assert_eq!(resumed.status, 303);
    assert_eq!(status().await, "active");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_or_revoking_the_key_ends_the_session() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let by_link = Web::with_link(
        &served,
        &format!(
            "/sign-in/{}",
            link_for(&served, "alice", false, TimeDelta::minutes(10)).await
        ),
    )
    .await;
    let out = by_link.submit("/", "/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert!(out.set_cookie.contains("Max-Age=0"), "{}", out.set_cookie);
    assert_eq!(by_link.get("/").await.status, 303, "the old cookie is dead");

    let by_key = Web::with_key(&served, &alice.key).await;
    assert_eq!(by_key.get("/").await.status, 200);
    let wrong = Web::anonymous(&served)
        .post_raw("/sign-in", &[("key", "stw_nope")])
        .await;
    assert_eq!(wrong.status, 401);
    let store = served.store().await;
    let revoked =
        steward::store::api_keys::revoke(store.pool(), &alice.key[..12], chrono::Utc::now())
            .await
            .unwrap();
    assert!(revoked);
    store.close().await;
    assert_eq!(
        by_key.get("/").await.status,
        303,
        "a revoked key's session ends"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_page_shows_its_steps_and_an_approval_is_answered_from_the_dashboard() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice
        .make(&json!({
            "name": "Careful",
            "trigger": {"kind": "manual"},
            "steps": [
                {"id": "ask", "type": "approval", "prompt": "Ship the release?"},
                {"id": "done", "type": "message", "text": "shipped"}
            ],
        }))
        .await;
    let web = Web::with_key(&served, &alice.key).await;
    let page = format!("/workflows/{id}");
    let started = web
        .submit(
            &page,
            &format!("{page}/run"),
            &[("input", r#"{"who": "me"}"#)],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let mut approvals = String::new();
    for _ in 0..50 {
        approvals = web.get("/approvals").await.body;
        if approvals.contains("Ship the release?") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(approvals.contains("Ship the release?"), "{approvals}");
    let run = approvals
        .split("/runs/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let run_page = web.get(&format!("/runs/{run}")).await.body;
    assert!(
        run_page.contains("waiting") && run_page.contains("Approve"),
        "{run_page}"
    );
    assert!(
        run_page.contains("&#34;who&#34;: &#34;me&#34;") || run_page.contains("\"who\": \"me\""),
        "the input is shown: {run_page}"
    );
    let approved = web
        .submit("/approvals", &format!("/runs/{run}/approve"), &[])
        .await;
    assert_eq!(approved.status, 303);
    let mut shown = String::new();
    for _ in 0..50 {
        shown = web.get(&format!("/runs/{run}")).await.body;
        if shown.contains("badge succeeded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        shown.contains("<code>ask</code>") && shown.contains("<code>done</code>"),
        "{shown}"
    );
    assert!(shown.contains("badge succeeded"), "{shown}");
    let bad_input = web
        .submit(&page, &format!("{page}/run"), &[("input", "{not json")])
        .await;
    assert_eq!(bad_input.status, 400);
    assert!(bad_input.body.contains("not JSON"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_page_shows_its_trigger_next_fire_times_steps_and_limits() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice
        .make(&json!({
            "name": "Status",
            "trigger": {"schedule": "every weekday at 8:30", "timezone": "Europe/Paris"},
            "steps": [{"id": "check", "type": "http", "url": "https://status.example.com"}],
        }))
        .await;
    let web = Web::with_key(&served, &alice.key).await;
    let page = web.get(&format!("/workflows/{id}")).await.body;
    assert!(page.contains("At 08:30 on weekdays"), "{page}");
    assert!(page.contains("Next 10 fire times (Europe/Paris)"), "{page}");
    assert_eq!(
        page.matches(" 08:30 CET</li>").count() + page.matches(" 08:30 CEST</li>").count(),
        10,
        "{page}"
    );
    assert!(page.contains("GET https://status.example.com"), "{page}");
    assert!(page.contains("min per run"), "{page}");
    let confirm = web.get(&format!("/workflows/{id}/delete")).await;
    assert!(confirm.body.contains("cannot be undone"));
    let deleted = web
        .submit(
            &format!("/workflows/{id}/delete"),
            &format!("/workflows/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(deleted.location, "/?done=deleted");
    assert_eq!(
        alice.get(&format!("/api/v1/workflows/{id}")).await.status,
        404
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_makes_a_sign_in_link_at_the_command_line() {
    let served = served().await;
    let bob = Api::of(&served, "bob").await;
    bob.create("Bob's backup").await;
    let mut command = crate::helpers::steward_command();
    command
        .env("STEWARD_DB", &served.db)
        .args(["dashboard", "--user", "root", "--admin"]);
    let (code, out, err) = crate::helpers::output_of(&mut command, None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(as an admin)"), "{out}");
    let path = &out[out.find("/sign-in/").unwrap()..out.find('\n').unwrap()];
    let admin = Web::with_link(&served, path).await;
    assert!(admin.get("/").await.body.contains("Bob"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_is_changed_in_words_as_previewed_and_only_then() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice
        .make(&json!({
            "name": "Standup",
            "trigger": {"schedule": "every day at 9:00", "timezone": "Europe/Paris"},
            "steps": [{"id": "say", "type": "message", "text": "standup"}],
        }))
        .await;
    let web = Web::with_key(&served, &alice.key).await;
    let page = format!("/workflows/{id}");
    let shown = web
        .get(&format!(
            "{page}?schedule=every+day+except+weekends+at+8%3A30"
        ))
        .await
        .body;
    assert!(
        shown.contains("steward reads: <strong>At 08:30 on weekdays"),
        "{shown}"
    );
    assert_eq!(
        shown.matches(" 08:30 CET</li>").count() + shown.matches(" 08:30 CEST</li>").count(),
        10,
        "{shown}"
    );
    let leftover = web
        .get(&format!("{page}?schedule=every+day+at+9+and+email+bob"))
        .await
        .body;
    assert!(leftover.contains("is not about when it runs"), "{leftover}");
    assert!(!leftover.contains("Save this schedule"), "{leftover}");
    let refused = web
        .submit(
            &page,
            &format!("{page}/schedule"),
            &[
                ("schedule", "every day at 9 and email bob"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);

    let version = alice.get(&format!("/api/v1/workflows/{id}")).await.body["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let saved = web
        .submit(
            &page,
            &format!("{page}/schedule"),
            &[
                ("schedule", "every day except weekends at 8:30"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = alice.get(&format!("/api/v1/workflows/{id}")).await.body;
    assert_eq!(
        stored["trigger"]["expression"], "30 8 * * MON-FRI",
        "{stored}"
    );
    assert_eq!(stored["trigger"]["timezone"], "Europe/Paris");
    let stale = web
        .submit(
            &page,
            &format!("{page}/schedule"),
            &[("schedule", "every hour"), ("version", &version)],
        )
        .await;
    assert_eq!(
        stale.status, 409,
        "a change made meanwhile is not overwritten"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_is_filled_in_from_a_form_built_from_its_placeholders() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let web = Web::with_key(&served, &alice.key).await;
    let catalogue = web.get("/templates").await.body;
    assert!(
        catalogue.contains("/templates/website-monitor"),
        "{catalogue}"
    );
    let form = web.get("/templates/website-monitor").await.body;
    assert!(form.contains(r#"name="p.URL""#), "{form}");
    let missing = web
        .submit(
            "/templates/website-monitor",
            "/templates/website-monitor",
            &[("name", "Shop up?"), ("schedule", "every 10 minutes")],
        )
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("URL"), "{}", missing.body);
    assert!(
        missing.body.contains(r#"value="Shop up?""#),
        "what was typed stays: {}",
        missing.body
    );
    let made = web
        .submit(
            "/templates/website-monitor",
            "/templates/website-monitor",
            &[
                ("name", "Shop up?"),
                ("schedule", "every 10 minutes"),
                ("p.URL", "https://shop.example.com"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = web.get(&made.location).await.body;
    assert!(
        page.contains("Shop up?") && page.contains("Every 10 minutes"),
        "{page}"
    );
    assert!(page.contains("https://shop.example.com"), "{page}");
    let listed = alice.get("/api/v1/workflows").await.body;
    assert_eq!(listed["items"][0]["owner"], "alice", "{listed}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_page_shows_health_and_the_audit_log_to_admins_only() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    alice.act(&format!("/api/v1/workflows/{id}/pause")).await;
    let plain = Web::with_key(&served, &alice.key).await;
    assert_eq!(plain.get("/admin").await.status, 404);
    assert!(!plain.get("/").await.body.contains(r#"href="/admin""#));

    let admin = Web::with_key(&served, &key_for(&served, "root", true).await).await;
    let page = admin.get("/admin").await.body;
    assert!(
        page.contains("claims, leases and the run log are writing"),
        "{page}"
    );
    assert!(page.contains("None: every notice was delivered"), "{page}");
    assert!(page.contains("<td data-label=\"Did\">pause</td>"), "{page}");
    assert!(page.contains("<td data-label=\"Who\">alice</td>"), "{page}");
    let filtered = admin.get("/admin?who=nobody").await.body;
    assert!(filtered.contains("Nothing recorded matches"), "{filtered}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholder_values_are_edited_and_a_secret_is_never_shown_back() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let made = alice
        .post(
            "/api/v1/templates/api-health-check/instantiate",
            &json!({"placeholders": {"URL": "https://api.example.com/health", "API_TOKEN": "sk-very-secret-1"}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let web = Web::with_key(&served, &alice.key).await;
    let page = format!("/workflows/{id}");
    let shown = web.get(&page).await.body;
    assert!(
        shown.contains(r#"value="https://api.example.com/health""#),
        "{shown}"
    );
    assert!(
        !shown.contains("sk-very-secret-1"),
        "a secret is never shown back"
    );
    assert!(
        shown.contains(r#"name="p.API_TOKEN" type="password" value="""#),
        "{shown}"
    );

    // The secret left empty keeps its value; the URL changes.
    let saved = web
        .submit(
            &page,
            &format!("{page}/placeholders"),
            &[
                ("p.URL", "https://api.example.com/v2/health"),
                ("p.API_TOKEN", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let store = served.store().await;
    let mut conn = store.connection().await.unwrap();
    let stored = steward::store::workflows::get(&mut conn, id)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    store.close().await;
    assert_eq!(
        stored.placeholders["URL"],
        "https://api.example.com/v2/health"
    );
    assert_eq!(stored.placeholders["API_TOKEN"], "sk-very-secret-1");
    let unknown = web
        .submit(&page, &format!("{page}/placeholders"), &[("p.NOPE", "x")])
        .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("has no placeholder NOPE"),
        "{}",
        unknown.body
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_tells_a_person_of_their_runs_and_no_one_elses() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let mine = alice.create("Mine").await;
    let theirs = bob.create("Theirs").await;
    let web = Web::with_key(&served, &alice.key).await;
    assert_eq!(
        Web::anonymous(&served).get("/events").await.status,
        401,
        "no session: 401, so the browser does not retry"
    );
    let mut response = reqwest::Client::new()
        .get(format!("{}/events", served.base))
        .header("cookie", &web.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    bob.act(&format!("/api/v1/workflows/{theirs}/run?wait=5"))
        .await;
    let ran = alice
        .act(&format!("/api/v1/workflows/{mine}/run?wait=5"))
        .await;
    // Its message needs ${input.who}: it fails, which is an end too.
    assert_eq!(ran.body["status"], "failed", "{}", ran.body);
    let run = ran.body["id"].as_i64().unwrap();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains("\"status\":\"failed\"") {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("the run's end within 5 s; seen: {seen}"))
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: run"), "{seen}");
    assert!(seen.contains(&format!("\"run\":{run}")), "{seen}");
    assert!(seen.contains("\"status\":\"running\""), "{seen}");
    assert!(
        !seen.contains(&format!("\"workflow\":{theirs}")),
        "bob's run is not told to alice: {seen}"
    );
    drop(response);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sends_an_undelivered_notice_again() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let id = alice.create("Morning").await;
    let ran = alice
        .post(
            &format!("/api/v1/workflows/{id}/run?wait=5"),
            &json!({"input": {"who": "me"}}),
        )
        .await;
    let run = ran.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", ran.body));
    let store = served.store().await;
    let entry = json!({"at": "2026-11-30T10:00:00Z", "to": "telegram:42", "notice": format!("[#{id} Morning] hello me"), "error": "chat not found", "attempts": 5});
    steward::store::runs::record_delivery_error(store.pool(), run, &entry)
        .await
        .unwrap();
    store.close().await;
    served.notifier.notices.lock().unwrap().clear();

    let admin = Web::with_key(&served, &key_for(&served, "root", true).await).await;
    let page = admin.get("/admin").await.body;
    assert!(
        page.contains("chat not found") && page.contains("Send again"),
        "{page}"
    );
    let plain = Web::with_key(&served, &alice.key).await;
    let refused = plain
        .submit(
            "/",
            "/admin/retry",
            &[("run", &run.to_string()), ("index", "0")],
        )
        .await;
    assert_eq!(refused.status, 404);
    let sent = admin
        .submit(
            "/admin",
            "/admin/retry",
            &[("run", &run.to_string()), ("index", "0")],
        )
        .await;
    assert_eq!(sent.location, "/admin?done=retried", "{}", sent.body);
    let notices = served.notifier.notices.lock().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    match &notices[0] {
        steward::workflow::notify::Notice::Message {
            audience,
            text,
            run_id,
        } => {
            assert_eq!(audience.to.as_deref(), Some("telegram:42"));
            assert_eq!(text, "hello me", "sent with the words it had, tagged once");
            assert_eq!(*run_id, run);
        }
        other => panic!("{other:?}"),
    }
    let after = admin.get("/admin?done=retried").await.body;
    assert!(!after.contains("chat not found"), "taken back: {after}");
    assert!(after.contains("delivery-retry"), "{after}");
    // Sent again, it failed again here (no Telegram): recorded again, as
    // any notice is. One that is not there any more is said to be gone.
    let gone = admin
        .submit(
            "/admin",
            "/admin/retry",
            &[("run", &run.to_string()), ("index", "9")],
        )
        .await;
    assert_eq!(gone.location, "/admin?done=gone");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_an_https_public_url_the_cookie_is_secure_and_links_use_that_url() {
    let served = crate::helpers::Served::start(&[
        ("STEWARD_API_TOKEN", "chat-token"),
        ("STEWARD_PUBLIC_URL", "https://steward.example.com"),
    ])
    .await;
    let (_, reply) = served
        .chat(
            "chat-token",
            &json!({"conversation_id": "dm", "user_id": "alice", "text": "dashboard"}),
        )
        .await;
    let text = reply["reply"].as_str().unwrap();
    assert!(
        text.contains("https://steward.example.com/sign-in/"),
        "{text}"
    );
    let key = key_for(&served, "alice", false).await;
    let signed = Web::anonymous(&served)
        .post_raw("/sign-in", &[("key", key.as_str())])
        .await;
    assert_eq!(signed.status, 303);
    assert!(
        signed.set_cookie.contains("; Secure"),
        "{}",
        signed.set_cookie
    );
    served.stop().await;
}

//! The dashboard in a real Chromium: sign in with the link chat sent (a
//! second use fails), see only one's own workflows, pause and resume, run
//! now and watch the run appear and finish without reloading, answer an
//! approval, cancel a running run, a form without its token refused, an
//! admin seeing another person's workflow and a plain user getting 404.
//! Screenshots of every page at a desktop's and a phone's width go to
//! `docs/screenshots/`.

use serde_json::json;

use crate::api_client::{key_for, served, Api};
use crate::browser::Browser;
use crate::fake_http::FakeHttp;
use crate::helpers::Served;
use crate::web_client::link_from_chat;

/// Alice's workflows (ids in this order) and Bob's one.
struct World {
    status: i64,
    careful: i64,
    slow: i64,
    fetch: i64,
    bobs: i64,
}

async fn world(served: &Served, http: &FakeHttp) -> World {
    let alice = Api::of(served, "webhook:alice").await;
    let bob = Api::of(served, "webhook:bob").await;
    World {
        status: alice.make(&json!({
            "name": "Status check",
            "trigger": {"schedule": "every weekday at 8:30", "timezone": "Europe/Paris"},
            "steps": [
                {"id": "check", "type": "http", "url": "https://status.example.com"},
                {"id": "tell", "type": "condition", "if": {"left": "${steps.check.output.ok}", "op": "eq", "right": false},
                 "then": [{"id": "down", "type": "message", "text": "The status page is down"}]}
            ],
        })).await,
        careful: alice.make(&json!({
            "name": "Release",
            "trigger": {"kind": "manual"},
            "steps": [
                {"id": "ask", "type": "approval", "prompt": "Ship version 2.4 to production?"},
                {"id": "done", "type": "message", "text": "shipped"}
            ],
        })).await,
        slow: alice.make(&json!({
            "name": "Slow export",
            "trigger": {"kind": "manual"},
            "steps": [{"id": "export", "type": "http", "url": format!("{}/wait/60000", http.base), "timeout_seconds": 90}],
        })).await,
        fetch: alice.make(&json!({
            "name": "Price fetch",
            "trigger": {"schedule": "every hour", "timezone": "Europe/Paris"},
            "steps": [{"id": "fetch", "type": "http", "url": format!("{}/wait/2500", http.base)}],
        })).await,
        bobs: bob.make(&json!({
            "name": "Bob's backup",
            "trigger": {"schedule": "every day at 2am", "timezone": "America/New_York"},
            "steps": [{"id": "hello", "type": "message", "text": "backup done"}],
        })).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_chromium() {
    let http = FakeHttp::start().await;
    let served = served().await;
    let w = world(&served, &http).await;
    let Some(browser) = Browser::start("the_dashboard_in_chromium", &served.base).await else {
        served.stop().await;
        return;
    };
    let link = link_from_chat(&served, "chat-token", "alice").await;
    signs_in_once(&browser, &link).await;
    sees_only_their_own(&browser, &w).await;
    pauses_and_resumes(&browser, &w).await;
    instantiates_a_template(&browser).await;
    watches_a_run_live(&browser, &w).await;
    approves(&browser, &w).await;
    cancels(&browser, &w).await;
    refuses_a_form_without_its_token(&browser, &w).await;
    admin_and_plain_user(&browser, &served, &w).await;
    browser.close().await;
    served.stop().await;
}

async fn signs_in_once(browser: &Browser, link: &str) {
    browser.open(link).await;
    browser.screenshots("sign-in-link").await;
    browser.click("main form button[type=submit]").await;
    browser.until_text("Your workflows", 5).await;
    assert_eq!(browser.path().await, "/");
    // The same link again, in the same browser: spent.
    browser.open(link).await;
    browser.click("main form button[type=submit]").await;
    browser.until_text("already used or has expired", 5).await;
    browser.screenshots("sign-in").await;
}

async fn sees_only_their_own(browser: &Browser, w: &World) {
    browser.open("/").await;
    let text = browser.until_text("Status check", 5).await;
    for name in ["Release", "Slow export", "Price fetch"] {
        assert!(text.contains(name), "{text}");
    }
    assert!(!text.contains("Bob"), "{text}");
    assert!(
        text.contains("At 08:30 on weekdays (Europe/Paris)"),
        "{text}"
    );
    browser.screenshots("workflows").await;
    browser.fill("#q", "slow").await;
    // htmx filters as one types: the list is replaced in place.
    for _ in 0..50 {
        let text = browser.text().await;
        if !text.contains("Status check") {
            assert!(text.contains("Slow export"), "{text}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!browser.text().await.contains("Status check"));
    browser.open(&format!("/workflows/{}", w.status)).await;
    let page = browser
        .until_text("Next 10 fire times (Europe/Paris)", 5)
        .await;
    assert!(page.contains("GET https://status.example.com"), "{page}");
    browser.screenshots("workflow").await;
}

async fn pauses_and_resumes(browser: &Browser, w: &World) {
    browser.open(&format!("/workflows/{}", w.status)).await;
    browser.fill("#note", "on holiday").await;
    browser.click("form[action$='/pause'] button").await;
    let text = browser.until_text("Paused: on holiday", 5).await;
    assert!(text.contains("Paused. It will not fire"), "{text}");
    browser.click("form[action$='/resume'] button").await;
    browser.until_text("Resumed from its next slot", 5).await;
    // The schedule read as one types, without a reload.
    browser
        .fill("#schedule", "every day except weekends at 7:45")
        .await;
    browser
        .until_text_in("#preview", "steward reads: At 07:45 on weekdays", 5)
        .await;
    browser.click("form[action$='/schedule'] button").await;
    let text = browser.until_text("Saved the new schedule", 5).await;
    assert!(
        text.contains("At 07:45 on weekdays (Europe/Paris)"),
        "{text}"
    );
    browser
        .open(&format!("/workflows/{}/delete", w.status))
        .await;
    browser.until_text("cannot be undone", 5).await;
    browser.screenshots("delete").await;
}

async fn instantiates_a_template(browser: &Browser) {
    browser.open("/templates").await;
    browser.until_text("Templates", 5).await;
    browser.screenshots("templates").await;
    browser.click("a[href='/templates/website-monitor']").await;
    browser.until_text("Create the workflow", 5).await;
    browser.fill("#f-name", "Shop up?").await;
    browser.fill("#p-URL", "https://shop.example.com").await;
    browser.screenshots("template").await;
    browser
        .click("form[action='/templates/website-monitor'] button")
        .await;
    let text = browser
        .until_text("Created. It runs on its schedule", 5)
        .await;
    assert!(
        text.contains("Shop up?") && text.contains("https://shop.example.com"),
        "{text}"
    );
}

async fn watches_a_run_live(browser: &Browser, w: &World) {
    browser.open(&format!("/workflows/{}", w.fetch)).await;
    browser.click("form[action$='/run'] button").await;
    browser.until_text("Started a run", 5).await;
    // A mark on this page: a reload would drop it.
    browser
        .client
        .execute("window.steward_mark = 42; return null;", vec![])
        .await
        .unwrap();
    browser.until_text_in("#run-rows", "running", 5).await;
    browser.until_text_in("#run-rows", "succeeded", 10).await;
    let mark = browser
        .client
        .execute("return window.steward_mark || null;", vec![])
        .await
        .unwrap();
    assert_eq!(mark, json!(42), "the run's end came without a reload");
    browser.open(&format!("/workflows/{}", w.fetch)).await;
    let text = browser.until_text("Runs per day", 5).await;
    assert!(text.contains("1 succeeded"), "the chart counts it: {text}");
}

async fn approves(browser: &Browser, w: &World) {
    browser.open(&format!("/workflows/{}", w.careful)).await;
    browser.click("form[action$='/run'] button").await;
    browser.until_text("Started a run", 5).await;
    browser.open("/approvals").await;
    browser
        .until_text("Ship version 2.4 to production?", 5)
        .await;
    browser.screenshots("approvals").await;
    browser.click("form[action$='/approve'] button").await;
    browser.until_text("Approved; the run goes on.", 5).await;
    browser.until_text_in("h1 .badge", "succeeded", 10).await;
    browser.screenshots("run").await;
}

async fn cancels(browser: &Browser, w: &World) {
    browser.open(&format!("/workflows/{}", w.slow)).await;
    browser.click("form[action$='/run'] button").await;
    browser.until_text("Started a run", 5).await;
    browser.click("#run-rows a[href^='/runs/']").await;
    browser.until_text("Cancel the run", 5).await;
    browser.screenshots("run-running").await;
    browser.click("form[action$='/cancel'] button").await;
    browser.until_text("Cancelled.", 5).await;
    browser.until_text_in("h1 .badge", "cancelled", 5).await;
}

async fn refuses_a_form_without_its_token(browser: &Browser, w: &World) {
    browser.open(&format!("/workflows/{}", w.status)).await;
    browser
        .client
        .execute(
            "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = ''); return null;",
            vec![],
        )
        .await
        .unwrap();
    browser.click("form[action$='/pause'] button").await;
    browser
        .until_text("did not carry this session's token", 5)
        .await;
    browser.open(&format!("/workflows/{}", w.status)).await;
    let text = browser.until_text("Status check", 5).await;
    assert!(!text.contains("Paused:"), "{text}");
}

async fn admin_and_plain_user(browser: &Browser, served: &Served, w: &World) {
    // Alice gets 404 for Bob's workflow: the same page as a missing one.
    browser.open(&format!("/workflows/{}", w.bobs)).await;
    let text = browser.until_text("Not found", 5).await;
    assert!(!text.contains("Bob's backup"), "{text}");
    browser.open("/").await;
    browser.click("form[action='/sign-out'] button").await;
    browser.until_text("Sign in", 5).await;
    let admin = key_for(served, "root", true).await;
    browser.fill("#key", &admin).await;
    browser.click("form[action='/sign-in'] button").await;
    let text = browser.until_text("Everyone's workflows", 5).await;
    assert!(
        text.contains("Bob's backup") && text.contains("webhook:bob"),
        "{text}"
    );
    browser.open(&format!("/workflows/{}", w.bobs)).await;
    browser.until_text("America/New_York", 5).await;
    browser.open("/admin").await;
    let text = browser.until_text("Audit log", 5).await;
    assert!(
        text.contains("update"),
        "the schedule change is in the audit log: {text}"
    );
    browser.screenshots("admin").await;
}

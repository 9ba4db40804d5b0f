//! `/api/v1/templates`: the built-in catalogue, saved templates (private to
//! their owner, an admin sees all), filling one in to create a workflow,
//! and changing its placeholder values later with PATCH.

use serde_json::{json, Map, Value};

use crate::api_client::{served, Api};

/// A template's placeholders filled with their examples.
fn examples(template: &Value) -> Value {
    let mut values = Map::new();
    for p in template["placeholders"].as_array().unwrap() {
        values.insert(p["name"].as_str().unwrap().into(), p["example"].clone());
    }
    Value::Object(values)
}

async fn all_templates(api: &Api<'_>) -> Vec<Value> {
    let page = api.get("/api/v1/templates?limit=100").await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.body["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_lists_at_least_ten_templates_with_described_placeholders() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let all = all_templates(&alice).await;
    assert!(all.len() >= 10, "{}", all.len());
    for template in &all {
        assert_eq!(template["source"], "builtin");
        for p in template["placeholders"].as_array().unwrap() {
            assert!(!p["description"].as_str().unwrap().is_empty(), "{p}");
            assert!(!p["example"].as_str().unwrap().is_empty(), "{p}");
        }
    }
    let one = alice.get("/api/v1/templates/website-monitor").await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["default_schedule"], "every 5 minutes");
    assert_eq!(one.body["placeholders"][0]["name"], "URL");
    alice
        .get("/api/v1/templates/no-such-thing")
        .await
        .assert_error(404, None);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_template_filled_with_its_examples_passes_the_checks_of_post_workflows() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    for template in all_templates(&alice).await {
        let id = template["id"].as_str().unwrap();
        let answer = alice
            .post(
                &format!("/api/v1/templates/{id}/instantiate?dry_run=true"),
                &json!({ "placeholders": examples(&template) }),
            )
            .await;
        assert_eq!(answer.status, 200, "{id}: {}", answer.body);
        assert_eq!(answer.body["valid"], true);
        assert_eq!(answer.body["next"].as_array().unwrap().len(), 5, "{id}");
    }
    assert!(alice.get("/api/v1/workflows").await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instantiating_creates_the_workflow_and_refusals_name_the_field() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let path = "/api/v1/templates/website-monitor/instantiate";
    let created = alice
        .post(
            path,
            &json!({"placeholders": {"URL": "https://example.com"}, "schedule": "every 10 minutes", "name": "Example up"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(
        created.header("location"),
        format!("/api/v1/workflows/{id}")
    );
    assert_eq!(created.body["name"], "Example up");
    assert_eq!(created.body["owner"], "alice");
    assert_eq!(created.body["trigger"]["kind"], "interval");
    assert_eq!(created.body["placeholders"], json!(["URL"]));

    let health = "/api/v1/templates/api-health-check/instantiate";
    let missing = alice.post(health, &json!({})).await;
    missing.assert_error(422, Some("placeholders.URL"));
    let message = missing.body["error"].as_str().unwrap();
    assert!(
        message.contains("URL") && message.contains("API_TOKEN"),
        "{message}"
    );
    alice
        .post(
            health,
            &json!({"placeholders": {"URL": "https://a.example"}}),
        )
        .await
        .assert_error(422, Some("placeholders.API_TOKEN"));
    let cases = [
        (
            json!({"placeholders": {"URL": "https://a.example", "NOPE": "x"}}),
            "placeholders.NOPE",
        ),
        (json!({"placeholders": {"URL": 5}}), "placeholders.URL"),
        (
            json!({"placeholders": {"URL": "https://a.example"}, "schedule": "every blursday"}),
            "schedule",
        ),
        (
            json!({"placeholders": {"URL": "https://a.example"}, "colour": "red"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        alice.post(path, &body).await.assert_error(422, Some(field));
    }
    alice
        .post("/api/v1/templates/nope/instantiate", &json!({}))
        .await
        .assert_error(404, None);
    alice
        .send(
            reqwest::Method::POST,
            &format!("{path}?dry_run=maybe"),
            Some(&json!({})),
            &[],
        )
        .await
        .assert_error(400, Some("dry_run"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_templates_are_private_keep_no_secret_and_only_their_owner_or_an_admin_sees_them() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let bob = Api::of(&served, "bob").await;
    let admin = Api::admin(&served, "root").await;
    let created = alice
        .post(
            "/api/v1/templates/api-health-check/instantiate",
            &json!({"placeholders": {"URL": "https://api.example.com/health", "API_TOKEN": "tok-very-secret-123"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(!created.body.to_string().contains("tok-very-secret-123"));
    let workflow_id = created.body["id"].as_i64().unwrap();

    let saved = alice
        .post(
            "/api/v1/templates",
            &json!({"workflow_id": workflow_id, "name": "My API check"}),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let id = saved.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("user-"), "{id}");
    assert_eq!(saved.header("location"), format!("/api/v1/templates/{id}"));
    assert_eq!(saved.body["source"], "user");
    assert_eq!(saved.body["owner"], "alice");
    assert!(!saved.body.to_string().contains("tok-very-secret-123"));
    let token = &saved.body["placeholders"].as_array().unwrap()[0];
    assert_eq!(
        (token["name"].as_str(), token["secret"].as_bool()),
        (Some("API_TOKEN"), Some(true))
    );

    let path = format!("/api/v1/templates/{id}");
    let read = alice.get(&path).await;
    assert_eq!(read.status, 200);
    assert!(!read.body.to_string().contains("tok-very-secret-123"));
    assert_eq!(
        all_templates(&alice).await.last().unwrap()["id"],
        id.as_str()
    );
    bob.get(&path).await.assert_error(404, None);
    bob.post(&format!("{path}/instantiate"), &json!({}))
        .await
        .assert_error(404, None);
    bob.delete(&path).await.assert_error(404, None);
    assert!(all_templates(&bob)
        .await
        .iter()
        .all(|t| t["id"] != id.as_str()));
    bob.post("/api/v1/templates", &json!({"workflow_id": workflow_id}))
        .await
        .assert_error(404, None);
    assert_eq!(admin.get(&path).await.status, 200);
    assert!(all_templates(&admin)
        .await
        .iter()
        .any(|t| t["id"] == id.as_str()));
    let for_admin = admin
        .post(
            &format!("{path}/instantiate"),
            &json!({"placeholders": {"URL": "https://c.example", "API_TOKEN": "admins-own"}}),
        )
        .await;
    assert_eq!(for_admin.status, 201, "{}", for_admin.body);
    assert_eq!(for_admin.body["owner"], "root");

    // A retried save with the same Idempotency-Key saves once.
    let save = |key: &'static str| {
        let alice = &alice;
        async move {
            alice
                .send(
                    reqwest::Method::POST,
                    "/api/v1/templates",
                    Some(&json!({"workflow_id": workflow_id})),
                    &[("idempotency-key", key)],
                )
                .await
        }
    };
    let first = save("s-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = save("s-1").await;
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(again.header("idempotent-replayed"), "true");
    let saved_ones = all_templates(&alice).await;
    assert_eq!(
        saved_ones.iter().filter(|t| t["source"] == "user").count(),
        2
    );

    // Filling it in asks for the secret again.
    alice
        .post(
            &format!("{path}/instantiate"),
            &json!({"placeholders": {"URL": "https://b.example"}}),
        )
        .await
        .assert_error(422, Some("placeholders.API_TOKEN"));
    alice
        .post("/api/v1/templates", &json!({}))
        .await
        .assert_error(422, Some("workflow_id"));
    alice
        .delete("/api/v1/templates/website-monitor")
        .await
        .assert_error(403, None);
    let deleted = alice.delete(&path).await;
    assert_eq!(deleted.status, 204);
    alice.get(&path).await.assert_error(404, None);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_templates_follow_the_cursor_and_refuse_bad_limits_and_cursors() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let total = all_templates(&alice).await.len();
    let mut seen = Vec::new();
    let mut path = "/api/v1/templates?limit=5".to_string();
    loop {
        let page = alice.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for t in page.body["items"].as_array().unwrap() {
            seen.push(t["id"].as_str().unwrap().to_string());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/templates?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    seen.dedup();
    assert_eq!(seen.len(), total, "no repeats");
    for bad in ["limit=0", "limit=101", "limit=x"] {
        alice
            .get(&format!("/api/v1/templates?{bad}"))
            .await
            .assert_error(400, Some("limit"));
    }
    let workflows_cursor = "dzo0Mg"; // "w:42"
    for cursor in ["not-a-cursor!", workflows_cursor] {
        alice
            .get(&format!("/api/v1/templates?cursor={cursor}"))
            .await
            .assert_error(400, Some("cursor"));
    }
    alice
        .get("/api/v1/templates?colour=red")
        .await
        .assert_error(400, Some("colour"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_instantiate_with_the_same_idempotency_key_creates_once() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let body = json!({"placeholders": {"URL": "https://example.com"}});
    let path = "/api/v1/templates/website-monitor/instantiate";
    let send = |body: Value| {
        let alice = &alice;
        async move {
            alice
                .send(
                    reqwest::Method::POST,
                    path,
                    Some(&body),
                    &[("idempotency-key", "t-1")],
                )
                .await
        }
    };
    let first = send(body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = send(body).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(
        alice.get("/api/v1/workflows").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    send(json!({"placeholders": {"URL": "https://other.example"}}))
        .await
        .assert_error(422, Some("Idempotency-Key"));
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholder_values_change_with_patch_never_show_and_a_stale_if_match_is_refused() {
    let served = served().await;
    let alice = Api::of(&served, "alice").await;
    let created = alice
        .post(
            "/api/v1/templates/api-health-check/instantiate",
            &json!({"placeholders": {"URL": "https://api.example.com", "API_TOKEN": "first-secret-value"}}),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/workflows/{id}");
    let changed = alice
        .patch(
            &path,
            1,
            &json!({"placeholders": {"API_TOKEN": "second-secret-value"}}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["version"], 2);
    assert_eq!(changed.body["placeholders"], json!(["API_TOKEN", "URL"]));
    let read = alice.get(&path).await.body.to_string();
    assert!(!read.contains("first-secret-value") && !read.contains("second-secret-value"));
    alice
        .patch(
            &path,
            1,
            &json!({"placeholders": {"URL": "https://b.example"}}),
        )
        .await
        .assert_error(412, None);
    Api::of(&served, "bob")
        .await
        .patch(
            &path,
            2,
            &json!({"placeholders": {"URL": "https://b.example"}}),
        )
        .await
        .assert_error(404, None);
    served.stop().await;
}

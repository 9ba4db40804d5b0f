//! A client of the REST API for the `api_*` tests: keys made in the served
//! database, requests with a key, answers as (status, JSON, headers).

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use steward::store::api_keys::{self, NewKey};

use crate::helpers::Served;

/// Makes a key for `user` in `served`'s database; returns the key.
pub async fn key_for(served: &Served, user: &str, admin: bool) -> String {
    let store = served.store().await;
    let (key, prefix) = api_keys::generate().unwrap();
    let hash = api_keys::hash(&key);
    let new = NewKey {
        prefix: &prefix,
        hash: &hash,
        name: "test",
        user,
        admin,
    };
    api_keys::insert(store.pool(), &new, chrono::Utc::now())
        .await
        .unwrap();
    store.close().await;
    key
}

/// An answer: status, JSON body (null when none), headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Answer {
    /// A header's value, or "".
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// Fails the test unless the body is the one error shape with a message
    /// and, when given, that field.
    pub fn assert_error(&self, status: u16, field: Option<&str>) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{}",
            self.body
        );
        assert_eq!(
            self.body.get("field").and_then(Value::as_str),
            field,
            "{}",
            self.body
        );
    }
}

/// Requests to `served` with one key.
pub struct Api<'a> {
    pub served: &'a Served,
    pub key: String,
}

impl<'a> Api<'a> {
    /// A client with a new key for `user`.
    pub async fn of(served: &'a Served, user: &str) -> Api<'a> {
        Api {
            served,
            key: key_for(served, user, false).await,
        }
    }

    /// A client with a new admin key for `user`.
    pub async fn admin(served: &'a Served, user: &str) -> Api<'a> {
        Api {
            served,
            key: key_for(served, user, true).await,
        }
    }

    /// Sends `method path` with `body` and extra `headers`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = reqwest::Client::new()
            .request(method.clone(), format!("{}{path}", self.served.base))
            .bearer_auth(&self.key);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let method_name = method.as_str().to_string();
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        let document = crate::api_schema::document(&self.served.base).await;
        crate::api_schema::check(document, &method_name, path, status, &body);
        Answer {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    /// POST without a body.
    pub async fn act(&self, path: &str) -> Answer {
        self.send(Method::POST, path, None, &[]).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, &[]).await
    }

    /// PATCH with `If-Match: "<version>"`.
    pub async fn patch(&self, path: &str, version: i64, body: &Value) -> Answer {
        let tag = format!("\"{version}\"");
        self.send(Method::PATCH, path, Some(body), &[("if-match", &tag)])
            .await
    }

    /// Creates a workflow named `name` firing every day at 9 (UTC); its id.
    pub async fn create(&self, name: &str) -> i64 {
        self.make(&definition(name)).await
    }

    /// Creates the workflow `body` defines; its id (the test fails unless 201).
    pub async fn make(&self, body: &Value) -> i64 {
        let answer = self.post("/api/v1/workflows", body).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.body["id"].as_i64().unwrap()
    }
}

/// A definition firing every day at 9:00 UTC with one message step.
pub fn definition(name: &str) -> Value {
    json!({
        "name": name,
        "trigger": {"schedule": "every day at 9:00", "timezone": "UTC"},
        "steps": [{"id": "hello", "type": "message", "text": "hello ${input.who}"}],
    })
}

/// A served steward for REST tests.
pub async fn served() -> Served {
    Served::start(&[("STEWARD_API_TOKEN", "chat-token")]).await
}

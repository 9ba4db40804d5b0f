//! A browser without a browser, for the dashboard's HTTP tests: signs in
//! with a link or a key, keeps the session cookie, reads pages and posts
//! forms with the page's CSRF token.

use chrono::{TimeDelta, Utc};
use reqwest::redirect::Policy;
use serde_json::json;
use steward::store::api_keys;
use steward::store::web_sessions::{self, Person};

use crate::helpers::Served;

/// A page or a form's answer: status, body, where it redirects.
pub struct Shown {
    pub status: u16,
    pub body: String,
    pub location: String,
    pub set_cookie: String,
}

/// One browser's session with `served`.
pub struct Web<'a> {
    pub served: &'a Served,
    pub cookie: String,
    client: reqwest::Client,
}

/// A client that does not follow redirects, so each step is seen.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A sign-in link's token for `user`, stored in `served`'s database as
/// chat would, valid from `valid_for` (negative: expired).
pub async fn link_for(served: &Served, user: &str, admin: bool, valid_for: TimeDelta) -> String {
    let store = served.store().await;
    let token = web_sessions::token().unwrap();
    let now = Utc::now();
    let person = Person {
        user: user.into(),
        admin,
    };
    web_sessions::insert_link(
        store.pool(),
        &api_keys::hash(&token),
        &person,
        now,
        now + valid_for,
    )
    .await
    .unwrap();
    store.close().await;
    token
}

/// A sign-in link from the chat API ("dashboard"), as its path.
pub async fn link_from_chat(served: &Served, token: &str, user: &str) -> String {
    let (status, reply) = served
        .chat(
            token,
            &json!({"conversation_id": format!("dm-{user}"), "user_id": user, "text": "dashboard"}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let text = reply["reply"].as_str().unwrap();
    let at = text
        .find("/sign-in/")
        .unwrap_or_else(|| panic!("no link in {text}"));
    text[at..].split_whitespace().next().unwrap().to_string()
}

impl<'a> Web<'a> {
    /// Nobody signed in yet.
    pub fn anonymous(served: &'a Served) -> Web<'a> {
        Web {
            served,
            cookie: String::new(),
            client: client(),
        }
    }

    /// Signed in with the link at `path` (`/sign-in/<token>`).
    pub async fn with_link(served: &'a Served, path: &str) -> Web<'a> {
        let mut web = Web::anonymous(served);
        let used = web.post_raw(path, &[]).await;
        assert_eq!(used.status, 303, "{}", used.body);
        web.keep_cookie(&used);
        web
    }

    /// Signed in with an API key.
    pub async fn with_key(served: &'a Served, key: &str) -> Web<'a> {
        let mut web = Web::anonymous(served);
        let used = web
            .post_raw("/sign-in", &[("key", key), ("next", "/")])
            .await;
        assert_eq!(used.status, 303, "{}", used.body);
        web.keep_cookie(&used);
        web
    }

    /// Keeps the session cookie an answer set.
    pub fn keep_cookie(&mut self, shown: &Shown) {
        let pair = shown.set_cookie.split(';').next().unwrap_or_default();
        assert!(pair.starts_with("steward_session="), "{}", shown.set_cookie);
        self.cookie = pair.to_string();
    }

    async fn shown(response: reqwest::Response) -> Shown {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (location, set_cookie) = (header("location"), header("set-cookie"));
        Shown {
            status: response.status().as_u16(),
            location,
            set_cookie,
            body: response.text().await.unwrap(),
        }
    }

    /// `GET path` with the session.
    pub async fn get(&self, path: &str) -> Shown {
        let response = self
            .client
            .get(format!("{}{path}", self.served.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        Web::shown(response).await
    }

    /// `POST path` with `fields` as a form and nothing else.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Shown {
        let response = self
            .client
            .post(format!("{}{path}", self.served.base))
            .header("cookie", &self.cookie)
            .form(fields)
            .send()
            .await
            .unwrap();
        Web::shown(response).await
    }

    /// Posts a form of the page at `page` to `path`, with the page's CSRF
    /// token and `fields`.
    pub async fn submit(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Shown {
        let shown = self.get(page).await;
        assert_eq!(shown.status, 200, "{}", shown.body);
        let csrf = csrf_of(&shown.body);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_of(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .expect("the page has a form with a CSRF token")
        + r#"name="csrf" value=""#.len();
    page[at..].split('"').next().unwrap().to_string()
}

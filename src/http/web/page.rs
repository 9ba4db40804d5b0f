//! What every page shares: the chrome (who is signed in, the CSRF token),
//! rendering a template, the error page, and the headers every answer
//! carries.

use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::manage::ManageError;

/// The page chrome: who is signed in, and the token forms send back.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub user: Option<String>,
    pub admin: bool,
    pub csrf: String,
    /// Which main page this is ("workflows", "approvals"), for `aria-current`.
    pub here: &'static str,
    /// What the last action did, shown at the top.
    pub notice: Option<String>,
}

impl Nav {
    /// Nobody signed in.
    pub fn anonymous() -> Nav {
        Nav::default()
    }
}

/// Renders `page`, or the error page when a template fails.
pub fn render(page: &impl Template) -> Result<Html<String>, WebError> {
    page.render().map(Html).map_err(|error| {
        tracing::error!(%error, "a dashboard page failed to render");
        WebError::internal()
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    nav: Nav,
    title: &'a str,
    text: &'a str,
    back: &'a str,
    back_label: &'a str,
}

/// A page that could not be shown, or an action that was refused: the
/// status and a sentence for the person.
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub title: String,
    pub text: String,
}

impl WebError {
    pub fn new(status: StatusCode, title: &str, text: &str) -> WebError {
        WebError {
            status,
            title: title.into(),
            text: text.into(),
        }
    }

    pub fn internal() -> WebError {
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "steward could not do that; the cause is in its log. Try again in a moment.",
        )
    }

    pub fn not_found() -> WebError {
        WebError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing here, or it is not yours to see.",
        )
    }
}

impl From<ManageError> for WebError {
    fn from(error: ManageError) -> WebError {
        let text = error.for_user();
        let (status, title) = match &error {
            ManageError::NotFound(_)
            | ManageError::RunNotFound(_)
            | ManageError::TemplateNotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
            ManageError::NotAllowed(_) => (StatusCode::FORBIDDEN, "Not allowed"),
            ManageError::Conflict(_) | ManageError::Stale { .. } => {
                (StatusCode::CONFLICT, "It changed meanwhile")
            }
            ManageError::OverQuota(_) | ManageError::OverCeiling(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "Over a limit")
            }
            ManageError::Invalid(_) | ManageError::UnknownPerson(_) => {
                (StatusCode::BAD_REQUEST, "That did not work")
            }
            ManageError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"),
        };
        WebError::new(status, title, &text)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = Message {
            nav: Nav::anonymous(),
            title: &self.title,
            text: &self.text,
            back: "/",
            back_label: "Back to your workflows",
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.text).into_response(),
        }
    }
}

/// Headers on every dashboard answer: nothing from other origins (the
/// scripts are served here), never in a frame, never in a shared cache;
/// and a state-changing request another site started is refused.
pub async fn guard(request: Request, next: Next) -> Response {
    if request.method() == Method::POST {
        let cross_site = request
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| site == "cross-site");
        if cross_site {
            return WebError::new(
                StatusCode::FORBIDDEN,
                "Refused",
                "A form from another site cannot act on your workflows.",
            )
            .into_response();
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

//! Signing in to the dashboard from chat: a one-time link, valid ten
//! minutes, made for the person asking and used once by the browser that
//! opens it. Only the link's hash is stored.

use chrono::TimeDelta;

use super::{Actor, ManageError, Manager};
use crate::store::web_sessions::{self, Person};
use crate::store::{api_keys, audit};

/// How long a sign-in link stays valid.
pub const LINK_LIFETIME: TimeDelta = TimeDelta::minutes(10);

impl Manager {
    /// A new sign-in link's token for `actor` (shown to them once).
    pub async fn sign_in_link(&self, actor: &Actor) -> Result<String, ManageError> {
        let token = web_sessions::token()?;
        let now = self.now();
        let person = Person {
            user: actor.id.clone(),
            admin: actor.admin,
        };
        web_sessions::insert_link(
            self.store.pool(),
            &api_keys::hash(&token),
            &person,
            now,
            now + LINK_LIFETIME,
        )
        .await?;
        let mut conn = self.store.connection().await?;
        audit::record(&mut conn, &actor.id, None, "dashboard-link", None, now).await?;
        Ok(token)
    }

    /// Whom the link with `token` signs in; `None` when it does not exist,
    /// expired or was used. Using it spends it.
    pub async fn use_sign_in_link(&self, token: &str) -> Result<Option<Actor>, ManageError> {
        let now = self.now();
        let Some(person) =
            web_sessions::use_link(self.store.pool(), &api_keys::hash(token), now).await?
        else {
            return Ok(None);
        };
        let mut conn = self.store.connection().await?;
        audit::record(
            &mut conn,
            &person.user,
            None,
            "dashboard-sign-in",
            None,
            now,
        )
        .await?;
        Ok(Some(Actor {
            id: person.user,
            admin: person.admin,
            manages: None,
        }))
    }
}

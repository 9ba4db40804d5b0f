//! A person's own REST API keys, asked for in chat: made (shown once,
//! stored as a hash with a visible prefix), listed and revoked. Keys made
//! here are never admin keys; those come from `steward keys create --admin`.

use super::{Actor, ManageError, Manager};
use crate::store::api_keys::{self, ApiKey, NewKey};
use crate::store::audit;

/// A key just made: the whole key (shown once, never stored) and its prefix.
#[derive(Clone, Debug)]
pub struct MadeKey {
    pub key: String,
    pub prefix: String,
}

impl Manager {
    /// Makes a key for `actor` named `name`.
    pub async fn make_api_key(&self, actor: &Actor, name: &str) -> Result<MadeKey, ManageError> {
        let (key, prefix) = api_keys::generate()?;
        let hash = api_keys::hash(&key);
        let now = self.now();
        let new = NewKey {
            prefix: &prefix,
            hash: &hash,
            name,
            user: &actor.id,
            admin: false,
        };
        api_keys::insert(self.store.pool(), &new, now).await?;
        let mut conn = self.store.connection().await?;
        audit::record(
            &mut conn,
            &actor.id,
            None,
            "api-key-create",
            Some(&prefix),
            now,
        )
        .await?;
        Ok(MadeKey { key, prefix })
    }

    /// `actor`'s keys, oldest first, revoked ones included.
    pub async fn api_keys(&self, actor: &Actor) -> Result<Vec<ApiKey>, ManageError> {
        Ok(api_keys::list(self.store.reader(), Some(&actor.id)).await?)
    }

    /// Revokes every key of `actor` still in use; how many.
    pub async fn revoke_api_keys(&self, actor: &Actor) -> Result<usize, ManageError> {
        let now = self.now();
        let mut revoked = 0;
        for key in self.api_keys(actor).await? {
            if key.revoked_at.is_none()
                && api_keys::revoke(self.store.pool(), &key.id.to_string(), now).await?
            {
                revoked += 1;
                let mut conn = self.store.connection().await?;
                audit::record(
                    &mut conn,
                    &actor.id,
                    None,
                    "api-key-revoke",
                    Some(&key.prefix),
                    now,
                )
                .await?;
            }
        }
        Ok(revoked)
    }
}

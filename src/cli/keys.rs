//! `steward keys create --user NAME [--admin] [--name LABEL]`, `keys list
//! [--user NAME] [--json]`, `keys revoke ID_OR_PREFIX`: the REST API's
//! per-user keys. A key is printed once, at creation; steward keeps only its
//! SHA-256 and its prefix.

use clap::Subcommand;
use serde_json::{json, Value};

use super::{instant, Printed};
use crate::config::Config;
use crate::store::api_keys::{self, ApiKey, NewKey};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a key for a user and print it (once).
    Create {
        /// The user whose workflows the key sees and manages (as workflows'
        /// `owner` names them).
        #[arg(long)]
        user: String,
        /// The key sees and manages everyone's workflows.
        #[arg(long)]
        admin: bool,
        /// A label to tell keys apart ("laptop", "ci").
        #[arg(long, default_value = "default")]
        name: String,
    },
    /// List keys (never the keys themselves).
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id or its prefix (`stw_ab12cd34`).
    Revoke { key: String },
}

/// Runs a `keys` command.
pub async fn run_keys(command: KeysCommand, config: &Config) -> Printed {
    let json = matches!(command, KeysCommand::List { json: true, .. });
    let store = match Store::open_with_key(&config.db_path, config.encryption_key.as_ref()).await {
        Ok(store) => store,
        Err(e) => {
            return Printed::error(
                format!("opening {}: {e}", config.db_path.display()),
                json,
                2,
            )
        }
    };
    let printed = match execute(command, &store).await {
        Ok(printed) => printed,
        Err(message) => Printed::error(message, json, 2),
    };
    store.close().await;
    printed
}

async fn execute(command: KeysCommand, store: &Store) -> Result<Printed, String> {
    let now = chrono::Utc::now();
    match command {
        KeysCommand::Create { user, admin, name } => {
            let (user, name) = (user.trim(), name.trim());
            if user.is_empty() || name.is_empty() {
                return Err("--user and --name must not be empty".into());
            }
            let (key, prefix) = api_keys::generate().map_err(|e| e.to_string())?;
            let hash = api_keys::hash(&key);
            let new = NewKey {
                prefix: &prefix,
                hash: &hash,
                name,
                user,
                admin,
            };
            let id = api_keys::insert(store.pool(), &new, now)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Printed::ok(format!(
                "{key}\nKey {id} ({prefix}…, \"{name}\") for {user}{}. It is shown only now: keep it somewhere safe.\n",
                if admin { ", admin" } else { "" }
            )))
        }
        KeysCommand::List { user, json } => {
            let keys = api_keys::list(store.pool(), user.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            Ok(Printed::ok(if json {
                let items: Vec<Value> = keys.iter().map(key_json).collect();
                format!("{}\n", Value::Array(items))
            } else {
                listing(&keys)
            }))
        }
        KeysCommand::Revoke { key } => {
            let done = api_keys::revoke(store.pool(), key.trim(), now)
                .await
                .map_err(|e| e.to_string())?;
            if !done {
                return Err(format!(
                    "no key '{}' that is not already revoked; see `steward keys list`",
                    crate::text::clip(&key, 40)
                ));
            }
            Ok(Printed::ok(format!("Revoked {}.\n", key.trim())))
        }
    }
}

fn listing(keys: &[ApiKey]) -> String {
    if keys.is_empty() {
        return "No API keys. Make one with `steward keys create --user NAME`.\n".into();
    }
    let mut out = String::new();
    for key in keys {
        let used = key.last_used_at.map_or("never used".to_string(), |at| {
            format!("last used {}", instant(at))
        });
        let state = match key.revoked_at {
            Some(at) => format!("revoked {}", instant(at)),
            None => "active".into(),
        };
        out.push_str(&format!(
            "{} {}… \"{}\" user {}{} — {state}, {used}\n",
            key.id,
            key.prefix,
            key.name,
            key.user,
            if key.admin { " (admin)" } else { "" }
        ));
    }
    out
}

fn key_json(key: &ApiKey) -> Value {
    json!({
        "id": key.id,
        "prefix": key.prefix,
        "name": key.name,
        "user": key.user,
        "admin": key.admin,
        "created_at": instant(key.created_at),
        "last_used_at": key.last_used_at.map(instant),
        "revoked_at": key.revoked_at.map(instant),
    })
}

//! `steward dashboard --user NAME [--admin]`: a one-time sign-in link to
//! the web dashboard for NAME (valid 10 minutes, used once), as chat's
//! "dashboard" gives; for an operator, or a person on no chat platform.

use std::sync::Arc;

use super::Printed;
use crate::app::App;
use crate::chat::terminal::TerminalNotifier;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::manage::{Actor, LINK_LIFETIME};
use crate::store::Store;

/// Prints a sign-in link for `user`.
pub async fn run_dashboard(user: &str, admin: bool, config: &Config) -> Printed {
    let user = user.trim();
    if user.is_empty() {
        return Printed::error("give the person's id with --user", false, 2);
    }
    let store = match Store::open_with_key(&config.db_path, config.encryption_key.as_ref()).await {
        Ok(store) => store,
        Err(e) => {
            return Printed::error(
                format!("opening {}: {e}", config.db_path.display()),
                false,
                2,
            )
        }
    };
    let app = match App::on_store(
        config,
        store.clone(),
        Arc::new(TerminalNotifier { quiet: true }),
        Arc::new(SystemClock),
    ) {
        Ok(app) => app,
        Err(e) => return Printed::error(format!("{e:#}"), false, 2),
    };
    let actor = Actor {
        id: user.to_string(),
        admin,
        manages: None,
    };
    let made = app.manager(config).sign_in_link(&actor).await;
    store.close().await;
    match made {
        Ok(token) => Printed::ok(format!(
            "{}/sign-in/{token}\nSigns {user}{} in to the dashboard once, within {} minutes.\n",
            config.http.public_url,
            if admin { " (as an admin)" } else { "" },
            LINK_LIFETIME.num_minutes()
        )),
        Err(e) => Printed::error(e.for_user(), false, 1),
    }
}

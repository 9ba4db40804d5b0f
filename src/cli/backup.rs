//! `steward backup FILE`: a consistent copy of the SQLite store, taken while
//! `serve` runs (`VACUUM INTO`, one read transaction: nothing stops, and
//! the copy is compact). Restore by stopping steward and putting the copy
//! in place of the database file (docs/operations.md).

use std::path::Path;

use super::Printed;
use crate::config::Config;
use crate::store::Store;

/// Copies the store to `file`, which must not exist.
pub async fn run_backup(file: &Path, config: &Config) -> Printed {
    if file.exists() {
        return Printed::error(
            format!("{} exists; give a new file name", file.display()),
            false,
            2,
        );
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
    let copied = store.backup(file).await;
    store.close().await;
    match copied {
        Ok(()) => {
            let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            Printed::ok(format!(
                "Backed up {} to {} ({size} bytes).\n",
                config.db_path.display(),
                file.display()
            ))
        }
        Err(e) => Printed::error(format!("backing up: {e}"), false, 1),
    }
}

//! Configuration from the environment, with embedded defaults so steward runs
//! with nothing set.

use std::path::PathBuf;

use crate::schedule::{Zone, DEFAULT_MIN_INTERVAL_SECONDS};

/// Settings shared by every command.
#[derive(Clone, Debug)]
pub struct Config {
    /// The zone for schedules when neither the workflow nor the user names one
    /// (`STEWARD_TIMEZONE`, default UTC).
    pub default_zone: Zone,
    /// The shortest interval a schedule may have (`STEWARD_MIN_INTERVAL_SECONDS`,
    /// default 60).
    pub min_interval_seconds: i64,
    /// The SQLite file (`--db`, `STEWARD_DB`, default `./steward.db`).
    pub db_path: PathBuf,
}

/// A setting that could not be read; names the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("STEWARD_TIMEZONE: {0}")]
    Zone(#[from] crate::schedule::UnknownZone),
    #[error(
        "STEWARD_MIN_INTERVAL_SECONDS must be a whole number of seconds of at least 1, not '{0}'"
    )]
    MinInterval(String),
}

impl Config {
    /// Reads the environment; unset variables take their defaults.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let default_zone = match lookup("STEWARD_TIMEZONE").filter(|v| !v.trim().is_empty()) {
            Some(name) => name.parse()?,
            None => Zone::UTC,
        };
        let min_interval_seconds = match lookup("STEWARD_MIN_INTERVAL_SECONDS") {
            Some(value) => value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 1)
                .ok_or(ConfigError::MinInterval(value))?,
            None => DEFAULT_MIN_INTERVAL_SECONDS,
        };
        let db_path = lookup("STEWARD_DB")
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("steward.db"));
        Ok(Config {
            default_zone,
            min_interval_seconds,
            db_path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_nothing_set() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.default_zone, Zone::UTC);
        assert_eq!(config.min_interval_seconds, 60);
        assert_eq!(config.db_path, PathBuf::from("steward.db"));
    }

    #[test]
    fn a_bad_zone_names_the_variable() {
        let err = Config::from_lookup(|n| (n == "STEWARD_TIMEZONE").then(|| "Mars/Base".into()))
            .unwrap_err();
        assert!(err.to_string().starts_with("STEWARD_TIMEZONE"), "{err}");
    }
}

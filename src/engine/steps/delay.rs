//! `delay`: waits a number of seconds (at most a day).

use serde_json::{json, Value};
use std::time::Duration;

use super::failed;
use crate::engine::Stop;
use crate::workflow::Step;

pub(super) async fn run(step: &Step, seconds: f64) -> Result<Value, Stop> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(failed(step)(format!("cannot wait {seconds} seconds")));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds.min(86_400.0))).await;
    Ok(json!({ "waited_seconds": seconds }))
}

//! Retention (`serve --retention`): what is older than the limit goes, in the background, a
//! bounded step at a time; and, on Postgres, the daily partitions of `points` made ahead of the
//! data whether retention is on or not.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Service, ServiceResult};
use crate::store::{Removed, is_lock_timeout};

/// Rows one retention step removes at most (a partition goes whole). A step of this size holds
/// the rows it deletes for a few milliseconds.
pub const SWEEP_BATCH: i64 = 5_000;

/// How often `serve` makes partitions ahead and, with retention on, sweeps.
pub const MAINTENANCE_EVERY: Duration = Duration::from_secs(3600);

/// The pause between two steps of a sweep: it leaves the database to requests in between.
const BETWEEN_STEPS: Duration = Duration::from_millis(10);

/// Steps in a row that may give up on a lock (another request held it longer than the step
/// would wait) before the sweep stops until the next round.
const LOCK_RETRIES: u32 = 20;

impl Service {
    /// Removes what is older than `keep` before `now` (points by their time, verdicts by when
    /// they were evaluated, then deployments last changed before then and left with neither), a
    /// step of at most [`SWEEP_BATCH`] rows or one partition at a time, until nothing is left;
    /// returns what it removed, also counted in `/metrics`.
    pub async fn sweep(&self, keep: Duration, now: DateTime<Utc>) -> ServiceResult<Removed> {
        let cutoff = chrono::Duration::from_std(keep)
            .ok()
            .and_then(|keep| now.checked_sub_signed(keep))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let mut total = Removed::default();
        let mut gave_up = 0;
        loop {
            match self.store.sweep_step(cutoff, SWEEP_BATCH).await {
                Ok(step) if step.is_empty() => break,
                Ok(step) => {
                    crate::telemetry::record_retention(&step);
                    total.add(step);
                    gave_up = 0;
                }
                Err(e) if is_lock_timeout(&e) && gave_up < LOCK_RETRIES => {
                    tracing::debug!(error = %e, "retention step gave up on a lock; trying again");
                    gave_up += 1;
                }
                Err(e) => return Err(e.into()),
            }
            tokio::time::sleep(BETWEEN_STEPS).await;
        }
        Ok(total)
    }

    /// Makes the store ready for the points of `today` and the days after it (Postgres: their
    /// partitions); returns how many partitions it created.
    pub async fn prepare_partitions(&self, today: NaiveDate) -> ServiceResult<u64> {
        Ok(self.store.prepare_partitions(today).await?)
    }

    /// What `serve` runs beside requests until the process ends: every `every`, partitions
    /// ahead, then a sweep when `retention` is set. Failures are logged and tried again at the
    /// next round.
    pub async fn maintain(self, retention: Option<Duration>, every: Duration) {
        loop {
            let now = Utc::now();
            match self.prepare_partitions(now.date_naive()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(partitions = n, "created partitions ahead of the data"),
                Err(e) => tracing::warn!(error = %e, "creating partitions ahead failed"),
            }
            if let Some(keep) = retention {
                match self.sweep(keep, now).await {
                    Ok(r) if r.is_empty() => {}
                    Ok(r) => tracing::info!(
                        points = r.points,
                        partitions = r.partitions,
                        verdicts = r.verdicts,
                        deployments = r.deployments,
                        "retention removed old data"
                    ),
                    Err(e) => tracing::warn!(error = %e, "retention sweep failed"),
                }
            }
            tokio::time::sleep(every).await;
        }
    }
}

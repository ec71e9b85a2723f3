//! Storage: one narrow trait, two implementations — Postgres (production) and SQLite (the
//! embedded default, so `rollguard serve` runs on a fresh machine with no server). Both pass the
//! same contract tests (`tests/it/store.rs`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::analysis::Policy;
use crate::model::replay::{
    ClaimedReplay, ReplayProgress, ReplayRecord, ReplayReport, ReplayStatus,
};
use crate::model::source::{PullMark, Source, TemplateScope, TemplateSet};
use crate::model::{
    Cohort, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec, EnvironmentPolicy,
    NewVerdict, Point, PolicyRecord, StoredSeries, StoredVerdict, VerdictInputs,
};

mod batch;
mod partitions;
mod postgres;
mod rows;
mod series_cache;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The default store when `DATABASE_URL` is unset: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://rollguard.db";

/// Why a store call failed. Cloneable, so that one failed batch write can answer every caller
/// in it.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached in time (down, restarting, pool exhausted).
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Arc<sqlx::Error>),
    /// Anything else the database reported; a bug or corrupted data, never a client mistake.
    #[error("database error: {0}")]
    Database(#[source] Arc<sqlx::Error>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => StoreError::Unavailable(Arc::new(e)),
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")) =>
            {
                // Postgres classes 08 (connection exception) and 57P (operator intervention:
                // admin shutdown, crash shutdown, cannot connect now).
                StoreError::Unavailable(Arc::new(e))
            }
            _ => StoreError::Database(Arc::new(e)),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What one retention step removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// Points removed, those of dropped partitions included (counted just before the drop).
    pub points: u64,
    /// Postgres: daily partitions of `points` dropped whole.
    pub partitions: u64,
    pub verdicts: u64,
    /// Deployments left with neither points nor verdicts.
    pub deployments: u64,
}

impl Removed {
    pub fn is_empty(&self) -> bool {
        *self == Removed::default()
    }

    pub fn add(&mut self, other: Removed) {
        self.points += other.points;
        self.partitions += other.partitions;
        self.verdicts += other.verdicts;
        self.deployments += other.deployments;
    }
}

/// Everything the service stores. Writes that touch several rows are one transaction; a call
/// that returns `Ok` has committed.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `postgres` or `sqlite`.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// One round trip to the database.
    async fn ping(&self) -> StoreResult<()>;

    /// Creates or replaces a deployment's descriptive fields; `true` when it was created.
    async fn put_deployment(
        &self,
        key: &DeploymentKey,
        spec: &DeploymentSpec,
    ) -> StoreResult<(Deployment, bool)>;
    async fn get_deployment(&self, key: &DeploymentKey) -> StoreResult<Option<Deployment>>;
    /// A deployment's descriptive fields alone, as `PUT /v1/deployments/{key}` stored them: one
    /// indexed row, without the point count and latest verdict of [`Store::get_deployment`]
    /// (a verdict that registers its deployment reads this on every call).
    async fn deployment_spec(&self, key: &DeploymentKey) -> StoreResult<Option<DeploymentSpec>>;
    /// Newest first, with each row's id for the next page's cursor.
    async fn list_deployments(
        &self,
        query: &DeploymentQuery,
    ) -> StoreResult<Vec<(i64, Deployment)>>;

    /// Removes the deployment with its points and verdicts, in one transaction; `false` when it
    /// does not exist. An ingest racing the delete either lands before it (and is removed with
    /// it) or after it (and creates the deployment anew): no point outlives its deployment.
    async fn delete_deployment(&self, key: &DeploymentKey) -> StoreResult<bool>;

    /// Stores a batch of points atomically, creating the deployment if needed. Points are
    /// unique by (metric, cohort, ts) within the batch; a stored point with the same
    /// (metric, cohort, ts) gets the new value and count (no count clears the stored one).
    async fn ingest(&self, key: &DeploymentKey, points: &[Point]) -> StoreResult<()>;
    /// Everything a verdict on the deployment needs, read at once: its descriptive fields, the
    /// policy it gets by default (its own, else its environment's, with the latest stored
    /// version of that name) and its series of `metrics` with points up to `until`.
    /// `None` when the deployment does not exist.
    async fn verdict_inputs(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<VerdictInputs>>;
    /// [`Store::verdict_inputs`] with every point, for a verdict: a store may answer from a
    /// cache of the series it read last, kept up to date with what was written since (Postgres:
    /// `src/store/series_cache.rs`). Replays and reads of the past use `verdict_inputs`.
    async fn verdict_inputs_cached(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
    ) -> StoreResult<Option<VerdictInputs>> {
        self.verdict_inputs(key, metrics, None).await
    }
    /// The deployment's points of `metrics` up to `until`, ordered by metric, cohort and time;
    /// `None` when the deployment does not exist.
    async fn series(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<Vec<Point>>> {
        let Some(inputs) = self.verdict_inputs(key, metrics, until).await? else {
            return Ok(None);
        };
        inputs
            .series
            .iter()
            .flat_map(StoredSeries::points)
            .map(|p| p.map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<StoreResult<Vec<_>>>()
            .map(Some)
    }

    /// The deployment's stored points for reading back (the dashboard's charts): of one metric
    /// and one cohort when given, else all. Each (metric, cohort) series keeps its most recent
    /// `per_series` points, plus one older point when there are more, so the caller can tell a
    /// cut series. Ordered by metric, cohort and time; `None` when the deployment does not exist.
    async fn read_points(
        &self,
        key: &DeploymentKey,
        metric: Option<&str>,
        cohort: Option<Cohort>,
        per_series: i64,
    ) -> StoreResult<Option<Vec<Point>>>;

    /// Makes `revision` (a Flagger `checksum`) the deployment's current revision and returns
    /// the time after which its points begin, in one statement. A revision seen before as the
    /// current one keeps its start; the first revision ever seen for the deployment starts before
    /// every point (`Some(None)`); any other new revision starts after the newest point stored
    /// when it is first seen. `None` when the deployment does not exist.
    async fn enter_revision(
        &self,
        key: &DeploymentKey,
        revision: &str,
    ) -> StoreResult<Option<Option<DateTime<Utc>>>>;

    /// Appends a verdict to the deployment's audit trail (the deployment must exist) and
    /// returns it as stored.
    async fn record_verdict(
        &self,
        key: &DeploymentKey,
        verdict: NewVerdict,
    ) -> StoreResult<StoredVerdict>;
    /// Newest first; `before_id` pages.
    async fn list_verdicts(
        &self,
        key: &DeploymentKey,
        limit: i64,
        before_id: Option<i64>,
    ) -> StoreResult<Vec<StoredVerdict>>;

    /// Stores a new version of a named policy.
    async fn put_policy(&self, name: &str, policy: &Policy) -> StoreResult<PolicyRecord>;
    /// The latest version of a stored policy.
    async fn get_policy(&self, name: &str) -> StoreResult<Option<PolicyRecord>>;
    /// The latest version of every stored policy, by name.
    async fn list_policies(&self) -> StoreResult<Vec<PolicyRecord>>;

    async fn put_environment_policy(
        &self,
        environment: &str,
        policy: &str,
    ) -> StoreResult<EnvironmentPolicy>;
    async fn get_environment_policy(
        &self,
        environment: &str,
    ) -> StoreResult<Option<EnvironmentPolicy>>;
    async fn list_environment_policies(&self) -> StoreResult<Vec<EnvironmentPolicy>>;

    /// Makes room for upcoming points (Postgres: creates the daily partitions of `points` from
    /// `today` on, a week ahead, moving rows of those days out of the default partition);
    /// returns how many it created. Idempotent; nothing to do on SQLite.
    async fn prepare_partitions(&self, today: chrono::NaiveDate) -> StoreResult<u64> {
        let _ = today;
        Ok(0)
    }
    /// One bounded step of retention: removes at most about `batch` rows (or one whole
    /// partition) of what is older than `cutoff`: points by their time, verdicts by when they
    /// were evaluated, then deployments last changed before `cutoff` and left with neither. An
    /// empty answer means nothing is left to remove. Each step is its own short transaction;
    /// a step that would wait for a lock more than a few milliseconds gives up (and removes
    /// nothing) rather than hold ingest and verdicts up: the next step tries again.
    async fn sweep_step(&self, cutoff: DateTime<Utc>, batch: i64) -> StoreResult<Removed>;

    /// Records a new replay run, `running`, with its policy names.
    async fn create_replay(&self, policies: &[String]) -> StoreResult<ReplayRecord>;
    /// Records how far a running replay got.
    async fn update_replay_progress(&self, id: i64, progress: ReplayProgress) -> StoreResult<()>;
    /// Ends a replay: `done` with its report, or `failed` with the reason.
    async fn finish_replay(&self, id: i64, outcome: Result<&ReplayReport, &str>)
    -> StoreResult<()>;
    /// One replay, with its result when done.
    async fn get_replay(&self, id: i64) -> StoreResult<Option<ReplayRecord>>;
    /// The newest replays, without their results.
    async fn list_replays(&self, limit: i64) -> StoreResult<Vec<ReplayRecord>>;
    /// Marks every replay still `running` as `failed` with `reason`, and returns how many. Called
    /// at start, before any replay is started: one process per store owns every running replay,
    /// so a `running` one then is left from a process that died.
    async fn fail_running_replays(&self, reason: &str) -> StoreResult<u64>;

    /// Records a new replay, `running`, held by `owner` for `lease` from now (by the database's
    /// clock), with the `request` another replica needs to run it again.
    async fn create_replay_job(
        &self,
        policies: &[String],
        request: &serde_json::value::RawValue,
        owner: &str,
        lease: Duration,
    ) -> StoreResult<ReplayRecord>;
    /// Renews `owner`'s lease on those of `ids` it still holds (running, not claimed by another
    /// replica); returns them, each with whether a cancel was asked for.
    async fn renew_replay_leases(
        &self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> StoreResult<Vec<(i64, bool)>>;
    /// Claims for `owner`, for `lease`, the oldest running replay whose lease lapsed (or that
    /// has none), other than those of `running` (the owner's own, still running: a late
    /// heartbeat is not a death); replicas claiming at once each get a different one (`for
    /// update skip locked`).
    async fn claim_lapsed_replay(
        &self,
        owner: &str,
        lease: Duration,
        running: &[i64],
    ) -> StoreResult<Option<ClaimedReplay>>;
    /// Asks for a running replay to be cancelled; returns its status (`None`: no such replay).
    async fn request_replay_cancel(&self, id: i64) -> StoreResult<Option<ReplayStatus>>;
    /// [`Store::finish_replay`], only if `owner` still holds the replay (so a replica whose
    /// lease lapsed does not overwrite the run of the one that took over); `false` otherwise.
    async fn finish_held_replay(
        &self,
        id: i64,
        owner: &str,
        outcome: Result<&ReplayReport, &str>,
    ) -> StoreResult<bool>;
    /// Gives back a running replay `owner` holds (a replica shutting down): its lease ends now,
    /// so the next claim by any replica takes it, and the run it gives back does not count
    /// toward [`crate::service::MAX_REPLAY_RUNS`] (no replica died). Wakes the replicas waiting
    /// on [`Store::released_replays`]. `false` when `owner` no longer held it.
    async fn release_replay(&self, id: i64, owner: &str) -> StoreResult<bool>;
    /// What wakes this replica when another one gives a replay back (Postgres: a `LISTEN` on its
    /// own connection); on SQLite, one process, nothing ever does.
    async fn released_replays(&self) -> StoreResult<ReleasedReplays> {
        Ok(ReleasedReplays::never())
    }
    /// Creates or replaces a source; returns it as stored.
    async fn put_source(&self, source: &Source) -> StoreResult<Source>;
    async fn get_source(&self, name: &str) -> StoreResult<Option<Source>>;
    /// By name.
    async fn list_sources(&self) -> StoreResult<Vec<Source>>;
    /// `false` when there was no such source. A source some template set uses cannot be deleted
    /// (the database refuses it: check [`Store::list_template_sets`] first).
    async fn delete_source(&self, name: &str) -> StoreResult<bool>;

    /// Creates or replaces the template set of (`set.scope`, `set.target`); its source must exist.
    async fn put_template_set(&self, set: &TemplateSet) -> StoreResult<TemplateSet>;
    async fn get_template_set(
        &self,
        scope: TemplateScope,
        target: &str,
    ) -> StoreResult<Option<TemplateSet>>;
    /// By scope and target.
    async fn list_template_sets(&self) -> StoreResult<Vec<TemplateSet>>;
    async fn delete_template_set(&self, scope: TemplateScope, target: &str) -> StoreResult<bool>;
    /// The template sets that apply to a deployment: its own, its service's and its
    /// environment's (any of them may be missing); empty for an unknown deployment.
    async fn template_sets_for(&self, key: &DeploymentKey) -> StoreResult<Vec<TemplateSet>>;

    /// Where each of the deployment's pulled series was last read up to.
    async fn pull_marks(&self, key: &DeploymentKey) -> StoreResult<Vec<PullMark>>;
    /// Records where series were read up to (the deployment must exist; others are kept).
    async fn set_pull_marks(&self, key: &DeploymentKey, marks: &[PullMark]) -> StoreResult<()>;
}

/// Wakes a replica when another one gives a replay back ([`Store::release_replay`]), so that it
/// claims the replay at once rather than at its next heartbeat (a tenth of the lease).
pub struct ReleasedReplays(Option<sqlx::postgres::PgListener>);

impl ReleasedReplays {
    /// One that never wakes.
    pub fn never() -> Self {
        ReleasedReplays(None)
    }

    /// Resolves at the next release, or when the listening connection was lost and made again
    /// (a release may have been missed meanwhile: look anyway). An error means the database is
    /// out of reach; make a new one later.
    pub async fn next(&mut self) -> StoreResult<()> {
        match &mut self.0 {
            None => std::future::pending().await,
            Some(listener) => {
                listener.try_recv().await?;
                Ok(())
            }
        }
    }
}

impl std::fmt::Debug for ReleasedReplays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ReleasedReplays(listening)"
        } else {
            "ReleasedReplays(never)"
        })
    }
}

/// Postgres connection pool settings (`rollguard serve --db-max-connections`,
/// `--db-acquire-timeout`). SQLite keeps its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a call waits for a connection before failing as [`StoreError::Unavailable`]:
    /// the bound on how long requests take to fail while the database is down.
    pub acquire_timeout: Duration,
    /// Postgres: most points the verdict path's series cache holds, over all deployments (about
    /// 40 bytes each); 0 turns it off.
    pub series_cache_points: usize,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(1),
            series_cache_points: 2_000_000,
        }
    }
}

/// Opens the store `url` names (`postgres://…` or `sqlite://…`) without migrating it.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    connect_with(url, PoolSettings::default()).await
}

/// [`connect`], with Postgres pool settings.
pub async fn connect_with(url: &str, pool: PoolSettings) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect_with(url, pool).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        anyhow::bail!(
            "DATABASE_URL must start with postgres:// or sqlite:// (got a different scheme)"
        )
    }
}

/// A batch's points in the canonical write order — by metric, cohort (as stored) and time —
/// keeping the last of each (metric, cohort, ts), so that one bulk upsert never touches a row
/// twice.
///
/// Every writer takes its rows' locks in this one order, whatever order the client sent: two
/// batches that overlap then queue behind each other instead of each holding a row the other
/// waits for (Postgres answered such pairs "deadlock detected"). The order is also the points'
/// primary-key order, so a batch's writes walk the index once.
pub fn dedupe_points(points: &[Point]) -> Vec<&Point> {
    let mut sorted: Vec<&Point> = points.iter().collect();
    // Stable: of equal keys, the one sent last stays last.
    sorted.sort_by(|a, b| point_key(a).cmp(&point_key(b)));
    let mut out: Vec<&Point> = Vec::with_capacity(sorted.len());
    for p in sorted {
        match out.last_mut() {
            Some(last) if point_key(last) == point_key(p) => *last = p,
            _ => out.push(p),
        }
    }
    out
}

/// A point's identity, in the canonical write order.
fn point_key(p: &Point) -> (&str, &'static str, DateTime<Utc>) {
    (p.metric(), p.cohort().as_str(), p.ts())
}

/// The longest a retention step waits for a lock (Postgres `lock_timeout`). Requests that arrive
/// while it waits queue behind it, so this bounds how long retention can hold them up, together
/// with the step itself (dropping a partition is a catalog change: milliseconds).
pub const LOCK_WAIT_MS: u64 = 50;

/// Whether a retention step gave up waiting for a lock (SQLSTATE 55P03; SQLite: busy).
pub fn is_lock_timeout(e: &StoreError) -> bool {
    match e {
        StoreError::Database(cause) => match cause.as_ref() {
            sqlx::Error::Database(db) => db.code().is_some_and(|c| c == "55P03" || c == "5"),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a failed transaction may succeed when run again from the start: Postgres chose it as
/// a deadlock's victim (SQLSTATE 40P01) or could not serialise it (40001).
pub(crate) fn is_transient_conflict(e: &StoreError) -> bool {
    match e {
        StoreError::Database(cause) => match cause.as_ref() {
            sqlx::Error::Database(db) => db.code().is_some_and(|c| c == "40P01" || c == "40001"),
            _ => false,
        },
        _ => false,
    }
}

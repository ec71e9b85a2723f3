//! The Postgres store: the production backend. Bulk ingest is one `insert … select from unnest`
//! statement per batch (not a row-at-a-time loop); reads are one indexed range scan.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{Connection, PgPool, Row};

use super::batch::{Batch, BatchResult, VerdictWriter, stored};
use super::rows::{
    self, DEPLOYMENT_COLUMNS, ListParam, REPLAY_COLUMNS, SPEC_COLUMNS, VERDICT_COLUMNS,
};
use super::series_cache::{Entry, SeriesCache};
use super::{
    PoolSettings, ReleasedReplays, Removed, Store, StoreError, StoreResult, dedupe_points,
    is_transient_conflict,
};
use crate::analysis::Policy;
use crate::model::MetricName;
use crate::model::replay::{
    ClaimedReplay, ReplayProgress, ReplayRecord, ReplayReport, ReplayStatus,
};
use crate::model::source::{PullMark, Source, TemplateScope, TemplateSet};
use crate::model::{
    Cohort, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec, EnvironmentPolicy,
    NewVerdict, Outcome, Point, PolicyRecord, StoredSeries, StoredVerdict, VerdictInputs,
};

/// The notification channel on which a replica shutting down tells the others it gave a replay
/// back ([`Store::release_replay`]).
const REPLAYS_RELEASED: &str = "rollguard_replays_released";

/// How long an ingest chosen as a deadlock victim waits before its one retry.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(50);

/// Postgres-backed [`Store`].
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    verdicts: VerdictWriter,
    series_cache: Arc<SeriesCache>,
}

/// Writes a batch of verdicts with one statement, committed on its own. The new rows' ids are
/// drawn from the identity's sequence inside the statement, so that each returned row can be
/// matched to its place in the batch (`ord`).
///
/// Each deployment's latest verdict is kept on its row: the statement locks the rows of the
/// batch's deployments first, in id order (writers on other replicas lock them in the same
/// order; a deployment deleted meanwhile is skipped, and its verdicts fail alone), and sets each
/// one's latest verdict to its newest of the batch, unless a batch that drew higher ids
/// committed first.
async fn write_verdicts(pool: PgPool, batch: Batch) -> BatchResult {
    let n = batch.len();
    let mut keys = Vec::with_capacity(n);
    let mut as_of = Vec::with_capacity(n);
    let mut policies = Vec::with_capacity(n);
    let mut versions = Vec::with_capacity(n);
    let mut decisions = Vec::with_capacity(n);
    let mut points = Vec::with_capacity(n);
    let mut first_ts = Vec::with_capacity(n);
    let mut last_ts = Vec::with_capacity(n);
    let mut reports = Vec::with_capacity(n);
    for (key, v) in &batch {
        keys.push(key.as_str());
        as_of.push(v.as_of);
        policies.push(v.report.policy.as_str());
        versions.push(v.policy_version.map(|x| x as i32));
        decisions.push(v.report.verdict.as_str());
        points.push(v.points);
        first_ts.push(v.first_ts);
        last_ts.push(v.last_ts);
        reports.push(Json(&v.report));
    }
    let rows: Vec<(i64, i64, DateTime<Utc>)> = sqlx::query_as(
        "with u as (
             select u.*, nextval(pg_get_serial_sequence('verdicts', 'id')) as id
             from unnest($1::text[], $2::timestamptz[], $3::text[], $4::int4[], $5::text[],
                         $6::int8[], $7::timestamptz[], $8::timestamptz[], $9::jsonb[])
                  with ordinality as u (key, as_of, policy, policy_version, verdict, points,
                                        first_ts, last_ts, report, ord)),
         d as materialized (
             select id, key from deployments where key = any($1::text[])
             order by id for no key update),
         ins as (
             insert into verdicts (id, deployment_id, as_of, policy, policy_version, verdict,
                                   points, first_ts, last_ts, report)
             overriding system value
             select u.id, d.id, u.as_of, u.policy, u.policy_version, u.verdict, u.points,
                    u.first_ts, u.last_ts, u.report
             from u join d on d.key = u.key
             returning id, deployment_id, evaluated_at, policy, verdict),
         latest as (
             select distinct on (deployment_id) * from ins order by deployment_id, id desc),
         kept as (
             update deployments t
             set latest_verdict_id = l.id, latest_verdict = l.verdict,
                 latest_verdict_at = l.evaluated_at, latest_verdict_policy = l.policy
             from latest l
             where t.id = l.deployment_id
               and (t.latest_verdict_id is null or t.latest_verdict_id < l.id))
         select u.ord, ins.id, ins.evaluated_at from u join ins on ins.id = u.id",
    )
    .bind(&keys)
    .bind(&as_of)
    .bind(&policies)
    .bind(&versions)
    .bind(&decisions)
    .bind(&points)
    .bind(&first_ts)
    .bind(&last_ts)
    .bind(&reports)
    .fetch_all(&pool)
    .await?;
    let mut rows_by_ord = vec![None; n];
    for (ord, id, evaluated_at) in rows {
        if let Some(slot) = usize::try_from(ord - 1)
            .ok()
            .and_then(|i| rows_by_ord.get_mut(i))
        {
            *slot = Some((id, evaluated_at));
        }
    }
    Ok(stored(batch, rows_by_ord))
}

/// Pooled connections idle for this long are pinged before use.
const PING_IF_IDLE_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// The statement behind [`Store::verdict_inputs`]: one round trip for the deployment, its default
/// policy (own, else its environment's) with that name's latest stored version, and one row per
/// series with its times and values as arrays (the deployment's columns repeat on each row).
///
/// Each metric is its own range scan of the points' primary key, which yields (cohort, ts)
/// order without a sort; the caller checks the order all the same. The metric names are
/// written into the text as literals, so that the key (and `until`) are the only parameters:
/// with an array parameter Postgres estimates the generic plan as dearer than a custom one and
/// plans every execution afresh, which costs more than running it.
fn verdict_inputs_sql(metrics: &[&str], until: bool) -> String {
    let until = if until { "and ts <= $2" } else { "" };
    verdict_statement(&format!(
        "select m.metric, x.cohort, x.ts, x.value, x.count
         from {}
         cross join lateral (
             select cohort, array_agg(ts) as ts, array_agg(value) as value,
                    array_agg(count) as count
             from points where deployment_id = d.id and metric = m.metric {until}
             group by cohort) x",
        metrics_relation(metrics)
    ))
}

/// [`verdict_inputs_sql`] for the series cache: the points that the cache's last read may not
/// have seen, one row each, through the `(deployment_id, writer)` index: those written by a
/// transaction at or after that read's `xmax` (`$2`) or, with `in_progress`, by one in progress
/// at it (`$3`). Every metric: with a condition on `metric`, Postgres prefers the primary key and
/// filters every point of the deployment by `writer`; the caller keeps the metrics it asked for.
/// The usual read, with no transaction in progress, has no array parameter, so Postgres keeps
/// one generic plan for it (see [`verdict_inputs_sql`]).
///
/// `days`, the deployment's [`Days`] as the cache last read them, bound the read by literal
/// times, so that Postgres plans it over those days' partitions only (a bound given as a
/// parameter would prune only at execution, after locking and opening every partition). The
/// statement returns the deployment's days as its snapshot sees them: when they are not within
/// `days`, points may lie outside the bounds, and the caller reads again with the new days.
fn verdict_delta_sql(in_progress: bool, days: Option<Days>) -> String {
    let within = days.map_or_else(String::new, |d| {
        format!(
            " and ts >= '{} 00:00:00+00' and ts <= '{} 23:59:59.999999+00'",
            d.first.format("%Y-%m-%d"),
            d.last.format("%Y-%m-%d")
        )
    });
    let since = format!(
        "select metric, cohort, ts, value, count from points
         where deployment_id = d.id and writer >= $2::int8::text::xid8{within}"
    );
    if in_progress {
        verdict_statement(&format!(
            "{since}
             union all
             select metric, cohort, ts, value, count from points
             where deployment_id = d.id and writer = any($3::int8[]::text[]::xid8[]){within}"
        ))
    } else {
        verdict_statement(&since)
    }
}

/// The UTC days that a deployment's points span (table `point_days`, migration 0012): every
/// point of the deployment lies within them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Days {
    /// The days of `times`; `None` when there are none.
    fn of(times: &[DateTime<Utc>]) -> Option<Days> {
        let first = times.iter().min()?.date_naive();
        let last = times.iter().max()?.date_naive();
        Some(Days { first, last })
    }

    /// Whether `days` lie within these.
    fn holds(self, days: Days) -> bool {
        self.first <= days.first && days.last <= self.last
    }

    /// The `first_day` and `last_day` columns of a row; `None` when the deployment has no points.
    fn read(row: &sqlx::postgres::PgRow) -> StoreResult<Option<Days>> {
        let first: Option<NaiveDate> = row.try_get("first_day")?;
        let last: Option<NaiveDate> = row.try_get("last_day")?;
        Ok(first.zip(last).map(|(first, last)| Days { first, last }))
    }
}

/// Whether a read bounded by `bounds` (`None`: unbounded) saw every point of a deployment whose
/// points span `days` (`None`: it has none).
fn bounded_read_is_whole(bounds: Option<Days>, days: Option<Days>) -> bool {
    match (bounds, days) {
        (Some(bounds), Some(days)) => bounds.holds(days),
        _ => true,
    }
}

/// The metric names as a relation `m (metric)`, written as literals (see
/// [`verdict_inputs_sql`]). Names that break the metric-name rule are left out: no point can
/// have them, and so none can hold a quote.
fn metrics_relation(metrics: &[&str]) -> String {
    let names: Vec<String> = metrics
        .iter()
        .filter(|m| MetricName::is_valid(m))
        .map(|m| format!("('{m}')"))
        .collect();
    if names.is_empty() {
        "(select null::text where false) m (metric)".to_string()
    } else {
        format!("(values {}) m (metric)", names.join(", "))
    }
}

/// The deployment, its default policy and the rows of `series` (a lateral subquery over
/// `d`), with the deployment's row id and, for the series cache, the statement's snapshot: the
/// first transaction id it sees as not yet begun (`xmax`) and those in progress.
fn verdict_statement(series: &str) -> String {
    format!(
        "select d.id as deployment_id,
                pg_snapshot_xmax(pg_current_snapshot())::text::int8 as horizon,
                array(select x::text::int8 from pg_snapshot_xip(pg_current_snapshot()) x)
                    as in_progress,
                (select epoch from points_epoch) as epoch,
                r.first_day, r.last_day,
                exists(select 1 from template_sets t
                       where (t.scope, t.target) in
                           (('deployment', d.key), ('service', d.service),
                            ('environment', d.environment))) as pulls,
                d.service, d.environment, d.version, d.started_at, d.labels, d.policy,
                d.outcome, coalesce(d.policy, e.policy) as policy_name,
                p.version as policy_version, p.body as policy_body,
                p.created_at as policy_created_at,
                s.metric, s.cohort, s.ts, s.value, s.count
         from deployments d
         left join environment_policies e on e.environment = d.environment
         left join point_days r on r.deployment_id = d.id
         left join lateral (
             select version, body, created_at from policies
             where name = coalesce(d.policy, e.policy) order by version desc limit 1) p on true
         left join lateral ({series}) s on true
         where d.key = $1"
    )
}

/// The cohort column of a row.
fn cohort(row: &sqlx::postgres::PgRow) -> StoreResult<Cohort> {
    let cohort: String = row.try_get("cohort")?;
    Cohort::parse(&cohort).ok_or_else(|| StoreError::Corrupt(format!("cohort '{cohort}'")))
}

/// The inputs a [`verdict_inputs_sql`] statement read; `None` when the deployment does not exist.
fn full_read(rows: &[sqlx::postgres::PgRow]) -> StoreResult<Option<VerdictInputs>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let (policy_name, stored_policy) = rows::default_policy(first)?;
    let mut series = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(metric) = row.try_get::<Option<String>, _>("metric")? else {
            continue; // the deployment has no points of these metrics
        };
        series.push(StoredSeries {
            metric,
            cohort: cohort(row)?,
            ts: row.try_get("ts")?,
            values: row.try_get("value")?,
            counts: row
                .try_get::<Vec<Option<i64>>, _>("count")?
                .into_iter()
                .map(rows::count)
                .collect::<StoreResult<_>>()?,
        });
    }
    for s in &mut series {
        s.sort_by_time();
    }
    series.sort_by(|a, b| (&a.metric, a.cohort.as_str()).cmp(&(&b.metric, b.cohort.as_str())));
    Ok(Some(VerdictInputs {
        spec: rows::spec(first)?,
        policy_name,
        stored_policy,
        series,
        pulls: first.try_get("pulls")?,
    }))
}

/// The series cache's entry for what a [`verdict_inputs_sql`] statement read: its snapshot, from
/// the first row, and a copy of the series.
fn cache_entry(
    first: &sqlx::postgres::PgRow,
    metrics: &[&str],
    inputs: &VerdictInputs,
) -> StoreResult<Entry> {
    Ok(Entry {
        deployment_id: first.try_get("deployment_id")?,
        horizon: first.try_get("horizon")?,
        in_progress: first.try_get("in_progress")?,
        epoch: first.try_get("epoch")?,
        days: Days::read(first)?,
        metrics: metrics.iter().map(|m| (*m).to_owned()).collect(),
        series: inputs.series.clone(),
    })
}

/// A batch of points as the columns bound to the bulk upsert.
struct PointColumns<'a> {
    metrics: Vec<&'a str>,
    cohorts: Vec<&'static str>,
    times: Vec<DateTime<Utc>>,
    values: Vec<f64>,
    counts: Vec<Option<i64>>,
}

impl PointColumns<'_> {
    fn with_capacity(n: usize) -> Self {
        PointColumns {
            metrics: Vec::with_capacity(n),
            cohorts: Vec::with_capacity(n),
            times: Vec::with_capacity(n),
            values: Vec::with_capacity(n),
            counts: Vec::with_capacity(n),
        }
    }
}

impl PgStore {
    /// Connects lazily: the pool opens connections on demand, so the service starts (and
    /// `/readyz` reports the outage) while the database is down, and recovers by itself.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Self::connect_with(url, PoolSettings::default()).await
    }

    /// [`PgStore::connect`] with pool settings.
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Self, sqlx::Error> {
        // No JIT: every statement here is a short indexed read or write, and Postgres compiles
        // one whenever a plan's estimated cost passes `jit_above_cost`. The verdict read's
        // generic plan over a month of daily partitions of `points` estimates far above it
        // and then spent 200 ms compiling for a 0.5 ms read (benches/year_of_data.sh,
        // docs/performance.md).
        let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            // Fail fast when the database is gone rather than queueing callers indefinitely.
            .acquire_timeout(settings.acquire_timeout)
            // A connection back from use within the last second is handed out as is; one idle
            // for longer is pinged first, so one the server dropped meanwhile (a restart, an
            // idle timeout) is replaced instead of failing its next request. Pinging every
            // checkout, sqlx's default, costs a round trip per statement under load.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IF_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        let writer_pool = pool.clone();
        let verdicts =
            VerdictWriter::spawn(move |batch| write_verdicts(writer_pool.clone(), batch));
        Ok(PgStore {
            pool,
            verdicts,
            series_cache: Arc::new(SeriesCache::new(settings.series_cache_points)),
        })
    }

    /// One attempt at [`Store::ingest`]: one transaction. `Ok(false)` when the deployment was
    /// deleted between its lookup and the write (nothing was written: the caller runs it again,
    /// which creates the deployment anew).
    ///
    /// The deployment's point count (`deployments.point_count`) grows by the points this batch
    /// inserted, not by those it replaced. Postgres does not tell an upsert's inserts from its
    /// updates on a partitioned table (`xmax` is not available there in `returning`), so the
    /// batch is written in two passes: the first inserts only the points not stored yet and
    /// counts them; when that was all of them (a fresh batch, the usual case) it adds them to
    /// the count in the same statement and is the only one. Otherwise the second pass upserts
    /// the whole batch (the statement before the count was kept, in the same order), and a
    /// third statement adds what the first counted. A point another ingest inserts meanwhile is
    /// counted by the one whose insert committed: the other's first pass waits for it, then
    /// skips it. Nothing removes a point between the passes: deletes and retention take the
    /// deployment's advisory lock exclusively, and dropping a partition waits for this
    /// transaction (see below and `partitions.rs`).
    ///
    /// Lock order: a transaction takes the deployment's row only when it creates it (the insert
    /// waits on a concurrent creator's unique-key entry), then the deployment's advisory lock,
    /// shared, then its points in canonical order (both passes in that order), and the row
    /// again last, to add to its count, just before the commit. Each ingest touches one
    /// deployment, and the points carry no foreign key to it, so no ingest waits on another
    /// deployment's row and no cycle can form across deployments; two ingests of one deployment
    /// queue on its points and then on its row, which neither holds while waiting for the other.
    ///
    /// Why the advisory lock: a delete (`DELETE /v1/deployments/{key}`, or retention) takes
    /// the same lock exclusively, then removes the points and the row. An ingest that took the
    /// lock first holds it until it commits, so the delete waits and then sees (and removes) its
    /// points; one that takes the lock after the delete committed finds the row gone (the
    /// insert's `exists`, a new snapshot) and writes nothing. Without it, points committed just
    /// after the delete's own read would outlive their deployment. A shared advisory lock is an
    /// entry in Postgres's lock table, not a row write.
    async fn ingest_once(
        &self,
        key: &DeploymentKey,
        columns: &PointColumns<'_>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let (id, days) = match Self::deployment_id_locked(&mut tx, key).await? {
            Some(found) => found,
            None => {
                // Created on first ingest; a concurrent first ingest may win the race.
                sqlx::query(
                    "insert into deployments (key) values ($1) on conflict (key) do nothing",
                )
                .bind(key.as_str())
                .execute(&mut *tx)
                .await?;
                match Self::deployment_id_locked(&mut tx, key).await? {
                    Some(found) => found,
                    // Deleted again by a concurrent delete (it won the creation race).
                    None => return Ok(false),
                }
            }
        };
        // Points outside the deployment's days widen them first (see migration 0012), in this
        // transaction: a snapshot that sees the points sees days that hold them. Rarely: a
        // deployment's points usually arrive within its latest day.
        if let Some(batch) = Days::of(&columns.times)
            && !days.is_some_and(|d| d.holds(batch))
        {
            sqlx::query(
                "insert into point_days (deployment_id, first_day, last_day)
                 values ($1, $2, $3)
                 on conflict (deployment_id) do update
                     set first_day = least(point_days.first_day, excluded.first_day),
                         last_day = greatest(point_days.last_day, excluded.last_day)",
            )
            .bind(id)
            .bind(batch.first)
            .bind(batch.last)
            .execute(&mut *tx)
            .await?;
        }
        let n = i64::try_from(columns.metrics.len())
            .map_err(|_| StoreError::Corrupt("a batch of more than 2^63 points".into()))?;
        // The first pass: the new points, in the arrays' (canonical) order, and their number;
        // added to the count here when the whole batch was new. `exists`: see above; `present`
        // reads the row with the same snapshot.
        let (added, present): (i64, bool) = sqlx::query_as(
            "with new as (
                 insert into points (deployment_id, metric, cohort, ts, value, count, writer)
                 select $1, *, pg_current_xact_id()
                 from unnest($2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::int8[])
                 where exists (select from deployments where id = $1)
                 on conflict (deployment_id, metric, cohort, ts) do nothing
                 returning 1),
             added as (select count(*) as n from new),
             counted as (
                 update deployments set point_count = point_count + added.n from added
                 where id = $1 and added.n = $7 and added.n > 0)
             select added.n, exists (select from deployments where id = $1) from added",
        )
        .bind(id)
        .bind(&columns.metrics)
        .bind(&columns.cohorts)
        .bind(&columns.times)
        .bind(&columns.values)
        .bind(&columns.counts)
        .bind(n)
        .fetch_one(&mut *tx)
        .await?;
        if !present {
            return Ok(false); // rolled back on drop
        }
        if added < n {
            // Some points were stored already: they get the new value and count (a re-sent
            // point without a count clears the stored one). The points just inserted are
            // written again with the same values: the order stays the canonical one.
            sqlx::query(
                "insert into points (deployment_id, metric, cohort, ts, value, count, writer)
                 select $1, *, pg_current_xact_id()
                 from unnest($2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::int8[])
                 on conflict (deployment_id, metric, cohort, ts)
                     do update set value = excluded.value, count = excluded.count,
                                   writer = excluded.writer",
            )
            .bind(id)
            .bind(&columns.metrics)
            .bind(&columns.cohorts)
            .bind(&columns.times)
            .bind(&columns.values)
            .bind(&columns.counts)
            .execute(&mut *tx)
            .await?;
            if added > 0 {
                sqlx::query("update deployments set point_count = point_count + $2 where id = $1")
                    .bind(id)
                    .bind(added)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// [`Store::ingest`] with its retries: once after a deadlock, and again while a concurrent
    /// delete removes the deployment under it.
    async fn ingest_columns(
        &self,
        key: &DeploymentKey,
        columns: &PointColumns<'_>,
    ) -> StoreResult<()> {
        let mut deadlocked = false;
        // Each lost race means a delete committed meanwhile; a few in a row is pathological.
        for _ in 0..8 {
            match self.ingest_once(key, columns).await {
                Ok(true) => return Ok(()),
                Ok(false) => continue,
                // With the canonical order a deadlock needs another writer that locks points in
                // a different order (none in this service); should one happen all the same, the
                // victim's transaction was rolled back whole and runs once more before the
                // caller sees an error.
                Err(e) if is_transient_conflict(&e) && !deadlocked => {
                    tracing::warn!(error = %e, deployment = %key, "ingest conflicted; retrying once");
                    deadlocked = true;
                    // The transaction the victim deadlocked with is waiting for the rows the
                    // victim just released: let it take them first, or the retry locks them
                    // again at once and deadlocks with it a second time.
                    tokio::time::sleep(RETRY_AFTER).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Corrupt(
            "the deployment was deleted under every attempt to ingest".into(),
        ))
    }

    /// The deployment's row id, with its advisory lock taken shared (see
    /// [`PgStore::ingest_once`]), and the days its points span.
    async fn deployment_id_locked(
        conn: &mut sqlx::PgConnection,
        key: &DeploymentKey,
    ) -> StoreResult<Option<(i64, Option<Days>)>> {
        let row = sqlx::query(
            "select d.id, r.first_day, r.last_day from deployments d
             cross join lateral (select pg_advisory_xact_lock_shared(d.id)) l
             left join point_days r on r.deployment_id = d.id
             where d.key = $1",
        )
        .bind(key.as_str())
        .fetch_optional(conn)
        .await?;
        row.map(|row| Ok((row.try_get("id")?, Days::read(&row)?)))
            .transpose()
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The verdict cache's size: deployments held, and their points in all.
    pub fn series_cache_size(&self) -> (usize, usize) {
        (self.series_cache.slots(), self.series_cache.points())
    }

    async fn deployment_id(
        conn: &mut sqlx::PgConnection,
        key: &DeploymentKey,
    ) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("select id from deployments where key = $1")
                .bind(key.as_str())
                .fetch_optional(conn)
                .await?,
        )
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Database(std::sync::Arc::new(e.into())))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn put_deployment(
        &self,
        key: &DeploymentKey,
        spec: &DeploymentSpec,
    ) -> StoreResult<(Deployment, bool)> {
        let mut tx = self.pool.begin().await?;
        // `xmax = 0` is true only for a freshly inserted row: tells create from update in one trip.
        let (id, created): (i64, bool) = sqlx::query_as(
            "insert into deployments (key, service, environment, version, started_at, labels, policy, outcome)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (key) do update set
                 service = excluded.service, environment = excluded.environment,
                 version = excluded.version, started_at = excluded.started_at,
                 labels = excluded.labels, policy = excluded.policy, outcome = excluded.outcome,
                 updated_at = now()
             returning id, (xmax = 0) as created",
        )
        .bind(key.as_str())
        .bind(&spec.service)
        .bind(&spec.environment)
        .bind(&spec.version)
        .bind(spec.started_at)
        .bind(Json(&spec.labels))
        .bind(&spec.policy)
        .bind(spec.outcome.map(Outcome::as_str))
        .fetch_one(&mut *tx)
        .await?;
        let sql = format!("select {DEPLOYMENT_COLUMNS} from deployments d where d.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((rows::deployment(&row)?.1, created))
    }

    async fn delete_deployment(&self, key: &DeploymentKey) -> StoreResult<bool> {
        // A few tries: each lost race means another delete (and perhaps an ingest creating the
        // key anew) committed between this one's lookup and its lock.
        for _ in 0..8 {
            let mut tx = self.pool.begin().await?;
            let Some(id) = Self::deployment_id(&mut tx, key).await? else {
                return Ok(false);
            };
            // Waits for the ingests that hold the lock to commit, so that the next statement
            // sees their points; those that come later wait, then find the row gone (see
            // `ingest_once`). Taken before the row: an ingest locks the row last, to count.
            sqlx::query("select pg_advisory_xact_lock($1)")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("delete from points where deployment_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("delete from point_days where deployment_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // The verdicts go with the row (their foreign key cascades).
            let deleted = sqlx::query("delete from deployments where id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                continue; // deleted meanwhile: look the key up again (rolled back on drop)
            }
            tx.commit().await?;
            // Not needed for correctness (a cached entry's next read finds no row, or a new row
            // id), but the memory is free at once.
            self.series_cache.remove(key.as_str());
            return Ok(true);
        }
        Err(StoreError::Corrupt(
            "the deployment was deleted and created again under every attempt to delete it".into(),
        ))
    }

    async fn get_deployment(&self, key: &DeploymentKey) -> StoreResult<Option<Deployment>> {
        let sql = format!("select {DEPLOYMENT_COLUMNS} from deployments d where d.key = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| rows::deployment(&r).map(|(_, d)| d))
            .transpose()
    }

    async fn deployment_spec(&self, key: &DeploymentKey) -> StoreResult<Option<DeploymentSpec>> {
        let sql = format!("select {SPEC_COLUMNS} from deployments d where d.key = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| rows::spec(&r)).transpose()
    }

    async fn list_deployments(&self, q: &DeploymentQuery) -> StoreResult<Vec<(i64, Deployment)>> {
        let (sql, params) = rows::list_deployments_sql(q, |n| format!("${n}"));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in params {
            query = match p {
                ListParam::Text(text) => query.bind(text),
                ListParam::Int(n) => query.bind(n),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(rows::deployment).collect()
    }

    async fn ingest(&self, key: &DeploymentKey, points: &[Point]) -> StoreResult<()> {
        // Canonical order: overlapping batches lock their rows in the same order.
        let unique = dedupe_points(points);
        let mut columns = PointColumns::with_capacity(unique.len());
        for p in unique {
            columns.metrics.push(p.metric());
            columns.cohorts.push(p.cohort().as_str());
            columns.times.push(p.ts());
            columns.values.push(p.value());
            columns.counts.push(rows::stored_count(p.count())?);
        }
        self.ingest_columns(key, &columns).await
    }

    async fn verdict_inputs(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<VerdictInputs>> {
        let sql = verdict_inputs_sql(metrics, until.is_some());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key.as_str());
        if let Some(until) = until {
            query = query.bind(until);
        }
        let rows = query.fetch_all(&self.pool).await?;
        full_read(&rows)
    }

    async fn verdict_inputs_cached(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
    ) -> StoreResult<Option<VerdictInputs>> {
        let cache = &self.series_cache;
        if !cache.enabled() {
            return self.verdict_inputs(key, metrics, None).await;
        }
        let slot = cache.slot(key.as_str());
        let mut held = slot.lock().await;
        let same_metrics = |e: &&mut Entry| {
            e.metrics
                .iter()
                .map(String::as_str)
                .eq(metrics.iter().copied())
        };
        if let Some(entry) = held.as_mut().filter(same_metrics) {
            let in_progress = !entry.in_progress.is_empty();
            // Bounded by the days the points spanned at the last read; once more, unbounded,
            // when the points have spread beyond them since.
            let mut bounds = entry.days;
            let rows = loop {
                let sql = verdict_delta_sql(in_progress, bounds);
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(key.as_str())
                    .bind(entry.horizon);
                if in_progress {
                    query = query.bind(&entry.in_progress);
                }
                let rows = query.fetch_all(&self.pool).await?;
                match rows.first() {
                    Some(first) if bounds.is_some() => {
                        if bounded_read_is_whole(bounds, Days::read(first)?) {
                            break rows;
                        }
                        bounds = None;
                    }
                    _ => break rows,
                }
            };
            let Some(first) = rows.first() else {
                *held = None;
                cache.remove(key.as_str());
                return Ok(None);
            };
            // Another row id: the key names a deployment created anew since. Another epoch:
            // retention removed points since. Either way the delta is not enough.
            if first.try_get::<i64, _>("deployment_id")? == entry.deployment_id
                && first.try_get::<i64, _>("epoch")? == entry.epoch
            {
                let mut delta = Vec::with_capacity(rows.len());
                for row in &rows {
                    let Some(metric) = row.try_get::<Option<String>, _>("metric")? else {
                        continue; // nothing written since
                    };
                    if !metrics.contains(&metric.as_str()) {
                        continue;
                    }
                    delta.push((
                        metric,
                        cohort(row)?,
                        row.try_get("ts")?,
                        row.try_get("value")?,
                        rows::count(row.try_get("count")?)?,
                    ));
                }
                delta.sort_by(|a, b| (&a.0, a.1.as_str(), a.2).cmp(&(&b.0, b.1.as_str(), b.2)));
                entry.merge(delta);
                entry.horizon = first.try_get("horizon")?;
                entry.in_progress = first.try_get("in_progress")?;
                entry.days = Days::read(first)?;
                let (policy_name, stored_policy) = rows::default_policy(first)?;
                let inputs = VerdictInputs {
                    spec: rows::spec(first)?,
                    policy_name,
                    stored_policy,
                    series: entry.series.clone(),
                    pulls: first.try_get("pulls")?,
                };
                cache.resize(key.as_str(), &slot, entry.points());
                return Ok(Some(inputs));
            }
            // Read it whole.
        }
        let read = async {
            let rows = sqlx::query(sqlx::AssertSqlSafe(verdict_inputs_sql(metrics, false)))
                .bind(key.as_str())
                .fetch_all(&self.pool)
                .await?;
            match (rows.first(), full_read(&rows)?) {
                (Some(first), Some(inputs)) => {
                    let entry = cache_entry(first, metrics, &inputs)?;
                    Ok(Some((inputs, entry)))
                }
                _ => Ok(None),
            }
        };
        let Some((inputs, entry)) = read.await.inspect_err(|_: &StoreError| {
            // An empty slot left behind by a failed read would never be evicted (it holds no
            // points): forget it.
            if held.is_none() {
                cache.remove(key.as_str());
            }
        })?
        else {
            *held = None;
            cache.remove(key.as_str());
            return Ok(None);
        };
        let points = entry.points();
        *held = Some(entry);
        cache.resize(key.as_str(), &slot, points);
        Ok(Some(inputs))
    }

    async fn read_points(
        &self,
        key: &DeploymentKey,
        metric: Option<&str>,
        cohort: Option<Cohort>,
        per_series: i64,
    ) -> StoreResult<Option<Vec<Point>>> {
        let mut conn = self.pool.acquire().await?;
        let Some(id) = Self::deployment_id(&mut conn, key).await? else {
            return Ok(None);
        };
        let rows: Vec<(String, String, DateTime<Utc>, f64, Option<i64>)> = sqlx::query_as(
            "select metric, cohort, ts, value, count from (
                 select metric, cohort, ts, value, count,
                        row_number() over (partition by metric, cohort order by ts desc) as n
                 from points
                 where deployment_id = $1 and ($2::text is null or metric = $2)
                   and ($3::text is null or cohort = $3)) recent
             where n <= $4 + 1
             order by metric, cohort, ts",
        )
        .bind(id)
        .bind(metric)
        .bind(cohort.map(Cohort::as_str))
        .bind(per_series)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(metric, cohort, ts, value, count)| {
                let cohort = Cohort::parse(&cohort)
                    .ok_or_else(|| StoreError::Corrupt(format!("cohort '{cohort}'")))?;
                Point::new(&metric, cohort, ts, value, rows::count(count)?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect::<StoreResult<Vec<_>>>()
            .map(Some)
    }

    async fn enter_revision(
        &self,
        key: &DeploymentKey,
        revision: &str,
    ) -> StoreResult<Option<Option<DateTime<Utc>>>> {
        // Flagger asks with the same checksum on every loop: a read answers, and only a new
        // checksum writes.
        let current: Option<(Option<String>, Option<DateTime<Utc>>)> =
            sqlx::query_as("select revision, revision_since from deployments where key = $1")
                .bind(key.as_str())
                .fetch_optional(&self.pool)
                .await?;
        match current {
            None => return Ok(None),
            Some((Some(r), since)) if r == revision => return Ok(Some(since)),
            Some(_) => {}
        }
        // The set expressions read the row as it was before the update, so `d.revision` below
        // is the previous revision: a call that raced this one to the same checksum keeps its
        // start (the row lock orders them).
        let row: Option<(Option<DateTime<Utc>>,)> = sqlx::query_as(
            "update deployments d set
                 revision_since = case
                     when d.revision = $2 then d.revision_since
                     when d.revision is null then null
                     else (select max(p.ts) from points p where p.deployment_id = d.id)
                 end,
                 revision = $2
             where d.key = $1
             returning d.revision_since",
        )
        .bind(key.as_str())
        .bind(revision)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(since,)| since))
    }

    async fn record_verdict(
        &self,
        key: &DeploymentKey,
        v: NewVerdict,
    ) -> StoreResult<StoredVerdict> {
        self.verdicts.record(key, v).await
    }

    async fn list_verdicts(
        &self,
        key: &DeploymentKey,
        limit: i64,
        before_id: Option<i64>,
    ) -> StoreResult<Vec<StoredVerdict>> {
        let sql = format!(
            "select {VERDICT_COLUMNS} from verdicts v join deployments d on d.id = v.deployment_id
             where d.key = $1 and ($2::bigint is null or v.id < $2)
             order by v.id desc limit $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .bind(before_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::verdict).collect()
    }

    async fn prepare_partitions(&self, today: chrono::NaiveDate) -> StoreResult<u64> {
        super::partitions::prepare(&self.pool, today).await
    }

    async fn sweep_step(&self, cutoff: DateTime<Utc>, batch: i64) -> StoreResult<Removed> {
        // Cached series of deployments removed here go on their next read (no row).
        super::partitions::sweep_step(&self.pool, cutoff, batch).await
    }

    async fn put_policy(&self, name: &str, policy: &Policy) -> StoreResult<PolicyRecord> {
        let mut tx = self.pool.begin().await?;
        // Serialise writers of one name so versions are gapless and never collide.
        sqlx::query("select pg_advisory_xact_lock(hashtext('rollguard.policy.' || $1))")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "insert into policies (name, version, body)
             select $1, coalesce(max(version), 0) + 1, $2 from policies where name = $1
             returning name, version, body, created_at",
        )
        .bind(name)
        .bind(Json(policy))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        rows::policy(&row)
    }

    async fn get_policy(&self, name: &str) -> StoreResult<Option<PolicyRecord>> {
        let row = sqlx::query(
            "select name, version, body, created_at from policies
             where name = $1 order by version desc limit 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::policy).transpose()
    }

    async fn list_policies(&self) -> StoreResult<Vec<PolicyRecord>> {
        let rows = sqlx::query(
            "select distinct on (name) name, version, body, created_at from policies
             order by name, version desc",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::policy).collect()
    }

    async fn put_environment_policy(
        &self,
        environment: &str,
        policy: &str,
    ) -> StoreResult<EnvironmentPolicy> {
        let row = sqlx::query(
            "insert into environment_policies (environment, policy) values ($1, $2)
             on conflict (environment) do update set policy = excluded.policy, updated_at = now()
             returning environment, policy, updated_at",
        )
        .bind(environment)
        .bind(policy)
        .fetch_one(&self.pool)
        .await?;
        rows::environment(&row)
    }

    async fn get_environment_policy(
        &self,
        environment: &str,
    ) -> StoreResult<Option<EnvironmentPolicy>> {
        let row = sqlx::query(
            "select environment, policy, updated_at from environment_policies where environment = $1",
        )
        .bind(environment)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::environment).transpose()
    }

    async fn list_environment_policies(&self) -> StoreResult<Vec<EnvironmentPolicy>> {
        let rows = sqlx::query(
            "select environment, policy, updated_at from environment_policies order by environment",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::environment).collect()
    }

    async fn create_replay(&self, policies: &[String]) -> StoreResult<ReplayRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into replays (status, policies) values ('running', $1) returning {REPLAY_COLUMNS}"
        )))
        .bind(Json(policies))
        .fetch_one(&self.pool)
        .await?;
        rows::replay(&row, false)
    }

    async fn update_replay_progress(&self, id: i64, progress: ReplayProgress) -> StoreResult<()> {
        sqlx::query("update replays set progress_done = $2, progress_total = $3 where id = $1")
            .bind(id)
            .bind(progress.done)
            .bind(progress.total)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn finish_replay(
        &self,
        id: i64,
        outcome: Result<&ReplayReport, &str>,
    ) -> StoreResult<()> {
        let (status, result, error) = match outcome {
            Ok(report) => (ReplayStatus::Done, Some(Json(report)), None),
            Err(e) => (ReplayStatus::Failed, None, Some(e)),
        };
        sqlx::query(
            "update replays set status = $2, result = $3, error = $4, finished_at = now() where id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(result)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn fail_running_replays(&self, reason: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "update replays set status = 'failed', error = $1, finished_at = now() where status = 'running'",
        )
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn create_replay_job(
        &self,
        policies: &[String],
        request: &serde_json::value::RawValue,
        owner: &str,
        lease: Duration,
    ) -> StoreResult<ReplayRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into replays (status, policies, request, owner, lease_until) \
             values ('running', $1, $2, $3, now() + make_interval(secs => $4)) \
             returning {REPLAY_COLUMNS}"
        )))
        .bind(Json(policies))
        .bind(Json(request))
        .bind(owner)
        .bind(lease.as_secs_f64())
        .fetch_one(&self.pool)
        .await?;
        rows::replay(&row, false)
    }

    async fn renew_replay_leases(
        &self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> StoreResult<Vec<(i64, bool)>> {
        let rows = sqlx::query(
            "update replays set lease_until = now() + make_interval(secs => $3) \
             where id = any($2) and owner = $1 and status = 'running' \
             returning id, cancel_requested",
        )
        .bind(owner)
        .bind(ids)
        .bind(lease.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("cancel_requested")?)))
            .collect()
    }

    async fn claim_lapsed_replay(
        &self,
        owner: &str,
        lease: Duration,
        running: &[i64],
    ) -> StoreResult<Option<ClaimedReplay>> {
        // `skip locked`: replicas claiming at once pass over the row another one is claiming
        // rather than wait for it and then claim it again.
        let row = sqlx::query(
            "update replays set owner = $1, lease_until = now() + make_interval(secs => $2), \
                    runs = runs + 1, progress_done = 0 \
             where id = (select id from replays \
                         where status = 'running' and (lease_until is null or lease_until < now()) \
                           and id <> all($3) \
                         order by id limit 1 for update skip locked) \
             returning id, request, runs, cancel_requested",
        )
        .bind(owner)
        .bind(lease.as_secs_f64())
        .bind(running)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(ClaimedReplay {
                id: r.try_get("id")?,
                request: r
                    .try_get::<Option<Json<serde_json::Value>>, _>("request")?
                    .map(|j| j.0),
                runs: r.try_get("runs")?,
                cancel_requested: r.try_get("cancel_requested")?,
            })
        })
        .transpose()
    }

    async fn request_replay_cancel(&self, id: i64) -> StoreResult<Option<ReplayStatus>> {
        // The flag is set only on a running replay; the status is read either way.
        let row = sqlx::query(
            "with asked as (update replays set cancel_requested = true \
                            where id = $1 and status = 'running' returning status) \
             select status from asked union all \
             select status from replays where id = $1 and not exists (select 1 from asked)",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            ReplayStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("replay status '{status}'")))
        })
        .transpose()
    }

    async fn finish_held_replay(
        &self,
        id: i64,
        owner: &str,
        outcome: Result<&ReplayReport, &str>,
    ) -> StoreResult<bool> {
        let (status, result, error) = match outcome {
            Ok(report) => (ReplayStatus::Done, Some(Json(report)), None),
            Err(e) => (ReplayStatus::Failed, None, Some(e)),
        };
        let done = sqlx::query(
            "update replays set status = $3, result = $4, error = $5, finished_at = now(), \
                    lease_until = null \
             where id = $1 and owner = $2 and status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(status.as_str())
        .bind(result)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_replay(&self, id: i64, owner: &str) -> StoreResult<bool> {
        // The notification goes out when the statement commits.
        let released = sqlx::query(sqlx::AssertSqlSafe(format!(
            "with released as (
                 update replays set owner = null, lease_until = null, runs = runs - 1
                 where id = $1 and owner = $2 and status = 'running' returning id)
             select pg_notify('{REPLAYS_RELEASED}', id::text) from released"
        )))
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        Ok(released.is_some())
    }

    async fn released_replays(&self) -> StoreResult<ReleasedReplays> {
        // A pool of its own: a listener keeps its connection for good, which would take one of
        // the requests' for the life of the process.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with((*self.pool.connect_options()).clone());
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(REPLAYS_RELEASED).await?;
        Ok(ReleasedReplays(Some(listener)))
    }

    async fn get_replay(&self, id: i64) -> StoreResult<Option<ReplayRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {REPLAY_COLUMNS}, result from replays where id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| rows::replay(&r, true)).transpose()
    }

    async fn list_replays(&self, limit: i64) -> StoreResult<Vec<ReplayRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {REPLAY_COLUMNS} from replays order by id desc limit $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| rows::replay(r, false)).collect()
    }

    async fn put_source(&self, source: &Source) -> StoreResult<Source> {
        let row = sqlx::query(
            "insert into sources (name, body) values ($1, $2)
             on conflict (name) do update set body = excluded.body, updated_at = now()
             returning body, updated_at",
        )
        .bind(&source.name)
        .bind(Json(source))
        .fetch_one(&self.pool)
        .await?;
        rows::source(&row)
    }

    async fn get_source(&self, name: &str) -> StoreResult<Option<Source>> {
        let row = sqlx::query("select body, updated_at from sources where name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::source).transpose()
    }

    async fn list_sources(&self) -> StoreResult<Vec<Source>> {
        let rows = sqlx::query("select body, updated_at from sources order by name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::source).collect()
    }

    async fn delete_source(&self, name: &str) -> StoreResult<bool> {
        let done = sqlx::query("delete from sources where name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn put_template_set(&self, set: &TemplateSet) -> StoreResult<TemplateSet> {
        let row = sqlx::query(
            "insert into template_sets (scope, target, source, body) values ($1, $2, $3, $4)
             on conflict (scope, target) do update
                 set source = excluded.source, body = excluded.body, updated_at = now()
             returning body, updated_at",
        )
        .bind(set.scope.as_str())
        .bind(&set.target)
        .bind(&set.source)
        .bind(Json(set))
        .fetch_one(&self.pool)
        .await?;
        rows::template_set(&row)
    }

    async fn get_template_set(
        &self,
        scope: TemplateScope,
        target: &str,
    ) -> StoreResult<Option<TemplateSet>> {
        let row = sqlx::query(
            "select body, updated_at from template_sets where scope = $1 and target = $2",
        )
        .bind(scope.as_str())
        .bind(target)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::template_set).transpose()
    }

    async fn list_template_sets(&self) -> StoreResult<Vec<TemplateSet>> {
        let rows = sqlx::query("select body, updated_at from template_sets order by scope, target")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::template_set).collect()
    }

    async fn delete_template_set(&self, scope: TemplateScope, target: &str) -> StoreResult<bool> {
        let done = sqlx::query("delete from template_sets where scope = $1 and target = $2")
            .bind(scope.as_str())
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn template_sets_for(&self, key: &DeploymentKey) -> StoreResult<Vec<TemplateSet>> {
        // One primary-key probe per scope; a deployment without service or environment simply
        // matches fewer.
        let rows = sqlx::query(
            "select t.body, t.updated_at from deployments d
             join template_sets t on (t.scope = 'deployment' and t.target = d.key)
                 or (t.scope = 'service' and t.target = d.service)
                 or (t.scope = 'environment' and t.target = d.environment)
             where d.key = $1",
        )
        .bind(key.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::template_set).collect()
    }

    async fn pull_marks(&self, key: &DeploymentKey) -> StoreResult<Vec<PullMark>> {
        let rows = sqlx::query(
            "select m.metric, m.cohort, m.pulled_until from pull_marks m
             join deployments d on d.id = m.deployment_id where d.key = $1",
        )
        .bind(key.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::pull_mark).collect()
    }

    async fn set_pull_marks(&self, key: &DeploymentKey, marks: &[PullMark]) -> StoreResult<()> {
        let metrics: Vec<&str> = marks.iter().map(|m| m.metric.as_str()).collect();
        let cohorts: Vec<&str> = marks.iter().map(|m| m.cohort.as_str()).collect();
        let until: Vec<DateTime<Utc>> = marks.iter().map(|m| m.until).collect();
        // One statement for every series; a mark never moves back (two replicas pulling at
        // once keep the later one).
        sqlx::query(
            "insert into pull_marks (deployment_id, metric, cohort, pulled_until)
             select d.id, m.metric, m.cohort, m.until
             from deployments d, unnest($2::text[], $3::text[], $4::timestamptz[]) as m (metric, cohort, until)
             where d.key = $1
             on conflict (deployment_id, metric, cohort) do update
                 set pulled_until = greatest(pull_marks.pulled_until, excluded.pulled_until)",
        )
        .bind(key.as_str())
        .bind(&metrics)
        .bind(&cohorts)
        .bind(&until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

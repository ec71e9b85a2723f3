//! The SQLite store: the embedded default. Timestamps are integer microseconds (UTC). Writes go
//! through a one-connection pool, so they queue in the process instead of failing with
//! SQLITE_BUSY; reads use their own pool and see committed data (WAL mode).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::types::Json;
use sqlx::{Row, SqlitePool};

use super::batch::{Batch, BatchResult, VerdictWriter, stored};
use super::rows::{
    self, DEPLOYMENT_COLUMNS, ListParam, REPLAY_COLUMNS, SPEC_COLUMNS, VERDICT_COLUMNS,
};
use super::{Removed, Store, StoreError, StoreResult, dedupe_points};
use crate::analysis::Policy;
use crate::model::replay::{
    ClaimedReplay, ReplayProgress, ReplayRecord, ReplayReport, ReplayStatus,
};
use crate::model::source::{PullMark, Source, TemplateScope, TemplateSet};
use crate::model::{
    Cohort, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec, EnvironmentPolicy,
    NewVerdict, Outcome, Point, PolicyRecord, StoredSeries, StoredVerdict, VerdictInputs,
};

/// SQLite-backed [`Store`].
#[derive(Clone, Debug)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    verdicts: VerdictWriter,
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn now() -> i64 {
    micros(Utc::now())
}

/// A lease's length in microseconds (saturating: a lease of centuries is a lease forever).
fn lease_micros(lease: Duration) -> i64 {
    i64::try_from(lease.as_micros()).unwrap_or(i64::MAX)
}

/// Writes a batch of verdicts in one transaction: one journal flush for all of them. Each one is
/// its deployment's latest verdict, kept on the deployment's row.
async fn write_verdicts(writer: SqlitePool, batch: Batch) -> BatchResult {
    let evaluated_at = now();
    let mut tx = writer.begin().await?;
    let mut ids = Vec::with_capacity(batch.len());
    for (key, v) in &batch {
        let id: Option<i64> = sqlx::query_scalar(
            "insert into verdicts (deployment_id, evaluated_at, as_of, policy, policy_version, verdict, points, first_ts, last_ts, report)
             select d.id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 from deployments d where d.key = ?1
             returning id",
        )
        .bind(key.as_str())
        .bind(evaluated_at)
        .bind(v.as_of.map(micros))
        .bind(&v.report.policy)
        .bind(v.policy_version)
        .bind(v.report.verdict.as_str())
        .bind(v.points)
        .bind(v.first_ts.map(micros))
        .bind(v.last_ts.map(micros))
        .bind(Json(&v.report))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            // The one writer connection writes verdicts in id order: this one is the latest.
            sqlx::query(
                "update deployments set latest_verdict_id = ?2, latest_verdict = ?3,
                     latest_verdict_at = ?4, latest_verdict_policy = ?5
                 where key = ?1",
            )
            .bind(key.as_str())
            .bind(id)
            .bind(v.report.verdict.as_str())
            .bind(evaluated_at)
            .bind(&v.report.policy)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(id);
    }
    tx.commit().await?;
    let evaluated_at = rows::from_micros(evaluated_at)?;
    let rows = ids
        .into_iter()
        .map(|id| id.map(|id| (id, evaluated_at)))
        .collect();
    Ok(stored(batch, rows))
}

impl SqliteStore {
    /// Opens (creating if needed) the database file `url` names, e.g. `sqlite://rollguard.db`.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before it is acknowledged, even across power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // No ping before each checkout (sqlx's default): a file has no peer that could hang up,
        // and each ping is a round trip to the connection's worker thread.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        // A series' rows come back from the connection's worker thread through a channel; one
        // that holds a whole 60-point verdict read (240 rows) spares the two threads waking
        // each other every 50 rows (sqlx's default).
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options.read_only(true).row_buffer_size(1024))
            .await?;
        let batch_writer = writer.clone();
        let verdicts =
            VerdictWriter::spawn(move |batch| write_verdicts(batch_writer.clone(), batch));
        Ok(SqliteStore {
            reader,
            writer,
            verdicts,
        })
    }

    async fn deployment_id(
        conn: &mut sqlx::SqliteConnection,
        key: &DeploymentKey,
    ) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("select id from deployments where key = ?1")
                .bind(key.as_str())
                .fetch_optional(conn)
                .await?,
        )
    }

    async fn deployment_by(
        &self,
        conn: &mut sqlx::SqliteConnection,
        id: i64,
    ) -> StoreResult<Deployment> {
        let sql = format!("select {DEPLOYMENT_COLUMNS} from deployments d where d.id = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(conn)
            .await?;
        Ok(rows::deployment(&row)?.1)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("migrations/sqlite")
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::Database(std::sync::Arc::new(e.into())))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn put_deployment(
        &self,
        key: &DeploymentKey,
        spec: &DeploymentSpec,
    ) -> StoreResult<(Deployment, bool)> {
        let mut tx = self.writer.begin().await?;
        let existing = Self::deployment_id(&mut tx, key).await?;
        let t = now();
        let id: i64 = sqlx::query_scalar(
            "insert into deployments (key, service, environment, version, started_at, labels, policy, outcome, created_at, updated_at)
             values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             on conflict (key) do update set
                 service = excluded.service, environment = excluded.environment,
                 version = excluded.version, started_at = excluded.started_at,
                 labels = excluded.labels, policy = excluded.policy, outcome = excluded.outcome,
                 updated_at = excluded.updated_at
             returning id",
        )
        .bind(key.as_str())
        .bind(&spec.service)
        .bind(&spec.environment)
        .bind(&spec.version)
        .bind(spec.started_at.map(micros))
        .bind(Json(&spec.labels))
        .bind(&spec.policy)
        .bind(spec.outcome.map(Outcome::as_str))
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let deployment = self.deployment_by(&mut tx, id).await?;
        tx.commit().await?;
        Ok((deployment, existing.is_none()))
    }

    async fn delete_deployment(&self, key: &DeploymentKey) -> StoreResult<bool> {
        // One writer connection: no ingest runs between these statements.
        let mut tx = self.writer.begin().await?;
        let Some(id) = Self::deployment_id(&mut tx, key).await? else {
            return Ok(false);
        };
        // The foreign keys would cascade, but only with the pragma on; say it outright.
        for sql in [
            "delete from points where deployment_id = ?1",
            "delete from verdicts where deployment_id = ?1",
            "delete from deployments where id = ?1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn get_deployment(&self, key: &DeploymentKey) -> StoreResult<Option<Deployment>> {
        let sql = format!("select {DEPLOYMENT_COLUMNS} from deployments d where d.key = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| rows::deployment(&r).map(|(_, d)| d))
            .transpose()
    }

    async fn deployment_spec(&self, key: &DeploymentKey) -> StoreResult<Option<DeploymentSpec>> {
        let sql = format!("select {SPEC_COLUMNS} from deployments d where d.key = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| rows::spec(&r)).transpose()
    }

    async fn list_deployments(&self, q: &DeploymentQuery) -> StoreResult<Vec<(i64, Deployment)>> {
        let (sql, params) = rows::list_deployments_sql(q, |n| format!("?{n}"));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in params {
            query = match p {
                ListParam::Text(text) => query.bind(text),
                ListParam::Int(n) => query.bind(n),
            };
        }
        let rows = query.fetch_all(&self.reader).await?;
        rows.iter().map(rows::deployment).collect()
    }

    async fn ingest(&self, key: &DeploymentKey, points: &[Point]) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let id = match Self::deployment_id(&mut tx, key).await? {
            Some(id) => id,
            None => {
                let t = now();
                sqlx::query_scalar(
                    "insert into deployments (key, created_at, updated_at) values (?1, ?2, ?2) returning id",
                )
                .bind(key.as_str())
                .bind(t)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        // SQLite has no array binds; inside one transaction a prepared statement per row is the
        // fast path (no per-row commit, statement cached by sqlx). Canonical order, as Postgres:
        // the same points give the same writes on both stores.
        // A re-sent point replaces the stored one, count included (none clears it). An insert
        // that finds the point stored does nothing, and the update then replaces it: so the
        // deployment's point count grows by the points inserted only.
        let mut added: i64 = 0;
        for p in dedupe_points(points) {
            let count = rows::stored_count(p.count())?;
            let inserted = sqlx::query(
                "insert into points (deployment_id, metric, cohort, ts, value, count)
                 values (?1, ?2, ?3, ?4, ?5, ?6)
                 on conflict (deployment_id, metric, cohort, ts) do nothing",
            )
            .bind(id)
            .bind(p.metric())
            .bind(p.cohort().as_str())
            .bind(micros(p.ts()))
            .bind(p.value())
            .bind(count)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                added += 1;
                continue;
            }
            sqlx::query(
                "update points set value = ?5, count = ?6
                 where deployment_id = ?1 and metric = ?2 and cohort = ?3 and ts = ?4",
            )
            .bind(id)
            .bind(p.metric())
            .bind(p.cohort().as_str())
            .bind(micros(p.ts()))
            .bind(p.value())
            .bind(count)
            .execute(&mut *tx)
            .await?;
        }
        if added > 0 {
            sqlx::query("update deployments set point_count = point_count + ?2 where id = ?1")
                .bind(id)
                .bind(added)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn verdict_inputs(
        &self,
        key: &DeploymentKey,
        metrics: &[&str],
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<VerdictInputs>> {
        let mut conn = self.reader.acquire().await?;
        // The deployment with its default policy (own, else its environment's) and that
        // name's latest stored version, then its points.
        let Some(row) = sqlx::query(
            "with d as (
                 select d.*, coalesce(d.policy, e.policy) as policy_name from deployments d
                 left join environment_policies e on e.environment = d.environment
                 where d.key = ?1)
             select d.id, d.service, d.environment, d.version, d.started_at, d.labels, d.policy,
                    d.outcome, d.policy_name, p.version as policy_version,
                    p.body as policy_body, p.created_at as policy_created_at,
                    exists(select 1 from template_sets t
                           where (t.scope = 'deployment' and t.target = d.key)
                              or (t.scope = 'service' and t.target = d.service)
                              or (t.scope = 'environment' and t.target = d.environment))
                        as pulls
             from d left join policies p on p.name = d.policy_name
                 and p.version = (select max(version) from policies where name = d.policy_name)",
        )
        .bind(key.as_str())
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let (policy_name, stored_policy) = rows::default_policy(&row)?;
        // A series' metric and cohort come on its first row only: every row crosses from
        // SQLite's worker thread on its own, and two strings per point cost more than the rest.
        let rows: Vec<(Option<String>, Option<String>, i64, f64, Option<i64>)> = sqlx::query_as(
            "select case when row_number() over w = 1 then metric end,
                    case when row_number() over w = 1 then cohort end, ts, value, count
             from points
             where deployment_id = ?1 and metric in (select value from json_each(?2))
               and (?3 is null or ts <= ?3)
             window w as (partition by metric, cohort order by ts)
             order by metric, cohort, ts",
        )
        .bind(id)
        .bind(Json(metrics))
        .bind(until.map(micros))
        .fetch_all(&mut *conn)
        .await?;
        let mut series: Vec<StoredSeries> = Vec::new();
        for (metric, cohort, ts, value, count) in rows {
            if let (Some(metric), Some(cohort)) = (metric, cohort) {
                series.push(StoredSeries {
                    cohort: Cohort::parse(&cohort)
                        .ok_or_else(|| StoreError::Corrupt(format!("cohort '{cohort}'")))?,
                    metric,
                    ts: Vec::new(),
                    values: Vec::new(),
                    counts: Vec::new(),
                });
            }
            let s = series
                .last_mut()
                .ok_or_else(|| StoreError::Corrupt("a series without its name".into()))?;
            s.ts.push(rows::from_micros(ts)?);
            s.values.push(value);
            s.counts.push(rows::count(count)?);
        }
        Ok(Some(VerdictInputs {
            spec: rows::spec(&row)?,
            policy_name,
            stored_policy,
            series,
            pulls: row.try_get("pulls")?,
        }))
    }

    async fn read_points(
        &self,
        key: &DeploymentKey,
        metric: Option<&str>,
        cohort: Option<Cohort>,
        per_series: i64,
    ) -> StoreResult<Option<Vec<Point>>> {
        let mut conn = self.reader.acquire().await?;
        let Some(id) = Self::deployment_id(&mut conn, key).await? else {
            return Ok(None);
        };
        let rows: Vec<(String, String, i64, f64, Option<i64>)> = sqlx::query_as(
            "select metric, cohort, ts, value, count from (
                 select metric, cohort, ts, value, count,
                        row_number() over (partition by metric, cohort order by ts desc) as n
                 from points
                 where deployment_id = ?1 and (?2 is null or metric = ?2)
                   and (?3 is null or cohort = ?3))
             where n <= ?4 + 1
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
                Point::new(
                    &metric,
                    cohort,
                    rows::from_micros(ts)?,
                    value,
                    rows::count(count)?,
                )
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
        let current: Option<(Option<String>, Option<i64>)> =
            sqlx::query_as("select revision, revision_since from deployments where key = ?1")
                .bind(key.as_str())
                .fetch_optional(&self.reader)
                .await?;
        match current {
            None => return Ok(None),
            Some((Some(r), since)) if r == revision => {
                return since.map(rows::from_micros).transpose().map(Some);
            }
            Some(_) => {}
        }
        // The set expressions read the row as it was before the update, so `revision` below is
        // the previous revision: a call that raced this one to the same checksum keeps its start.
        let row: Option<(Option<i64>,)> = sqlx::query_as(
            "update deployments set
                 revision_since = case
                     when revision = ?2 then revision_since
                     when revision is null then null
                     else (select max(ts) from points where deployment_id = deployments.id)
                 end,
                 revision = ?2
             where key = ?1
             returning revision_since",
        )
        .bind(key.as_str())
        .bind(revision)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|(since,)| since.map(rows::from_micros).transpose())
            .transpose()
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
             where d.key = ?1 and (?2 is null or v.id < ?2)
             order by v.id desc limit ?3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.as_str())
            .bind(before_id)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(rows::verdict).collect()
    }

    async fn sweep_step(&self, cutoff: DateTime<Utc>, batch: i64) -> StoreResult<Removed> {
        let cutoff = micros(cutoff);
        // Old points are found on a read connection (a scan: points have no index by time, which
        // would cost every ingest), then removed by key on the writer, so that the one writer
        // connection, which ingest waits for, is held only for the deletes.
        let old: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "select deployment_id, metric, cohort, ts from points where ts < ?1 limit ?2",
        )
        .bind(cutoff)
        .bind(batch)
        .fetch_all(&self.reader)
        .await?;
        if !old.is_empty() {
            let mut tx = self.writer.begin().await?;
            let mut points = 0;
            // Removed per deployment, taken off their counts in the same transaction.
            let mut removed: std::collections::BTreeMap<i64, i64> = Default::default();
            for (id, metric, cohort, ts) in &old {
                let gone = sqlx::query(
                    "delete from points
                     where deployment_id = ?1 and metric = ?2 and cohort = ?3 and ts = ?4",
                )
                .bind(id)
                .bind(metric)
                .bind(cohort)
                .bind(ts)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                points += gone;
                *removed.entry(*id).or_default() += i64::try_from(gone).unwrap_or(0);
            }
            for (id, n) in removed {
                sqlx::query("update deployments set point_count = point_count - ?2 where id = ?1")
                    .bind(id)
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            return Ok(Removed {
                points,
                ..Removed::default()
            });
        }
        // A deployment whose latest verdict goes gets the newest one left (or none).
        let mut tx = self.writer.begin().await?;
        let gone: Vec<(i64,)> = sqlx::query_as(
            "delete from verdicts where id in (
                 select id from verdicts where evaluated_at < ?1 order by evaluated_at limit ?2)
             returning id",
        )
        .bind(cutoff)
        .bind(batch)
        .fetch_all(&mut *tx)
        .await?;
        let verdicts = gone.len() as u64;
        if !gone.is_empty() {
            let ids: Vec<i64> = gone.into_iter().map(|(id,)| id).collect();
            sqlx::query(
                "update deployments
                 set (latest_verdict_id, latest_verdict, latest_verdict_at, latest_verdict_policy) = (
                     select v.id, v.verdict, v.evaluated_at, v.policy from verdicts v
                     where v.deployment_id = deployments.id order by v.id desc limit 1)
                 where latest_verdict_id in (select value from json_each(?1))",
            )
            .bind(Json(&ids))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        if verdicts > 0 {
            return Ok(Removed {
                verdicts,
                ..Removed::default()
            });
        }
        // One writer: no ingest can add a point between the check and the delete.
        let deployments = sqlx::query(
            "delete from deployments where id in (
                 select d.id from deployments d
                 where d.updated_at < ?1 and d.point_count = 0 and d.latest_verdict_id is null
                   and not exists (select 1 from points p where p.deployment_id = d.id)
                   and not exists (select 1 from verdicts v where v.deployment_id = d.id)
                 order by d.id limit ?2)",
        )
        .bind(cutoff)
        .bind(batch)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(Removed {
            deployments,
            ..Removed::default()
        })
    }

    async fn put_policy(&self, name: &str, policy: &Policy) -> StoreResult<PolicyRecord> {
        // The single writer connection serialises versions.
        let row = sqlx::query(
            "insert into policies (name, version, body, created_at)
             select ?1, coalesce(max(version), 0) + 1, ?2, ?3 from policies where name = ?1
             returning name, version, body, created_at",
        )
        .bind(name)
        .bind(Json(policy))
        .bind(now())
        .fetch_one(&self.writer)
        .await?;
        rows::policy(&row)
    }

    async fn get_policy(&self, name: &str) -> StoreResult<Option<PolicyRecord>> {
        let row = sqlx::query(
            "select name, version, body, created_at from policies
             where name = ?1 order by version desc limit 1",
        )
        .bind(name)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(rows::policy).transpose()
    }

    async fn list_policies(&self) -> StoreResult<Vec<PolicyRecord>> {
        let rows = sqlx::query(
            "select name, version, body, created_at from policies p
             where version = (select max(version) from policies q where q.name = p.name)
             order by name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(rows::policy).collect()
    }

    async fn put_environment_policy(
        &self,
        environment: &str,
        policy: &str,
    ) -> StoreResult<EnvironmentPolicy> {
        let row = sqlx::query(
            "insert into environment_policies (environment, policy, updated_at) values (?1, ?2, ?3)
             on conflict (environment) do update set policy = excluded.policy, updated_at = excluded.updated_at
             returning environment, policy, updated_at",
        )
        .bind(environment)
        .bind(policy)
        .bind(now())
        .fetch_one(&self.writer)
        .await?;
        rows::environment(&row)
    }

    async fn get_environment_policy(
        &self,
        environment: &str,
    ) -> StoreResult<Option<EnvironmentPolicy>> {
        let row = sqlx::query(
            "select environment, policy, updated_at from environment_policies where environment = ?1",
        )
        .bind(environment)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(rows::environment).transpose()
    }

    async fn list_environment_policies(&self) -> StoreResult<Vec<EnvironmentPolicy>> {
        let rows = sqlx::query(
            "select environment, policy, updated_at from environment_policies order by environment",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(rows::environment).collect()
    }

    async fn create_replay(&self, policies: &[String]) -> StoreResult<ReplayRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into replays (status, policies, created_at) values ('running', ?1, ?2) returning {REPLAY_COLUMNS}"
        )))
        .bind(Json(policies))
        .bind(now())
        .fetch_one(&self.writer)
        .await?;
        rows::replay(&row, false)
    }

    async fn update_replay_progress(&self, id: i64, progress: ReplayProgress) -> StoreResult<()> {
        sqlx::query("update replays set progress_done = ?2, progress_total = ?3 where id = ?1")
            .bind(id)
            .bind(progress.done)
            .bind(progress.total)
            .execute(&self.writer)
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
            "update replays set status = ?2, result = ?3, error = ?4, finished_at = ?5 where id = ?1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(result)
        .bind(error)
        .bind(now())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn fail_running_replays(&self, reason: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "update replays set status = 'failed', error = ?1, finished_at = ?2 where status = 'running'",
        )
        .bind(reason)
        .bind(now())
        .execute(&self.writer)
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
        let created = now();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into replays (status, policies, created_at, request, owner, lease_until) \
             values ('running', ?1, ?2, ?3, ?4, ?5) returning {REPLAY_COLUMNS}"
        )))
        .bind(Json(policies))
        .bind(created)
        .bind(Json(request))
        .bind(owner)
        .bind(created.saturating_add(lease_micros(lease)))
        .fetch_one(&self.writer)
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
            "update replays set lease_until = ?3 \
             where id in (select value from json_each(?2)) and owner = ?1 and status = 'running' \
             returning id, cancel_requested",
        )
        .bind(owner)
        .bind(Json(ids))
        .bind(now().saturating_add(lease_micros(lease)))
        .fetch_all(&self.writer)
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
        // One writer: the select and the update are one statement, so no other claim interleaves.
        let at = now();
        let row = sqlx::query(
            "update replays set owner = ?1, lease_until = ?3, runs = runs + 1, progress_done = 0 \
             where id = (select id from replays \
                         where status = 'running' and (lease_until is null or lease_until < ?2) \
                           and id not in (select value from json_each(?4)) \
                         order by id limit 1) \
             returning id, request, runs, cancel_requested",
        )
        .bind(owner)
        .bind(at)
        .bind(at.saturating_add(lease_micros(lease)))
        .bind(Json(running))
        .fetch_optional(&self.writer)
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
        sqlx::query("update replays set cancel_requested = 1 where id = ?1 and status = 'running'")
            .bind(id)
            .execute(&self.writer)
            .await?;
        let row = sqlx::query("select status from replays where id = ?1")
            .bind(id)
            .fetch_optional(&self.writer)
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
            "update replays set status = ?3, result = ?4, error = ?5, finished_at = ?6, \
                    lease_until = null \
             where id = ?1 and owner = ?2 and status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(status.as_str())
        .bind(result)
        .bind(error)
        .bind(now())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_replay(&self, id: i64, owner: &str) -> StoreResult<bool> {
        // One process serves SQLite, so `serve` never gives replays back at shutdown (it
        // cancels them); the store does as Postgres does all the same.
        let done = sqlx::query(
            "update replays set owner = null, lease_until = null, runs = runs - 1
             where id = ?1 and owner = ?2 and status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_replay(&self, id: i64) -> StoreResult<Option<ReplayRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {REPLAY_COLUMNS}, result from replays where id = ?1"
        )))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| rows::replay(&r, true)).transpose()
    }

    async fn list_replays(&self, limit: i64) -> StoreResult<Vec<ReplayRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {REPLAY_COLUMNS} from replays order by id desc limit ?1"
        )))
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(|r| rows::replay(r, false)).collect()
    }

    async fn put_source(&self, source: &Source) -> StoreResult<Source> {
        let row = sqlx::query(
            "insert into sources (name, body, updated_at) values (?1, ?2, ?3)
             on conflict (name) do update set body = excluded.body, updated_at = excluded.updated_at
             returning body, updated_at",
        )
        .bind(&source.name)
        .bind(Json(source))
        .bind(now())
        .fetch_one(&self.writer)
        .await?;
        rows::source(&row)
    }

    async fn get_source(&self, name: &str) -> StoreResult<Option<Source>> {
        let row = sqlx::query("select body, updated_at from sources where name = ?1")
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(rows::source).transpose()
    }

    async fn list_sources(&self) -> StoreResult<Vec<Source>> {
        let rows = sqlx::query("select body, updated_at from sources order by name")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(rows::source).collect()
    }

    async fn delete_source(&self, name: &str) -> StoreResult<bool> {
        let done = sqlx::query("delete from sources where name = ?1")
            .bind(name)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn put_template_set(&self, set: &TemplateSet) -> StoreResult<TemplateSet> {
        let row = sqlx::query(
            "insert into template_sets (scope, target, source, body, updated_at)
             values (?1, ?2, ?3, ?4, ?5)
             on conflict (scope, target) do update
                 set source = excluded.source, body = excluded.body, updated_at = excluded.updated_at
             returning body, updated_at",
        )
        .bind(set.scope.as_str())
        .bind(&set.target)
        .bind(&set.source)
        .bind(Json(set))
        .bind(now())
        .fetch_one(&self.writer)
        .await?;
        rows::template_set(&row)
    }

    async fn get_template_set(
        &self,
        scope: TemplateScope,
        target: &str,
    ) -> StoreResult<Option<TemplateSet>> {
        let row = sqlx::query(
            "select body, updated_at from template_sets where scope = ?1 and target = ?2",
        )
        .bind(scope.as_str())
        .bind(target)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(rows::template_set).transpose()
    }

    async fn list_template_sets(&self) -> StoreResult<Vec<TemplateSet>> {
        let rows = sqlx::query("select body, updated_at from template_sets order by scope, target")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(rows::template_set).collect()
    }

    async fn delete_template_set(&self, scope: TemplateScope, target: &str) -> StoreResult<bool> {
        let done = sqlx::query("delete from template_sets where scope = ?1 and target = ?2")
            .bind(scope.as_str())
            .bind(target)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn template_sets_for(&self, key: &DeploymentKey) -> StoreResult<Vec<TemplateSet>> {
        let rows = sqlx::query(
            "select t.body, t.updated_at from deployments d
             join template_sets t on (t.scope = 'deployment' and t.target = d.key)
                 or (t.scope = 'service' and t.target = d.service)
                 or (t.scope = 'environment' and t.target = d.environment)
             where d.key = ?1",
        )
        .bind(key.as_str())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(rows::template_set).collect()
    }

    async fn pull_marks(&self, key: &DeploymentKey) -> StoreResult<Vec<PullMark>> {
        let rows = sqlx::query(
            "select m.metric, m.cohort, m.pulled_until from pull_marks m
             join deployments d on d.id = m.deployment_id where d.key = ?1",
        )
        .bind(key.as_str())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(rows::pull_mark).collect()
    }

    async fn set_pull_marks(&self, key: &DeploymentKey, marks: &[PullMark]) -> StoreResult<()> {
        // A handful of series per deployment: one transaction, one journal flush.
        let mut tx = self.writer.begin().await?;
        for m in marks {
            // A mark never moves back (two processes pulling at once keep the later one).
            sqlx::query(
                "insert into pull_marks (deployment_id, metric, cohort, pulled_until)
                 select id, ?2, ?3, ?4 from deployments where key = ?1
                 on conflict (deployment_id, metric, cohort) do update
                     set pulled_until = max(pulled_until, excluded.pulled_until)",
            )
            .bind(key.as_str())
            .bind(&m.metric)
            .bind(m.cohort.as_str())
            .bind(micros(m.until))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

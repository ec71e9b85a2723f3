//! Rows to domain values, written once for both backends. The backends differ only in how a
//! column is decoded (SQLite keeps times as integer microseconds and integers as 64 bits;
//! Postgres has `timestamptz` and `int4`), which [`Cols`] hides.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;

use super::{StoreError, StoreResult};
use crate::analysis::{Decision, Policy, Verdict};
use crate::model::replay::{ReplayProgress, ReplayRecord, ReplayReport, ReplayStatus};
use crate::model::source::{PullMark, Source, TemplateSet};
use crate::model::{
    Deployment, DeploymentQuery, DeploymentSpec, EnvironmentPolicy, Outcome, PolicyRecord,
    StoredVerdict,
};

/// Columns of the deployments list and lookups (`d` is `deployments`). The point count and the
/// latest verdict are kept on the row by the writes that change them (Postgres migration 0010):
/// counting every listed deployment's points, and looking up its latest verdict, took most of a
/// list's time with a month of data.
pub const DEPLOYMENT_COLUMNS: &str = "d.id, d.key, d.service, d.environment, d.version, d.started_at, \
    d.labels, d.policy, d.outcome, d.created_at, d.updated_at, d.point_count as points, \
    d.latest_verdict, d.latest_verdict_at, d.latest_verdict_policy";

/// A deployment's descriptive fields (`d` is `deployments`), for [`spec`].
pub const SPEC_COLUMNS: &str =
    "d.service, d.environment, d.version, d.started_at, d.labels, d.policy, d.outcome";

/// A parameter of [`list_deployments_sql`]'s statement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ListParam<'a> {
    Text(&'a str),
    Int(i64),
}

/// The deployments list's statement for `q`, with a condition only for each filter given, so that
/// each combination is planned for its own index (a generic `$1 is null or …` plan uses none),
/// and its parameters in placeholder order. `param(n)` writes the n-th placeholder (`$n`, `?n`).
pub fn list_deployments_sql<'a>(
    q: &'a DeploymentQuery,
    param: impl Fn(usize) -> String,
) -> (String, Vec<ListParam<'a>>) {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut condition = |column: &str, value: ListParam<'a>| {
        params.push(value);
        conditions.push(format!("{column} {}", param(params.len())));
    };
    if let Some(service) = &q.service {
        condition("d.service =", ListParam::Text(service));
    }
    if let Some(environment) = &q.environment {
        condition("d.environment =", ListParam::Text(environment));
    }
    if let Some(verdict) = q.verdict {
        condition("d.latest_verdict =", ListParam::Text(verdict.as_str()));
    }
    if let Some(before) = q.before_id {
        condition("d.id <", ListParam::Int(before));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("where {}", conditions.join(" and "))
    };
    params.push(ListParam::Int(q.limit));
    let sql = format!(
        "select {DEPLOYMENT_COLUMNS} from deployments d {filter} order by d.id desc limit {}",
        param(params.len())
    );
    (sql, params)
}

/// Columns of a stored verdict (`v` is `verdicts`, `d` its deployment).
pub const VERDICT_COLUMNS: &str = "v.id, d.key, v.evaluated_at, v.as_of, v.policy_version, v.points, \
    v.first_ts, v.last_ts, v.report";

/// Columns of a replay record, without its result.
pub const REPLAY_COLUMNS: &str =
    "id, status, created_at, finished_at, policies, progress_done, progress_total, error";

/// Typed access to a row's columns; a failed decode is a [`StoreError`].
pub trait Cols {
    fn text(&self, col: &str) -> StoreResult<String>;
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>>;
    fn int(&self, col: &str) -> StoreResult<i64>;
    fn opt_int(&self, col: &str) -> StoreResult<Option<i64>>;
    /// A version number (`int4` in Postgres).
    fn version(&self, col: &str) -> StoreResult<i64>;
    fn opt_version(&self, col: &str) -> StoreResult<Option<i64>>;
    fn json<T: DeserializeOwned>(&self, col: &str) -> StoreResult<T>;
    fn opt_json<T: DeserializeOwned>(&self, col: &str) -> StoreResult<Option<T>>;
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>>;
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>>;
}

/// The accessors both backends decode alike.
macro_rules! common_cols {
    () => {
        fn text(&self, col: &str) -> StoreResult<String> {
            Ok(self.try_get(col)?)
        }
        fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
            Ok(self.try_get(col)?)
        }
        fn int(&self, col: &str) -> StoreResult<i64> {
            Ok(self.try_get(col)?)
        }
        fn opt_int(&self, col: &str) -> StoreResult<Option<i64>> {
            Ok(self.try_get(col)?)
        }
        fn json<T: DeserializeOwned>(&self, col: &str) -> StoreResult<T> {
            Ok(self.try_get::<Json<T>, _>(col)?.0)
        }
        fn opt_json<T: DeserializeOwned>(&self, col: &str) -> StoreResult<Option<T>> {
            Ok(self.try_get::<Option<Json<T>>, _>(col)?.map(|j| j.0))
        }
    };
}

impl Cols for PgRow {
    common_cols!();
    fn version(&self, col: &str) -> StoreResult<i64> {
        Ok(i64::from(self.try_get::<i32, _>(col)?))
    }
    fn opt_version(&self, col: &str) -> StoreResult<Option<i64>> {
        Ok(self.try_get::<Option<i32>, _>(col)?.map(i64::from))
    }
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>> {
        Ok(self.try_get(col)?)
    }
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(self.try_get(col)?)
    }
}

/// SQLite keeps times as integer microseconds since the epoch.
pub fn from_micros(us: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {us}")))
}

impl Cols for SqliteRow {
    common_cols!();
    fn version(&self, col: &str) -> StoreResult<i64> {
        self.int(col)
    }
    fn opt_version(&self, col: &str) -> StoreResult<Option<i64>> {
        self.opt_int(col)
    }
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>> {
        from_micros(self.try_get(col)?)
    }
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
        self.try_get::<Option<i64>, _>(col)?
            .map(from_micros)
            .transpose()
    }
}

/// A point's stored count (`bigint`, null when the point came without one). The column's check
/// keeps it non-negative; a negative one is corrupt data.
pub fn count(stored: Option<i64>) -> StoreResult<Option<u64>> {
    stored
        .map(|c| u64::try_from(c).map_err(|_| StoreError::Corrupt(format!("point count {c}"))))
        .transpose()
}

/// A count to store: [`crate::model::Point::new`] keeps counts within `bigint`.
pub fn stored_count(count: Option<u64>) -> StoreResult<Option<i64>> {
    count
        .map(|c| i64::try_from(c).map_err(|_| StoreError::Corrupt(format!("point count {c}"))))
        .transpose()
}

pub fn parse_decision(s: &str) -> StoreResult<Decision> {
    Decision::parse(s).ok_or_else(|| StoreError::Corrupt(format!("verdict '{s}'")))
}

pub fn spec(row: &impl Cols) -> StoreResult<DeploymentSpec> {
    Ok(DeploymentSpec {
        service: row.opt_text("service")?,
        environment: row.opt_text("environment")?,
        version: row.opt_text("version")?,
        started_at: row.opt_time("started_at")?,
        labels: row.json::<BTreeMap<String, String>>("labels")?,
        policy: row.opt_text("policy")?,
        outcome: row.opt_text("outcome")?.as_deref().and_then(Outcome::parse),
    })
}

/// A deployment read with [`DEPLOYMENT_COLUMNS`], with its row id.
pub fn deployment(row: &impl Cols) -> StoreResult<(i64, Deployment)> {
    let latest = row.opt_text("latest_verdict")?;
    Ok((
        row.int("id")?,
        Deployment {
            key: row.text("key")?,
            spec: spec(row)?,
            created_at: row.time("created_at")?,
            updated_at: row.time("updated_at")?,
            points: row.int("points")?,
            latest_verdict: latest.as_deref().map(parse_decision).transpose()?,
            latest_verdict_at: row.opt_time("latest_verdict_at")?,
            latest_verdict_policy: row.opt_text("latest_verdict_policy")?,
        },
    ))
}

/// A verdict read with [`VERDICT_COLUMNS`].
pub fn verdict(row: &impl Cols) -> StoreResult<StoredVerdict> {
    Ok(StoredVerdict {
        id: Some(row.int("id")?),
        deployment: row.text("key")?,
        evaluated_at: row.time("evaluated_at")?,
        as_of: row.opt_time("as_of")?,
        policy_version: row.opt_version("policy_version")?,
        points: row.int("points")?,
        first_ts: row.opt_time("first_ts")?,
        last_ts: row.opt_time("last_ts")?,
        report: row.json::<Verdict>("report")?,
    })
}

/// A stored policy version (`name, version, body, created_at`).
pub fn policy(row: &impl Cols) -> StoreResult<PolicyRecord> {
    Ok(PolicyRecord {
        name: row.text("name")?,
        version: row.version("version")?,
        builtin: false,
        policy: row.json::<Policy>("body")?,
        created_at: Some(row.time("created_at")?),
    })
}

/// An environment's default policy (`environment, policy, updated_at`).
pub fn environment(row: &impl Cols) -> StoreResult<EnvironmentPolicy> {
    Ok(EnvironmentPolicy {
        environment: row.text("environment")?,
        policy: row.text("policy")?,
        updated_at: row.time("updated_at")?,
    })
}

/// A replay read with [`REPLAY_COLUMNS`], plus `result` when `with_result`.
pub fn replay(row: &impl Cols, with_result: bool) -> StoreResult<ReplayRecord> {
    let status = row.text("status")?;
    let result = if with_result {
        row.opt_json::<ReplayReport>("result")?
    } else {
        None
    };
    Ok(ReplayRecord {
        id: row.int("id")?,
        status: ReplayStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("replay status '{status}'")))?,
        created_at: row.time("created_at")?,
        finished_at: row.opt_time("finished_at")?,
        policies: row.json::<Vec<String>>("policies")?,
        progress: ReplayProgress {
            done: row.int("progress_done")?,
            total: row.opt_int("progress_total")?,
        },
        error: row.opt_text("error")?,
        result,
    })
}

/// The default policy read with a deployment's verdict inputs: its name (`policy_name`) and,
/// when a policy of that name is stored, its latest version (`policy_version`, `policy_body`,
/// `policy_created_at`).
pub fn default_policy(row: &impl Cols) -> StoreResult<(Option<String>, Option<PolicyRecord>)> {
    let name = row.opt_text("policy_name")?;
    let stored = match row.opt_json::<Policy>("policy_body")? {
        Some(policy) => Some(PolicyRecord {
            name: name.clone().unwrap_or_default(),
            version: row.version("policy_version")?,
            builtin: false,
            policy,
            created_at: Some(row.time("policy_created_at")?),
        }),
        None => None,
    };
    Ok((name, stored))
}

/// A source row: its body, with the row's write time.
pub fn source(row: &impl Cols) -> StoreResult<Source> {
    let mut source: Source = row.json("body")?;
    source.updated_at = Some(row.time("updated_at")?);
    Ok(source)
}

/// A template set row: its body, with the row's write time.
pub fn template_set(row: &impl Cols) -> StoreResult<TemplateSet> {
    let mut set: TemplateSet = row.json("body")?;
    set.updated_at = Some(row.time("updated_at")?);
    Ok(set)
}

/// A pull mark row (`metric`, `cohort`, `pulled_until`).
pub fn pull_mark(row: &impl Cols) -> StoreResult<PullMark> {
    let cohort = row.text("cohort")?;
    Ok(PullMark {
        metric: row.text("metric")?,
        cohort: crate::model::Cohort::parse(&cohort)
            .ok_or_else(|| StoreError::Corrupt(format!("cohort '{cohort}'")))?,
        until: row.time("pulled_until")?,
    })
}

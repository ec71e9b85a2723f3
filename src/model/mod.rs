//! Domain types shared by the store and the API: validated at the boundary, so a value of these
//! types is always acceptable to store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::analysis::{Decision, Observations, Policy, Series, Verdict};

pub mod replay;
pub mod source;

pub use crate::timestamp::{Timestamp, deserialize_opt as deserialize_opt_timestamp};

pub use crate::names::{
    DeploymentKey, EnvironmentName, MetricName, NameError, NameKind, PolicyName,
};

/// Which side of the rollout a point describes.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Cohort {
    /// The new version under test.
    #[default]
    Canary,
    /// The stable version, side by side with the canary.
    Baseline,
    /// Before the deployment started.
    Pre,
}

impl Cohort {
    pub fn as_str(self) -> &'static str {
        match self {
            Cohort::Canary => "canary",
            Cohort::Baseline => "baseline",
            Cohort::Pre => "pre",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "canary" => Some(Cohort::Canary),
            "baseline" => Some(Cohort::Baseline),
            "pre" => Some(Cohort::Pre),
            _ => None,
        }
    }
}

/// How a deployment ended, when known (for backtests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    RolledBack,
    Promoted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::RolledBack => "rolled_back",
            Outcome::Promoted => "promoted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "rolled_back" => Some(Outcome::RolledBack),
            "promoted" => Some(Outcome::Promoted),
            _ => None,
        }
    }
}

/// A point ready to store: a valid metric name, a finite value in its metric's range
/// ([`crate::analysis::metric::check_value`]) and an optional count that fits a `bigint`
/// ([`crate::analysis::metric::check_count`]); only [`Point::new`] makes one.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    metric: MetricName,
    cohort: Cohort,
    ts: DateTime<Utc>,
    value: f64,
    count: Option<u64>,
}

/// Why a point cannot be stored.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PointError {
    #[error(transparent)]
    Metric(#[from] NameError),
    #[error(transparent)]
    Value(#[from] crate::analysis::metric::ValueError),
    #[error(transparent)]
    Count(#[from] crate::analysis::metric::CountError),
}

impl Point {
    /// Checks the metric name, the value for that metric and the count.
    pub fn new(
        metric: &str,
        cohort: Cohort,
        ts: DateTime<Utc>,
        value: f64,
        count: Option<u64>,
    ) -> Result<Self, PointError> {
        let metric = MetricName::parse(metric)?;
        crate::analysis::metric::check_value(&metric, value)?;
        let count = count
            .map(crate::analysis::metric::check_count)
            .transpose()?;
        Ok(Point {
            metric,
            cohort,
            ts,
            value,
            count,
        })
    }

    pub fn metric(&self) -> &str {
        self.metric.as_str()
    }

    pub fn cohort(&self) -> Cohort {
        self.cohort
    }

    pub fn ts(&self) -> DateTime<Utc> {
        self.ts
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// The number of requests (sessions, for `conversion_rate`) behind the value, if given.
    pub fn count(&self) -> Option<u64> {
        self.count
    }

    /// The same point with another value, checked like a new one; the count stays.
    pub fn with_value(&self, value: f64) -> Result<Self, PointError> {
        Point::new(self.metric(), self.cohort, self.ts, value, self.count)
    }
}

/// A deployment's descriptive fields, as given by `PUT /v1/deployments/{key}`. Strings, label
/// keys and label values are at most 256 characters, without control or bidirectional formatting
/// characters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    #[schema(example = "checkout", max_length = 256)]
    pub service: Option<String>,
    /// Its default policy applies when the deployment names none.
    #[schema(example = "production", max_length = 256)]
    pub environment: Option<String>,
    #[schema(example = "v2.3.1", max_length = 256)]
    pub version: Option<String>,
    /// RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
    #[serde(default, deserialize_with = "deserialize_opt_timestamp")]
    pub started_at: Option<DateTime<Utc>>,
    /// At most 64 labels.
    #[serde(default, deserialize_with = "crate::json::unique_map")]
    pub labels: BTreeMap<String, String>,
    /// The policy this deployment is judged by; when absent, its environment's default.
    #[schema(pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", max_length = 64)]
    pub policy: Option<String>,
    pub outcome: Option<Outcome>,
}

/// Longest accepted service, environment, version, label key or label value, in characters.
pub const MAX_FIELD_LEN: usize = 256;
/// Most labels on one deployment.
pub const MAX_LABELS: usize = 64;

/// Whether a descriptive text (or a filter on one) is acceptable: at most [`MAX_FIELD_LEN`]
/// characters, no control characters (Postgres cannot even compare text holding NUL) and no
/// bidirectional formatting characters ([`is_bidi_control`]).
pub fn is_valid_field(value: &str) -> bool {
    value.chars().count() <= MAX_FIELD_LEN
        && !value.chars().any(|c| c.is_control() || is_bidi_control(c))
}

/// Unicode's bidirectional formatting characters (`Bidi_Control`): the Arabic letter mark,
/// the left-to-right and right-to-left marks, embeddings and overrides (U+202A–U+202E) and
/// isolates (U+2066–U+2069). In a display field they make the text read differently from what
/// it holds (a version `1.2.3` shown as `3.2.1`), so they are refused with the control
/// characters.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What is wrong with a deployment's descriptive fields.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error(
        "{0} must be at most {MAX_FIELD_LEN} characters without control characters or bidirectional formatting characters"
    )]
    Field(&'static str),
    #[error("at most {MAX_LABELS} labels")]
    TooManyLabels,
    #[error(transparent)]
    Policy(#[from] NameError),
}

impl DeploymentSpec {
    /// Checks the fields' lengths and characters, the label count and the policy name; the
    /// error names the first bad field.
    pub fn check(&self) -> Result<(), SpecError> {
        let fields = [
            ("service", self.service.as_deref()),
            ("environment", self.environment.as_deref()),
            ("version", self.version.as_deref()),
        ];
        let labels = self.labels.iter().flat_map(|(k, v)| {
            [
                ("labels (key)", Some(k.as_str())),
                ("labels (value)", Some(v.as_str())),
            ]
        });
        for (name, value) in fields.into_iter().chain(labels) {
            if value.is_some_and(|v| !is_valid_field(v)) {
                return Err(SpecError::Field(name));
            }
        }
        if self.labels.len() > MAX_LABELS {
            return Err(SpecError::TooManyLabels);
        }
        if let Some(p) = &self.policy {
            PolicyName::parse(p)?;
        }
        Ok(())
    }
}

/// A stored deployment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Deployment {
    pub key: String,
    #[serde(flatten)]
    pub spec: DeploymentSpec,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Points stored for this deployment, all metrics and cohorts.
    #[schema(minimum = 0)]
    pub points: i64,
    /// The latest stored verdict, if any.
    pub latest_verdict: Option<Decision>,
    pub latest_verdict_at: Option<DateTime<Utc>>,
    /// The policy that judged the latest stored verdict (`inline` for a policy given in the
    /// request).
    pub latest_verdict_policy: Option<String>,
}

/// One stored (metric, cohort) series, in time order. `ts`, `values` and `counts` are columns of
/// equal length; a point stored without a count has `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSeries {
    pub metric: String,
    pub cohort: Cohort,
    pub ts: Vec<DateTime<Utc>>,
    pub values: Vec<f64>,
    pub counts: Vec<Option<u64>>,
}

impl StoredSeries {
    /// Keeps the points strictly after `since` (the series is in time order).
    pub fn keep_after(&mut self, since: DateTime<Utc>) {
        let first = self.ts.partition_point(|t| *t <= since);
        self.ts.drain(..first);
        self.values.drain(..first);
        self.counts.drain(..first);
    }

    /// Puts the points in time order, if they are not already.
    pub fn sort_by_time(&mut self) {
        if self.ts.is_sorted() {
            return;
        }
        let mut rows: Vec<(DateTime<Utc>, f64, Option<u64>)> = self
            .ts
            .iter()
            .zip(&self.values)
            .zip(&self.counts)
            .map(|((&ts, &value), &count)| (ts, value, count))
            .collect();
        rows.sort_by_key(|&(ts, _, _)| ts);
        self.ts = rows.iter().map(|r| r.0).collect();
        self.values = rows.iter().map(|r| r.1).collect();
        self.counts = rows.iter().map(|r| r.2).collect();
    }

    /// The series as single points; a stored value that is not a valid point is corrupt data.
    pub fn points(&self) -> impl Iterator<Item = Result<Point, PointError>> + '_ {
        self.ts
            .iter()
            .zip(&self.values)
            .zip(&self.counts)
            .map(|((&ts, &value), &count)| Point::new(&self.metric, self.cohort, ts, value, count))
    }

    /// Every point's count, when every point has one (the analysis's [`Series::counts`]).
    pub fn all_counts(&self) -> Option<Vec<u64>> {
        self.counts.iter().copied().collect()
    }
}

/// Everything a verdict on a stored deployment needs, read at once (by the store's
/// `verdict_inputs`).
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictInputs {
    pub spec: DeploymentSpec,
    /// The policy the deployment gets when a request names none: its own, else its
    /// environment's default; `None` when neither names one.
    pub policy_name: Option<String>,
    /// The latest version of the policy stored under `policy_name`, if any (built-in names
    /// are never stored).
    pub stored_policy: Option<PolicyRecord>,
    /// The requested metrics' series, ordered by metric and cohort.
    pub series: Vec<StoredSeries>,
    /// Whether a template set applies to the deployment (by key, service or environment): a
    /// verdict then reads its sources first.
    pub pulls: bool,
}

/// A verdict to record in the audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct NewVerdict {
    pub as_of: Option<DateTime<Utc>>,
    pub policy_version: Option<i64>,
    /// Points read by the evaluation, and the time range they cover.
    pub points: i64,
    pub first_ts: Option<DateTime<Utc>>,
    pub last_ts: Option<DateTime<Utc>>,
    pub report: Verdict,
}

/// A verdict from the audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredVerdict {
    /// Its place in the audit trail; null when nothing was recorded (unknown deployment).
    pub id: Option<i64>,
    pub deployment: String,
    pub evaluated_at: DateTime<Utc>,
    /// Only points up to this time were read, when the request gave `at`.
    pub as_of: Option<DateTime<Utc>>,
    /// The stored policy's version; null for built-in and inline policies.
    pub policy_version: Option<i64>,
    /// Points read, and the time range they cover.
    #[schema(minimum = 0)]
    pub points: i64,
    pub first_ts: Option<DateTime<Utc>>,
    pub last_ts: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub report: Verdict,
}

impl StoredVerdict {
    /// `verdict` of deployment `key`, evaluated at `evaluated_at`, with its place `id` in the
    /// audit trail (`None`: not recorded).
    pub fn new(
        id: Option<i64>,
        key: &DeploymentKey,
        evaluated_at: DateTime<Utc>,
        verdict: NewVerdict,
    ) -> Self {
        StoredVerdict {
            id,
            deployment: key.to_string(),
            evaluated_at,
            as_of: verdict.as_of,
            policy_version: verdict.policy_version,
            points: verdict.points,
            first_ts: verdict.first_ts,
            last_ts: verdict.last_ts,
            report: verdict.report,
        }
    }
}

/// One version of a named policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyRecord {
    pub name: String,
    /// Starts at 1 and grows with each PUT; 0 for built-in policies.
    #[schema(minimum = 0)]
    pub version: i64,
    pub builtin: bool,
    pub policy: Policy,
    pub created_at: Option<DateTime<Utc>>,
}

impl PolicyRecord {
    /// The record of a built-in policy: version 0, never stored.
    pub fn builtin(name: &str, policy: Policy) -> Self {
        PolicyRecord {
            name: name.to_string(),
            version: 0,
            builtin: true,
            policy,
            created_at: None,
        }
    }

    /// The version to record with a verdict: `None` for built-in policies.
    pub fn stored_version(&self) -> Option<i64> {
        (!self.builtin).then_some(self.version)
    }
}

/// The default policy of an environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnvironmentPolicy {
    pub environment: String,
    pub policy: String,
    pub updated_at: DateTime<Utc>,
}

/// Filters and page for listing deployments, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeploymentQuery {
    pub service: Option<String>,
    pub environment: Option<String>,
    /// Only deployments whose latest stored verdict is this one.
    pub verdict: Option<Decision>,
    pub limit: i64,
    /// Return only deployments older than this id (the previous page's cursor).
    pub before_id: Option<i64>,
}

/// Stored series as the analysis engine's observations; the values and times move, not copy. A
/// series' counts are carried when every one of its points has a count.
pub fn series_observations(series: Vec<StoredSeries>) -> Observations {
    let mut obs = Observations::default();
    for s in series {
        let cohort = match s.cohort {
            Cohort::Canary => &mut obs.canary,
            Cohort::Baseline => &mut obs.baseline_cohort,
            Cohort::Pre => &mut obs.pre,
        };
        let counts = s.all_counts();
        cohort.insert(
            s.metric,
            Series {
                values: s.values,
                times: Some(s.ts),
                counts,
            },
        );
    }
    obs
}

//! Metrics sources (Prometheus servers rollguard reads at verdict time) and the PromQL templates
//! that say what to read for each metric and cohort, per environment, service or deployment.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Cohort;
pub use crate::prometheus::{AuthKind, SourceAuth};

/// A stored source. `auth` holds where the secret is (an environment variable's name or a
/// file's path), never the secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Source {
    #[schema(value_type = crate::names::SourceName)]
    pub name: String,
    /// The Prometheus server's base URL: `http://host:port`, optionally with a path prefix.
    #[schema(example = "http://prometheus.monitoring:9090")]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<SourceAuth>,
    /// Longest one request to the source may take, in milliseconds.
    #[schema(minimum = 1, maximum = 30000, example = 5000)]
    pub timeout_ms: u64,
    /// Set by the store when written.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Where a template set applies; a narrower one wins, per metric and cohort: `deployment` over
/// `service` over `environment`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TemplateScope {
    Environment,
    Service,
    Deployment,
}

impl TemplateScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateScope::Environment => "environment",
            TemplateScope::Service => "service",
            TemplateScope::Deployment => "deployment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "environment" => Some(TemplateScope::Environment),
            "service" => Some(TemplateScope::Service),
            "deployment" => Some(TemplateScope::Deployment),
            _ => None,
        }
    }
}

/// One series' queries: the value (in the metric's unit: percent, milliseconds, a fraction) and
/// the count behind it (requests or sessions per step).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricQuery {
    #[schema(
        example = "100 * sum(rate(http_requests_total{service=\"{{service}}\",version=\"{{version}}\",code=~\"5..\"}[{{step}}])) / sum(rate(http_requests_total{service=\"{{service}}\",version=\"{{version}}\"}[{{step}}]))"
    )]
    pub query: String,
    /// Optional: without it the points carry no count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        example = "sum(increase(http_requests_total{service=\"{{service}}\",version=\"{{version}}\"}[{{step}}]))"
    )]
    pub count_query: Option<String>,
}

/// Per cohort (`canary`, `baseline`).
pub type CohortQueries = BTreeMap<Cohort, MetricQuery>;

/// A stored template set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TemplateSet {
    pub scope: TemplateScope,
    /// The environment's name, the service's name or the deployment's key.
    pub target: String,
    /// The source its queries run on.
    #[schema(value_type = crate::names::SourceName)]
    pub source: String,
    /// The pull's step in seconds: one point per step, and `{{step}}` in the queries.
    #[schema(minimum = 1, maximum = 3600, example = 60)]
    pub step_seconds: u64,
    /// Per metric (`error_rate`, `latency_p99`, `conversion_rate`), per cohort.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, MetricQuery>>)]
    pub metrics: BTreeMap<String, CohortQueries>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Where one series was last read up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullMark {
    pub metric: String,
    pub cohort: Cohort,
    pub until: DateTime<Utc>,
}

/// A source as a request gives it (the name is in the path).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// `http://host:port`, optionally with a path prefix; no credentials in it.
    #[schema(example = "http://prometheus.monitoring:9090", max_length = 2048)]
    pub url: String,
    #[serde(default)]
    pub auth: Option<SourceAuth>,
    /// Longest one request to the source may take, in milliseconds (default 5000). Keep it
    /// well below the server's `--request-timeout`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 30000, example = 5000)]
    pub timeout_ms: Option<u64>,
}

/// A template set as a request gives it (scope and target are in the path).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSetSpec {
    #[schema(value_type = crate::names::SourceName)]
    pub source: String,
    /// One point per step, in seconds (default 60); `{{step}}` in the queries.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3600, example = 60)]
    pub step_seconds: Option<u64>,
    /// A shipped set of queries to start from: `http` (`http_requests_total` with a `code`
    /// label, `http_request_duration_seconds` histograms; see docs/integrations/prometheus.md).
    /// `metrics` entries replace the preset's, per metric and cohort.
    #[serde(default)]
    #[schema(example = "http")]
    pub preset: Option<String>,
    /// Per metric (`error_rate`, `latency_p99`, `conversion_rate`), per cohort (`canary`,
    /// `baseline`).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, BTreeMap<String, MetricQuery>>)]
    pub metrics: BTreeMap<String, CohortQueries>,
}

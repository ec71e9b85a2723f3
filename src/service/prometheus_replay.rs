//! Replay from Prometheus: each past deployment, given by its service, versions and time range,
//! is read from the sources its template sets name (as a verdict would pull it, over the whole
//! range at once) and handed to the replay engine in the NDJSON line shape. Nothing is stored.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::pull::{Plan, align, plan};
use super::sources::source_error;
use super::{Service, ServiceError, ServiceResult};
use crate::model::source::{TemplateScope, TemplateSet};
use crate::model::{Cohort, DeploymentKey, Outcome, Timestamp};
use crate::prometheus::PromError;
use crate::prometheus::template::{BASELINE_LABEL, Fill, Template};

/// Most deployments one replay from Prometheus reads.
pub const MAX_PROMETHEUS_DEPLOYMENTS: usize = 1_000;

/// A past deployment to read from Prometheus and replay. Its fields fill the templates of the
/// sets that apply to it (by `key`, `service` and `environment`, narrower first), as for a live
/// deployment.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrometheusDeployment {
    #[schema(value_type = DeploymentKey)]
    pub key: String,
    #[schema(example = "checkout")]
    pub service: Option<String>,
    #[schema(example = "production")]
    pub environment: Option<String>,
    /// The canary's version (`{{version}}`).
    #[schema(example = "v2.3.1")]
    pub version: Option<String>,
    /// The stable version beside it (`{{baseline_version}}`).
    #[schema(example = "v2.3.0")]
    pub baseline_version: Option<String>,
    /// More values for `{{labels.NAME}}`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The range read: the rollout's start and end (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub until: Timestamp,
    /// For precision and recall, as in the NDJSON shape.
    pub outcome: Option<Outcome>,
    /// The 1-based step a known regression began, for time to detect.
    #[schema(minimum = 1)]
    pub onset_step: Option<usize>,
}

/// The sets that apply to `d`, as `Store::template_sets_for` finds them for a stored one.
fn applicable(sets: &[TemplateSet], d: &PrometheusDeployment) -> Vec<TemplateSet> {
    sets.iter()
        .filter(|s| match s.scope {
            TemplateScope::Deployment => s.target == d.key,
            TemplateScope::Service => d.service.as_deref() == Some(s.target.as_str()),
            TemplateScope::Environment => d.environment.as_deref() == Some(s.target.as_str()),
        })
        .cloned()
        .collect()
}

/// A series as NDJSON points; counts kept only when every point has one (the shape's rule).
fn points(samples: &[(chrono::DateTime<chrono::Utc>, f64, Option<u64>)]) -> Value {
    let all_counts = samples.iter().all(|s| s.2.is_some());
    Value::Array(
        samples
            .iter()
            .map(|(ts, value, count)| {
                let mut p = json!({"ts": ts.to_rfc3339(), "value": value});
                if let (true, Some(c)) = (all_counts, count) {
                    p["count"] = json!(c);
                }
                p
            })
            .collect(),
    )
}

impl Service {
    /// Reads each deployment's series over its range from its sources, and returns them as
    /// replay inputs (NDJSON line shape). A deployment without templates, or whose range is
    /// empty, is [`ServiceError::ReplayDeployment`]; a query Prometheus rejects,
    /// [`ServiceError::TemplateRejected`]; a source that cannot be asked,
    /// [`ServiceError::SourceUnavailable`].
    pub async fn read_prometheus_deployments(
        &self,
        deployments: &[PrometheusDeployment],
    ) -> ServiceResult<Vec<Value>> {
        if deployments.is_empty() || deployments.len() > MAX_PROMETHEUS_DEPLOYMENTS {
            return Err(ServiceError::invalid(
                "from_prometheus.deployments",
                format!("give 1 to {MAX_PROMETHEUS_DEPLOYMENTS} deployments"),
            ));
        }
        let sets = self.store.list_template_sets().await?;
        let mut clients = HashMap::new();
        let mut out = Vec::with_capacity(deployments.len());
        for (index, d) in deployments.iter().enumerate() {
            let bad = |message: String| ServiceError::ReplayDeployment { index, message };
            DeploymentKey::parse(&d.key).map_err(|e| bad(e.to_string()))?;
            if d.until.get() <= d.since.get() {
                return Err(bad("until must be after since".into()));
            }
            let plans = plan(applicable(&sets, d));
            if plans.is_empty() {
                return Err(bad(format!(
                    "no template set applies to '{}' (by its key, service or environment)",
                    d.key
                )));
            }
            let mut labels = d.labels.clone();
            if let Some(b) = &d.baseline_version {
                labels.insert(BASELINE_LABEL.into(), b.clone());
            }
            let mut canary = serde_json::Map::new();
            let mut baseline = serde_json::Map::new();
            for p in plans {
                let Plan {
                    metric,
                    cohort,
                    source,
                    step_seconds,
                    queries,
                } = p;
                let fill = Fill {
                    service: d.service.clone(),
                    environment: d.environment.clone(),
                    version: d.version.clone(),
                    key: d.key.clone(),
                    labels: labels.clone(),
                    step_seconds,
                };
                let filled = |q: &str| {
                    Template::parse(q)
                        .map_err(|e| e.to_string())
                        .and_then(|t| t.fill(&fill).map_err(|e| e.to_string()))
                };
                // A value the deployment lacks: the series is left out, as at verdict time.
                let Ok(query) = filled(&queries.query) else {
                    continue;
                };
                let count_query = match queries.count_query.as_deref().map(filled) {
                    Some(Err(_)) => continue,
                    Some(Ok(c)) => Some(c),
                    None => None,
                };
                if !clients.contains_key(&source) {
                    let s = self.store.get_source(&source).await?.ok_or_else(|| {
                        ServiceError::SourceUnavailable(format!("source '{source}' does not exist"))
                    })?;
                    let c = self.pulls.client(&s).map_err(|m| {
                        ServiceError::SourceUnavailable(format!("source '{source}': {m}"))
                    })?;
                    clients.insert(source.clone(), (s, c));
                }
                let (s, client) = &clients[&source];
                let start = align(d.since.get(), step_seconds);
                let end = align(d.until.get(), step_seconds);
                let step = Duration::from_secs(step_seconds);
                let field = format!("{metric}.{}", cohort.as_str());
                let fail = |e: PromError| match e {
                    PromError::Rejected {
                        error_type,
                        message,
                    } => ServiceError::TemplateRejected {
                        field: format!("deployments[{index}]: {field}"),
                        message: format!(
                            "Prometheus (source '{}') rejected it ({error_type}): {message}",
                            s.name
                        ),
                    },
                    e => ServiceError::SourceUnavailable(source_error(&s.name, &s.url, &e)),
                };
                let values = client
                    .query_range(&query, start, end, step)
                    .await
                    .map_err(fail)?;
                let counts: HashMap<_, f64> = match &count_query {
                    Some(c) => client
                        .query_range(c, start, end, step)
                        .await
                        .map_err(fail)?
                        .into_iter()
                        .map(|s| (s.ts, s.value))
                        .collect(),
                    None => HashMap::new(),
                };
                let samples: Vec<_> = values
                    .into_iter()
                    .filter_map(|s| {
                        let p = super::pull::point(
                            &metric,
                            cohort,
                            s.ts,
                            s.value,
                            counts.get(&s.ts).copied(),
                        )?;
                        Some((p.ts(), p.value(), p.count()))
                    })
                    .collect();
                if samples.is_empty() {
                    continue;
                }
                let target = if cohort == Cohort::Baseline {
                    &mut baseline
                } else {
                    &mut canary
                };
                target.insert(metric, points(&samples));
            }
            let mut line = json!({
                "key": d.key,
                "started_at": d.since.get().to_rfc3339(),
                "metrics": canary,
                "cohorts": {"baseline": baseline},
            });
            if let Some(o) = d.outcome {
                line["outcome"] = json!(o.as_str());
            }
            if let Some(n) = d.onset_step {
                line["onset_step"] = json!(n);
            }
            out.push(line);
        }
        Ok(out)
    }
}

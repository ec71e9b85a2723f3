//! Metrics sources and their PromQL template sets: checked, validated against the source itself
//! (a template Prometheus rejects is never stored), stored, listed, deleted.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;

use super::pull::SourceSettings;
use super::{Service, ServiceError, ServiceResult};
use crate::model::source::{
    MetricQuery, Source, SourceSpec, TemplateScope, TemplateSet, TemplateSetSpec,
};
use crate::model::{Cohort, DeploymentKey, EnvironmentName, is_valid_field};
use crate::names::SourceName;
use crate::prometheus::template::{self, Fill, Template};
use crate::prometheus::{Client, PromError};

/// A source's request time limit when it sets none.
pub const DEFAULT_SOURCE_TIMEOUT_MS: u64 = 5_000;
/// The longest a source may set: a verdict waits for its source, and a hook's caller for the
/// verdict.
pub const MAX_SOURCE_TIMEOUT_MS: u64 = 30_000;
/// A template set's step when it sets none, in seconds.
pub const DEFAULT_STEP_SECONDS: u64 = 60;

/// The metrics a template may fill: those the rules read.
pub const TEMPLATE_METRICS: [&str; 3] = ["error_rate", "latency_p99", "conversion_rate"];

/// A client for `source`.
pub(super) fn client(source: &Source, settings: &SourceSettings) -> Result<Client, String> {
    Client::new(
        &source.url,
        Duration::from_millis(source.timeout_ms),
        source.auth.clone(),
        settings.secrets_dir.clone(),
    )
}

/// A failure talking to a source, as a message that names it (never its secret).
pub(super) fn source_error(source: &str, url: &str, e: &PromError) -> String {
    format!("source '{source}' ({url}): {e}")
}

/// Checks a template set's target for its scope.
pub fn check_target(scope: TemplateScope, target: &str) -> ServiceResult<()> {
    match scope {
        TemplateScope::Environment => {
            EnvironmentName::parse(target)?;
        }
        TemplateScope::Deployment => {
            DeploymentKey::parse(target)?;
        }
        TemplateScope::Service => {
            if target.is_empty() || !is_valid_field(target) {
                return Err(ServiceError::invalid(
                    "target",
                    "a service name is 1 to 256 characters without control characters",
                ));
            }
        }
    }
    Ok(())
}

impl Service {
    /// Creates or replaces a source; `true` when created. The URL must be plain `http://`, the
    /// auth's secret readable now (so a typo shows here, not at the first verdict).
    pub async fn put_source(
        &self,
        name: &SourceName,
        spec: SourceSpec,
    ) -> ServiceResult<(Source, bool)> {
        let timeout_ms = spec.timeout_ms.unwrap_or(DEFAULT_SOURCE_TIMEOUT_MS);
        if !(1..=MAX_SOURCE_TIMEOUT_MS).contains(&timeout_ms) {
            return Err(ServiceError::invalid(
                "timeout_ms",
                format!("timeout_ms {timeout_ms} must be between 1 and {MAX_SOURCE_TIMEOUT_MS}"),
            ));
        }
        if spec.url.len() > 2048 {
            return Err(ServiceError::invalid(
                "url",
                "url is longer than 2048 bytes",
            ));
        }
        if let Some(auth) = &spec.auth {
            auth.check().map_err(|m| ServiceError::invalid("auth", m))?;
        }
        let source = Source {
            name: name.to_string(),
            url: spec.url.trim_end_matches('/').to_string(),
            auth: spec.auth,
            timeout_ms,
            updated_at: None,
        };
        let client =
            client(&source, &self.pulls.settings).map_err(|m| ServiceError::invalid("url", m))?;
        client
            .secret()
            .map_err(|e| ServiceError::invalid("auth", format!("auth: {e}")))?;
        let created = self.store.get_source(name).await?.is_none();
        let stored = self.store.put_source(&source).await?;
        self.pulls.forget_client(name);
        Ok((stored, created))
    }

    pub async fn source(&self, name: &SourceName) -> ServiceResult<Source> {
        self.store
            .get_source(name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no source '{name}'")))
    }

    pub async fn list_sources(&self) -> ServiceResult<Vec<Source>> {
        Ok(self.store.list_sources().await?)
    }

    /// Deletes a source no template set uses.
    pub async fn delete_source(&self, name: &SourceName) -> ServiceResult<()> {
        let users: Vec<String> = self
            .store
            .list_template_sets()
            .await?
            .into_iter()
            .filter(|s| s.source == name.as_str())
            .map(|s| format!("{}/{}", s.scope.as_str(), s.target))
            .collect();
        if !users.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "source '{name}' is used by the template sets {}; delete or move them first",
                users.join(", ")
            )));
        }
        if !self.store.delete_source(name).await? {
            return Err(ServiceError::NotFound(format!("no source '{name}'")));
        }
        self.pulls.forget_client(name);
        Ok(())
    }

    /// Creates or replaces the template set of (`scope`, `target`); `true` when created. Every
    /// query is parsed (unknown or misplaced placeholders are refused), then run once against
    /// the source, filled with sample values: a query Prometheus rejects is a
    /// [`ServiceError::TemplateRejected`] with Prometheus's message, and nothing is stored.
    pub async fn put_template_set(
        &self,
        scope: TemplateScope,
        target: &str,
        spec: TemplateSetSpec,
    ) -> ServiceResult<(TemplateSet, bool)> {
        check_target(scope, target)?;
        let source_name = SourceName::parse(&spec.source)?;
        let Some(source) = self.store.get_source(&source_name).await? else {
            return Err(ServiceError::invalid(
                "source",
                format!("no source '{source_name}': create it with PUT /v1/sources/{source_name}"),
            ));
        };
        let step_seconds = spec.step_seconds.unwrap_or(DEFAULT_STEP_SECONDS);
        if !(1..=3600).contains(&step_seconds) {
            return Err(ServiceError::invalid(
                "step_seconds",
                format!("step_seconds {step_seconds} must be between 1 and 3600"),
            ));
        }
        let metrics = merge_preset(spec.preset.as_deref(), spec.metrics)?;
        let fill = Fill::sample(step_seconds);
        let mut checks = Vec::new();
        for (metric, cohorts) in &metrics {
            for (cohort, q) in cohorts {
                let queries = [
                    ("query", Some(&q.query)),
                    ("count_query", q.count_query.as_ref()),
                ];
                for (what, query) in queries {
                    let Some(query) = query else { continue };
                    let field = format!("metrics.{metric}.{}.{what}", cohort.as_str());
                    let t = Template::parse(query).map_err(|e| ServiceError::Template {
                        field: field.clone(),
                        message: e.to_string(),
                    })?;
                    checks.push((field, t.fill_sample(&fill)));
                }
            }
        }
        let client = client(&source, &self.pulls.settings)
            .map_err(|m| ServiceError::invalid("source", m))?;
        let now = Utc::now();
        for (field, query) in checks {
            match client.check(&query, now).await {
                Ok(()) => {}
                Err(PromError::Rejected {
                    error_type,
                    message,
                }) => {
                    return Err(ServiceError::TemplateRejected {
                        field,
                        message: format!(
                            "Prometheus (source '{}') rejected it ({error_type}): {message}",
                            source.name
                        ),
                    });
                }
                Err(e) => {
                    return Err(ServiceError::SourceUnavailable(format!(
                        "cannot validate {field}: {}",
                        source_error(&source.name, &source.url, &e)
                    )));
                }
            }
        }
        let set = TemplateSet {
            scope,
            target: target.to_string(),
            source: source.name,
            step_seconds,
            metrics,
            updated_at: None,
        };
        let created = self.store.get_template_set(scope, target).await?.is_none();
        Ok((self.store.put_template_set(&set).await?, created))
    }

    pub async fn template_set(
        &self,
        scope: TemplateScope,
        target: &str,
    ) -> ServiceResult<TemplateSet> {
        check_target(scope, target)?;
        self.store
            .get_template_set(scope, target)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("no template set for {} '{target}'", scope.as_str()))
            })
    }

    pub async fn list_template_sets(&self) -> ServiceResult<Vec<TemplateSet>> {
        Ok(self.store.list_template_sets().await?)
    }

    pub async fn delete_template_set(
        &self,
        scope: TemplateScope,
        target: &str,
    ) -> ServiceResult<()> {
        check_target(scope, target)?;
        if self.store.delete_template_set(scope, target).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "no template set for {} '{target}'",
                scope.as_str()
            )))
        }
    }
}

/// The preset's queries (if any) with `metrics` replacing them per metric and cohort; checks
/// the metric and cohort names and that something is left.
fn merge_preset(
    preset: Option<&str>,
    metrics: BTreeMap<String, BTreeMap<Cohort, MetricQuery>>,
) -> ServiceResult<BTreeMap<String, BTreeMap<Cohort, MetricQuery>>> {
    let mut out: BTreeMap<String, BTreeMap<Cohort, MetricQuery>> = BTreeMap::new();
    if let Some(name) = preset {
        let queries = template::preset(name).ok_or_else(|| {
            ServiceError::invalid("preset", format!("unknown preset '{name}' (presets: http)"))
        })?;
        for (metric, cohort, query, count) in queries {
            let cohort = Cohort::parse(cohort).unwrap_or_default();
            out.entry((*metric).to_string()).or_default().insert(
                cohort,
                MetricQuery {
                    query: (*query).to_string(),
                    count_query: Some((*count).to_string()),
                },
            );
        }
    }
    for (metric, cohorts) in metrics {
        if !TEMPLATE_METRICS.contains(&metric.as_str()) {
            return Err(ServiceError::invalid(
                "metrics",
                format!(
                    "metric '{}' has no rule to read it (metrics: {})",
                    metric.chars().take(64).collect::<String>(),
                    TEMPLATE_METRICS.join(", ")
                ),
            ));
        }
        for (cohort, q) in cohorts {
            if cohort == Cohort::Pre {
                return Err(ServiceError::invalid(
                    "metrics",
                    format!(
                        "metrics.{metric}: cohort 'pre' cannot be pulled (cohorts: canary, baseline)"
                    ),
                ));
            }
            out.entry(metric.clone()).or_default().insert(cohort, q);
        }
    }
    if out.values().all(BTreeMap::is_empty) {
        return Err(ServiceError::invalid(
            "metrics",
            "no queries: give metrics, a preset, or both",
        ));
    }
    Ok(out)
}

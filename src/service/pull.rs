//! Pulling a deployment's series from its metrics sources at verdict time.
//!
//! Each (metric, cohort) series takes its queries from the narrowest template set that defines
//! it (deployment over service over environment). A pull reads `query_range` from where the
//! series was last read (the last step read is read again, so a step that was still filling in
//! is completed) up to now, aligned to the step, stores the points through the ordinary ingest
//! path (idempotent: a point read twice replaces itself), then moves the series' mark. One pull
//! per deployment at a time in this process: a verdict that waited for another's pull finds the
//! series up to date and reads nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::sources::{client, source_error};
use super::{Service, ServiceResult};
use crate::analysis::{PullReport, PullStatus, PulledSeries};
use crate::model::source::{MetricQuery, PullMark, Source, TemplateSet};
use crate::model::{Cohort, Deployment, DeploymentKey, Point};
use crate::prometheus::Client;
use crate::prometheus::template::{Fill, Template};

/// How old a failed series' stored points may be (since its last successful read) for a
/// verdict to be judged from them: `rollguard serve --source-max-staleness`.
pub const DEFAULT_MAX_STALENESS: Duration = Duration::from_secs(300);

/// Most steps one query reads (Prometheus refuses more than 11,000 points per series): a
/// deployment older than this many steps is read from its last `MAX_STEPS` steps.
pub const MAX_STEPS: i64 = 10_000;

/// How the sources are used: `rollguard serve --source-max-staleness` and
/// `--source-secrets-dir`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSettings {
    /// How long ago a failed series may have been read for the stored points to judge.
    pub max_staleness: Duration,
    /// The directory a source's `secret_file` must lie in; none: file secrets are refused.
    pub secrets_dir: Option<std::path::PathBuf>,
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings {
            max_staleness: DEFAULT_MAX_STALENESS,
            secrets_dir: None,
        }
    }
}

/// The pull's state in this process: one lock per deployment and one client per source.
pub(super) struct PullControl {
    pub(super) settings: SourceSettings,
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    clients: Mutex<HashMap<String, (Source, Client)>>,
}

impl PullControl {
    pub(super) fn new(settings: SourceSettings) -> Self {
        PullControl {
            settings,
            locks: Mutex::default(),
            clients: Mutex::default(),
        }
    }

    /// The deployment's pull lock, shared by every verdict on it in flight.
    fn lock_for(&self, key: &DeploymentKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lock) = locks.get(key.as_str()).and_then(Weak::upgrade) {
            return lock;
        }
        // Forget the locks nobody holds any more, so the map stays as small as the number of
        // deployments being judged at once.
        if locks.len() >= 1024 {
            locks.retain(|_, w| w.strong_count() > 0);
        }
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        locks.insert(key.to_string(), Arc::downgrade(&lock));
        lock
    }

    /// A client for `source`, reused while the source is unchanged (its connections stay open).
    pub(super) fn client(&self, source: &Source) -> Result<Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((known, c)) = clients.get(&source.name)
            && known.url == source.url
            && known.auth == source.auth
            && known.timeout_ms == source.timeout_ms
        {
            return Ok(c.clone());
        }
        let c = client(source, &self.settings)?;
        clients.insert(source.name.clone(), (source.clone(), c.clone()));
        Ok(c)
    }

    pub(super) fn forget_client(&self, name: &str) {
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
    }
}

/// One series to pull: its queries and where they come from.
pub(super) struct Plan {
    pub(super) metric: String,
    pub(super) cohort: Cohort,
    pub(super) source: String,
    pub(super) step_seconds: u64,
    pub(super) queries: MetricQuery,
}

/// Per (metric, cohort), the queries of the narrowest set that defines it.
pub(super) fn plan(mut sets: Vec<TemplateSet>) -> Vec<Plan> {
    // Narrowest first: deployment, service, environment.
    sets.sort_by_key(|s| std::cmp::Reverse(s.scope));
    let mut chosen: BTreeMap<(String, Cohort), Plan> = BTreeMap::new();
    for set in sets {
        for (metric, cohorts) in set.metrics {
            for (cohort, queries) in cohorts {
                chosen
                    .entry((metric.clone(), cohort))
                    .or_insert_with(|| Plan {
                        metric: metric.clone(),
                        cohort,
                        source: set.source.clone(),
                        step_seconds: set.step_seconds,
                        queries,
                    });
            }
        }
    }
    chosen.into_values().collect()
}

/// `t` rounded down to a multiple of `step` seconds since the epoch: every pull of a series
/// asks Prometheus for the same instants, so a point read twice has the same time.
pub(super) fn align(t: DateTime<Utc>, step_seconds: u64) -> DateTime<Utc> {
    let step = step_seconds.max(1) as i64;
    let secs = t.timestamp().div_euclid(step) * step;
    DateTime::from_timestamp(secs, 0).unwrap_or(t)
}

/// A point from a value and its count; `None` for a NaN or infinite value (a step without
/// traffic: 0/0) or one out of the metric's range.
pub(super) fn point(
    metric: &str,
    cohort: Cohort,
    ts: DateTime<Utc>,
    value: f64,
    count: Option<f64>,
) -> Option<Point> {
    if !value.is_finite() {
        return None;
    }
    // Counts from `increase()` are extrapolated, so not whole: round to the nearest.
    let count = count
        .filter(|c| c.is_finite() && *c >= 0.0 && *c < 9.0e18)
        .map(|c| c.round() as u64);
    Point::new(metric, cohort, ts, value, count).ok()
}

/// The fill values of a deployment.
fn fill_for(key: &DeploymentKey, d: &Deployment, step_seconds: u64) -> Fill {
    Fill {
        service: d.spec.service.clone(),
        environment: d.spec.environment.clone(),
        version: d.spec.version.clone(),
        key: key.to_string(),
        labels: d.spec.labels.clone(),
        step_seconds,
    }
}

impl Service {
    /// Reads the deployment's series from its sources up to now and stores them. `None` when
    /// no template set applies to it (or it does not exist): nothing to pull. A source's failure
    /// is in the report, never an error: only the store's failures are.
    pub(super) async fn pull_for_verdict(
        &self,
        key: &DeploymentKey,
    ) -> ServiceResult<Option<PullReport>> {
        let sets = self.store.template_sets_for(key).await?;
        if sets.is_empty() {
            return Ok(None);
        }
        let lock = self.pulls.lock_for(key);
        let _pulling = lock.lock().await;
        let Some(deployment) = self.store.get_deployment(key).await? else {
            return Ok(None);
        };
        let marks: HashMap<(String, Cohort), DateTime<Utc>> = self
            .store
            .pull_marks(key)
            .await?
            .into_iter()
            .map(|m| ((m.metric, m.cohort), m.until))
            .collect();
        let now = Utc::now();
        let anchor = deployment.spec.started_at.unwrap_or(deployment.created_at);

        let mut sources: HashMap<String, Result<(Source, Client), String>> = HashMap::new();
        let mut report = Vec::new();
        // Every series' queries run at once: a verdict waits for the slowest, not the sum, and a
        // source that is down costs one time limit.
        let mut reads = tokio::task::JoinSet::new();
        for p in plan(sets) {
            let previously = marks.get(&(p.metric.clone(), p.cohort)).copied();
            let mut series = PulledSeries {
                metric: p.metric.clone(),
                cohort: p.cohort.as_str().to_string(),
                source: p.source.clone(),
                query: None,
                count_query: None,
                from: None,
                to: None,
                points: 0,
                dropped: 0,
                previously_until: previously,
                skipped: None,
                error: None,
            };
            let fill = fill_for(key, &deployment, p.step_seconds);
            let filled = |q: &str| {
                Template::parse(q)
                    .map_err(|e| e.to_string())
                    .and_then(|t| t.fill(&fill).map_err(|e| e.to_string()))
            };
            let count = p.queries.count_query.as_deref().map(filled);
            let (query, count_query) = match (filled(&p.queries.query), count.transpose()) {
                (Ok(q), Ok(c)) => (q, c),
                (Err(e), _) | (_, Err(e)) => {
                    // A value the deployment lacks (no baseline version yet): not a failure.
                    series.skipped = Some(e);
                    report.push(series);
                    continue;
                }
            };
            series.query = Some(query.clone());
            series.count_query.clone_from(&count_query);

            let step = TimeDelta::seconds(p.step_seconds as i64);
            let end = align(now, p.step_seconds);
            let start = previously
                .unwrap_or_else(|| align(anchor, p.step_seconds))
                .max(end - step * MAX_STEPS as i32);
            if previously.is_some_and(|m| m >= end) || start > end {
                // Read up to this step already (by the verdict this one waited for).
                report.push(series);
                continue;
            }
            let entry = match sources.get(&p.source) {
                Some(entry) => entry.clone(),
                None => {
                    let entry = match self.store.get_source(&p.source).await? {
                        Some(s) => self.pulls.client(&s).map(|c| (s, c)),
                        None => Err(format!("source '{}' does not exist", p.source)),
                    };
                    sources.insert(p.source.clone(), entry.clone());
                    entry
                }
            };
            let (source, client) = match entry {
                Ok(sc) => sc,
                Err(e) => {
                    series.error = Some(e);
                    report.push(series);
                    continue;
                }
            };
            series.from = Some(start);
            series.to = Some(end);
            let index = report.len();
            report.push(series);
            let step = Duration::from_secs(p.step_seconds);
            reads.spawn(async move {
                let counts = async {
                    match &count_query {
                        Some(c) => client.query_range(c, start, end, step).await.map(Some),
                        None => Ok(None),
                    }
                };
                let (values, counts) =
                    tokio::join!(client.query_range(&query, start, end, step), counts);
                let read = values.and_then(|v| counts.map(|c| (v, c)));
                (index, p.metric, p.cohort, end, source, read)
            });
        }

        let mut points = Vec::new();
        let mut new_marks = Vec::new();
        while let Some(done) = reads.join_next().await {
            let (index, metric, cohort, end, source, read) = match done {
                Ok(done) => done,
                Err(e) => {
                    // A read that panicked or was cancelled: its series keeps no range, and the
                    // verdict reports the failure instead of judging as if it had read.
                    tracing::error!(deployment = %key, error = %e, "pull task failed");
                    continue;
                }
            };
            let Some(series) = report.get_mut(index) else {
                continue;
            };
            match read {
                Ok((values, counts)) => {
                    let counts: HashMap<DateTime<Utc>, f64> = counts
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| (s.ts, s.value))
                        .collect();
                    for s in values {
                        let count = counts.get(&s.ts).copied();
                        match point(&metric, cohort, s.ts, s.value, count) {
                            Some(pt) => {
                                points.push(pt);
                                series.points += 1;
                            }
                            None => series.dropped += 1,
                        }
                    }
                    new_marks.push(PullMark {
                        metric,
                        cohort,
                        until: end,
                    });
                }
                Err(e) => {
                    tracing::warn!(deployment = %key, source = %source.name, error = %e, "pull failed");
                    series.error = Some(source_error(&source.name, &source.url, &e));
                    series.from = None;
                    series.to = None;
                }
            }
        }
        // A series whose read never reported (its task failed) is a failure too.
        let marked: std::collections::HashSet<(String, Cohort)> = new_marks
            .iter()
            .map(|m| (m.metric.clone(), m.cohort))
            .collect();
        for series in &mut report {
            let cohort = Cohort::parse(&series.cohort).unwrap_or_default();
            if series.from.is_some()
                && series.error.is_none()
                && !marked.contains(&(series.metric.clone(), cohort))
            {
                series.error = Some(format!(
                    "source '{}': the read did not finish",
                    series.source
                ));
                series.from = None;
                series.to = None;
            }
        }

        let stored = self.ingest(key, &points).await? as u64;
        if !new_marks.is_empty() {
            self.store.set_pull_marks(key, &new_marks).await?;
        }
        let bound =
            TimeDelta::from_std(self.pulls.settings.max_staleness).unwrap_or(TimeDelta::MAX);
        let stale = report
            .iter()
            .any(|s| s.error.is_some() && s.previously_until.is_none_or(|m| now - m > bound));
        let error = report.iter().find_map(|s| s.error.clone());
        let status = match (&error, stale) {
            (None, _) => PullStatus::Pulled,
            (Some(_), false) => PullStatus::Stored,
            (Some(_), true) => PullStatus::Stale,
        };
        crate::telemetry::record_pull(status);
        Ok(Some(PullReport {
            status,
            points: stored,
            error,
            series: report,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::TemplateScope;

    fn set(scope: TemplateScope, source: &str, metric: &str, cohorts: &[Cohort]) -> TemplateSet {
        let q = MetricQuery {
            query: format!("{}_{metric}", scope.as_str()),
            count_query: None,
        };
        TemplateSet {
            scope,
            target: "t".into(),
            source: source.into(),
            step_seconds: 60,
            metrics: BTreeMap::from([(
                metric.to_string(),
                cohorts.iter().map(|c| (*c, q.clone())).collect(),
            )]),
            updated_at: None,
        }
    }

    #[test]
    fn the_narrowest_set_wins_per_metric_and_cohort() {
        let plans = plan(vec![
            set(
                TemplateScope::Environment,
                "env",
                "error_rate",
                &[Cohort::Canary, Cohort::Baseline],
            ),
            set(
                TemplateScope::Deployment,
                "dep",
                "error_rate",
                &[Cohort::Canary],
            ),
            set(
                TemplateScope::Service,
                "svc",
                "latency_p99",
                &[Cohort::Canary],
            ),
        ]);
        let got: Vec<(&str, Cohort, &str)> = plans
            .iter()
            .map(|p| (p.metric.as_str(), p.cohort, p.source.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("error_rate", Cohort::Canary, "dep"),
                ("error_rate", Cohort::Baseline, "env"),
                ("latency_p99", Cohort::Canary, "svc"),
            ]
        );
    }

    #[test]
    fn times_align_to_the_step() {
        let t = DateTime::parse_from_rfc3339("2026-12-01T10:03:17Z")
            .unwrap()
            .to_utc();
        assert_eq!(align(t, 60).to_rfc3339(), "2026-12-01T10:03:00+00:00");
        assert_eq!(align(t, 300).to_rfc3339(), "2026-12-01T10:00:00+00:00");
    }

    #[test]
    fn steps_without_traffic_are_not_points() {
        let t = Utc::now();
        assert!(point("error_rate", Cohort::Canary, t, f64::NAN, Some(0.0)).is_none());
        assert!(point("error_rate", Cohort::Canary, t, f64::INFINITY, None).is_none());
        assert!(point("error_rate", Cohort::Canary, t, 101.0, None).is_none());
        let p = point("error_rate", Cohort::Canary, t, 1.5, Some(599.6)).unwrap();
        assert_eq!(p.count(), Some(600));
        let p = point("error_rate", Cohort::Canary, t, 1.5, Some(f64::NAN)).unwrap();
        assert_eq!(p.count(), None);
    }
}

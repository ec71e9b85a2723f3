//! Replay runs: policies resolved once, deployments given inline or read from the store one at
//! a time, the report stored when the run ends. The same loop serves `POST /v1/replays` (in the
//! background) and `rollguard replay --from-store` (in the foreground).

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Service, ServiceError, ServiceResult};
use crate::analysis::metric::JUDGED_METRICS;
use crate::analysis::policy::{GUARDED, SEED};
use crate::analysis::{Policy, PolicySpec};
use crate::model::replay::DeploymentResult;
use crate::model::replay::{ReplayProgress, ReplayRecord, ReplayReport};
use crate::model::{Deployment, DeploymentKey, DeploymentQuery, Timestamp, series_observations};
pub use crate::replay::Polling;
use crate::replay::input::deployment_from_value;
use crate::replay::{ReplayDeployment, replay_one, report_from};
use crate::store::{Store, StoreError, StoreResult};

/// How often (in deployments) a running replay records its progress.
const PROGRESS_EVERY: usize = 100;

/// Which stored deployments to replay.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreFilter {
    pub service: Option<String>,
    pub environment: Option<String>,
    /// Only deployments started (or, without a start time, created) at or after this time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<Timestamp>,
    /// Only deployments started (or created) before this time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
}

/// What a replay reads.
#[derive(Clone, Debug)]
pub enum ReplayInput {
    /// Deployments in the NDJSON line shape, as given in a request.
    Inline(Vec<Value>),
    /// The stored deployments matching a filter.
    Store(StoreFilter),
}

/// The deployments of a replay, checked, yielded one at a time.
enum Source {
    Inline(VecDeque<ReplayDeployment>, usize),
    Store(StoreSource),
}

impl Source {
    fn total(&self) -> usize {
        match self {
            Source::Inline(_, total) => *total,
            Source::Store(s) => s.total,
        }
    }

    async fn next(&mut self) -> Option<StoreResult<ReplayDeployment>> {
        match self {
            Source::Inline(pending, _) => pending.pop_front().map(Ok),
            Source::Store(s) => s.next().await,
        }
    }
}

impl Polling {
    /// A request's polling: every N points or every N seconds, not both; by default every point.
    pub fn from_request(every: Option<i32>, interval_seconds: Option<i64>) -> ServiceResult<Self> {
        match (every, interval_seconds) {
            (Some(_), Some(_)) => Err(ServiceError::invalid(
                "every",
                "give every or interval_seconds, not both",
            )),
            (Some(..=0), _) | (_, Some(..=0)) => Err(ServiceError::invalid(
                "every",
                "every and interval_seconds must be at least 1",
            )),
            (Some(n), None) => Ok(Polling::EveryPoints(n.unsigned_abs() as usize)),
            (None, Some(s)) => Ok(Polling::Interval(chrono::Duration::seconds(
                s.min(i64::MAX / 1_000_000),
            ))),
            (None, None) => Ok(Polling::EveryPoints(1)),
        }
    }
}

/// A replay under way: deployments are replayed one per [`ReplayRun::step`], results kept.
pub struct ReplayRun {
    source: Source,
    policies: Vec<(String, Policy)>,
    polling: Polling,
    results: Vec<DeploymentResult>,
}

impl ReplayRun {
    /// A run over the stored deployments matching `filter` (listed now, read one at a time).
    pub async fn from_store(
        store: Arc<dyn Store>,
        filter: &StoreFilter,
        policies: Vec<(String, Policy)>,
        polling: Polling,
    ) -> ServiceResult<Self> {
        let source = Source::Store(StoreSource::list(store, filter).await?);
        Ok(Self::new(source, policies, polling))
    }

    fn new(source: Source, policies: Vec<(String, Policy)>, polling: Polling) -> Self {
        ReplayRun {
            results: Vec::with_capacity(source.total()),
            source,
            policies,
            polling,
        }
    }

    /// Deployments replayed so far.
    pub fn done(&self) -> usize {
        self.results.len()
    }

    /// Deployments in the whole run.
    pub fn total(&self) -> usize {
        self.source.total()
    }

    /// Replays the next deployment; `None` once every one is done.
    pub async fn step(&mut self) -> Option<ServiceResult<()>> {
        let d = match self.source.next().await? {
            Ok(d) => d,
            Err(e) => return Some(Err(e.into())),
        };
        let result = replay_one(&d, &self.policies, self.polling).map_err(|e| {
            ServiceError::ReplayDeployment {
                index: self.results.len(),
                message: format!("{}: {e}", d.key),
            }
        });
        Some(result.map(|r| self.results.push(r)))
    }

    /// The report over every deployment replayed.
    pub fn report(self) -> ReplayReport {
        report_from(&self.policies, self.results)
    }
}

/// The stored deployments matching a filter, newest first, each read with its series only when
/// its turn comes (so one deployment's series is in memory at a time).
struct StoreSource {
    store: Arc<dyn Store>,
    pending: VecDeque<Deployment>,
    total: usize,
}

impl StoreSource {
    /// Lists the matching deployments (metadata only).
    async fn list(store: Arc<dyn Store>, filter: &StoreFilter) -> StoreResult<Self> {
        let mut query = DeploymentQuery {
            service: filter.service.clone(),
            environment: filter.environment.clone(),
            limit: 500,
            ..Default::default()
        };
        let mut pending = VecDeque::new();
        loop {
            let page = store.list_deployments(&query).await?;
            let Some((last_id, _)) = page.last() else {
                break;
            };
            query.before_id = Some(*last_id);
            pending.extend(page.into_iter().map(|(_, d)| d).filter(|d| {
                let started = d.spec.started_at.unwrap_or(d.created_at);
                filter.since.is_none_or(|s| started >= s.get())
                    && filter.until.is_none_or(|u| started < u.get())
            }));
        }
        let total = pending.len();
        Ok(StoreSource {
            store,
            pending,
            total,
        })
    }

    /// The next deployment with its series, or `None` when all were read.
    async fn next(&mut self) -> Option<StoreResult<ReplayDeployment>> {
        let d = self.pending.pop_front()?;
        Some(self.load(d).await)
    }

    async fn load(&self, d: Deployment) -> StoreResult<ReplayDeployment> {
        let key = DeploymentKey::parse(&d.key).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let series = self
            .store
            .verdict_inputs(&key, &JUDGED_METRICS, None)
            .await?
            .map(|inputs| inputs.series)
            .unwrap_or_default();
        Ok(ReplayDeployment {
            key: d.key,
            outcome: d.spec.outcome,
            started_at: d.spec.started_at,
            onset_step: None,
            obs: series_observations(series),
        })
    }
}

impl Service {
    /// Resolves a replay's policies (default `seed` and `guarded`); inline ones are named
    /// `inline-N` by their place in the list. A name listed twice is an error.
    pub async fn replay_policies(
        &self,
        specs: &[PolicySpec],
    ) -> ServiceResult<Vec<(String, Policy)>> {
        let defaults = [
            PolicySpec::Name(SEED.into()),
            PolicySpec::Name(GUARDED.into()),
        ];
        let specs = if specs.is_empty() {
            &defaults[..]
        } else {
            specs
        };
        let mut out: Vec<(String, Policy)> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            let mut resolved = self.resolve(spec).await?;
            if matches!(spec, PolicySpec::Inline(_)) {
                resolved.name = format!("inline-{}", i + 1);
            }
            if out.iter().any(|(n, _)| *n == resolved.name) {
                return Err(ServiceError::invalid(
                    "policies",
                    format!("policy '{}' is listed twice", resolved.name),
                ));
            }
            out.push((resolved.name, resolved.policy));
        }
        Ok(out)
    }

    /// Starts a replay in the background and returns its record at once. Inline deployments
    /// are checked first: a bad one is an error naming its index, and nothing starts.
    pub async fn start_replay(
        &self,
        policies: &[PolicySpec],
        polling: Polling,
        input: ReplayInput,
    ) -> ServiceResult<ReplayRecord> {
        let policies = self.replay_policies(policies).await?;
        let source = match input {
            ReplayInput::Inline(values) => {
                let total = values.len();
                let deployments = values
                    .into_iter()
                    .enumerate()
                    .map(|(index, v)| {
                        deployment_from_value(v).map_err(|e| ServiceError::ReplayDeployment {
                            index,
                            message: e.to_string(),
                        })
                    })
                    .collect::<Result<_, _>>()?;
                Source::Inline(deployments, total)
            }
            ReplayInput::Store(filter) => {
                Source::Store(StoreSource::list(self.store.clone(), &filter).await?)
            }
        };
        let names: Vec<String> = policies.iter().map(|(n, _)| n.clone()).collect();
        let record = self.store.create_replay(&names).await?;
        let store = self.store.clone();
        let id = record.id;
        let run = ReplayRun::new(source, policies, polling);
        tokio::spawn(async move {
            let outcome = run_recorded(store.clone(), id, run).await;
            let finished = match &outcome {
                Ok(report) => store.finish_replay(id, Ok(report)).await,
                Err(e) => store.finish_replay(id, Err(&e.to_string())).await,
            };
            if let Err(e) = finished {
                tracing::error!(replay = id, error = %e, "could not record the end of a replay");
            }
        });
        Ok(record)
    }

    pub async fn replay(&self, id: i64) -> ServiceResult<ReplayRecord> {
        self.store
            .get_replay(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no replay {id}")))
    }

    /// The newest replays, without their results.
    pub async fn list_replays(&self, limit: i64) -> ServiceResult<Vec<ReplayRecord>> {
        Ok(self.store.list_replays(limit).await?)
    }
}

/// Runs a replay, recording progress every [`PROGRESS_EVERY`] deployments and at the end (a
/// failed progress write is not worth failing the run for).
async fn run_recorded(
    store: Arc<dyn Store>,
    id: i64,
    mut run: ReplayRun,
) -> ServiceResult<ReplayReport> {
    let progress = |run: &ReplayRun| ReplayProgress {
        done: run.done() as i64,
        total: Some(run.total() as i64),
    };
    let _ = store.update_replay_progress(id, progress(&run)).await;
    while let Some(stepped) = run.step().await {
        stepped?;
        if run.done().is_multiple_of(PROGRESS_EVERY) {
            let _ = store.update_replay_progress(id, progress(&run)).await;
            // CPU-bound between awaits: let other tasks run.
            tokio::task::yield_now().await;
        }
    }
    let _ = store.update_replay_progress(id, progress(&run)).await;
    Ok(run.report())
}

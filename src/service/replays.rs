//! Replay runs: policies resolved once, deployments given inline or read from the store one at
//! a time, the report stored when the run ends. The same loop serves `POST /v1/replays` (in the
//! background) and `rollguard replay --from-store` (in the foreground).
//!
//! A replay started over HTTP is a job any replica can run (issue 18). Its row holds the request
//! (resolved policies, polling, inline deployments or the store filter) and a lease: the replica
//! that started it runs it and renews the lease at each heartbeat (a tenth of the lease), reading
//! there whether a cancel was asked through another replica. When a replica dies, its lease
//! lapses; on Postgres another replica with a free permit claims the row (`for update skip
//! locked`) and runs the request again from the start, or fails it with the reason (cancelled
//! meanwhile, no request stored, or [`MAX_REPLAY_RUNS`] runs already). Only the holder of the
//! lease records the end, so a replica that lost its lease cannot overwrite the new run.
//!
//! A replica that shuts down (SIGTERM) on Postgres stops its replays and gives each one back: its
//! lease ends at once and the other replicas, told through a Postgres notification, claim it
//! without waiting for a lease to lapse; the run given back does not count as one whose replica
//! died. On SQLite, one process, they are cancelled and recorded `failed` instead.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::{Semaphore, watch};
use utoipa::ToSchema;

use super::{Service, ServiceError, ServiceResult};
use crate::analysis::metric::JUDGED_METRICS;
use crate::analysis::policy::{COMPARE, GUARDED, SEED};
use crate::analysis::{Policy, PolicySpec};
use crate::model::replay::DeploymentResult;
use crate::model::replay::{
    ClaimedReplay, ReplayProgress, ReplayRecord, ReplayReport, ReplayStatus,
};
use crate::model::{Deployment, DeploymentKey, DeploymentQuery, Timestamp, series_observations};
pub use crate::replay::Polling;
use crate::replay::input::deployment_from_json;
use crate::replay::{ReplayDeployment, ReplayError, replay_one, replay_one_until, report_from};
use crate::store::{Store, StoreError, StoreResult};

/// How often (in deployments) a running replay records its progress.
const PROGRESS_EVERY: usize = 100;

/// Replays computed at once by default (`serve --max-concurrent-replays`).
pub const DEFAULT_MAX_CONCURRENT_REPLAYS: usize = 2;

/// Why a replay cancelled over HTTP failed.
pub const CANCELLED: &str = "cancelled";
/// Why a replay still running at shutdown failed.
pub const CANCELLED_AT_SHUTDOWN: &str = "cancelled: the server shut down";
/// Why a replay stops in a replica that shuts down and gives it back to the others (Postgres):
/// not recorded, another replica runs it.
const HANDED_OVER: &str = "the replica running it shut down and handed it over";
/// Why a replay found `running` at start failed.
pub const ORPHANED: &str = "the server stopped before the replay finished";

/// How long `POST /v1/replays/{id}/cancel` waits for a cancelled replay to stop and record it.
const CANCEL_WAIT: Duration = Duration::from_secs(5);
/// How often that wait reads the record of a replay another replica runs.
const CANCEL_POLL: Duration = Duration::from_millis(100);

/// How long a replica holds a replay without renewing its lease, by default (`serve
/// --replay-lease`).
pub const DEFAULT_REPLAY_LEASE: Duration = Duration::from_secs(30);

/// Most runs of one replay: after its replica died this many times running it, the next claim
/// fails it instead of passing it on (a replay that kills its replica would kill them all).
pub const MAX_REPLAY_RUNS: i32 = 3;

/// Why a running replay is stopped in a replica that no longer holds it (not recorded: the
/// replica that took it over records its own end).
const LEASE_LOST: &str = "another replica took the replay over";

/// The replays of this process: a pool of permits bounding how many run (read the store and
/// compute) at once, the others queued, and each live replay's cancel switch.
pub(super) struct ReplayControl {
    permits: Arc<Semaphore>,
    /// By replay id, while its task lives: send `Some(reason)` to cancel it. The task holds the
    /// only receiver and drops it after recording the end, which is what a canceller waits for.
    live: Mutex<HashMap<i64, watch::Sender<Option<&'static str>>>>,
    /// Set at shutdown: replays started from then on are stopped at once.
    stopping: AtomicBool,
    /// Set at shutdown on Postgres: the replays stopped are given back to the other replicas
    /// rather than failed.
    hand_over: AtomicBool,
    /// Most replays computing at once.
    max_concurrent: usize,
    /// This replica in the `owner` column: its host name (a pod's name), process id and a
    /// random part, so a restarted process never takes a dead one's leases for its own.
    owner: String,
    /// How long this replica's claim on a replay holds without a heartbeat.
    lease: Duration,
}

/// Resolves once every switch's receiver is gone (its replay's task ended).
async fn all_closed(switches: Vec<watch::Sender<Option<&'static str>>>) {
    for switch in switches {
        switch.closed().await;
    }
}

impl ReplayControl {
    /// Why the replays stop at shutdown: given back (Postgres) or cancelled (SQLite).
    fn shutdown_reason(&self) -> &'static str {
        if self.hand_over.load(Ordering::SeqCst) {
            HANDED_OVER
        } else {
            CANCELLED_AT_SHUTDOWN
        }
    }

    pub(super) fn new(max_concurrent: usize, lease: Duration) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "rollguard".into());
        let nonce: u64 = std::hash::BuildHasher::hash_one(
            &std::collections::hash_map::RandomState::new(),
            std::time::SystemTime::now(),
        );
        ReplayControl {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            live: Mutex::default(),
            stopping: AtomicBool::new(false),
            hand_over: AtomicBool::new(false),
            max_concurrent: max_concurrent.max(1),
            owner: format!("{host}/{}/{nonce:016x}", std::process::id()),
            lease,
        }
    }

    pub(super) fn max_concurrent(&self) -> usize {
        self.max_concurrent
    }

    pub(super) fn lease(&self) -> Duration {
        self.lease
    }

    /// How often this replica renews its leases and looks for lapsed ones: a tenth of the
    /// lease, so a few heartbeats can fail (a slow database) before a live replay is taken over.
    fn heartbeat(&self) -> Duration {
        (self.lease / 10).max(Duration::from_millis(10))
    }

    /// Cancels a live replay of this process (the first reason given wins).
    fn signal(&self, id: i64, why: &'static str) {
        if let Some(switch) = self.live().get(&id) {
            signal(switch, why);
        }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<i64, watch::Sender<Option<&'static str>>>> {
        // The map stays consistent whatever panicked while holding it (single inserts/removes).
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The cancel switch as a running replay sees it.
#[derive(Clone)]
struct Cancel(watch::Receiver<Option<&'static str>>);

impl Cancel {
    /// The reason, once cancelled.
    fn reason(&self) -> Option<&'static str> {
        *self.0.borrow()
    }

    /// Resolves once cancelled (never if the switch is dropped uncancelled).
    async fn cancelled(&mut self) -> &'static str {
        // The borrow ends here, before any other await (it holds a lock).
        let reason = self.0.wait_for(Option::is_some).await.map(|r| *r);
        match reason {
            Ok(r) => r.unwrap_or(CANCELLED),
            Err(_) => std::future::pending().await,
        }
    }
}

/// Sends `why` to a replay's cancel switch unless it was cancelled already.
fn signal(switch: &watch::Sender<Option<&'static str>>, why: &'static str) {
    switch.send_if_modified(|reason| {
        let first = reason.is_none();
        if first {
            *reason = Some(why);
        }
        first
    });
}

/// Which stored deployments to replay.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
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
    /// Deployments in the NDJSON line shape, as given in a request: each one's JSON text, read
    /// (and checked) one at a time.
    Inline(Vec<Box<RawValue>>),
    /// The stored deployments matching a filter.
    Store(StoreFilter),
}

impl ReplayInput {
    /// Inline deployments given as parsed values (a convenience for callers that build them).
    pub fn from_values(values: &[Value]) -> Self {
        ReplayInput::Inline(
            values
                .iter()
                .filter_map(|v| serde_json::value::to_raw_value(v).ok())
                .collect(),
        )
    }
}

/// A replay's request as its row keeps it, for whichever replica runs it: the policies as
/// resolved when it started (a stored policy changed since does not change the replay).
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    policies: Vec<(String, Policy)>,
    polling: JobPolling,
    #[serde(default)]
    deployments: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    from_store: Option<StoreFilter>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum JobPolling {
    EveryPoints(usize),
    IntervalMicros(i64),
}

/// A replay ready to run: its input, resolved policies and polling.
type Runnable = (Pending, Vec<(String, Policy)>, Polling);

impl Job {
    fn new(policies: Vec<(String, Policy)>, polling: Polling, input: ReplayInput) -> Self {
        let (deployments, from_store) = match input {
            ReplayInput::Inline(values) => (Some(values), None),
            ReplayInput::Store(filter) => (None, Some(filter)),
        };
        let polling = match polling {
            Polling::EveryPoints(n) => JobPolling::EveryPoints(n),
            // Capped at 2^63 µs by `Polling::from_request`.
            Polling::Interval(d) => {
                JobPolling::IntervalMicros(d.num_microseconds().unwrap_or(i64::MAX))
            }
        };
        Job {
            policies,
            polling,
            deployments,
            from_store,
        }
    }

    /// What a replica runs: the inline deployments checked (a bad one is an error naming its
    /// index), or the store filter to list once the replay holds a permit.
    fn pending(&self) -> ServiceResult<Runnable> {
        let polling = match self.polling {
            JobPolling::EveryPoints(n) => Polling::EveryPoints(n),
            JobPolling::IntervalMicros(us) => Polling::Interval(chrono::Duration::microseconds(us)),
        };
        let pending = match (&self.deployments, &self.from_store) {
            (Some(values), None) => {
                let deployments = values
                    .iter()
                    .enumerate()
                    .map(|(index, v)| {
                        deployment_from_json(v.get()).map_err(|e| ServiceError::ReplayDeployment {
                            index,
                            message: e.to_string(),
                        })
                    })
                    .collect::<Result<_, _>>()?;
                Pending::Ready(Source::Inline(deployments, values.len()))
            }
            (None, Some(filter)) => Pending::Store(filter.clone()),
            _ => {
                return Err(ServiceError::invalid(
                    "deployments",
                    "the stored request has neither deployments nor from_store",
                ));
            }
        };
        Ok((pending, self.policies.clone(), polling))
    }
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
            (Some(..=0), _) => Err(ServiceError::invalid("every", "every must be at least 1")),
            (_, Some(..=0)) => Err(ServiceError::invalid(
                "interval_seconds",
                "interval_seconds must be at least 1",
            )),
            (Some(n), None) => usize::try_from(n)
                .map(Polling::EveryPoints)
                .map_err(|_| ServiceError::invalid("every", "every is out of range")),
            // Capped at 2^63 µs (about 292,000 years): the engine counts in microseconds, and an
            // interval that long polls nothing after the first point anyway.
            (None, Some(s)) => chrono::Duration::try_seconds(s.min(i64::MAX / 1_000_000))
                .map(Polling::Interval)
                .ok_or_else(|| {
                    ServiceError::invalid("interval_seconds", "interval_seconds is out of range")
                }),
            (None, None) => Ok(Polling::EveryPoints(1)),
        }
    }
}

/// A replay under way: deployments are replayed one per [`ReplayRun::step`], results kept.
pub struct ReplayRun {
    source: Source,
    policies: Arc<[(String, Policy)]>,
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
            policies: policies.into(),
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

    /// Replays the next deployment on the blocking pool (`spawn_blocking`), so a long series does
    /// not hold a runtime worker; stops within a few thousand steps once `cancel` is set.
    async fn step_off_runtime(&mut self, cancel: &Cancel) -> Option<Result<(), RunError>> {
        let d = match self.source.next().await? {
            Ok(d) => d,
            Err(e) => return Some(Err(RunError::Failed(ServiceError::from(e).to_string()))),
        };
        let policies = self.policies.clone();
        let polling = self.polling;
        let stop = cancel.clone();
        let index = self.results.len();
        let computed = tokio::task::spawn_blocking(move || {
            replay_one_until(&d, &policies, polling, &|| stop.reason().is_some())
                .map_err(|e| (d.key, e))
        })
        .await;
        Some(match computed {
            Ok(Ok(r)) => {
                self.results.push(r);
                Ok(())
            }
            Ok(Err((_, ReplayError::Stopped))) => {
                Err(RunError::Cancelled(cancel.reason().unwrap_or(CANCELLED)))
            }
            Ok(Err((key, e))) => Err(RunError::Failed(
                ServiceError::ReplayDeployment {
                    index,
                    message: format!("{key}: {e}"),
                }
                .to_string(),
            )),
            Err(e) => {
                tracing::error!(error = %e, "a replay's computation panicked");
                Err(RunError::Failed("internal error".into()))
            }
        })
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
    /// Resolves a replay's policies (default `seed`, `guarded` and `compare`); inline ones are named
    /// `inline-N` by their place in the list. A name listed twice is an error.
    pub async fn replay_policies(
        &self,
        specs: &[PolicySpec],
    ) -> ServiceResult<Vec<(String, Policy)>> {
        let defaults = [
            PolicySpec::Name(SEED.into()),
            PolicySpec::Name(GUARDED.into()),
            PolicySpec::Name(COMPARE.into()),
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
    ///
    /// The replay then waits for one of `--max-concurrent-replays` permits (`running`, progress
    /// 0, meanwhile); with it, it lists and reads its input (so queued `from_store` replays hold
    /// no database connection) and computes each deployment on the blocking pool.
    pub async fn start_replay(
        &self,
        policies: &[PolicySpec],
        polling: Polling,
        input: ReplayInput,
    ) -> ServiceResult<ReplayRecord> {
        let policies = self.replay_policies(policies).await?;
        let names: Vec<String> = policies.iter().map(|(n, _)| n.clone()).collect();
        let job = Job::new(policies, polling, input);
        let (pending, policies, polling) = job.pending()?;
        // As text: the inline deployments are copied verbatim, never parsed into a `Value`.
        let request = serde_json::value::to_raw_value(&job).map_err(|e| {
            tracing::error!(error = %e, "a replay request does not serialise");
            ServiceError::Store(StoreError::Corrupt(
                "a replay request does not serialise".into(),
            ))
        })?;
        drop(job);
        let record = self
            .store
            .create_replay_job(&names, &request, &self.replays.owner, self.replays.lease)
            .await?;
        self.spawn_replay(record.id, pending, policies, polling);
        Ok(record)
    }

    /// Runs a replay this replica holds, in the background, and records its end if it still
    /// holds it then.
    fn spawn_replay(
        &self,
        id: i64,
        pending: Pending,
        policies: Vec<(String, Policy)>,
        polling: Polling,
    ) {
        let (switch, receiver) = watch::channel(None);
        if self.replays.stopping.load(Ordering::SeqCst) {
            switch.send_replace(Some(self.replays.shutdown_reason()));
        }
        {
            let mut live = self.replays.live();
            // This replica claimed back a replay it still runs (its own lease had lapsed).
            if live.contains_key(&id) {
                return;
            }
            live.insert(id, switch);
        }
        let store = self.store.clone();
        let control = self.replays.clone();
        tokio::spawn(async move {
            let mut cancel = Cancel(receiver);
            let outcome = run_queued(
                store.clone(),
                id,
                &control,
                pending,
                policies,
                polling,
                &mut cancel,
            )
            .await;
            if matches!(outcome, Err(RunError::Cancelled(HANDED_OVER))) {
                match store.release_replay(id, &control.owner).await {
                    Ok(true) => tracing::info!(replay = id, "handed a replay over at shutdown"),
                    Ok(false) => {} // taken over meanwhile, or ended
                    Err(e) => tracing::warn!(
                        replay = id,
                        error = %e,
                        "could not hand a replay over; another replica takes it once its lease lapses"
                    ),
                }
                control.live().remove(&id);
                drop(cancel);
                return;
            }
            let outcome = match &outcome {
                Ok(report) => Ok(report),
                Err(RunError::Failed(message)) => Err(message.as_str()),
                Err(RunError::Cancelled(reason)) => Err(*reason),
            };
            match store.finish_held_replay(id, &control.owner, outcome).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    replay = id,
                    "another replica took this replay over (this one's lease lapsed); its end here is not recorded"
                ),
                Err(e) => {
                    tracing::error!(replay = id, error = %e, "could not record the end of a replay");
                }
            }
            control.live().remove(&id);
            // Dropping the receiver last tells a canceller waiting on `closed` that the end is
            // recorded.
            drop(cancel);
        });
    }

    /// One heartbeat of this replica's replays: renews the leases of those it runs (cancelling
    /// those a cancel was asked for, and those another replica took over), then, with
    /// `take_over` (Postgres) and while a permit is free, claims replays whose lease lapsed and
    /// runs them again or fails them with the reason. Returns how many it claimed.
    pub async fn replay_heartbeat(&self, take_over: bool) -> ServiceResult<usize> {
        let control = &self.replays;
        let ids: Vec<i64> = control.live().keys().copied().collect();
        if !ids.is_empty() {
            let held: HashMap<i64, bool> = self
                .store
                .renew_replay_leases(&control.owner, &ids, control.lease)
                .await?
                .into_iter()
                .collect();
            for id in ids {
                match held.get(&id) {
                    Some(true) => control.signal(id, CANCELLED),
                    Some(false) => {}
                    // Taken over, or ended since the list was made (then the signal is moot).
                    None => control.signal(id, LEASE_LOST),
                }
            }
        }
        let mut claimed = 0;
        if !take_over || control.stopping.load(Ordering::SeqCst) {
            return Ok(claimed);
        }
        // Permits are taken by the spawned tasks, later: count what is free now.
        let free = control.permits.available_permits();
        while claimed < free {
            let running: Vec<i64> = control.live().keys().copied().collect();
            let Some(c) = self
                .store
                .claim_lapsed_replay(&control.owner, control.lease, &running)
                .await?
            else {
                break;
            };
            claimed += 1;
            self.take_over(c).await?;
        }
        Ok(claimed)
    }

    /// Runs a claimed replay again, or fails it with the reason it cannot run.
    async fn take_over(&self, c: ClaimedReplay) -> ServiceResult<()> {
        let failed = if c.cancel_requested {
            Some(CANCELLED.to_string())
        } else if c.runs > MAX_REPLAY_RUNS {
            Some(format!(
                "the replica running it stopped before it finished, {} times; not run again",
                c.runs - 1
            ))
        } else {
            // Read back through text: a `Box<RawValue>` reads only from JSON text.
            let job = |v: Value| {
                serde_json::to_string(&v).and_then(|text| serde_json::from_str::<Job>(&text))
            };
            match c.request.map(job) {
                None => Some(ORPHANED.to_string()),
                Some(Err(e)) => Some(format!("its stored request does not read: {e}")),
                Some(Ok(job)) => match job.pending() {
                    Ok((pending, policies, polling)) => {
                        tracing::info!(
                            replay = c.id,
                            run = c.runs,
                            "took over a replay whose replica's lease lapsed or that it gave back"
                        );
                        self.spawn_replay(c.id, pending, policies, polling);
                        None
                    }
                    Err(e) => Some(format!("its stored request does not run: {e}")),
                },
            }
        };
        if let Some(reason) = failed {
            tracing::warn!(
                replay = c.id,
                reason,
                "a replay whose replica's lease lapsed failed"
            );
            self.store
                .finish_held_replay(c.id, &self.replays.owner, Err(&reason))
                .await?;
        }
        Ok(())
    }

    /// Renews this replica's leases and takes over lapsed replays, every heartbeat, forever
    /// (`serve` spawns it; `take_over` on Postgres, where other replicas may have died or shut
    /// down). With `take_over`, a replay another replica gives back at its shutdown wakes this
    /// one for a heartbeat at once.
    pub async fn run_replay_jobs(self, take_over: bool) {
        let mut tick = tokio::time::interval(self.replays.heartbeat());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let released = Arc::new(tokio::sync::Notify::new());
        if take_over {
            tokio::spawn(listen_for_released_replays(
                self.store.clone(),
                released.clone(),
                self.replays.heartbeat(),
            ));
        }
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = released.notified() => {}
            }
            if let Err(e) = self.replay_heartbeat(take_over).await {
                tracing::warn!(error = %e, "replay heartbeat failed; retrying at the next one");
            }
        }
    }

    /// Cancels a running (or queued) replay, whichever replica runs it: it stops within a few
    /// thousand steps and is recorded `failed` with the error "cancelled". The flag is set in
    /// the database; this replica stops its own replay at once, another replica at its next
    /// heartbeat, and a replay whose replica died is failed by the replica that claims it.
    /// Waits up to a few seconds for the end and returns the record as it then stands
    /// (`running` still if the stop took longer). A replay already finished is
    /// [`ServiceError::Conflict`]; an unknown id, [`ServiceError::NotFound`].
    pub async fn cancel_replay(&self, id: i64) -> ServiceResult<ReplayRecord> {
        match self.store.request_replay_cancel(id).await? {
            None => return Err(ServiceError::NotFound(format!("no replay {id}"))),
            Some(ReplayStatus::Running) => {}
            Some(status) => {
                return Err(ServiceError::Conflict(format!(
                    "replay {id} is {}",
                    status.as_str()
                )));
            }
        }
        let switch = self.replays.live().get(&id).cloned();
        if let Some(switch) = switch {
            signal(&switch, CANCELLED);
            let _ = tokio::time::timeout(CANCEL_WAIT, switch.closed()).await;
            return self.replay(id).await;
        }
        let deadline = tokio::time::Instant::now() + CANCEL_WAIT;
        loop {
            let record = self.replay(id).await?;
            if record.status != ReplayStatus::Running || tokio::time::Instant::now() >= deadline {
                return Ok(record);
            }
            tokio::time::sleep(CANCEL_POLL).await;
        }
    }

    /// Replays this replica runs or queues now.
    pub fn replays_here(&self) -> usize {
        self.replays.live().len()
    }

    /// Cancels every replay of this process, and those started later (shutdown on SQLite):
    /// each is recorded `failed` with [`CANCELLED_AT_SHUTDOWN`] once it stops.
    pub fn cancel_replays(&self) {
        self.replays.stopping.store(true, Ordering::SeqCst);
        for switch in self.replays.live().values() {
            signal(switch, CANCELLED_AT_SHUTDOWN);
        }
    }

    /// Stops every replay of this process, and those started later, and gives each back to the
    /// other replicas once it stopped (shutdown on Postgres): its lease ends at once, another
    /// replica is told (`Store::released_replays`) and claims it and runs it again, and the run
    /// given back does not count toward [`MAX_REPLAY_RUNS`]. A replay that was cancelled
    /// already is recorded as such; one that finished before it saw the stop is recorded done.
    pub fn hand_over_replays(&self) {
        self.replays.hand_over.store(true, Ordering::SeqCst);
        self.replays.stopping.store(true, Ordering::SeqCst);
        for switch in self.replays.live().values() {
            signal(switch, HANDED_OVER);
        }
    }

    /// Waits until every replay of this process has ended (recorded, or given back), for at
    /// most until `deadline`; returns how many were still live then. At shutdown, so that the
    /// replays stopped are recorded or handed over before the process exits.
    pub async fn replays_ended(&self, deadline: tokio::time::Instant) -> usize {
        // Each task drops its switch's only receiver last, after recording its end.
        let switches: Vec<_> = self.replays.live().values().cloned().collect();
        let all = all_closed(switches);
        let _ = tokio::time::timeout_at(deadline, all).await;
        self.replays_here()
    }

    /// Marks the replays left `running` by a process that stopped as `failed` (at start, before
    /// serving; SQLite, where one process is the only mode); returns how many.
    pub async fn fail_orphaned_replays(&self) -> ServiceResult<u64> {
        Ok(self.store.fail_running_replays(ORPHANED).await?)
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

/// Wakes `wake` whenever another replica gives a replay back, forever; a lost listener is made
/// again after `pause` (the heartbeat still claims meanwhile).
async fn listen_for_released_replays(
    store: Arc<dyn Store>,
    wake: Arc<tokio::sync::Notify>,
    pause: Duration,
) {
    loop {
        match store.released_replays().await {
            Ok(mut released) => loop {
                match released.next().await {
                    Ok(()) => wake.notify_one(),
                    Err(e) => {
                        tracing::debug!(error = %e, "listening for replays given back failed");
                        break;
                    }
                }
            },
            Err(e) => tracing::debug!(error = %e, "listening for replays given back failed"),
        }
        tokio::time::sleep(pause).await;
    }
}

/// A replay's input before it runs: inline deployments are parsed up front, stored ones are
/// listed once the replay holds a permit.
enum Pending {
    Ready(Source),
    Store(StoreFilter),
}

/// How a background replay ended without a report.
enum RunError {
    Failed(String),
    Cancelled(&'static str),
}

/// Waits for a permit (or the cancel), then lists the input and runs the replay.
async fn run_queued(
    store: Arc<dyn Store>,
    id: i64,
    control: &ReplayControl,
    pending: Pending,
    policies: Vec<(String, Policy)>,
    polling: Polling,
    cancel: &mut Cancel,
) -> Result<ReplayReport, RunError> {
    let permits = control.permits.clone();
    let _permit = tokio::select! {
        biased;
        reason = cancel.cancelled() => return Err(RunError::Cancelled(reason)),
        permit = permits.acquire_owned() => permit.map_err(|_| RunError::Cancelled(CANCELLED_AT_SHUTDOWN))?,
    };
    let source = match pending {
        Pending::Ready(source) => source,
        Pending::Store(filter) => Source::Store(
            StoreSource::list(store.clone(), &filter)
                .await
                .map_err(|e| RunError::Failed(ServiceError::from(e).to_string()))?,
        ),
    };
    run_recorded(store, id, ReplayRun::new(source, policies, polling), cancel).await
}

/// Runs a replay, recording progress every [`PROGRESS_EVERY`] deployments and at the end (a
/// failed progress write is not worth failing the run for). Checks `cancel` between
/// deployments; the engine checks it within long ones.
async fn run_recorded(
    store: Arc<dyn Store>,
    id: i64,
    mut run: ReplayRun,
    cancel: &Cancel,
) -> Result<ReplayReport, RunError> {
    let progress = |run: &ReplayRun| ReplayProgress {
        done: run.done() as i64,
        total: Some(run.total() as i64),
    };
    let _ = store.update_replay_progress(id, progress(&run)).await;
    loop {
        if let Some(reason) = cancel.reason() {
            return Err(RunError::Cancelled(reason));
        }
        let Some(stepped) = run.step_off_runtime(cancel).await else {
            break;
        };
        stepped?;
        if run.done().is_multiple_of(PROGRESS_EVERY) {
            let _ = store.update_replay_progress(id, progress(&run)).await;
        }
    }
    let _ = store.update_replay_progress(id, progress(&run)).await;
    Ok(run.report())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What another replica reads back from a stored request runs the same replay: policies,
    /// polling (both kinds) and input.
    #[test]
    fn a_stored_request_reads_back_as_the_same_replay() {
        let policies: Vec<(String, Policy)> = [SEED, GUARDED, COMPARE]
            .iter()
            .map(|n| ((*n).to_string(), Policy::builtin(n).unwrap()))
            .collect();
        let d = serde_json::json!({"key": "k", "metrics": {"error_rate": [0.4, 6.2]}});
        for polling in [
            Polling::EveryPoints(3),
            Polling::Interval(chrono::Duration::seconds(90)),
        ] {
            let job = Job::new(
                policies.clone(),
                polling,
                ReplayInput::from_values(std::slice::from_ref(&d)),
            );
            // Stored as a jsonb value, read back as one: what a claiming replica sees.
            let stored = serde_json::to_value(&job).unwrap();
            let read: Job = serde_json::from_str(&stored.to_string()).unwrap();
            let (pending, read_policies, read_polling) = read.pending().unwrap();
            assert_eq!(read_polling, polling);
            assert_eq!(read_policies, policies);
            assert!(matches!(pending, Pending::Ready(Source::Inline(ds, 1)) if ds[0].key == "k"));
        }
        let filter = StoreFilter {
            service: Some("checkout".into()),
            ..StoreFilter::default()
        };
        let job = Job::new(
            policies,
            Polling::EveryPoints(1),
            ReplayInput::Store(filter),
        );
        let read: Job = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
        let (pending, _, _) = read.pending().unwrap();
        assert!(matches!(pending, Pending::Store(f) if f.service.as_deref() == Some("checkout")));
    }
}

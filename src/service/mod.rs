//! What a request means, between the front ends (`api/`, `cli/`) and the store: which policy
//! judges, judging a deployment and recording the verdict, deployments and their points, and
//! replay runs. Handlers extract, call one function here and map the result to HTTP.
//!
//! The types the front ends exchange with the service are re-exported here, so `api/` needs
//! no other module of the domain.

use std::sync::Arc;
use std::time::Duration;

use crate::store::{Store, StoreError};

mod deployments;
mod kayenta;
mod policies;
mod prometheus_replay;
mod pull;
pub mod replays;
mod retention;
mod sources;
mod verdicts;

pub use crate::analysis::document::InputError;
pub use crate::analysis::metric::ValueError;
pub use crate::analysis::policy::BUILTIN_NAMES;
pub use crate::analysis::{
    Decision, EvaluationDocument, Policy, PolicyError, PolicySpec, PullReport, PullStatus,
    RuleStatus, Verdict,
};
pub use crate::json::{UniqueValue, unique_map};
pub use crate::model::replay::{ReplayRecord, ReplayReport, ReplayStatus};
pub use crate::model::source::{
    AuthKind, MetricQuery, Source, SourceAuth, SourceSpec, TemplateScope, TemplateSet,
    TemplateSetSpec,
};
pub use crate::model::{
    Cohort, Deployment, DeploymentKey, DeploymentQuery, DeploymentSpec, EnvironmentName,
    EnvironmentPolicy, MAX_FIELD_LEN, MetricName, NameError, NameKind, Point, PointError,
    PolicyName, PolicyRecord, StoredVerdict, Timestamp, is_valid_field,
};
pub use crate::names::SourceName;
pub use crate::store::Removed;
pub use deployments::Registration;
pub use policies::Resolved;
pub use prometheus_replay::{MAX_PROMETHEUS_DEPLOYMENTS, PrometheusDeployment};
pub use pull::{DEFAULT_MAX_STALENESS, MAX_STEPS, SourceSettings};
pub use replays::{
    CANCELLED, CANCELLED_AT_SHUTDOWN, DEFAULT_MAX_CONCURRENT_REPLAYS, DEFAULT_REPLAY_LEASE,
    MAX_REPLAY_RUNS, ORPHANED, Polling, ReplayInput, ReplayRun, StoreFilter,
};
pub use retention::{MAINTENANCE_EVERY, SWEEP_BATCH};
pub use sources::{
    DEFAULT_SOURCE_TIMEOUT_MS, DEFAULT_STEP_SECONDS, MAX_SOURCE_TIMEOUT_MS, TEMPLATE_METRICS,
};
pub use verdicts::{Judgement, Record, VerdictOptions, Weights};

/// Why the service could not do what was asked. Each variant is one kind of answer: the API
/// maps them to status codes, the CLI to messages.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An unknown policy name, or an inline policy that does not parse.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A bad evaluation document.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A bad identifier in the request.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A request whose parts contradict each other or lie out of range; `field` names the part.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// One of a replay request's inline deployments is bad.
    #[error("deployments[{index}]: {message}")]
    ReplayDeployment { index: usize, message: String },
    #[error("{0}")]
    NotFound(String),
    /// Built-in policies cannot be replaced.
    #[error("'{0}' is a built-in policy and cannot be changed; store yours under another name")]
    PolicyReadOnly(PolicyName),
    /// The request contradicts the resource's state (cancelling a finished replay).
    #[error("{0}")]
    Conflict(String),
    /// A PromQL template that cannot be used as written (unknown or misplaced placeholder).
    #[error("{field}: {message}")]
    Template { field: String, message: String },
    /// A PromQL template the source's Prometheus rejected; `message` is Prometheus's.
    #[error("{field}: {message}")]
    TemplateRejected { field: String, message: String },
    /// A source could not be asked (down, timed out, refused the credentials): the API's 424.
    #[error("{0}")]
    SourceUnavailable(String),
}

impl ServiceError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            field,
            message: message.into(),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The service: the store, and what runs beside requests (replays).
#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    replays: Arc<replays::ReplayControl>,
    pulls: Arc<pull::PullControl>,
}

impl Service {
    /// A service over `store`, running at most [`DEFAULT_MAX_CONCURRENT_REPLAYS`] replays at once.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Service {
            store,
            replays: Arc::new(replays::ReplayControl::new(
                DEFAULT_MAX_CONCURRENT_REPLAYS,
                DEFAULT_REPLAY_LEASE,
            )),
            pulls: Arc::new(pull::PullControl::new(SourceSettings::default())),
        }
    }

    /// The same service with these source settings: when a source fails, the stored points
    /// judge only if the failed series were read within `max_staleness` (else `inconclusive`);
    /// secret files must lie in `secrets_dir`. Call before serving.
    #[must_use]
    pub fn with_source_settings(mut self, settings: SourceSettings) -> Self {
        self.pulls = Arc::new(pull::PullControl::new(settings));
        self
    }

    /// The same service computing at most `n` (at least 1) replays at once; the others queue.
    /// Call before any replay starts: replays of the old limit keep their own.
    #[must_use]
    pub fn with_max_concurrent_replays(mut self, n: usize) -> Self {
        self.replays = Arc::new(replays::ReplayControl::new(n, self.replays.lease()));
        self
    }

    /// The same service holding each replay it runs for `lease` between heartbeats (a tenth of
    /// it): a replay whose replica died is taken over once its lease lapses. Call before any
    /// replay starts.
    #[must_use]
    pub fn with_replay_lease(mut self, lease: Duration) -> Self {
        self.replays = Arc::new(replays::ReplayControl::new(
            self.replays.max_concurrent(),
            lease,
        ));
        self
    }

    /// `postgres` or `sqlite`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// One round trip to the database (readiness).
    pub async fn ping(&self) -> ServiceResult<()> {
        Ok(self.store.ping().await?)
    }
}

//! Judging a stored deployment: one read for the deployment, its default policy and its
//! series; the rules; the canary step; and the verdict recorded in the audit trail.

use chrono::{DateTime, Utc};

use super::policies::Resolved;
use super::{Service, ServiceError, ServiceResult};
use crate::analysis::metric::{self, JUDGED_METRICS};
use crate::analysis::{
    Decision, EvaluationDocument, Observations, Policy, PolicySpec, PullStatus, Traffic, Verdict,
    evaluate, recommend,
};
use crate::model::{DeploymentKey, NewVerdict, StoredVerdict, VerdictInputs, series_observations};
use crate::store::StoreError;

/// The canary's current traffic weight and the weight at which it is fully rolled out
/// (percent), checked: `1 <= max <= 100` and `current <= max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    current: u32,
    max: u32,
}

impl Weights {
    /// The weights of a request, when it gave a current weight (`max` defaults to 100).
    pub fn new(current: Option<u32>, max: Option<u32>) -> ServiceResult<Option<Self>> {
        let max = max.unwrap_or(100);
        if !(1..=100).contains(&max) {
            return Err(ServiceError::invalid(
                "max_weight",
                format!("max_weight {max} must be between 1 and 100"),
            ));
        }
        match current {
            None => Ok(None),
            Some(current) if current <= max => Ok(Some(Weights { current, max })),
            Some(w) => Err(ServiceError::invalid(
                "canary_weight",
                format!("canary_weight {w} must be between 0 and max_weight {max}"),
            )),
        }
    }
}

/// What to judge a deployment by.
#[derive(Clone, Debug, Default)]
pub struct VerdictOptions {
    /// Overrides the deployment's policy.
    pub policy: Option<PolicySpec>,
    /// Judge as of this time: only points at or before it are read.
    pub at: Option<DateTime<Utc>>,
    /// Judge one revision: only points strictly after this time are read (see
    /// [`Service::enter_revision`]).
    pub since: Option<DateTime<Utc>>,
    /// When given, the verdict carries the next canary step.
    pub weights: Option<Weights>,
}

/// Whether a judgement goes into the deployment's audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Yes,
    No,
    /// Only a `rollback` verdict: for a caller that asks on every loop while nothing can change
    /// (Flagger's rollback hook in a Waiting phase), so the trail keeps what acted.
    Rollback,
}

/// A verdict and the policy that made it.
#[derive(Clone, Debug)]
pub struct Judgement {
    pub verdict: StoredVerdict,
    pub policy: Policy,
}

impl Judgement {
    /// Whether a yes/no gate (Flagger's `rollout` webhook) lets the canary advance: on `pass`,
    /// and on `inconclusive` under a policy with `gate.pass_inconclusive` unless the verdict is
    /// inconclusive because its metrics source failed and the stored points are stale.
    pub fn opens_gate(&self) -> bool {
        let report = &self.verdict.report;
        if report
            .pull
            .as_ref()
            .is_some_and(|p| p.status == PullStatus::Stale)
        {
            return false;
        }
        match self.verdict.report.verdict {
            Decision::Pass => true,
            Decision::Inconclusive => self.policy.gate.pass_inconclusive,
            Decision::Rollback => false,
        }
    }
}

fn last(obs: &Observations, metric: &str) -> Option<f64> {
    obs.canary
        .get(metric)
        .and_then(|s| s.values.last().copied())
}

impl Service {
    /// Makes `revision` the deployment's current revision (a Flagger `checksum`) and returns the
    /// time after which its own points begin, for [`VerdictOptions::since`]: `None` for the
    /// first revision seen (every point is its own) and for an unknown deployment. A new
    /// revision starts after the newest point stored when it is first seen, so the previous
    /// revision's points never judge it.
    pub async fn enter_revision(
        &self,
        key: &DeploymentKey,
        revision: &str,
    ) -> ServiceResult<Option<DateTime<Utc>>> {
        Ok(self.store.enter_revision(key, revision).await?.flatten())
    }

    /// The deployment's inputs to a verdict: as of `at`, or now through the verdict cache.
    async fn verdict_inputs(
        &self,
        key: &DeploymentKey,
        at: Option<DateTime<Utc>>,
    ) -> ServiceResult<Option<VerdictInputs>> {
        Ok(match at {
            Some(at) => {
                self.store
                    .verdict_inputs(key, &JUDGED_METRICS, Some(at))
                    .await?
            }
            None => {
                self.store
                    .verdict_inputs_cached(key, &JUDGED_METRICS)
                    .await?
            }
        })
    }

    /// Judges `key`'s stored series; records the verdict when asked and the deployment exists.
    /// An unknown deployment is judged on no data (`inconclusive`), not an error.
    pub async fn judge(
        &self,
        key: &DeploymentKey,
        options: &VerdictOptions,
        record: Record,
    ) -> ServiceResult<Judgement> {
        // One read for the deployment, its default policy, its series and whether a template
        // set applies to it. A deployment with PromQL templates then reads its sources up to
        // now and is read again (from the verdict cache on Postgres: only the rows just
        // written). A verdict as of a past time reads what is stored.
        let mut inputs = self.verdict_inputs(key, options.at).await?;
        let mut pull = None;
        if options.at.is_none() && inputs.as_ref().is_some_and(|i| i.pulls) {
            pull = self.pull_for_verdict(key).await?;
            if pull.is_some() {
                inputs = self.verdict_inputs(key, None).await?;
            }
        }
        let Resolved {
            name,
            policy,
            version,
        } = self
            .resolve_for_deployment(options.policy.as_ref(), inputs.as_ref())
            .await?;
        let exists = inputs.is_some();
        let mut series = inputs.map(|i| i.series).unwrap_or_default();
        if let Some(since) = options.since {
            // The baseline cohort keeps reporting across revisions, so a metric the service has
            // stays applicable to a new revision that has no canary point of it yet.
            for s in &mut series {
                s.sort_by_time();
                s.keep_after(since);
            }
            series.retain(|s| !s.ts.is_empty());
        }
        let points = series.iter().map(|s| s.ts.len() as i64).sum();
        let first_ts = series.iter().filter_map(|s| s.ts.first()).min().copied();
        let last_ts = series.iter().filter_map(|s| s.ts.last()).max().copied();
        let obs = series_observations(series);
        let mut evaluation = evaluate(&policy, &obs.inputs());
        if pull.as_ref().is_some_and(|p| p.status == PullStatus::Stale) {
            // The source failed and what is stored is too old to judge by: never a `pass` (nor
            // a `rollback`) on stale data.
            evaluation.decision = Decision::Inconclusive;
        }
        let mut report = Verdict::new(name, &policy, &evaluation);
        report.pull = pull;
        crate::telemetry::record_verdict(&report);
        if let Some(w) = options.weights {
            let traffic = Traffic {
                latency_p99: last(&obs, metric::LATENCY_P99),
                rps: last(&obs, metric::RPS),
            };
            report.recommendation = Some(recommend(evaluation.decision, w.current, w.max, traffic));
        }
        let new = NewVerdict {
            as_of: options.at,
            policy_version: version,
            points,
            first_ts,
            last_ts,
            report,
        };
        let record = match record {
            Record::Yes => true,
            Record::No => false,
            Record::Rollback => new.report.verdict == Decision::Rollback,
        };
        let verdict = if exists && record {
            match self.store.record_verdict(key, new.clone()).await {
                Ok(v) => v,
                // Deleted between the read and the write (DELETE or retention): answered as for
                // an unknown deployment, which it now is.
                Err(StoreError::Corrupt(_)) if self.store.get_deployment(key).await?.is_none() => {
                    StoredVerdict::new(None, key, Utc::now(), new)
                }
                Err(e) => return Err(e.into()),
            }
        } else {
            // Read-only, or an unknown deployment: nothing to record.
            StoredVerdict::new(None, key, Utc::now(), new)
        };
        Ok(Judgement { verdict, policy })
    }

    /// Judges the series given in an evaluation document (default policy `seed`); nothing is
    /// stored.
    pub async fn evaluate_document(&self, doc: EvaluationDocument) -> ServiceResult<Verdict> {
        let (spec, obs) = doc.into_observations()?;
        let spec = spec.unwrap_or_else(|| PolicySpec::Name(crate::analysis::policy::SEED.into()));
        let Resolved { name, policy, .. } = self.resolve(&spec).await?;
        let evaluation = evaluate(&policy, &obs.inputs());
        let verdict = Verdict::new(name, &policy, &evaluation);
        crate::telemetry::record_verdict(&verdict);
        Ok(verdict)
    }

    /// A page of the deployment's recorded verdicts, newest first.
    pub async fn list_verdicts(
        &self,
        key: &DeploymentKey,
        limit: i64,
        before_id: Option<i64>,
    ) -> ServiceResult<Vec<StoredVerdict>> {
        if self.store.get_deployment(key).await?.is_none() {
            return Err(ServiceError::NotFound(format!("no deployment '{key}'")));
        }
        Ok(self.store.list_verdicts(key, limit, before_id).await?)
    }
}

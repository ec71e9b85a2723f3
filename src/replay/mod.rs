//! Replay (backtesting): had these policies been asked at every step of these deployments,
//! which would they have rolled back, when, on which rule — and how does that compare with what
//! really happened? Inputs stream one deployment at a time, so memory stays bounded by one
//! deployment's series plus the (small) per-deployment results.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::analysis::{Observations, Policy, RuleName};
use crate::model::Outcome;

mod engine;
pub mod input;
pub mod source;

pub use engine::{Hit, Polling, ReplayError, TIE_BAND, Timeline};

/// One deployment to replay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayDeployment {
    pub key: String,
    /// What really happened, when known.
    pub outcome: Option<Outcome>,
    pub started_at: Option<DateTime<Utc>>,
    /// The 1-based step at which a known regression began (labelled corpora).
    pub onset_step: Option<usize>,
    pub obs: Observations,
}

/// What one policy did on one deployment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyOutcome {
    /// 1-based number of points in the prefix that first gave `rollback`; null if never.
    pub first_rollback_step: Option<usize>,
    /// That point's timestamp, when the series carry them.
    pub first_rollback_at: Option<DateTime<Utc>>,
    /// The rule that fired first.
    pub rule: Option<RuleName>,
    /// Steps from the onset (when known) or from the first step, to the rollback.
    pub detect_steps: Option<i64>,
    /// Seconds from the onset point (when known), else from `started_at` or the first point,
    /// to the rollback; needs timestamps.
    pub detect_seconds: Option<i64>,
}

/// One deployment's replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeploymentResult {
    pub key: String,
    pub outcome: Option<Outcome>,
    /// Steps in the whole series.
    pub steps: usize,
    pub onset_step: Option<usize>,
    /// By policy name.
    pub results: BTreeMap<String, PolicyOutcome>,
}

/// Deployments by what the policy said and what really happened. An incident is a deployment
/// whose outcome is `rolled_back`; a healthy one was `promoted`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Confusion {
    /// Incidents the policy rolled back.
    pub tp: usize,
    /// Healthy deployments the policy rolled back (false rollbacks).
    pub fp: usize,
    /// Healthy deployments the policy let through.
    pub tn: usize,
    /// Incidents the policy let through.
    #[serde(rename = "fn")]
    pub fn_: usize,
}

/// Detection delays of the incidents a policy caught at or after their onset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimeToDetect {
    /// Incidents counted.
    pub count: usize,
    /// Nearest-rank percentiles of the delay in steps.
    pub median_steps: Option<i64>,
    pub p90_steps: Option<i64>,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

/// How one policy did over the whole replay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicySummary {
    pub deployments: usize,
    pub would_roll_back: usize,
    /// Deployments with a known outcome (the confusion matrix counts only these).
    pub with_outcome: usize,
    pub confusion: Confusion,
    /// tp / (tp + fp).
    pub precision: Option<f64>,
    /// tp / (tp + fn).
    pub recall: Option<f64>,
    /// fp / (fp + tn): healthy deployments rolled back.
    pub false_rollback_rate: Option<f64>,
    /// Incidents with a known onset rolled back at or after it.
    pub caught_after_onset: usize,
    /// Incidents with a known onset rolled back before it (a false alarm that happened to hit a
    /// bad deployment).
    pub early_fires: usize,
    pub time_to_detect: TimeToDetect,
}

/// A whole replay: per deployment, and summed up per policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplayReport {
    /// Policy names, in the order given.
    pub policies: Vec<String>,
    pub deployments: Vec<DeploymentResult>,
    pub summary: BTreeMap<String, PolicySummary>,
    /// Steps in all deployments' series times the number of policies: an upper bound on the
    /// steps evaluated (polling skips steps, and each policy stops at its first rollback).
    pub steps: u64,
}

/// Where a replay run started over HTTP stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplayStatus {
    Running,
    Done,
    Failed,
}

impl ReplayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayStatus::Running => "running",
            ReplayStatus::Done => "done",
            ReplayStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "running" => Some(ReplayStatus::Running),
            "done" => Some(ReplayStatus::Done),
            "failed" => Some(ReplayStatus::Failed),
            _ => None,
        }
    }
}

/// Deployments replayed so far, of how many (known once the input is listed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplayProgress {
    pub done: i64,
    pub total: Option<i64>,
}

/// A replay run started over HTTP, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplayRecord {
    pub id: i64,
    pub status: ReplayStatus,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Policy names, in the order given.
    pub policies: Vec<String>,
    pub progress: ReplayProgress,
    /// Why the run failed.
    pub error: Option<String>,
    /// The report, once done (left out of lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ReplayReport>,
}

/// Replays one deployment under every policy.
pub fn replay_one(
    deployment: &ReplayDeployment,
    policies: &[(String, Policy)],
    polling: Polling,
) -> Result<DeploymentResult, ReplayError> {
    let timeline = Timeline::new(&deployment.obs);
    let refs: Vec<&Policy> = policies.iter().map(|(_, p)| p).collect();
    let hits = timeline.first_rollbacks(&refs, polling)?;
    let origin_step = deployment.onset_step.unwrap_or(0);
    let origin_time = match deployment.onset_step {
        Some(onset) => timeline.time_of(onset),
        None => deployment.started_at.or_else(|| timeline.time_of(1)),
    };
    let results = policies
        .iter()
        .zip(hits)
        .map(|((name, _), hit)| {
            let outcome = match hit {
                None => PolicyOutcome::default(),
                Some(h) => PolicyOutcome {
                    first_rollback_step: Some(h.step),
                    first_rollback_at: h.at,
                    rule: Some(h.rule),
                    detect_steps: Some(h.step as i64 - origin_step as i64),
                    detect_seconds: h
                        .at
                        .zip(origin_time)
                        .map(|(at, from)| (at - from).num_seconds()),
                },
            };
            (name.clone(), outcome)
        })
        .collect();
    Ok(DeploymentResult {
        key: deployment.key.clone(),
        outcome: deployment.outcome,
        steps: timeline.steps(),
        onset_step: deployment.onset_step,
        results,
    })
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Sums up one policy over every deployment's results.
pub fn summarize(name: &str, results: &[DeploymentResult]) -> PolicySummary {
    let mut s = PolicySummary::default();
    let (mut steps, mut seconds) = (Vec::new(), Vec::new());
    for d in results {
        let Some(r) = d.results.get(name) else {
            continue;
        };
        s.deployments += 1;
        let fired = r.first_rollback_step.is_some();
        s.would_roll_back += usize::from(fired);
        let Some(outcome) = d.outcome else { continue };
        s.with_outcome += 1;
        let c = &mut s.confusion;
        match (outcome, fired) {
            (Outcome::RolledBack, true) => c.tp += 1,
            (Outcome::RolledBack, false) => c.fn_ += 1,
            (Outcome::Promoted, true) => c.fp += 1,
            (Outcome::Promoted, false) => c.tn += 1,
        }
        if outcome == Outcome::RolledBack && fired {
            let delay = r.detect_steps.unwrap_or_default();
            if d.onset_step.is_some() && delay < 0 {
                s.early_fires += 1;
                continue;
            }
            s.caught_after_onset += usize::from(d.onset_step.is_some());
            steps.push(delay);
            seconds.extend(r.detect_seconds);
        }
    }
    let c = s.confusion;
    s.precision = ratio(c.tp, c.tp + c.fp);
    s.recall = ratio(c.tp, c.tp + c.fn_);
    s.false_rollback_rate = ratio(c.fp, c.fp + c.tn);
    steps.sort_unstable();
    seconds.sort_unstable();
    s.time_to_detect = TimeToDetect {
        count: steps.len(),
        median_steps: percentile(&steps, 0.5),
        p90_steps: percentile(&steps, 0.9),
        median_seconds: percentile(&seconds, 0.5),
        p90_seconds: percentile(&seconds, 0.9),
    };
    s
}

/// A report from per-deployment results: the summary per policy is computed here.
pub fn report_from(
    policies: &[(String, Policy)],
    deployments: Vec<DeploymentResult>,
) -> ReplayReport {
    let names: Vec<String> = policies.iter().map(|(n, _)| n.clone()).collect();
    let summary = names
        .iter()
        .map(|n| (n.clone(), summarize(n, &deployments)))
        .collect();
    let steps = deployments
        .iter()
        .map(|d| (d.steps * names.len()) as u64)
        .sum();
    ReplayReport {
        policies: names,
        deployments,
        summary,
        steps,
    }
}

/// Replays a stream of deployments; `progress` is told after each one. The first bad input
/// stops the replay with its error.
pub fn replay_all<E>(
    inputs: impl IntoIterator<Item = Result<ReplayDeployment, E>>,
    policies: &[(String, Policy)],
    polling: Polling,
    mut progress: impl FnMut(usize),
) -> Result<ReplayReport, E>
where
    E: From<ReplayError>,
{
    let mut results = Vec::new();
    for (i, deployment) in inputs.into_iter().enumerate() {
        results.push(replay_one(&deployment?, policies, polling)?);
        progress(i + 1);
    }
    Ok(report_from(policies, results))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(
        outcome: Option<Outcome>,
        onset: Option<usize>,
        step: Option<usize>,
    ) -> DeploymentResult {
        let r = PolicyOutcome {
            first_rollback_step: step,
            detect_steps: step.map(|s| s as i64 - onset.unwrap_or(0) as i64),
            ..Default::default()
        };
        DeploymentResult {
            key: "k".into(),
            outcome,
            steps: 90,
            onset_step: onset,
            results: BTreeMap::from([("p".to_string(), r)]),
        }
    }

    #[test]
    fn summary_counts_the_confusion_matrix_and_rates() {
        use Outcome::*;
        let rs = vec![
            result(Some(RolledBack), Some(30), Some(32)),
            result(Some(RolledBack), Some(30), Some(31)),
            result(Some(RolledBack), Some(30), Some(10)), // fired before the onset
            result(Some(RolledBack), Some(30), None),
            result(Some(Promoted), None, Some(5)),
            result(Some(Promoted), None, None),
            result(Some(Promoted), None, None),
            result(Some(Promoted), None, None),
            result(None, None, Some(3)),
        ];
        let s = summarize("p", &rs);
        assert_eq!(
            (s.deployments, s.would_roll_back, s.with_outcome),
            (9, 5, 8)
        );
        assert_eq!(
            s.confusion,
            Confusion {
                tp: 3,
                fp: 1,
                tn: 3,
                fn_: 1
            }
        );
        assert_eq!(
            (s.precision, s.recall, s.false_rollback_rate),
            (Some(0.75), Some(0.75), Some(0.25))
        );
        assert_eq!((s.caught_after_onset, s.early_fires), (2, 1));
        assert_eq!(
            (
                s.time_to_detect.count,
                s.time_to_detect.median_steps,
                s.time_to_detect.p90_steps
            ),
            (2, Some(1), Some(2))
        );
    }

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<i64> = (1..=10).collect();
        assert_eq!(
            (
                percentile(&xs, 0.5),
                percentile(&xs, 0.9),
                percentile(&[7], 0.9)
            ),
            (Some(5), Some(9), Some(7))
        );
        assert_eq!(percentile(&[], 0.5), None);
    }
}

//! Replay (backtesting): had these policies been asked at every step of these deployments,
//! which would they have rolled back, when, on which rule — and how does that compare with what
//! really happened? Inputs stream one deployment at a time, so memory stays bounded by one
//! deployment's series plus the (small) per-deployment results.

use chrono::{DateTime, Utc};

use crate::analysis::{Observations, Policy};
use crate::model::Outcome;

mod engine;
pub mod input;

pub use crate::model::replay::{
    Confusion, DeploymentResult, PolicyOutcome, PolicySummary, ReplayProgress, ReplayRecord,
    ReplayReport, ReplayStatus, TimeToDetect,
};
pub use engine::{Hit, Polling, ReplayError, STOP_CHECK_EVERY, TIE_BAND, Timeline};

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

/// Replays one deployment under every policy.
pub fn replay_one(
    deployment: &ReplayDeployment,
    policies: &[(String, Policy)],
    polling: Polling,
) -> Result<DeploymentResult, ReplayError> {
    replay_one_until(deployment, policies, polling, &|| false)
}

/// [`replay_one`], asking `stop` between policies and every few thousand steps
/// ([`STOP_CHECK_EVERY`]): [`ReplayError::Stopped`] once it says stop.
pub fn replay_one_until(
    deployment: &ReplayDeployment,
    policies: &[(String, Policy)],
    polling: Polling,
    stop: &dyn Fn() -> bool,
) -> Result<DeploymentResult, ReplayError> {
    let timeline = Timeline::new(&deployment.obs);
    let refs: Vec<&Policy> = policies.iter().map(|(_, p)| p).collect();
    let hits = timeline.first_rollbacks_until(&refs, polling, stop)?;
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
                    // Checked: the input caps onset_step at i64::MAX, but never panic here.
                    detect_steps: i64::try_from(h.step)
                        .ok()
                        .zip(i64::try_from(origin_step).ok())
                        .and_then(|(step, origin)| step.checked_sub(origin)),
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
    use std::collections::BTreeMap;

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

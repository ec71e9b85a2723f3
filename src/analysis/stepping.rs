//! Canary stepping: the seed's `CanaryController.calculateNextStep`, as a recommendation that
//! rides on a verdict when the caller says where the canary stands.
//!
//! Seed: abort when the verdict is `rollback`; otherwise +20 points of traffic when p99 latency
//! < 500 ms and RPS > 1000, else +10 — capped at the maximum weight. The seed caps only the +20
//! branch; rollguard caps both, since a weight past the maximum cannot be set. The seed has no
//! `inconclusive`; rollguard holds the current weight then (not enough data to judge a step).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decision::Decision;

/// p99 latency below this (ms) allows the fast step.
pub const FAST_STEP_MAX_LATENCY_MS: f64 = 500.0;
/// Requests per second above this allow the fast step.
pub const FAST_STEP_MIN_RPS: f64 = 1000.0;
pub const FAST_STEP: u32 = 20;
pub const SLOW_STEP: u32 = 10;

/// What the controller should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// Roll back: the verdict is `rollback`.
    Abort,
    /// Raise the canary's weight to `next_weight`.
    Increase,
    /// Keep the current weight: the verdict is `inconclusive`.
    Hold,
    /// Already at the maximum weight and passing: ready to promote.
    Promote,
}

/// The next step for a canary at `current_weight` of `max_weight`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recommendation {
    pub action: StepAction,
    /// Percent of traffic on the canary now.
    #[schema(maximum = 100)]
    pub current_weight: u32,
    /// Percent at which the canary is fully rolled out.
    #[schema(minimum = 1, maximum = 100)]
    pub max_weight: u32,
    /// The weight to set next (equal to the current one for abort and hold).
    #[schema(maximum = 100)]
    pub next_weight: u32,
    /// Why, in one line.
    pub reason: String,
}

/// The latest p99 latency (ms) and RPS the step rule reads; either may be missing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traffic {
    pub latency_p99: Option<f64>,
    pub rps: Option<f64>,
}

/// The seed's next step for `decision` at `current` of `max` (weights in percent of traffic).
pub fn recommend(decision: Decision, current: u32, max: u32, traffic: Traffic) -> Recommendation {
    let make = |action, next_weight, reason: String| Recommendation {
        action,
        current_weight: current,
        max_weight: max,
        next_weight,
        reason,
    };
    match decision {
        Decision::Rollback => make(StepAction::Abort, current, "the verdict is rollback".into()),
        Decision::Inconclusive => make(
            StepAction::Hold,
            current,
            "the verdict is inconclusive: hold the weight until there is data".into(),
        ),
        Decision::Pass if current >= max => make(
            StepAction::Promote,
            max,
            format!("passing at the maximum weight {max}"),
        ),
        Decision::Pass => {
            let fast = traffic
                .latency_p99
                .is_some_and(|l| l < FAST_STEP_MAX_LATENCY_MS)
                && traffic.rps.is_some_and(|r| r > FAST_STEP_MIN_RPS);
            let (step, why) = if fast {
                (FAST_STEP, "p99 latency < 500 ms and RPS > 1000")
            } else {
                (
                    SLOW_STEP,
                    "p99 latency >= 500 ms, RPS <= 1000, or either unknown",
                )
            };
            let next = current.saturating_add(step).min(max);
            make(
                StepAction::Increase,
                next,
                format!("+{step} ({why}), capped at {max}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traffic(latency: f64, rps: f64) -> Traffic {
        Traffic {
            latency_p99: Some(latency),
            rps: Some(rps),
        }
    }

    #[test]
    fn fast_traffic_steps_by_twenty() {
        let r = recommend(Decision::Pass, 10, 100, traffic(499.9, 1000.1));
        assert_eq!((r.action, r.next_weight), (StepAction::Increase, 30));
    }

    #[test]
    fn slow_or_quiet_or_unknown_traffic_steps_by_ten() {
        for t in [
            traffic(500.0, 5000.0),
            traffic(100.0, 1000.0),
            Traffic::default(),
            Traffic {
                latency_p99: Some(1.0),
                rps: None,
            },
        ] {
            assert_eq!(
                recommend(Decision::Pass, 10, 100, t).next_weight,
                20,
                "{t:?}"
            );
        }
    }

    #[test]
    fn steps_are_capped_at_the_maximum() {
        assert_eq!(
            recommend(Decision::Pass, 40, 50, traffic(100.0, 5000.0)).next_weight,
            50
        );
        assert_eq!(
            recommend(Decision::Pass, 45, 50, Traffic::default()).next_weight,
            50
        );
        let r = recommend(Decision::Pass, 50, 50, Traffic::default());
        assert_eq!((r.action, r.next_weight), (StepAction::Promote, 50));
    }

    #[test]
    fn rollback_aborts_and_inconclusive_holds() {
        let r = recommend(Decision::Rollback, 30, 100, traffic(100.0, 5000.0));
        assert_eq!((r.action, r.next_weight), (StepAction::Abort, 30));
        let r = recommend(Decision::Inconclusive, 30, 100, traffic(100.0, 5000.0));
        assert_eq!((r.action, r.next_weight), (StepAction::Hold, 30));
    }
}

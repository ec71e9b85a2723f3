//! Flagger's decision loop as its source defines it (fluxcd/flagger), played over simulated time
//! against a live server. One call of `advanceCanary` (pkg/controller/scheduler.go) per
//! `analysis.interval`, for the canary (progressive traffic) strategy:
//!
//! - loop 0: `checkCanaryStatus` sees the new revision, scales the canary up, sets Progressing and
//!   returns; no webhook runs and the canary has no traffic yet;
//! - every later loop, in order: the `rollback` webhooks while the phase is Progressing, Waiting
//!   or WaitingPromotion (`runRollbackHooks`; a success, status <= 202, rolls back now); Promoting
//!   shifts traffic back to the primary (`runPromotionTrafficShift`: without
//!   `stepWeightPromotion`, straight to Finalising); Finalising ends in Succeeded; in Progressing
//!   or WaitingPromotion, `failedChecks >= threshold` rolls back; with weight 0 and no iteration
//!   the pre-rollout hooks run (none here), else `runAnalysis` calls each `rollout` webhook with
//!   phase Progressing and a failure adds one to `failedChecks` and ends the loop; then
//!   `runCanary` adds `stepWeight` until `maxWeight`, and at `maxWeight` promotes (Promoting).
//!   So the first gate call is on loop 2, and the canary's traffic starts on loop 1;
//! - `failedChecks` is never reset during a revision (only `hasCanaryRevisionChanged` resets it);
//! - a webhook call (pkg/controller/webhook.go `CallWebhook`): POST of the JSON payload `name`,
//!   `namespace`, `phase`, `checksum`, `metadata` (omitted when empty) through
//!   go-retryablehttp with `RetryMax = retries` (default 0) and its default policy (retry on a
//!   connection error, 429 and 5xx but 501); success iff the status is <= 202, else the body is
//!   the error Flagger puts into a Warning event; `timeout` per attempt (default 10 s).

use std::time::Duration;

use serde_json::{Value, json};

use super::clock::{Clock, duration};
use super::manifests::{Canary, CanaryWebhook, at_server};
use super::traffic::Pusher;

/// `GetAnalysisInterval`'s floor.
const MIN_INTERVAL_SECS: u64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CanaryPhase {
    Progressing,
    Promoting,
    Finalising,
}

impl CanaryPhase {
    fn as_str(self) -> &'static str {
        match self {
            CanaryPhase::Progressing => "Progressing",
            CanaryPhase::Promoting => "Promoting",
            CanaryPhase::Finalising => "Finalising",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Succeeded,
    /// Why: the rollback webhook, or the failed-checks threshold.
    RolledBack(&'static str),
    /// Still analysing when the harness stopped.
    Running,
}

#[derive(Debug)]
pub struct Outcome {
    pub end: End,
    /// Simulated seconds since the revision was detected.
    pub at: u64,
    pub failed_checks: u32,
    /// Every gate call: when, and whether it succeeded.
    pub gates: Vec<(u64, bool)>,
    /// The Warning events' messages: the bodies of failed calls.
    pub events: Vec<String>,
}

/// The deployment key rollguard derives from a webhook of `canary`: `metadata.deployment`, else
/// `{namespace}.{name}`.
pub fn key(canary: &Canary, hook: &CanaryWebhook) -> String {
    hook.metadata.get("deployment").cloned().unwrap_or_else(|| {
        format!(
            "{}.{}",
            canary.metadata.namespace.as_deref().expect("namespace"),
            canary.metadata.name
        )
    })
}

/// Plays one revision (`checksum`) of `canary` from `clock.now()`, for at most `max_loops`.
pub async fn play(
    canary: &Canary,
    checksum: &str,
    base: &str,
    clock: &mut Clock,
    pusher: &mut Pusher,
    max_loops: u64,
) -> Outcome {
    let analysis = &canary.spec.analysis;
    for hook in &analysis.webhooks {
        let kind = hook.kind.as_deref().unwrap_or("rollout");
        assert!(
            kind == "rollout" || kind == "rollback",
            "webhook type {kind} is not modelled"
        );
    }
    let hooks = |kind: &'static str| {
        analysis
            .webhooks
            .iter()
            .filter(move |h| h.kind.as_deref().unwrap_or("rollout") == kind)
    };
    let interval = duration(&analysis.interval).max(MIN_INTERVAL_SECS);
    let start = clock.now();
    let mut out = Outcome {
        end: End::Running,
        at: 0,
        failed_checks: 0,
        gates: Vec::new(),
        events: Vec::new(),
    };
    // Loop 0: the new revision is detected and the canary scaled up, with no traffic.
    pusher.canary_stopped();
    let mut phase = CanaryPhase::Progressing;
    let mut weight = 0;
    'loops: for k in 1..=max_loops {
        clock.advance_to(start + k * interval);
        pusher.catch_up(clock).await;
        out.at = clock.now() - start;
        if phase == CanaryPhase::Progressing {
            for hook in hooks("rollback") {
                if call(canary, hook, phase, checksum, base, &mut out.events).await {
                    out.end = End::RolledBack("rollback webhook");
                    break 'loops;
                }
            }
        }
        match phase {
            CanaryPhase::Promoting => {
                phase = CanaryPhase::Finalising;
                continue;
            }
            CanaryPhase::Finalising => {
                out.end = End::Succeeded;
                break;
            }
            CanaryPhase::Progressing => {}
        }
        if out.failed_checks >= analysis.threshold {
            out.end = End::RolledBack("failed checks threshold");
            break;
        }
        if weight > 0 {
            for hook in hooks("rollout") {
                let ok = call(canary, hook, phase, checksum, base, &mut out.events).await;
                out.gates.push((out.at, ok));
                if !ok {
                    out.failed_checks += 1;
                    continue 'loops;
                }
            }
        }
        if weight < analysis.max_weight {
            weight = (weight + analysis.step_weight).min(100);
            pusher.canary_traffic_from(clock.now() / 60);
        } else {
            phase = CanaryPhase::Promoting;
        }
    }
    if out.end != End::Running {
        // Rolled back or promoted: the canary is scaled to zero.
        pusher.canary_stopped();
    }
    out
}

/// One webhook call; `true` when Flagger counts it a success.
async fn call(
    canary: &Canary,
    hook: &CanaryWebhook,
    phase: CanaryPhase,
    checksum: &str,
    base: &str,
    events: &mut Vec<String>,
) -> bool {
    let mut payload = json!({
        "name": canary.metadata.name,
        "namespace": canary.metadata.namespace,
        "phase": phase.as_str(),
        "checksum": checksum,
    });
    if !hook.metadata.is_empty() {
        payload["metadata"] = serde_json::to_value(&hook.metadata).unwrap();
    }
    // `timeout` strings shorter than two characters mean the default 10 s.
    let timeout = hook
        .timeout
        .as_deref()
        .filter(|t| t.len() >= 2)
        .map_or(10, duration);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout))
        .build()
        .unwrap();
    let url = at_server(&hook.url, base);
    let attempts = hook.retries.unwrap_or(0) + 1;
    let mut last = None;
    for _ in 0..attempts {
        let resp = client.post(&url).json(&payload).send().await;
        let retry = match &resp {
            Err(_) => true,
            Ok(r) => {
                let s = r.status().as_u16();
                s == 429 || (s >= 500 && s != 501)
            }
        };
        last = Some(resp);
        if !retry {
            break;
        }
    }
    let Ok(resp) = last.unwrap() else {
        events.push("connection failed".into());
        return false;
    };
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    if status <= 202 {
        return true;
    }
    let _: Value = serde_json::from_str(&body).expect("a JSON body");
    events.push(body);
    false
}

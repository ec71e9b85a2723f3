//! What a replay produces and how a replay run is recorded: plain data, shared by the replay
//! engine that computes it, the store that keeps it and the API that serves it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Outcome;
use crate::analysis::RuleName;

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

/// A running replay one replica claimed after the lease of the one running it lapsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedReplay {
    pub id: i64,
    /// What started it (`None` for a replay recorded without one, which cannot run again).
    pub request: Option<serde_json::Value>,
    /// How many times it has been claimed, this claim included (the first run counts 1).
    pub runs: i32,
    /// A cancel was asked for.
    pub cancel_requested: bool,
}

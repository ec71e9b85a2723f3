//! Controller-specific hooks. Flagger's webhooks judge success by status code alone (success iff
//! status <= 202), so these answer 200 or a 4xx that is not 429 (which Flagger would retry);
//! never 203–299. The body always says why.
//!
//! Each Flagger revision (its `checksum`) is judged only on its own points: see
//! [`crate::service::Service::enter_revision`].
//!
//! Argo Rollouts needs no hook of its own: its web metric provider calls
//! `POST /v1/deployments/{key}/verdicts` (or `PUT`, or `GET …/verdict`) and reads `$.verdict`.

use std::collections::BTreeMap;

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::AppState;
use super::extract::Json;
use crate::error::{ApiError, ErrorBody};
use crate::service::{
    Decision, DeploymentKey, Judgement, PolicySpec, PullStatus, Record, RuleStatus, StoredVerdict,
    VerdictOptions, Weights,
};

/// Flagger's webhook payload (`CanaryWebhookPayload`). Unknown fields are ignored: the payload
/// belongs to Flagger and may grow.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct FlaggerPayload {
    /// The Canary's name (a Kubernetes object name). Unless `metadata.deployment` is set,
    /// `{namespace}.{name}` is the deployment key, so it must be a valid key (at most 200
    /// characters).
    #[schema(
        example = "podinfo",
        pattern = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        min_length = 1,
        max_length = 136
    )]
    pub name: String,
    /// The Canary's namespace (a Kubernetes namespace name).
    #[schema(
        example = "test",
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        min_length = 1,
        max_length = 63
    )]
    pub namespace: String,
    /// The canary's phase, e.g. `Progressing` or `Waiting`. In `Waiting` and `WaitingPromotion`
    /// the rollback hook records only a `rollback` verdict.
    #[schema(example = "Progressing")]
    pub phase: Option<String>,
    /// Flagger's hash of the canary's tracked configs: the only identity of a revision. A new
    /// checksum for a key starts a new revision, judged only on points after the newest point
    /// stored when it is first seen (see docs/integrations/flagger.md). At most 128 characters.
    #[schema(example = "85d557f47b")]
    pub checksum: Option<String>,
    /// `spec.analysis.webhooks[].metadata`. rollguard reads `deployment` (the deployment key; wins
    /// over the namespace/name mapping), `policy` (a policy name), and `canary_weight` /
    /// `max_weight` (for a step recommendation).
    #[serde(default, deserialize_with = "crate::service::unique_map")]
    pub metadata: BTreeMap<String, String>,
}

/// Whether `s` is a Kubernetes name of at most `max` characters: lowercase alphanumerics and
/// `-` (and `.` when `dots`), starting and ending with an alphanumeric.
fn is_k8s_name(s: &str, max: usize, dots: bool) -> bool {
    let b = s.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= max
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
        && b.iter()
            .all(|c| edge(c) || *c == b'-' || (dots && *c == b'.'))
}

impl FlaggerPayload {
    /// The deployment key: `metadata.deployment`, else `{namespace}.{name}`. The name (at most
    /// 136 characters, so that the default key fits in 200) and the namespace must be
    /// Kubernetes names, as Flagger sends them.
    pub fn deployment_key(&self) -> Result<DeploymentKey, ApiError> {
        for (field, value, max, dots) in [
            ("name", &self.name, 136, true),
            ("namespace", &self.namespace, 63, false),
        ] {
            if !is_k8s_name(value, max, dots) {
                return Err(ApiError::bad_request(
                    "invalid_key",
                    format!(
                        "{field} '{}' is not a Kubernetes name of at most {max} characters",
                        value.chars().take(80).collect::<String>()
                    ),
                ));
            }
        }
        let key = match self.metadata.get("deployment") {
            Some(k) => DeploymentKey::parse(k),
            None => DeploymentKey::parse(&format!("{}.{}", self.namespace, self.name)),
        };
        Ok(key?)
    }

    fn options(&self) -> Result<VerdictOptions, ApiError> {
        let weight = |field: &str| {
            self.metadata
                .get(field)
                .map(|v| {
                    // Digits only, spaces around allowed (no sign): the documented pattern.
                    let digits = v.trim_matches(' ');
                    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                    ok.then(|| digits.parse::<u32>().ok())
                        .flatten()
                        .ok_or_else(|| {
                            ApiError::bad_request(
                                "invalid_body",
                                format!("metadata.{field} '{v}' is not a whole number"),
                            )
                        })
                })
                .transpose()
        };
        Ok(VerdictOptions {
            weights: Weights::new(weight("canary_weight")?, weight("max_weight")?)?,
            policy: self.metadata.get("policy").cloned().map(PolicySpec::Name),
            at: None,
            since: None,
        })
    }

    /// The revision this call is about: Flagger's `checksum`, when it sent one.
    fn revision(&self) -> Result<Option<&str>, ApiError> {
        match self.checksum.as_deref() {
            None | Some("") => Ok(None),
            Some(c) if c.len() <= MAX_CHECKSUM && !c.chars().any(char::is_control) => Ok(Some(c)),
            Some(_) => Err(ApiError::bad_request(
                "invalid_body",
                format!("checksum must be at most {MAX_CHECKSUM} printable characters"),
            )),
        }
    }

    /// Whether Flagger is waiting (for a confirm hook) rather than analysing: it then asks the
    /// rollback hook every loop while the data barely changes.
    fn waiting(&self) -> bool {
        matches!(self.phase.as_deref(), Some("Waiting" | "WaitingPromotion"))
    }
}

/// Flagger's checksum is a short hash (`ComputeHash` of the tracked configs and the last applied
/// spec); anything far longer is not one.
const MAX_CHECKSUM: usize = 128;

/// The triggered rules' messages, or every rule's when none triggered; first, when the
/// deployment's metrics source failed and what is stored is too old, that.
fn reasons(v: &StoredVerdict) -> String {
    if let Some(pull) = v
        .report
        .pull
        .as_ref()
        .filter(|p| p.status == PullStatus::Stale)
    {
        let error = pull.error.as_deref().unwrap_or("unknown error");
        return format!("metrics source failed and the stored points are stale: {error}");
    }
    let triggered: Vec<&str> = v
        .report
        .rules
        .iter()
        .filter(|r| r.outcome.status == RuleStatus::Triggered)
        .map(|r| r.message.as_str())
        .collect();
    if triggered.is_empty() {
        v.report
            .rules
            .iter()
            .map(|r| r.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        triggered.join("; ")
    }
}

/// The longest message a 412 carries. Flagger copies the whole body of a failed call into a
/// Kubernetes Warning event (and its alerts), so the body stays short: one line of reasons, then
/// a summary of the verdict (`GET /v1/deployments/{key}/verdicts/` has the whole of it).
const MAX_REASON_CHARS: usize = 300;

/// `text` on one line, cut to `max` characters with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// A 412 with a one-line reason first and a short summary of the verdict after it.
fn refused(code: &'static str, what: &str, v: StoredVerdict) -> ApiError {
    let message = one_line(&format!("{what}: {}", reasons(&v)), MAX_REASON_CHARS);
    let rules: BTreeMap<&str, RuleStatus> = v
        .report
        .rules
        .iter()
        .map(|r| (r.outcome.rule.as_str(), r.outcome.status))
        .collect();
    ApiError::new(StatusCode::PRECONDITION_FAILED, code, message).with_details(json!({
        "verdict_id": v.id,
        "verdict": v.report.verdict,
        "policy": v.report.policy,
        "points": v.points,
        "rules": rules,
    }))
}

async fn judge_payload(
    state: &AppState,
    payload: &FlaggerPayload,
    record: Record,
) -> Result<Judgement, ApiError> {
    let key = payload.deployment_key()?;
    let mut options = payload.options()?;
    if let Some(revision) = payload.revision()? {
        options.since = state.service.enter_revision(&key, revision).await?;
    }
    Ok(state.service.judge(&key, &options, record).await?)
}

/// Flagger `rollout` webhook (a gate run before each analysis iteration): 200 lets the canary
/// advance when the verdict is `pass` (or `inconclusive` under a policy with
/// `gate.pass_inconclusive`); 412 holds it with the reasons (Flagger counts a failed check).
#[utoipa::path(
    post, path = "/v1/hooks/flagger/gate", tag = "hooks",
    request_body(content = FlaggerPayload, example = json!({"name": "podinfo", "namespace": "test", "phase": "Progressing",
        "checksum": "85d557f47b", "metadata": {"deployment": "test.podinfo"}})),
    responses(
        (status = 200, description = "Healthy: advance", body = StoredVerdict),
        (status = 400, description = "Bad payload or unknown policy (a failed check)", body = ErrorBody),
        (status = 412, description = "Rollback, or inconclusive: a failed check; a one-line message, then details: verdict_id, verdict, policy, points and each rule's status", body = ErrorBody),
        (status = 413, description = "Body too large (a failed check)", body = ErrorBody),
        (status = 415, description = "Body is not JSON (a failed check)", body = ErrorBody),
        (status = 503, description = "Database unavailable (Flagger retries, then counts a failed check)", body = ErrorBody),
    )
)]
pub async fn flagger_gate(
    State(state): State<AppState>,
    Json(payload): Json<FlaggerPayload>,
) -> Result<JsonResponse<StoredVerdict>, ApiError> {
    let judged = judge_payload(&state, &payload, Record::Yes).await?;
    if judged.opens_gate() {
        return Ok(JsonResponse(judged.verdict));
    }
    let v = judged.verdict;
    match v.report.verdict {
        Decision::Inconclusive => Err(refused("verdict_inconclusive", "inconclusive", v)),
        _ => Err(refused("verdict_rollback", "rollback", v)),
    }
}

/// Flagger `rollback` webhook (asked on each loop whether to roll back now): 200 means "roll
/// back now" and is returned only for a `rollback` verdict; otherwise 412.
#[utoipa::path(
    post, path = "/v1/hooks/flagger/rollback", tag = "hooks",
    request_body(content = FlaggerPayload, example = json!({"name": "podinfo", "namespace": "test",
        "phase": "Progressing", "checksum": "85d557f47b", "metadata": {"deployment": "test.podinfo"}})),
    responses(
        (status = 200, description = "Roll back now", body = StoredVerdict),
        (status = 400, description = "Bad payload or unknown policy", body = ErrorBody),
        (status = 412, description = "Do not roll back (pass or inconclusive); a one-line message, then details: verdict_id, verdict, policy, points and each rule's status", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
pub async fn flagger_rollback(
    State(state): State<AppState>,
    Json(payload): Json<FlaggerPayload>,
) -> Result<JsonResponse<StoredVerdict>, ApiError> {
    // In Waiting phases Flagger asks every loop for as long as a confirm hook holds the canary:
    // only a rollback, which acts, goes into the audit trail then.
    let record = if payload.waiting() {
        Record::Rollback
    } else {
        Record::Yes
    };
    let v = judge_payload(&state, &payload, record).await?.verdict;
    match v.report.verdict {
        Decision::Rollback => Ok(JsonResponse(v)),
        other => {
            let what = format!("no rollback ({})", other.as_str());
            Err(refused("no_rollback", &what, v))
        }
    }
}

//! Argo Rollouts' decision loop as its source defines it (argoproj/argo-rollouts), played over
//! simulated time against a live server:
//!
//! - the Rollout's canary steps in order (`rollout/canary.go`): `setWeight`, `pause` (with a
//!   duration it ends by itself; `pause: {}` waits for a person), and `analysis`, which creates
//!   an AnalysisRun from the templates and the step's args and waits for it;
//! - the AnalysisRun (`analysis/analysis.go`): the first measurement `initialDelay` after the run
//!   starts (`generateMetricTasks`), then one every `interval` after the last one finished; an
//!   Error measurement is retried after `DefaultErrorRetryInterval` (10 s) and does not count
//!   toward `count`; after each measurement `assessMetricStatus` makes the metric Failed when
//!   failed > `failureLimit` (default 0), Inconclusive when inconclusive > `inconclusiveLimit`
//!   (default 0), Error when consecutive errors > `consecutiveErrorLimit`
//!   (`DefaultConsecutiveErrorLimit`, 4), and Successful once `count` measurements are done;
//! - the Rollout's reaction (`rollout/analysis.go`): Inconclusive pauses it, Error and Failed
//!   abort it;
//! - one measurement (`metricproviders/webmetric/webmetric.go`): args substituted into the URL,
//!   headers and body (`ResolveQuotedArgs`, `utils/template/template.go`); the method (GET by
//!   default; a body with GET is an Error); `jsonBody` sent as JSON; `timeoutSeconds` (default
//!   10); a header value Go refuses (a new line in it) is an Error; a status outside 200–299 is
//!   an Error; the Kubernetes JSONPath's first match is the result, no match an Error; then
//!   `utils/evaluate/evaluate.go EvaluateResult`: with both conditions, failure true is Failed,
//!   else success true is Successful, else Inconclusive.

use std::collections::BTreeMap;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use super::clock::{Clock, duration};
use super::manifests::{AnalysisTemplate, Argument, Metric, Rollout, WebMetric, at_server};
use super::traffic::Feed;

/// `DefaultErrorRetryInterval` (analysis/analysis.go).
const ERROR_RETRY_SECS: u64 = 10;
/// `DefaultConsecutiveErrorLimit` (analysis/analysis.go).
const DEFAULT_CONSECUTIVE_ERROR_LIMIT: i32 = 4;
/// The web provider's default timeout (webmetric.go).
const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// A measurement's or a metric's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Successful,
    Failed,
    Inconclusive,
    Error,
}

/// How the rollout ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Every step done: the canary is at 100 % and becomes stable.
    Promoted,
    /// An analysis Failed or Errored.
    Aborted(Phase),
    /// An analysis was Inconclusive (or a `pause: {}`): a person must promote or abort.
    Paused(String),
}

#[derive(Debug)]
pub struct Outcome {
    pub end: End,
    /// Simulated seconds since the rollout started.
    pub at: u64,
    /// Every measurement: when (seconds since the rollout started) and its phase.
    pub measurements: Vec<(u64, Phase)>,
}

/// What the cluster provides: Secrets by (name, key), and the canary's and the stable
/// version's pod-template hashes.
pub struct Cluster {
    pub base: String,
    pub secrets: BTreeMap<(String, String), String>,
    pub canary_hash: String,
    pub stable_hash: String,
}

/// Plays `rollout` with `template` from `clock.now()`.
pub async fn play(
    rollout: &Rollout,
    template: &AnalysisTemplate,
    cluster: &Cluster,
    clock: &mut Clock,
    feed: &mut impl Feed,
) -> Outcome {
    let start = clock.now();
    let mut measurements = Vec::new();
    for step in &rollout.spec.strategy.canary.steps {
        match (&step.set_weight, &step.pause, &step.analysis) {
            (Some(w), None, None) => feed.set_weight(*w, clock.now() / 60),
            (None, Some(pause), None) => {
                let Some(d) = &pause.duration else {
                    return Outcome {
                        end: End::Paused("pause: {} waits for a person".into()),
                        at: clock.now() - start,
                        measurements,
                    };
                };
                clock.advance_to(clock.now() + duration(d));
                feed.catch_up(clock).await;
            }
            (None, None, Some(analysis)) => {
                assert_eq!(
                    analysis.templates.len(),
                    1,
                    "one template per analysis step"
                );
                assert_eq!(
                    analysis.templates[0].template_name, template.metadata.name,
                    "the step names the documented template"
                );
                let args = resolve_args(&template.spec.args, &analysis.args, rollout, cluster);
                assert_eq!(
                    template.spec.metrics.len(),
                    1,
                    "the harness plays one metric"
                );
                let metric = &template.spec.metrics[0];
                let phase = run_metric(
                    metric,
                    &args,
                    cluster,
                    clock,
                    feed,
                    start,
                    &mut measurements,
                )
                .await;
                match phase {
                    Phase::Successful => {}
                    Phase::Failed | Phase::Error => {
                        return Outcome {
                            end: End::Aborted(phase),
                            at: clock.now() - start,
                            measurements,
                        };
                    }
                    Phase::Inconclusive => {
                        return Outcome {
                            end: End::Paused("analysis Inconclusive".into()),
                            at: clock.now() - start,
                            measurements,
                        };
                    }
                }
            }
            _ => panic!("a canary step sets exactly one of setWeight, pause, analysis"),
        }
    }
    Outcome {
        end: End::Promoted,
        at: clock.now() - start,
        measurements,
    }
}

/// The AnalysisRun's args: the template's, with values from the step's args of the same name,
/// then `valueFrom` resolved (`analysis/analysis.go resolveArgs`, `rollout/analysis.go`).
fn resolve_args(
    template: &[Argument],
    step: &[Argument],
    rollout: &Rollout,
    cluster: &Cluster,
) -> BTreeMap<String, String> {
    for a in step {
        assert!(
            template.iter().any(|t| t.name == a.name),
            "the step passes arg {} the template does not declare",
            a.name
        );
    }
    template
        .iter()
        .map(|t| {
            let arg = step.iter().find(|a| a.name == t.name).unwrap_or(t);
            let value = if let Some(v) = &arg.value {
                v.clone()
            } else {
                let from = arg
                    .value_from
                    .as_ref()
                    .unwrap_or_else(|| panic!("arg {} has no value", t.name));
                if let Some(s) = &from.secret_key_ref {
                    cluster
                        .secrets
                        .get(&(s.name.clone(), s.key.clone()))
                        .unwrap_or_else(|| panic!("no Secret {}/{}", s.name, s.key))
                        .clone()
                } else if let Some(f) = &from.field_ref {
                    assert_eq!(f.field_path, "metadata.namespace", "fieldRef not modelled");
                    rollout
                        .metadata
                        .namespace
                        .clone()
                        .expect("the Rollout's namespace")
                } else if let Some(h) = &from.pod_template_hash_value {
                    match h.as_str() {
                        "Latest" => cluster.canary_hash.clone(),
                        "Stable" => cluster.stable_hash.clone(),
                        other => panic!("podTemplateHashValue {other} does not exist"),
                    }
                } else {
                    panic!("arg {}: valueFrom not modelled", t.name)
                }
            };
            (t.name.clone(), value)
        })
        .collect()
}

/// `{{args.name}}` and `{{ args.name }}` replaced.
fn substitute(text: &str, args: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        for pattern in [
            format!("{{{{args.{name}}}}}"),
            format!("{{{{ args.{name} }}}}"),
        ] {
            out = out.replace(&pattern, value);
        }
    }
    assert!(!out.contains("{{"), "an unresolved placeholder in {text}");
    out
}

async fn run_metric(
    metric: &Metric,
    args: &BTreeMap<String, String>,
    cluster: &Cluster,
    clock: &mut Clock,
    feed: &mut impl Feed,
    rollout_start: u64,
    measurements: &mut Vec<(u64, Phase)>,
) -> Phase {
    let run_start = clock.now();
    let interval = duration(metric.interval.as_deref().expect("interval"));
    let count = metric.count.expect("count: a step analysis must end");
    let failure_limit = metric.failure_limit.unwrap_or(0);
    let inconclusive_limit = metric.inconclusive_limit.unwrap_or(0);
    let error_limit = metric
        .consecutive_error_limit
        .unwrap_or(DEFAULT_CONSECUTIVE_ERROR_LIMIT);
    let (mut failed, mut inconclusive, mut consecutive_errors, mut counted) = (0, 0, 0, 0);
    let mut next = run_start + metric.initial_delay.as_deref().map_or(0, duration);
    loop {
        clock.advance_to(next);
        feed.catch_up(clock).await;
        let phase = measure(&metric.provider.web, metric, args, cluster).await;
        measurements.push((clock.now() - rollout_start, phase));
        match phase {
            Phase::Successful => {
                counted += 1;
                consecutive_errors = 0;
            }
            Phase::Failed => {
                failed += 1;
                counted += 1;
                consecutive_errors = 0;
            }
            Phase::Inconclusive => {
                inconclusive += 1;
                counted += 1;
                consecutive_errors = 0;
            }
            Phase::Error => consecutive_errors += 1,
        }
        // assessMetricStatus, in its order.
        if failure_limit >= 0 && failed > failure_limit {
            return Phase::Failed;
        }
        if inconclusive > inconclusive_limit {
            return Phase::Inconclusive;
        }
        if consecutive_errors > error_limit {
            return Phase::Error;
        }
        if counted >= count {
            return Phase::Successful;
        }
        next = clock.now()
            + if phase == Phase::Error {
                ERROR_RETRY_SECS
            } else {
                interval
            };
    }
}

/// One measurement of the web provider.
pub async fn measure(
    web: &WebMetric,
    metric: &Metric,
    args: &BTreeMap<String, String>,
    cluster: &Cluster,
) -> Phase {
    let method = web.method.as_deref().unwrap_or("GET");
    assert!(
        ["GET", "POST", "PUT"].contains(&method),
        "the web provider allows GET, POST and PUT, not {method}"
    );
    let url = at_server(&substitute(&web.url, args), &cluster.base);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(
            web.timeout_seconds
                .filter(|t| *t > 0)
                .unwrap_or(DEFAULT_TIMEOUT_SECS),
        ))
        .build()
        .unwrap();
    let mut req = client.request(method.parse().unwrap(), &url);
    for h in &web.headers {
        let value = substitute(&h.value, args);
        // Go's net/http refuses a header value with a control character (a Secret ending in a
        // new line): the request is never sent and the measurement is an Error.
        let Ok(value) = HeaderValue::from_str(&value) else {
            return Phase::Error;
        };
        req = req.header(HeaderName::from_bytes(h.key.as_bytes()).unwrap(), value);
    }
    if let Some(body) = &web.json_body {
        if method == "GET" {
            return Phase::Error;
        }
        let body = substitute(&serde_json::to_string(body).unwrap(), args);
        req = req.header("content-type", "application/json").body(body);
    }
    let Ok(resp) = req.send().await else {
        return Phase::Error;
    };
    if !resp.status().is_success() {
        return Phase::Error;
    }
    let Ok(body) = resp.json::<Value>().await else {
        return Phase::Error;
    };
    let Some(result) = k8s_jsonpath(web.json_path.as_deref().unwrap_or("{$}"), &body) else {
        return Phase::Error;
    };
    evaluate(metric, result)
}

/// `{$.a.b}` in Kubernetes JSONPath (client-go/util/jsonpath): the first match, or none.
fn k8s_jsonpath<'a>(expr: &str, body: &'a Value) -> Option<&'a Value> {
    let path = expr
        .strip_prefix('{')?
        .strip_suffix('}')?
        .strip_prefix('$')?;
    path.split('.')
        .filter(|s| !s.is_empty())
        .try_fold(body, |v, field| v.get(field))
}

/// `result == "literal"`, the only condition shape the docs use.
fn condition(expr: &str, result: &Value) -> bool {
    let literal = expr
        .strip_prefix("result == \"")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or_else(|| panic!("condition {expr:?} not modelled"));
    result.as_str() == Some(literal)
}

/// `EvaluateResult` (utils/evaluate/evaluate.go).
fn evaluate(metric: &Metric, result: &Value) -> Phase {
    let success = metric.success_condition.as_deref();
    let failure = metric.failure_condition.as_deref();
    match (success, failure) {
        (None, None) => Phase::Successful,
        (Some(s), None) => {
            if condition(s, result) {
                Phase::Successful
            } else {
                Phase::Failed
            }
        }
        (None, Some(f)) => {
            if condition(f, result) {
                Phase::Failed
            } else {
                Phase::Successful
            }
        }
        (Some(s), Some(f)) => {
            if condition(f, result) {
                Phase::Failed
            } else if condition(s, result) {
                Phase::Successful
            } else {
                Phase::Inconclusive
            }
        }
    }
}

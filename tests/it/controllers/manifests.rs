//! The YAML blocks of `docs/integrations/*.md`, read as the controllers read them: the harness
//! plays exactly the configurations the docs recommend. The types name every field the docs use
//! and refuse any other (`deny_unknown_fields`), so a block that changes shape (a new field, a
//! renamed one) fails the tests until the harness models it. Some fields are read only for that
//! check (the pod template, a webhook's name), hence `dead_code` allowed on them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::Value as Yaml;

use crate::support::root;

/// The fenced ```yaml blocks of a document under `docs/integrations/`, dedented (a block may sit
/// inside a list item).
pub fn yaml_blocks(doc: &str) -> Vec<String> {
    let path = root().join("docs/integrations").join(doc);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed == "```yaml" => current = Some((indent, String::new())),
            Some(_) if trimmed == "```" => blocks.push(current.take().unwrap().1),
            Some((indent, block)) => {
                block.push_str(line.get(*indent..).unwrap_or("").trim_end());
                block.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "{doc}: a yaml block is not closed");
    blocks
}

/// The document's blocks by `kind` (`None` for a fragment without one).
pub fn by_kind(doc: &str) -> BTreeMap<Option<String>, Vec<String>> {
    let mut out: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for block in yaml_blocks(doc) {
        let value: Yaml = serde_yaml_ng::from_str(&block)
            .unwrap_or_else(|e| panic!("{doc}: a yaml block does not parse: {e}\n{block}"));
        let kind = value.get("kind").and_then(Yaml::as_str).map(String::from);
        out.entry(kind).or_default().push(block);
    }
    out
}

/// The one block of `kind` in `doc`, parsed as `T`.
pub fn one<T: for<'de> Deserialize<'de>>(doc: &str, kind: &str) -> T {
    let blocks = by_kind(doc);
    let found = blocks
        .get(&Some(kind.to_string()))
        .unwrap_or_else(|| panic!("{doc} has no {kind} block"));
    assert_eq!(found.len(), 1, "{doc}: one {kind} block expected");
    serde_yaml_ng::from_str(&found[0])
        .unwrap_or_else(|e| panic!("{doc}: the {kind} block changed shape: {e}\n{}", found[0]))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectMeta {
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
}

// ---- Argo Rollouts (pkg/apis/rollouts/v1alpha1/analysis_types.go, types.go) ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalysisTemplate {
    pub api_version: String,
    #[allow(dead_code)]
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: AnalysisTemplateSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisTemplateSpec {
    pub args: Vec<Argument>,
    pub metrics: Vec<Metric>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Argument {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub value_from: Option<ValueFrom>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValueFrom {
    #[serde(default)]
    pub secret_key_ref: Option<SecretKeyRef>,
    #[serde(default)]
    pub field_ref: Option<FieldRef>,
    #[serde(default)]
    pub pod_template_hash_value: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretKeyRef {
    pub name: String,
    pub key: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldRef {
    pub field_path: String,
}

/// `Metric`: the fields the harness plays. `count` and the limits are IntOrString in Argo; the
/// docs write integers.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metric {
    #[allow(dead_code)]
    pub name: String,
    #[serde(default)]
    pub initial_delay: Option<String>,
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub failure_limit: Option<i32>,
    #[serde(default)]
    pub inconclusive_limit: Option<i32>,
    #[serde(default)]
    pub consecutive_error_limit: Option<i32>,
    #[serde(default)]
    pub success_condition: Option<String>,
    #[serde(default)]
    pub failure_condition: Option<String>,
    pub provider: Provider,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub web: WebMetric,
}

/// `WebMetric` (metricproviders/webmetric/webmetric.go).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebMetric {
    #[serde(default)]
    pub method: Option<String>,
    pub url: String,
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
    #[serde(default)]
    pub headers: Vec<WebHeader>,
    #[serde(default)]
    pub json_body: Option<Yaml>,
    #[serde(default)]
    pub json_path: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebHeader {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    pub api_version: String,
    #[allow(dead_code)]
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: RolloutSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutSpec {
    #[allow(dead_code)]
    pub replicas: u32,
    #[allow(dead_code)]
    pub selector: Yaml,
    #[allow(dead_code)]
    pub template: Yaml,
    pub strategy: Strategy,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    pub canary: CanaryStrategy,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanaryStrategy {
    pub steps: Vec<Step>,
}

/// One canary step: exactly one of its fields is set.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub set_weight: Option<u32>,
    #[serde(default)]
    pub pause: Option<Pause>,
    #[serde(default)]
    pub analysis: Option<StepAnalysis>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    #[serde(default)]
    pub duration: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAnalysis {
    pub templates: Vec<TemplateRef>,
    #[serde(default)]
    pub args: Vec<Argument>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRef {
    pub template_name: String,
}

/// The docs' read-only variant: a `web` provider fragment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebFragment {
    pub web: WebMetric,
}

// ---- Flagger (pkg/apis/flagger/v1beta1/canary.go) ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Canary {
    pub api_version: String,
    #[allow(dead_code)]
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: CanarySpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CanarySpec {
    #[allow(dead_code)]
    pub target_ref: Yaml,
    #[allow(dead_code)]
    pub service: Yaml,
    pub analysis: CanaryAnalysis,
}

/// `CanaryAnalysis`: the canary (progressive traffic) strategy's fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CanaryAnalysis {
    pub interval: String,
    pub threshold: u32,
    pub max_weight: u32,
    pub step_weight: u32,
    pub webhooks: Vec<CanaryWebhook>,
}

/// `CanaryWebhook`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanaryWebhook {
    #[allow(dead_code)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    pub url: String,
    #[serde(default)]
    pub timeout: Option<String>,
    #[serde(default)]
    pub retries: Option<u32>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

// ---- Prometheus Operator (monitoring.coreos.com/v1) ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodMonitor {
    pub api_version: String,
    #[allow(dead_code)]
    pub kind: String,
    #[allow(dead_code)]
    pub metadata: ObjectMeta,
    pub spec: PodMonitorSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodMonitorSpec {
    #[allow(dead_code)]
    pub selector: Yaml,
    pub pod_target_labels: Vec<String>,
    #[allow(dead_code)]
    pub pod_metrics_endpoints: Yaml,
}

/// Where the docs send the controllers: the in-cluster Service, replaced by the test server.
pub const DOCS_BASE: &str = "http://rollguard.rollguard.svc:8080";

/// `url` from the docs, pointed at `base`.
pub fn at_server(url: &str, base: &str) -> String {
    let path = url
        .strip_prefix(DOCS_BASE)
        .unwrap_or_else(|| panic!("{url} is not under {DOCS_BASE}"));
    format!("{base}{path}")
}

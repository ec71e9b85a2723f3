//! Spinnaker Kayenta's remote judge: a `RemoteJudgeRequest` (Kayenta's canary config, the score
//! thresholds and its `MetricSetPair`s) in, a `CanaryJudgeResult` out, judged by a rollguard
//! policy. Shapes from `spinnaker/kayenta`: `kayenta-judge/.../judge/model/RemoteJudgeRequest.java`,
//! `kayenta-core/.../metrics/MetricSetPair.java`, `kayenta-core/.../canary/results/*.java`.
//!
//! - Each metric set pair maps onto one rule through the policy's [`KayentaMapping`]: by the
//!   pair's name, else by the groups its canary-config metric belongs to. `control` becomes the
//!   `baseline` cohort and `experiment` the canary; point `i` of a cohort is at
//!   `startTimeMillis + i × stepMillis` of that cohort's scope. `"NaN"` (Jackson's rendering of
//!   the NaN Kayenta pads gaps with) and `null` are missing points.
//! - The policy judges the whole request at once, as it judges any deployment. The verdict is
//!   then written as `score.score` against the request's thresholds: `pass` is 100, `rollback`
//!   is 0, `inconclusive` the midpoint of `marginal` and `pass`, strictly between them.
//! - Kayenta reads its own result leniently (its object mapper ignores unknown properties), so
//!   the answer also carries `rollguard`: the verdict and the policy that made it.
//!
//! Wire types ignore unknown fields and take every field as optional: the request belongs to
//! Kayenta, which omits nulls and may grow.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decision::Decision;
use super::document::{InputError, Observations, PolicySpec, Series};
use super::metric;
use super::policy::Policy;
use super::rules::{RuleName, RuleStatus};
use super::verdict::{self, RuleReport, Verdict};

/// The name Kayenta's canary config selects the remote judge by.
pub const REMOTE_JUDGE_NAME: &str = "RemoteJudge-v1.0";

/// The `judgeName` rollguard answers with.
pub const JUDGE_NAME: &str = "rollguard";

/// The thresholds when neither the request nor the canary config gives them: the values of
/// every example in Kayenta's `json-formats.md`.
pub const DEFAULT_PASS: f64 = 95.0;
pub const DEFAULT_MARGINAL: f64 = 75.0;

/// A policy's `kayenta` section: which of Kayenta's metrics each rule judges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KayentaMapping {
    pub error_rate: MetricMapping,
    pub latency: MetricMapping,
    pub conversion: MetricMapping,
}

/// Which metric set pairs one rule judges, and how their values convert to the rule's unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricMapping {
    /// Kayenta metric names (the canary config's `metrics[].name`, which names each pair)
    /// judged by this rule. A name match wins over a group match.
    pub metrics: Vec<String>,
    /// Canary-config groups (`metrics[].groups`): a metric in one of them is judged by this
    /// rule, unless its name maps it elsewhere.
    pub groups: Vec<String>,
    /// Every value is multiplied by this before it is checked and judged: 100 turns an error
    /// ratio (0–1) into the percent `error_rate` is read in, 1000 seconds into milliseconds.
    #[schema(exclusive_minimum = 0, example = 100)]
    pub scale: f64,
}

impl MetricMapping {
    fn new(metric: &str, group: &str) -> Self {
        MetricMapping {
            metrics: vec![metric.to_string()],
            groups: vec![group.to_string()],
            scale: 1.0,
        }
    }
}

impl Default for KayentaMapping {
    /// A Kayenta metric named after a rollguard metric (`error_rate`, `latency_p99`,
    /// `conversion_rate`), or in a group named after a rule (`error_rate`, `latency`,
    /// `conversion`), is judged by that rule, in the rule's unit.
    fn default() -> Self {
        KayentaMapping {
            error_rate: MetricMapping::new(metric::ERROR_RATE, "error_rate"),
            latency: MetricMapping::new(metric::LATENCY_P99, "latency"),
            conversion: MetricMapping::new(metric::CONVERSION_RATE, "conversion"),
        }
    }
}

impl KayentaMapping {
    pub fn rule(&self, rule: RuleName) -> &MetricMapping {
        match rule {
            RuleName::ErrorRate => &self.error_rate,
            RuleName::Latency => &self.latency,
            RuleName::Conversion => &self.conversion,
        }
    }

    /// Checks the scales.
    pub fn validate(&self) -> Result<(), String> {
        for rule in RuleName::ALL {
            let s = self.rule(rule).scale;
            if !(s.is_finite() && s > 0.0) {
                return Err(format!(
                    "kayenta.{}.scale must be a finite number > 0",
                    rule.as_str()
                ));
            }
        }
        Ok(())
    }

    /// The rule judging a metric named `name` in `groups`: by name first, then by group.
    /// `Err` names the rules that claim it when more than one does at the same level.
    fn find(&self, name: &str, groups: &[String]) -> Result<Option<RuleName>, Vec<RuleName>> {
        let by_name: Vec<RuleName> = RuleName::ALL
            .into_iter()
            .filter(|r| self.rule(*r).metrics.iter().any(|m| m == name))
            .collect();
        let candidates = if by_name.is_empty() {
            RuleName::ALL
                .into_iter()
                .filter(|r| self.rule(*r).groups.iter().any(|g| groups.contains(g)))
                .collect()
        } else {
            by_name
        };
        match candidates.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(candidates),
        }
    }
}

/// Reads a field that may be `null` as its default (Kayenta omits nulls, other senders may not).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A `T` read from a JSON object only (`null` is `None` when `NULL`). serde's derive would also
/// read a struct from an array of its fields in order (`[null, null]`), which the API document
/// does not allow (see `api::extract::parse_json` for the top level).
struct Object<T, const NULL: bool>(Option<T>);

impl<'de, T: Deserialize<'de>, const NULL: bool> Deserialize<'de> for Object<T, NULL> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T, const NULL: bool>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const NULL: bool> Visitor<'de> for ObjectVisitor<T, NULL> {
            type Value = Object<T, NULL>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(if NULL {
                    "a JSON object or null"
                } else {
                    "a JSON object"
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Object(Some(t)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                if NULL {
                    Ok(Object(None))
                } else {
                    Err(E::invalid_type(de::Unexpected::Unit, &self))
                }
            }
        }
        d.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// An object field; `null` or absent is the default.
fn object<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Object::<T, true>::deserialize(d)?.0.unwrap_or_default())
}

/// An optional object field.
fn optional_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(Object::<T, true>::deserialize(d)?.0)
}

/// A list of objects (each an object, never `null`); `null` or absent is empty.
fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let items: Option<Vec<Object<T, false>>> = Option::deserialize(d)?;
    Ok(items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.0)
        .collect())
}

/// Kayenta's `RemoteJudgeRequest`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoteJudgeRequest {
    /// The canary config the analysis runs under. rollguard reads the policy in
    /// `judge.judgeConfigurations.policy`, and each metric's `name`, `groups` and
    /// `analysisConfigurations.canary.muted`.
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub canary_config: CanaryConfig,
    /// Kayenta's `CanaryClassifierThresholdsConfig`. Absent: the canary config's
    /// `classifier.scoreThresholds`, else pass 95 and marginal 75.
    #[serde(default, deserialize_with = "optional_object")]
    pub score_thresholds: Option<ScoreThresholds>,
    /// The metrics, one pair (control and experiment series) each.
    #[serde(default, deserialize_with = "objects")]
    #[schema(nullable)]
    pub metric_set_pair_list: Vec<MetricSetPair>,
}

/// The parts of Kayenta's `CanaryConfig` rollguard reads; the rest is ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub judge: JudgeConfig,
    #[serde(default, deserialize_with = "objects")]
    #[schema(nullable)]
    pub metrics: Vec<CanaryMetricConfig>,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub classifier: ClassifierConfig,
}

/// `CanaryJudgeConfig`: the judge's name and its free-form configuration.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JudgeConfig {
    #[serde(default)]
    #[schema(example = "RemoteJudge-v1.0")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub judge_configurations: JudgeConfigurations,
}

/// What rollguard reads of `judgeConfigurations`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct JudgeConfigurations {
    /// The policy that judges: a built-in or stored policy's name, or an inline (partial)
    /// policy object. Default `compare`.
    #[serde(default)]
    pub policy: Option<PolicySpec>,
}

/// What rollguard reads of one `CanaryMetricConfig`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryMetricConfig {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    pub groups: Vec<String>,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub analysis_configurations: AnalysisConfigurations,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct AnalysisConfigurations {
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub canary: CanaryAnalysis,
}

/// `analysisConfigurations.canary`: rollguard reads `muted` (a muted metric is not judged).
/// `direction`, `critical`, `effectSize` and `outliers` belong to Kayenta's own judge: each
/// rollguard rule has its direction (error rate and latency up, conversion down) and fails the
/// canary on its own.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CanaryAnalysis {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    pub muted: bool,
}

/// `CanaryClassifierConfig`: rollguard reads only its `scoreThresholds`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassifierConfig {
    #[serde(default, deserialize_with = "optional_object")]
    pub score_thresholds: Option<ScoreThresholds>,
}

/// `CanaryClassifierThresholdsConfig`: scores on a 0–100 scale.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct ScoreThresholds {
    /// A score at or above it passes.
    #[serde(default)]
    #[schema(example = 95.0)]
    pub pass: Option<f64>,
    /// A score at or below it fails (Kayenta's standalone analysis stops there).
    #[serde(default)]
    #[schema(example = 75.0)]
    pub marginal: Option<f64>,
}

/// Kayenta's `MetricSetPair`: one metric's control and experiment series.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricSetPair {
    /// The canary config metric's name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    pub tags: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub values: PairValues,
    #[serde(default, deserialize_with = "object")]
    #[schema(nullable)]
    pub scopes: PairScopes,
    /// The archival form in Kayenta's `json-formats.md` gives one scope for both series at the
    /// pair's top level; `scopes` wins.
    #[serde(default)]
    pub start_time_millis: Option<i64>,
    #[serde(default)]
    pub step_millis: Option<i64>,
}

/// The two series, oldest first; a missing point is `"NaN"` or `null`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PairValues {
    /// The baseline cohort.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    #[schema(value_type = Vec<f64>)]
    pub control: KayentaValues,
    /// The canary.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable)]
    #[schema(value_type = Vec<f64>)]
    pub experiment: KayentaValues,
}

/// Where each series sits in time.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PairScopes {
    #[serde(default, deserialize_with = "optional_object")]
    pub control: Option<MetricSetScope>,
    #[serde(default, deserialize_with = "optional_object")]
    pub experiment: Option<MetricSetScope>,
}

/// `MetricSetPair.MetricSetScope`: point `i` is at `startTimeMillis + i × stepMillis`.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricSetScope {
    #[serde(default)]
    #[schema(example = 1796119200000_i64)]
    pub start_time_millis: Option<i64>,
    #[serde(default)]
    #[schema(example = 60000)]
    pub step_millis: Option<i64>,
}

/// A series as Kayenta sends it: numbers, with `"NaN"` (or `null`) where a point is missing.
/// `"Infinity"` and `"-Infinity"` are read as the infinities and then refused like any value
/// out of range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KayentaValues(pub Vec<Option<f64>>);

impl<'de> Deserialize<'de> for KayentaValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values;
        // One point; `None` is a missing point.
        struct Point(Option<f64>);
        impl<'de> Deserialize<'de> for Point {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct PointVisitor;
                impl Visitor<'_> for PointVisitor {
                    type Value = Point;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a number, \"NaN\" or null")
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Point, E> {
                        Ok(Point(Some(v)))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Point, E> {
                        Ok(Point(Some(v as f64)))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Point, E> {
                        Ok(Point(Some(v as f64)))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Point, E> {
                        Ok(Point(None))
                    }
                    fn visit_none<E: de::Error>(self) -> Result<Point, E> {
                        Ok(Point(None))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Point, E> {
                        match v {
                            "NaN" => Ok(Point(None)),
                            "Infinity" => Ok(Point(Some(f64::INFINITY))),
                            "-Infinity" => Ok(Point(Some(f64::NEG_INFINITY))),
                            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                        }
                    }
                }
                d.deserialize_any(PointVisitor)
            }
        }
        impl<'de> Visitor<'de> for Values {
            type Value = KayentaValues;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of numbers, \"NaN\" or null")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KayentaValues, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(Point(p)) = seq.next_element()? {
                    out.push(p);
                }
                Ok(KayentaValues(out))
            }
        }
        d.deserialize_seq(Values)
    }
}

/// Kayenta's `CanaryJudgeResult`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryJudgeResult {
    #[schema(example = "rollguard")]
    pub judge_name: String,
    /// One per metric set pair, in the request's order.
    pub results: Vec<CanaryAnalysisResult>,
    /// One per canary-config group that a pair's metric belongs to, by name.
    pub group_scores: Vec<CanaryJudgeGroupScore>,
    pub score: CanaryJudgeScore,
    /// rollguard's own answer (Kayenta ignores it): the verdict and the policy's name.
    pub rollguard: JudgeVerdict,
}

/// The verdict behind the score.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct JudgeVerdict {
    pub verdict: Decision,
    pub policy: String,
}

/// `CanaryJudgeScore`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryJudgeScore {
    /// 100 for `pass`, 0 for `rollback`, (marginal + pass) / 2 for `inconclusive`.
    #[schema(minimum = 0, maximum = 100, example = 100.0)]
    pub score: f64,
    pub classification: ScoreClassification,
    /// The verdict, the policy, and the reasons: the triggered rules' messages, else every
    /// judged metric's.
    pub classification_reason: String,
}

/// Kayenta's summary labels (`ThresholdScoreClassifier`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub enum ScoreClassification {
    Pass,
    Marginal,
    Fail,
}

/// `CanaryJudgeGroupScore`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryJudgeGroupScore {
    pub name: String,
    /// The group's metrics combined as the verdict combines rules, scored like the verdict.
    pub score: f64,
    pub classification: ScoreClassification,
    pub classification_reason: String,
}

/// `CanaryAnalysisResult`: one metric set pair's result.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CanaryAnalysisResult {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub classification: MetricClassification,
    /// The rule's message, or why the metric was not judged.
    pub classification_reason: String,
    pub groups: Vec<String>,
    pub experiment_metadata: SeriesMetadata,
    pub control_metadata: SeriesMetadata,
    pub result_metadata: ResultMetadata,
    /// The rule judging this metric triggered: the canary fails on it alone.
    pub critical: bool,
    /// Muted in the canary config: not judged.
    pub muted: bool,
}

/// Per-metric labels, as Kayenta's own judge writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub enum MetricClassification {
    /// The rule passed.
    Pass,
    /// The rule triggered on a rise (error rate, latency).
    High,
    /// The rule triggered on a drop (conversion).
    Low,
    /// Not judged: too few points, none at all, or no rule for the metric.
    Nodata,
}

/// `{"stats": …}`, as Kayenta's standalone analysis reads it (`stats.count`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, ToSchema)]
pub struct SeriesMetadata {
    pub stats: Stats,
}

/// Descriptive statistics of a series as received (missing points left out, before `scale`),
/// as Kayenta's `MetricStatistics` computes them: all 0 for an empty series.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, ToSchema)]
pub struct Stats {
    pub count: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 below two points.
    pub std: f64,
}

impl Stats {
    fn of(values: &[f64]) -> Self {
        let Some((mean, population_std)) = super::stats::mean_and_population_std(values) else {
            return Stats {
                count: 0,
                min: 0.0,
                max: 0.0,
                mean: 0.0,
                std: 0.0,
            };
        };
        let n = values.len();
        let std = if n < 2 {
            0.0
        } else {
            population_std * (n as f64 / (n - 1) as f64).sqrt()
        };
        Stats {
            count: n,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            mean,
            std,
        }
    }
}

/// What rollguard adds about one metric: the rule that judged it and its report.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ResultMetadata {
    /// The rollguard metric the pair was judged as (`error_rate`, `latency_p99`,
    /// `conversion_rate`); absent when no rule judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<&'static str>,
    /// The rule's full report (status, method, numbers, message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleReport>,
}

/// The request's thresholds: explicit, else the canary config's, else 95 / 75. They must
/// leave room for `inconclusive`: 0 ≤ marginal < pass ≤ 100.
pub fn thresholds(request: &RemoteJudgeRequest) -> Result<(f64, f64), InputError> {
    let from_config = request.canary_config.classifier.score_thresholds;
    let pick = |get: fn(&ScoreThresholds) -> Option<f64>, default: f64| {
        request
            .score_thresholds
            .as_ref()
            .and_then(get)
            .or_else(|| from_config.as_ref().and_then(get))
            .unwrap_or(default)
    };
    let pass = pick(|t| t.pass, DEFAULT_PASS);
    let marginal = pick(|t| t.marginal, DEFAULT_MARGINAL);
    let bad = |message: String| InputError {
        field: "scoreThresholds".into(),
        message,
    };
    if !(0.0..=100.0).contains(&pass) || !(0.0..=100.0).contains(&marginal) {
        return Err(bad(format!(
            "pass ({pass}) and marginal ({marginal}) must be scores from 0 to 100"
        )));
    }
    let middle = marginal + (pass - marginal) / 2.0;
    if !(marginal < middle && middle < pass) {
        return Err(bad(format!(
            "pass ({pass}) must be above marginal ({marginal}): rollguard scores an \
             inconclusive verdict strictly between them"
        )));
    }
    Ok((pass, marginal))
}

/// The score of a decision: 100, 0, or strictly between `marginal` and `pass`.
pub fn score(decision: Decision, pass: f64, marginal: f64) -> f64 {
    match decision {
        Decision::Pass => 100.0,
        Decision::Rollback => 0.0,
        Decision::Inconclusive => marginal + (pass - marginal) / 2.0,
    }
}

/// Kayenta's label for a score (`ThresholdScoreClassifier`), except that 0 (a rollback) is
/// always `Fail`, even under a marginal threshold of 0.
fn classify(decision: Decision) -> ScoreClassification {
    match decision {
        Decision::Pass => ScoreClassification::Pass,
        Decision::Inconclusive => ScoreClassification::Marginal,
        Decision::Rollback => ScoreClassification::Fail,
    }
}

/// Times of `n` points from a scope; `None` with an error message when they fall outside
/// what a time can hold.
fn times(field: &str, scope: MetricSetScope, n: usize) -> Result<Vec<DateTime<Utc>>, InputError> {
    let bad = |message: String| InputError {
        field: field.to_string(),
        message,
    };
    let start = scope.start_time_millis.unwrap_or(0);
    let step = scope.step_millis.unwrap_or(60_000);
    if step <= 0 && n > 1 {
        return Err(bad(format!("stepMillis {step} must be positive")));
    }
    (0..n)
        .map(|i| {
            (i as i64)
                .checked_mul(step)
                .and_then(|offset| start.checked_add(offset))
                .and_then(DateTime::from_timestamp_millis)
                .ok_or_else(|| {
                    bad(format!(
                        "point {i} at startTimeMillis {start} + {i} × stepMillis {step} is not a \
                         representable time"
                    ))
                })
        })
        .collect()
}

/// What became of one pair.
enum Judged {
    /// Judged by `rule`.
    Rule(RuleName),
    Unmapped,
    Muted,
    Disabled(RuleName),
}

/// Judges a request with `policy` (named `policy_name`): the pure part of
/// `POST /v1/kayenta/judge`. Errors name the offending field, e.g.
/// `metricSetPairList[2].values.experiment[5]`.
pub fn judge(
    request: &RemoteJudgeRequest,
    policy_name: &str,
    policy: &Policy,
) -> Result<(CanaryJudgeResult, Verdict), InputError> {
    let (pass, marginal) = thresholds(request)?;
    let config: BTreeMap<&str, &CanaryMetricConfig> = request
        .canary_config
        .metrics
        .iter()
        .map(|m| (m.name.as_str(), m))
        .collect();
    let enabled: BTreeSet<RuleName> = RuleName::enabled(&policy.rules).collect();

    let mut obs = Observations::default();
    let mut claimed: BTreeMap<RuleName, usize> = BTreeMap::new();
    let mut judged = Vec::with_capacity(request.metric_set_pair_list.len());
    let mut stats = Vec::with_capacity(request.metric_set_pair_list.len());
    for (i, pair) in request.metric_set_pair_list.iter().enumerate() {
        let at = format!("metricSetPairList[{i}]");
        let metric_config = config.get(pair.name.as_str());
        let groups = metric_config.map_or(&[][..], |m| &m.groups[..]);
        let muted = metric_config.is_some_and(|m| m.analysis_configurations.canary.muted);
        let rule = policy.kayenta.find(&pair.name, groups).map_err(|rules| {
            let names: Vec<&str> = rules.iter().map(|r| r.as_str()).collect();
            InputError {
                field: format!("{at}.name"),
                message: format!(
                    "metric '{}' maps onto more than one rule ({}): list it under one rule \
                     only in the policy's kayenta section",
                    pair.name,
                    names.join(", ")
                ),
            }
        })?;
        let received =
            |values: &KayentaValues| -> Vec<f64> { values.0.iter().flatten().copied().collect() };
        stats.push((
            Stats::of(&received(&pair.values.experiment)),
            Stats::of(&received(&pair.values.control)),
        ));
        let outcome = match rule {
            None => Judged::Unmapped,
            Some(_) if muted => Judged::Muted,
            Some(rule) if !enabled.contains(&rule) => Judged::Disabled(rule),
            Some(rule) => {
                if let Some(first) = claimed.insert(rule, i) {
                    return Err(InputError {
                        field: format!("{at}.name"),
                        message: format!(
                            "metrics '{}' (metricSetPairList[{first}]) and '{}' both map onto \
                             the {} rule, which judges one series per cohort: aggregate the \
                             query to one series, or map one of them elsewhere",
                            request.metric_set_pair_list[first].name,
                            pair.name,
                            rule.as_str()
                        ),
                    });
                }
                let name = metric::KNOWN_METRICS[rule as usize];
                let scale = policy.kayenta.rule(rule).scale;
                let (experiment, control) = cohorts(&at, pair, name, scale)?;
                obs.canary.insert(name.to_string(), experiment);
                obs.baseline_cohort.insert(name.to_string(), control);
                Judged::Rule(rule)
            }
        };
        judged.push(outcome);
    }

    let evaluation = verdict::evaluate(policy, &obs.inputs());
    let verdict = Verdict::new(policy_name, policy, &evaluation);
    let report = |rule: RuleName| verdict.rules.iter().find(|r| r.outcome.rule == rule);

    let mut results = Vec::with_capacity(judged.len());
    // Per group, the statuses of its metrics (unjudged ones count as not applicable).
    let mut groups: BTreeMap<&str, Vec<RuleStatus>> = BTreeMap::new();
    for ((pair, outcome), (experiment, control)) in
        request.metric_set_pair_list.iter().zip(&judged).zip(stats)
    {
        let metric_config = config.get(pair.name.as_str());
        let (classification, reason, metadata, status) = match outcome {
            Judged::Rule(rule) => {
                let r = report(*rule).expect("an enabled rule is reported");
                let classification = match r.outcome.status {
                    RuleStatus::Passed => MetricClassification::Pass,
                    RuleStatus::Triggered if *rule == RuleName::Conversion => {
                        MetricClassification::Low
                    }
                    RuleStatus::Triggered => MetricClassification::High,
                    RuleStatus::InsufficientData | RuleStatus::NotApplicable => {
                        MetricClassification::Nodata
                    }
                };
                let metadata = ResultMetadata {
                    metric: Some(metric::KNOWN_METRICS[*rule as usize]),
                    rule: Some(r.clone()),
                };
                (
                    classification,
                    r.message.clone(),
                    metadata,
                    r.outcome.status,
                )
            }
            other => {
                let reason = match other {
                    Judged::Muted => "muted in the canary config: not judged".to_string(),
                    Judged::Disabled(rule) => format!(
                        "the {} rule is disabled in policy '{policy_name}': not judged",
                        rule.as_str()
                    ),
                    _ => format!(
                        "no rule judges metric '{}': name it (or one of its groups) in the \
                         policy's kayenta section; not judged",
                        pair.name
                    ),
                };
                let metadata = ResultMetadata {
                    metric: None,
                    rule: None,
                };
                (
                    MetricClassification::Nodata,
                    reason,
                    metadata,
                    RuleStatus::NotApplicable,
                )
            }
        };
        let pair_groups = metric_config.map_or_else(Vec::new, |m| m.groups.clone());
        for g in metric_config.into_iter().flat_map(|m| &m.groups) {
            groups.entry(g.as_str()).or_default().push(status);
        }
        results.push(CanaryAnalysisResult {
            name: pair.name.clone(),
            id: pair.id.clone(),
            tags: pair.tags.clone(),
            classification,
            classification_reason: reason,
            groups: pair_groups,
            experiment_metadata: SeriesMetadata { stats: experiment },
            control_metadata: SeriesMetadata { stats: control },
            result_metadata: metadata,
            critical: status == RuleStatus::Triggered,
            muted: matches!(outcome, Judged::Muted),
        });
    }

    let group_scores = groups
        .into_iter()
        .map(|(name, statuses)| {
            let decision = verdict::combine(statuses);
            CanaryJudgeGroupScore {
                name: name.to_string(),
                score: score(decision, pass, marginal),
                classification: classify(decision),
                classification_reason: decision.as_str().to_string(),
            }
        })
        .collect();
    let decision = verdict.verdict;
    let result = CanaryJudgeResult {
        judge_name: JUDGE_NAME.to_string(),
        results,
        group_scores,
        score: CanaryJudgeScore {
            score: score(decision, pass, marginal),
            classification: classify(decision),
            classification_reason: summary(&verdict),
        },
        rollguard: JudgeVerdict {
            verdict: decision,
            policy: policy_name.to_string(),
        },
    };
    Ok((result, verdict))
}

/// "rollback (policy compare): <triggered rules' messages>", or every rule's when none
/// triggered.
fn summary(v: &Verdict) -> String {
    let triggered: Vec<String> = v
        .rules
        .iter()
        .filter(|r| r.outcome.status == RuleStatus::Triggered)
        .map(|r| format!("{}: {}", r.outcome.rule.as_str(), r.message))
        .collect();
    let reasons = if triggered.is_empty() {
        v.rules
            .iter()
            .map(|r| format!("{}: {}", r.outcome.rule.as_str(), r.message))
            .collect()
    } else {
        triggered
    };
    format!(
        "{} (policy {}): {}",
        v.verdict.as_str(),
        v.policy,
        reasons.join("; ")
    )
}

/// The pair's experiment (canary) and control (baseline) series for rollguard metric `name`:
/// missing points dropped, the rest scaled and checked, each at its time.
fn cohorts(
    at: &str,
    pair: &MetricSetPair,
    name: &str,
    scale: f64,
) -> Result<(Series, Series), InputError> {
    let top = MetricSetScope {
        start_time_millis: pair.start_time_millis,
        step_millis: pair.step_millis,
    };
    let experiment_scope = pair.scopes.experiment.unwrap_or(top);
    let mut control_scope = pair.scopes.control.unwrap_or(top);
    // A control window offset in time (Spinnaker's baseline analysis offset) still pairs point
    // i with point i: on a common step, the control series is read on the experiment's clock.
    if control_scope.step_millis == experiment_scope.step_millis {
        control_scope.start_time_millis = experiment_scope.start_time_millis;
    }
    let series = |cohort: &str, values: &KayentaValues, scope: MetricSetScope| {
        let path = format!("{at}.values.{cohort}");
        let all_times = times(&format!("{at}.scopes.{cohort}"), scope, values.0.len())?;
        let mut out = Series {
            values: Vec::with_capacity(values.0.len()),
            times: Some(Vec::with_capacity(values.0.len())),
            counts: None,
        };
        for (i, (v, t)) in values.0.iter().zip(all_times).enumerate() {
            let Some(v) = v else { continue };
            let scaled = v * scale;
            metric::check_value(name, scaled).map_err(|e| InputError {
                field: format!("{path}[{i}]"),
                message: if scale == 1.0 {
                    format!("{e} (judged as {name})")
                } else {
                    format!("{e} (value {v} × scale {scale}, judged as {name})")
                },
            })?;
            out.values.push(scaled);
            out.times.as_mut().expect("timed").push(t);
        }
        Ok::<Series, InputError>(out)
    };
    Ok((
        series("experiment", &pair.values.experiment, experiment_scope)?,
        series("control", &pair.values.control, control_scope)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(v: serde_json::Value) -> RemoteJudgeRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn nan_strings_and_nulls_are_missing_points() {
        let r = request(json!({"metricSetPairList": [{"name": "error_rate",
            "values": {"control": [1.0, "NaN", null, 2], "experiment": []}}]}));
        assert_eq!(
            r.metric_set_pair_list[0].values.control.0,
            vec![Some(1.0), None, None, Some(2.0)]
        );
        let err = serde_json::from_value::<RemoteJudgeRequest>(
            json!({"metricSetPairList": [{"values": {"control": ["nan"]}}]}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"NaN\" or null"), "{err}");
    }

    #[test]
    fn thresholds_leave_room_for_inconclusive() {
        let t = |v: serde_json::Value| thresholds(&request(json!({"scoreThresholds": v})));
        assert_eq!(t(json!({"pass": 95.0, "marginal": 75.0})), Ok((95.0, 75.0)));
        assert_eq!(t(json!({})), Ok((DEFAULT_PASS, DEFAULT_MARGINAL)));
        for bad in [
            json!({"pass": 75.0, "marginal": 75.0}),
            json!({"pass": 50.0, "marginal": 75.0}),
            json!({"pass": 101.0, "marginal": 75.0}),
            json!({"pass": 95.0, "marginal": -1.0}),
        ] {
            assert!(t(bad.clone()).is_err(), "{bad}");
        }
        let s = score(Decision::Inconclusive, 95.0, 75.0);
        assert!(75.0 < s && s < 95.0);
    }

    #[test]
    fn names_win_over_groups_and_ambiguity_is_an_error() {
        let m = KayentaMapping::default();
        let groups = |g: &[&str]| g.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            m.find("latency_p99", &groups(&["error_rate"])),
            Ok(Some(RuleName::Latency))
        );
        assert_eq!(
            m.find("p99", &groups(&["latency"])),
            Ok(Some(RuleName::Latency))
        );
        assert_eq!(m.find("cpu", &groups(&["system"])), Ok(None));
        assert_eq!(
            m.find("x", &groups(&["latency", "conversion"])),
            Err(vec![RuleName::Latency, RuleName::Conversion])
        );
    }

    #[test]
    fn stats_follow_kayentas_metric_statistics() {
        let s = Stats::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!((s.count, s.min, s.max, s.mean), (4, 1.0, 4.0, 2.5));
        // Sample standard deviation of 1..4: sqrt(5/3).
        assert!((s.std - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(Stats::of(&[]).count, 0);
        assert_eq!(Stats::of(&[7.0]).std, 0.0);
    }
}

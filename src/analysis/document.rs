//! The evaluation document: one JSON shape for "here are the series, what is the verdict?",
//! read by `rollguard evaluate`, `POST /v1/evaluate` and replay's NDJSON lines.
//!
//! ```json
//! {"policy": "seed",
//!  "metrics": {"error_rate": [0.4, 0.7, 6.2],
//!              "latency_p99": [{"ts": "2026-11-24T10:00:00Z", "value": 212.5, "count": 850}],
//!              "conversion_rate": [0.029]},
//!  "baseline": {"conversion_rate": 0.031},
//!  "cohorts": {"baseline": {"conversion_rate": [0.031, 0.030]}, "pre": {}}}
//! ```
//! `metrics` are the canary's series. A `{ts, value}` point may carry `count`, the number of
//! requests behind an `error_rate` or `latency_p99` value or of sessions behind a
//! `conversion_rate` value; a series gives it on every point or on none. Parsing is in two steps: serde reads the shape (unknown
//! fields are errors), then [`EvaluationDocument::into_observations`] checks every value and
//! timestamp and names the first bad one by its path, e.g. `metrics.error_rate[2]`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::compare::{MetricInputs, SeriesView};
use super::metric;
use super::policy::{Policy, PolicyError};
use super::rules::ConversionBaseline;
use super::verdict::Inputs;
use crate::names::MetricName;
use crate::timestamp::Timestamp;

/// A request to evaluate series against a policy.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationDocument {
    /// A policy name, or an inline policy object (partial objects override the `seed` defaults).
    /// Defaults to `seed`.
    #[serde(default)]
    pub policy: Option<PolicySpec>,
    /// The canary's series by metric name (`[a-z][a-z0-9_]{0,63}`), each oldest first: all
    /// numbers, or all `{ts, value}` points with strictly increasing times, either all with a
    /// `count` or all without. The rules read `error_rate` (percent, 0–100), `latency_p99` (ms)
    /// and `conversion_rate` (fraction, 0–1).
    #[serde(default, deserialize_with = "crate::json::unique_map")]
    #[schema(value_type = BTreeMap<String, Vec<SeriesPoint>>, example = json!({"error_rate": [0.4, 0.7, 6.2], "latency_p99": [{"ts": "2026-11-24T10:00:00Z", "value": 212.5, "count": 850}], "conversion_rate": [0.029]}))]
    pub metrics: BTreeMap<String, Points>,
    /// Explicit baseline values; `conversion_rate` here wins over any cohort series.
    #[serde(default)]
    pub baseline: BaselineValues,
    /// Series of the other cohorts: `baseline` (the stable version) and `pre` (before deploying).
    #[serde(default)]
    pub cohorts: CohortSeries,
}

/// Explicit baseline values.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineValues {
    /// Baseline conversion rate, a fraction 0–1.
    #[schema(minimum = 0, maximum = 1, example = 0.031)]
    pub conversion_rate: Option<f64>,
}

/// Series of the non-canary cohorts, by metric name.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortSeries {
    #[serde(default, deserialize_with = "crate::json::unique_map")]
    #[schema(value_type = BTreeMap<String, Vec<SeriesPoint>>)]
    pub baseline: BTreeMap<String, Points>,
    #[serde(default, deserialize_with = "crate::json::unique_map")]
    #[schema(value_type = BTreeMap<String, Vec<SeriesPoint>>)]
    pub pre: BTreeMap<String, Points>,
}

/// A policy by name or inline.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PolicySpec {
    /// The name of a built-in or stored policy.
    Name(String),
    /// A policy object; fields it leaves out take the `seed` defaults.
    Inline(Map<String, Value>),
}

/// A string or an object, read without serde's untagged buffering: an error inside the object
/// (a repeated key) keeps its message and path instead of becoming "no variant matched".
impl<'de> Deserialize<'de> for PolicySpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SpecVisitor;

        impl<'de> serde::de::Visitor<'de> for SpecVisitor {
            type Value = PolicySpec;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a policy name or a policy object")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PolicySpec, E> {
                Ok(PolicySpec::Name(v.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<PolicySpec, E> {
                Ok(PolicySpec::Name(v))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PolicySpec, A::Error> {
                crate::json::unique_object(serde::de::value::MapAccessDeserializer::new(map))
                    .map(PolicySpec::Inline)
            }
        }

        d.deserialize_any(SpecVisitor)
    }
}

impl PolicySpec {
    /// Resolves the spec to a name and a policy; `lookup` finds named policies.
    pub fn resolve(
        &self,
        lookup: impl FnOnce(&str) -> Option<Policy>,
    ) -> Result<(String, Policy), PolicyError> {
        match self {
            PolicySpec::Name(name) => lookup(name)
                .map(|p| (name.clone(), p))
                .ok_or_else(|| PolicyError::Unknown(name.clone())),
            PolicySpec::Inline(map) => {
                Policy::from_partial_json(&Value::Object(map.clone())).map(|p| ("inline".into(), p))
            }
        }
    }
}

/// One point of a series: a bare number, or a value with its RFC 3339 timestamp (and, optionally,
/// its count). A bare number cannot carry a count.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SeriesPoint {
    Value(f64),
    Timed(TimedPoint),
}

/// A value with its timestamp, and optionally the count behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimedPoint {
    /// RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
    #[schema(value_type = String, format = DateTime, example = "2026-11-24T10:00:00Z")]
    pub ts: Timestamp,
    /// Finite and non-negative, in the metric's unit.
    #[schema(example = 212.5, minimum = 0)]
    pub value: f64,
    /// Optional: the number of requests behind an `error_rate` or `latency_p99` value, or of
    /// sessions behind a `conversion_rate` value; a whole number from 0 to 2^63 - 1. A series
    /// gives it on every point or on none.
    #[serde(
        default,
        deserialize_with = "crate::json::count",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(example = 850, minimum = 0)]
    pub count: Option<u64>,
}

impl SeriesPoint {
    pub fn value(&self) -> f64 {
        match self {
            SeriesPoint::Value(v) => *v,
            SeriesPoint::Timed(p) => p.value,
        }
    }
}

// Hand-written so that a wrong element says what was expected, rather than serde's
// "data did not match any variant of untagged enum".
impl<'de> Deserialize<'de> for SeriesPoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PointVisitor;
        impl<'de> Visitor<'de> for PointVisitor {
            type Value = SeriesPoint;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number or an object {\"ts\": RFC 3339 time, \"value\": number, \"count\": optional whole number}",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SeriesPoint, E> {
                Ok(SeriesPoint::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SeriesPoint, E> {
                Ok(SeriesPoint::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SeriesPoint, E> {
                Ok(SeriesPoint::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SeriesPoint, A::Error> {
                TimedPoint::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SeriesPoint::Timed)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<SeriesPoint, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
            }
        }
        deserializer.deserialize_any(PointVisitor)
    }
}

/// One series as read, in columns: every value, the times while the points are `{ts, value}`
/// objects, and the counts while they carry one. Not a `Vec<SeriesPoint>`: that takes 32 bytes a
/// point (40 with a count), grown by doubling, so a body of bare numbers (about 5 bytes each) took
/// over ten times its size in memory; here a number takes 8 bytes, a timed point 20 and a timed
/// point with a count 28, grown by a quarter at a time. Whether the points are all of one kind,
/// and all with or all without a count, is checked later, by [`Series::from_points`], so that
/// value errors keep their order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    values: Vec<f64>,
    /// One a point while every point is timed, up to the first of another kind.
    times: Vec<DateTime<Utc>>,
    /// Whether the first point is a `{ts, value}` object.
    timed: bool,
    /// The index of the first point whose kind differs from the first's.
    mixed_at: Option<usize>,
    /// One a point while every point carries a count, up to the first without one.
    counts: Vec<u64>,
    /// Whether the first point carries a count.
    counted: bool,
    /// The index of the first point that differs from the first in carrying a count.
    count_mixed_at: Option<usize>,
}

impl Points {
    /// Appends a point; `&mut Vec::push` with a growth of a quarter rather than double, so a long
    /// series holds at most 25% unused capacity while it is read.
    fn push(&mut self, point: SeriesPoint) {
        fn push_small_growth<T>(v: &mut Vec<T>, x: T) {
            if v.len() == v.capacity() {
                v.reserve_exact((v.len() / 4).max(64));
            }
            v.push(x);
        }
        let i = self.values.len();
        let timed = matches!(point, SeriesPoint::Timed(_));
        if i == 0 {
            self.timed = timed;
        } else if timed != self.timed && self.mixed_at.is_none() {
            self.mixed_at = Some(i);
        }
        if let (SeriesPoint::Timed(p), None) = (&point, self.mixed_at) {
            push_small_growth(&mut self.times, p.ts.get());
        }
        let count = match &point {
            SeriesPoint::Timed(p) => p.count,
            SeriesPoint::Value(_) => None,
        };
        if i == 0 {
            self.counted = count.is_some();
        } else if count.is_some() != self.counted && self.count_mixed_at.is_none() {
            self.count_mixed_at = Some(i);
        }
        if let (Some(c), None) = (count, self.count_mixed_at) {
            push_small_growth(&mut self.counts, c);
        }
        push_small_growth(&mut self.values, point.value());
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl From<Vec<SeriesPoint>> for Points {
    fn from(points: Vec<SeriesPoint>) -> Self {
        let mut out = Points::default();
        for p in points {
            out.push(p);
        }
        out
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PointsVisitor;
        impl<'de> Visitor<'de> for PointsVisitor {
            type Value = Points;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // as serde's own `Vec` says, so messages do not change
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Points, A::Error> {
                let mut points = Points::default();
                while let Some(point) = seq.next_element::<SeriesPoint>()? {
                    points.push(point);
                }
                points.values.shrink_to_fit();
                points.times.shrink_to_fit();
                points.counts.shrink_to_fit();
                Ok(points)
            }
        }
        deserializer.deserialize_seq(PointsVisitor)
    }
}

/// A bad value in an input, located by its path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InputError {
    /// Where, e.g. `metrics.error_rate[2]`.
    pub field: String,
    pub message: String,
}

/// A checked series: values oldest first, with their timestamps when every point had one and
/// their counts when every point had one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub values: Vec<f64>,
    pub times: Option<Vec<DateTime<Utc>>>,
    /// The number of requests (sessions, for `conversion_rate`) behind each value; `Some`
    /// exactly when every point carries a count.
    pub counts: Option<Vec<u64>>,
}

impl Series {
    /// Checks every value of `metric`, that the points are all of one kind and all with or all
    /// without a count, and that timestamps, if any, strictly increase; the first bad point is
    /// named by its index. Counts are checked as they are read ([`crate::json::count`]).
    pub fn from_points(path: &str, metric: &str, points: Points) -> Result<Self, InputError> {
        let at = |i: usize, message: String| InputError {
            field: format!("{path}[{i}]"),
            message,
        };
        let Points {
            values,
            times,
            timed,
            mixed_at,
            counts,
            counted,
            count_mixed_at,
        } = points;
        for (i, &value) in values.iter().enumerate() {
            metric::check_value(metric, value).map_err(|e| at(i, e.to_string()))?;
            if mixed_at == Some(i) {
                return Err(at(
                    i,
                    "a series must be all numbers or all {ts, value} points, not a mix".into(),
                ));
            }
            if count_mixed_at == Some(i) {
                return Err(at(
                    i,
                    "a series must give count on every point or on none".into(),
                ));
            }
            if timed && i > 0 && times[i] <= times[i - 1] {
                return Err(at(
                    i,
                    format!(
                        "timestamp {} is not after the previous point's {}",
                        times[i].to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                        times[i - 1].to_rfc3339()
                    ),
                ));
            }
        }
        Ok(Series {
            values,
            times: timed.then_some(times),
            counts: counted.then_some(counts),
        })
    }
}

/// Checked series of one deployment, by cohort and metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observations {
    pub canary: BTreeMap<String, Series>,
    pub baseline_cohort: BTreeMap<String, Series>,
    pub pre: BTreeMap<String, Series>,
    pub explicit_conversion_baseline: Option<f64>,
}

const EMPTY: &[f64] = &[];

fn values<'a>(map: &'a BTreeMap<String, Series>, metric: &str) -> &'a [f64] {
    map.get(metric).map_or(EMPTY, |s| &s.values)
}

fn view<'a>(map: &'a BTreeMap<String, Series>, metric: &str) -> SeriesView<'a> {
    map.get(metric)
        .map_or_else(SeriesView::default, |s| SeriesView {
            values: &s.values,
            times: s.times.as_deref(),
            counts: s.counts.as_deref(),
        })
}

impl Observations {
    /// What one `compare` rule reads of `metric`.
    fn metric_inputs(&self, metric: &str) -> MetricInputs<'_> {
        let reference = (metric == metric::CONVERSION_RATE)
            .then(|| {
                self.explicit_conversion_baseline
                    .or_else(|| super::stats::mean(values(&self.pre, metric)))
            })
            .flatten();
        MetricInputs {
            canary: view(&self.canary, metric),
            baseline: view(&self.baseline_cohort, metric),
            reference,
            seen_elsewhere: !values(&self.baseline_cohort, metric).is_empty()
                || !values(&self.pre, metric).is_empty(),
        }
    }

    /// The slices the rules read.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            by_rule: metric::KNOWN_METRICS.map(|m| self.metric_inputs(m)),
            error_rate: values(&self.canary, metric::ERROR_RATE),
            latency_p99: values(&self.canary, metric::LATENCY_P99),
            conversion_rate: values(&self.canary, metric::CONVERSION_RATE),
            conversion_baseline: ConversionBaseline {
                explicit: self.explicit_conversion_baseline,
                baseline_cohort: values(&self.baseline_cohort, metric::CONVERSION_RATE),
                pre: values(&self.pre, metric::CONVERSION_RATE),
            },
        }
    }
}

fn check_cohort(
    prefix: &str,
    series: BTreeMap<String, Points>,
) -> Result<BTreeMap<String, Series>, InputError> {
    series
        .into_iter()
        .map(|(name, points)| {
            let path = format!("{prefix}.{name}");
            if let Err(e) = MetricName::parse(&name) {
                return Err(InputError {
                    field: path,
                    message: e.to_string(),
                });
            }
            let s = Series::from_points(&path, &name, points)?;
            Ok((name, s))
        })
        .collect()
}

impl EvaluationDocument {
    /// Parses a document from JSON text; shape errors carry serde's line and column.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        serde_json::from_str(text).map_err(|e| InputError {
            field: "document".into(),
            message: e.to_string(),
        })
    }

    /// Checks every series and value; the policy spec is returned unresolved.
    pub fn into_observations(self) -> Result<(Option<PolicySpec>, Observations), InputError> {
        if let Some(b) = self.baseline.conversion_rate {
            metric::check_value(metric::CONVERSION_RATE, b).map_err(|e| InputError {
                field: "baseline.conversion_rate".into(),
                message: e.to_string(),
            })?;
        }
        let obs = Observations {
            canary: check_cohort("metrics", self.metrics)?,
            baseline_cohort: check_cohort("cohorts.baseline", self.cohorts.baseline)?,
            pre: check_cohort("cohorts.pre", self.cohorts.pre)?,
            explicit_conversion_baseline: self.baseline.conversion_rate,
        };
        Ok((self.policy, obs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observe(text: &str) -> Result<Observations, InputError> {
        EvaluationDocument::from_json(text)?
            .into_observations()
            .map(|(_, o)| o)
    }

    #[test]
    fn the_documented_example_parses() {
        let doc = r#"{"policy": "seed",
            "metrics": {"error_rate": [0.4, 0.7, 6.2],
                        "latency_p99": [{"ts": "2026-11-24T10:00:00Z", "value": 212.5}],
                        "conversion_rate": [0.029]},
            "baseline": {"conversion_rate": 0.031}}"#;
        let (policy, obs) = EvaluationDocument::from_json(doc)
            .unwrap()
            .into_observations()
            .unwrap();
        assert!(matches!(policy, Some(PolicySpec::Name(ref n)) if n == "seed"));
        let inputs = obs.inputs();
        assert_eq!(inputs.error_rate, [0.4, 0.7, 6.2]);
        assert_eq!(inputs.latency_p99, [212.5]);
        assert_eq!(inputs.conversion_baseline.explicit, Some(0.031));
        assert_eq!(obs.canary["latency_p99"].times.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn bad_values_are_named_by_metric_and_index() {
        for (doc, field, needle) in [
            (
                r#"{"metrics": {"error_rate": [1, 2, -3]}}"#,
                "metrics.error_rate[2]",
                "negative",
            ),
            (
                r#"{"metrics": {"error_rate": [101]}}"#,
                "metrics.error_rate[0]",
                "above 100",
            ),
            (
                r#"{"metrics": {"conversion_rate": [0.5, 1.2]}}"#,
                "metrics.conversion_rate[1]",
                "above 1",
            ),
            (
                r#"{"cohorts": {"pre": {"conversion_rate": [2]}}}"#,
                "cohorts.pre.conversion_rate[0]",
                "above 1",
            ),
            (
                r#"{"baseline": {"conversion_rate": 3}}"#,
                "baseline.conversion_rate",
                "above 1",
            ),
            (
                r#"{"metrics": {"Bad-Name": [1]}}"#,
                "metrics.Bad-Name",
                "must match",
            ),
        ] {
            let err = observe(doc).unwrap_err();
            assert_eq!(err.field, field, "{doc}");
            assert!(err.message.contains(needle), "{doc}: {err}");
        }
    }

    #[test]
    fn timestamps_must_strictly_increase() {
        let doc = r#"{"metrics": {"latency_p99": [
            {"ts": "2026-11-24T10:00:00Z", "value": 1}, {"ts": "2026-11-24T10:01:00Z", "value": 1},
            {"ts": "2026-11-24T10:01:00Z", "value": 1}]}}"#;
        let err = observe(doc).unwrap_err();
        assert_eq!(err.field, "metrics.latency_p99[2]");
        assert!(err.message.contains("not after"), "{err}");
    }

    #[test]
    fn numbers_and_points_cannot_be_mixed() {
        let doc =
            r#"{"metrics": {"latency_p99": [1, {"ts": "2026-11-24T10:00:00Z", "value": 1}]}}"#;
        assert_eq!(observe(doc).unwrap_err().field, "metrics.latency_p99[1]");
    }

    #[test]
    fn shape_errors_say_what_was_expected() {
        for (doc, needle) in [
            (
                r#"{"metrics": {"error_rate": ["1"]}}"#,
                "a number or an object",
            ),
            (
                r#"{"metrics": {"error_rate": [{"ts": "yesterday", "value": 1}]}}"#,
                "input contains invalid characters",
            ),
            (
                r#"{"metrics": {"error_rate": [{"value": 1}]}}"#,
                "missing field `ts`",
            ),
            (r#"{"metric": {}}"#, "unknown field `metric`"),
            (
                r#"{"metrics": {"error_rate": [1e999]}}"#,
                "number out of range",
            ),
            (r#"{"metrics": "#, "EOF"),
        ] {
            let err = observe(doc).unwrap_err();
            assert_eq!(err.field, "document");
            assert!(err.message.contains(needle), "{doc}: {err}");
        }
    }

    /// `n` timed points of `error_rate`, one a minute, with the given counts (`None`: left out).
    fn counted(counts: &[Option<&str>]) -> String {
        let points: Vec<String> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let count = c.map_or(String::new(), |c| format!(", \"count\": {c}"));
                format!(r#"{{"ts": "2026-11-24T10:{i:02}:00Z", "value": 1{count}}}"#)
            })
            .collect();
        format!(
            r#"{{"metrics": {{"error_rate": [{}]}}}}"#,
            points.join(", ")
        )
    }

    #[test]
    fn counts_are_read_when_every_point_has_one() {
        let obs = observe(&counted(&[Some("850"), Some("0"), Some("12.0")])).unwrap();
        assert_eq!(obs.canary["error_rate"].counts, Some(vec![850, 0, 12]));
        let obs = observe(&counted(&[None, None])).unwrap();
        assert_eq!(obs.canary["error_rate"].counts, None);
        let obs = observe(&counted(&[Some("null"), None])).unwrap();
        assert_eq!(obs.canary["error_rate"].counts, None, "null is no count");
        let obs = observe(r#"{"metrics": {"error_rate": [1, 2]}}"#).unwrap();
        assert_eq!(obs.canary["error_rate"].counts, None);
        let obs = observe(&counted(&[Some("9223372036854775807")])).unwrap();
        assert_eq!(obs.canary["error_rate"].counts, Some(vec![i64::MAX as u64]));
    }

    #[test]
    fn a_series_gives_counts_on_every_point_or_on_none() {
        for (counts, index) in [
            (&[Some("1"), Some("2"), Some("3"), None][..], 3),
            (&[None, Some("2")][..], 1),
            (&[Some("1"), None, Some("3"), None][..], 1),
        ] {
            let err = observe(&counted(counts)).unwrap_err();
            assert_eq!(err.field, format!("metrics.error_rate[{index}]"));
            assert_eq!(
                err.message,
                "a series must give count on every point or on none"
            );
        }
        // A bad value before the first uncounted point is named first.
        let doc = r#"{"metrics": {"error_rate": [
            {"ts": "2026-11-24T10:00:00Z", "value": 101, "count": 1},
            {"ts": "2026-11-24T10:01:00Z", "value": 1}]}}"#;
        assert_eq!(observe(doc).unwrap_err().field, "metrics.error_rate[0]");
    }

    #[test]
    fn a_count_must_be_a_whole_number_that_fits_a_bigint() {
        for bad in ["1.5", "-1", "\"3\"", "1e30", "9223372036854775808", "true"] {
            let err = observe(&counted(&[Some("1"), Some(bad)])).unwrap_err();
            assert_eq!(err.field, "document", "{bad}");
            assert!(err.message.contains("count"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_bare_number_cannot_carry_a_count() {
        let err =
            observe(r#"{"metrics": {"error_rate": [{"value": 1, "count": 3}]}}"#).unwrap_err();
        assert!(err.message.contains("missing field `ts`"), "{err}");
    }

    #[test]
    fn a_point_without_count_is_written_without_it() {
        let p = |count| {
            serde_json::to_value(SeriesPoint::Timed(TimedPoint {
                ts: serde_json::from_str("\"2026-11-24T10:00:00Z\"").unwrap(),
                value: 1.0,
                count,
            }))
            .unwrap()
        };
        assert!(p(None).get("count").is_none());
        assert_eq!(p(Some(850))["count"], 850);
    }

    #[test]
    fn counts_stop_being_kept_at_the_first_point_without_one() {
        let doc = counted(&[Some("1"), Some("2"), None, Some("4")]);
        let parsed = EvaluationDocument::from_json(&doc).unwrap();
        let points = &parsed.metrics["error_rate"];
        assert_eq!(
            (points.counts.as_slice(), points.count_mixed_at),
            (&[1, 2][..], Some(2))
        );
    }

    #[test]
    fn policies_resolve_by_name_or_inline() {
        let by_name = PolicySpec::Name("seed".into())
            .resolve(Policy::builtin)
            .unwrap();
        assert_eq!(by_name, ("seed".to_string(), Policy::seed()));
        let err = PolicySpec::Name("nope".into())
            .resolve(Policy::builtin)
            .unwrap_err();
        assert!(matches!(err, PolicyError::Unknown(_)));
        let inline: PolicySpec =
            serde_json::from_str(r#"{"rules": {"error_rate": {"threshold": 2}}}"#).unwrap();
        let (name, p) = inline.resolve(Policy::builtin).unwrap();
        assert_eq!(
            (name.as_str(), p.rules.error_rate.threshold),
            ("inline", 2.0)
        );
    }
}

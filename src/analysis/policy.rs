//! Policies: which rules run and with which parameters, as data.
//!
//! A policy is plain serde data. Partial policies are accepted everywhere a policy is (inline in
//! an evaluation document, in a file, through the API): they are deep-merged over the `seed`
//! defaults, then the whole is parsed strictly — an unknown field anywhere is an error, so a typo
//! like `treshold` can never silently fall back to a default.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::kayenta::KayentaMapping;

/// Name of the built-in policy that reproduces the seed document's rules exactly.
pub const SEED: &str = "seed";

/// Name of the built-in policy that keeps the seed's intent but guards each rule against the
/// false rollbacks of repeated evaluation; the default for deployments.
pub const GUARDED: &str = "guarded";

/// Name of the built-in policy that judges the canary against the baseline cohort with sequential
/// tests (`analysis::compare`); the default for stored deployments.
pub const COMPARE: &str = "compare";

/// The names of the built-in policies, which cannot be overwritten.
pub const BUILTIN_NAMES: [&str; 3] = [SEED, GUARDED, COMPARE];

/// The default `alpha`: the chance that a healthy canary is ever rolled back by a `compare` rule,
/// spent equally across the policy's enabled rules.
pub const DEFAULT_ALPHA: f64 = 0.01;

fn default_alpha() -> f64 {
    DEFAULT_ALPHA
}

fn yes() -> bool {
    true
}

/// "At least `required` of the last `of` points beyond the limit": a rule fires on a sustained
/// change, not on one unlucky point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Persistence {
    #[schema(minimum = 1)]
    pub required: usize,
    #[schema(minimum = 1)]
    pub of: usize,
}

impl Persistence {
    fn validate(self, rule: &str) -> Result<(), PolicyError> {
        if self.required == 0 || self.required > self.of {
            return Err(PolicyError::Invalid(format!(
                "rules.{rule}.persistence needs 1 <= required <= of"
            )));
        }
        Ok(())
    }
}

/// Rule parameters for one policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub rules: Rules,
    /// For rules with a `compare` section: the chance that a canary that is no worse than its
    /// baseline is *ever* rolled back, however often it is asked, spent equally across the
    /// enabled rules (Bonferroni). Between 0 and 0.5.
    #[serde(default = "default_alpha")]
    #[schema(exclusive_minimum = 0, maximum = 0.5, example = 0.01)]
    pub alpha: f64,
    /// How hook endpoints that must answer yes or no treat an `inconclusive` verdict.
    #[serde(default)]
    pub gate: GateOptions,
    /// Which of Spinnaker Kayenta's metrics each rule judges at `POST /v1/kayenta/judge`.
    #[serde(default)]
    pub kayenta: KayentaMapping,
}

/// Options for yes/no hooks (Flagger's `rollout` webhook).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GateOptions {
    /// Let an `inconclusive` verdict through the gate (HTTP 200). Off by default: a gate opens
    /// only on `pass`, so a canary with no data yet is held (Flagger counts a failed check).
    pub pass_inconclusive: bool,
}

/// One entry per rule; a rule with `enabled: false` is not run and not reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub error_rate: ErrorRateParams,
    pub latency: LatencyParams,
    pub conversion: ConversionParams,
}

/// Sustained error rate: the mean of the last `window` points is above `threshold` (percent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRateParams {
    pub enabled: bool,
    /// Whether the rule holds the verdict when the deployment has never received its metric in
    /// any cohort: `true` reports `insufficient_data` (inconclusive); `false` reports
    /// `not_applicable`, which does not count.
    #[serde(default = "yes")]
    pub required: bool,
    /// Number of most recent points averaged; fewer points is `insufficient_data`.
    #[schema(minimum = 1)]
    pub window: usize,
    /// Percent, 0–100; the rule triggers when the mean is strictly above it.
    #[schema(minimum = 0, maximum = 100)]
    pub threshold: f64,
    /// Also require this many of the last points individually above the threshold; null (the
    /// seed) looks at the mean only.
    #[serde(default)]
    pub persistence: Option<Persistence>,
    /// Judge the canary against the baseline cohort with a sequential test; null (the seed)
    /// applies the threshold above. Without a baseline cohort, a canary with counts is tested
    /// against `threshold`, one without against the threshold rule.
    #[serde(default)]
    pub compare: Option<ErrorRateCompare>,
}

/// The error-rate rule's sequential comparison (see `analysis::compare`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ErrorRateCompare {
    /// Practical margin in percentage points: the canary is rolled back only when its error rate
    /// is estimated above the baseline's by more than this, and the evidence is conclusive.
    #[schema(minimum = 0, maximum = 100)]
    pub margin: f64,
    /// Canary requests (the `count`s of its error-rate points) needed before the rule judges.
    pub min_requests: usize,
    /// Paired minutes (canary and baseline at one timestamp) needed before the rule judges.
    #[schema(minimum = 1)]
    pub min_points: usize,
}

impl Default for ErrorRateCompare {
    fn default() -> Self {
        ErrorRateCompare {
            margin: 1.0,
            min_requests: 20,
            min_points: 2,
        }
    }
}

/// Latency spike: the last point is above mean + `sigmas` × population standard deviation of all
/// points except the last `exclude_recent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencyParams {
    pub enabled: bool,
    /// As for `error_rate`.
    #[serde(default = "yes")]
    pub required: bool,
    #[schema(minimum = 0)]
    pub sigmas: f64,
    /// Most recent points left out of the mean and standard deviation.
    pub exclude_recent: usize,
    /// Fewest points that must remain after excluding the recent ones; fewer is `insufficient_data`.
    #[schema(minimum = 1)]
    pub min_baseline_points: usize,
    /// Fire when this many of the last points are above the limit; null (the seed) tests the
    /// last point only.
    #[serde(default)]
    pub persistence: Option<Persistence>,
    /// Winsorize the baseline: in time order, each point past the first `min_baseline_points`
    /// is clipped to mean ± `clip_sigmas`·σ of the points before it (Welford's running mean and
    /// σ), so a single spike cannot inflate the spread. Null (the seed): plain mean and σ.
    #[serde(default)]
    #[schema(exclusive_minimum = 0)]
    pub clip_sigmas: Option<f64>,
    /// Judge the canary's p99 against the baseline cohort's at the same minutes; null (the seed)
    /// applies the spike rule above. Without a baseline cohort, a level-shift detector judges
    /// the canary against its own past, with its autocorrelation and drift modelled.
    #[serde(default)]
    pub compare: Option<LatencyCompare>,
}

/// The latency rule's sequential comparison (see `analysis::compare`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LatencyCompare {
    /// Practical margin as a fraction: 0.1 rolls back only when the canary's p99 is above the
    /// baseline's by more than 10 % (without a baseline cohort, above its own past by more than
    /// that).
    #[schema(minimum = 0)]
    pub margin: f64,
    /// Paired minutes needed before the rule judges.
    #[schema(minimum = 1)]
    pub min_points: usize,
    /// The most one minute can weigh: each minute's log ratio of p99s (less the margin) is
    /// divided by this and clipped to [-1, 1], so a single spike counts no more than a minute
    /// this far above the margin.
    #[schema(exclusive_minimum = 0)]
    pub clip: f64,
    /// The canary's and the baseline's p99s are nearest-rank p99s of each minute's own requests
    /// (the ⌈0.99 n⌉-th smallest of `count`, so the maximum below 100 requests). Then, in minutes
    /// where the canary had fewer than 100 requests, the rule judges whether its p99 exceeded
    /// (1 + margin) × the baseline's against the exact chance of that for two samples of one
    /// distribution, instead of the log ratio, which a small sample's maximum biases low. Leave
    /// it false for p99s interpolated from histograms or sketches, or taken over more requests
    /// than `count`: that chance does not hold for them and healthy canaries would be rolled back.
    pub nearest_rank: bool,
}

impl Default for LatencyCompare {
    fn default() -> Self {
        LatencyCompare {
            margin: 0.1,
            min_points: 3,
            clip: 0.5,
            nearest_rank: false,
        }
    }
}

/// Conversion drop: the mean of the last `window` conversion points is below `min_ratio` × baseline.
/// The baseline is `baseline.conversion_rate` when given, else the mean of the baseline cohort's
/// conversion points, else the mean of the pre-deployment points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversionParams {
    pub enabled: bool,
    /// As for `error_rate`.
    #[serde(default = "yes")]
    pub required: bool,
    #[schema(minimum = 1)]
    pub window: usize,
    #[schema(exclusive_minimum = 0)]
    pub min_ratio: f64,
    /// Also require this many of the last points individually below `min_ratio` × baseline;
    /// null (the seed) looks at the mean only.
    #[serde(default)]
    pub persistence: Option<Persistence>,
    /// Test the canary's conversion against `min_ratio` × the baseline cohort's, as counts when
    /// both carry them; null (the seed) applies the window rule above.
    #[serde(default)]
    pub compare: Option<ConversionCompare>,
}

/// The conversion rule's sequential comparison (see `analysis::compare`); its margin is
/// `min_ratio`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionCompare {
    /// Canary sessions (the `count`s of its conversion points) needed before the rule judges.
    pub min_sessions: usize,
    /// Paired minutes needed before the rule judges.
    #[schema(minimum = 1)]
    pub min_points: usize,
}

impl Default for ConversionCompare {
    fn default() -> Self {
        ConversionCompare {
            min_sessions: 20,
            min_points: 2,
        }
    }
}

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("unknown policy '{0}' (built in: {builtins})", builtins = BUILTIN_NAMES.join(", "))]
    Unknown(String),
    #[error("invalid policy: {0}")]
    Invalid(String),
}

impl Policy {
    /// The seed document's rules with its constants (section 3.1).
    pub fn seed() -> Self {
        Policy {
            rules: Rules {
                error_rate: ErrorRateParams {
                    enabled: true,
                    required: true,
                    window: 3,
                    threshold: 5.0,
                    persistence: None,
                    compare: None,
                },
                latency: LatencyParams {
                    enabled: true,
                    required: true,
                    sigmas: 2.0,
                    exclude_recent: 5,
                    // The seed is silent here (numpy gives NaN and never fires on an empty slice);
                    // two points are the fewest with a spread at all.
                    min_baseline_points: 2,
                    persistence: None,
                    clip_sigmas: None,
                    compare: None,
                },
                conversion: ConversionParams {
                    enabled: true,
                    required: true,
                    window: 1,
                    min_ratio: 0.8,
                    persistence: None,
                    compare: None,
                },
            },
            alpha: DEFAULT_ALPHA,
            gate: GateOptions::default(),
            kayenta: KayentaMapping::default(),
        }
    }

    /// The seed's three rules, guarded against false rollbacks under repeated evaluation
    /// (figures in `docs/decision-quality.md`):
    /// - error rate: the mean of the last 3 points above 5 % **and** each of them above 5 %, so
    ///   one- or two-point bursts never fire;
    /// - latency: 4 of the last 5 points above mean + 2σ of a baseline that excludes the last 12
    ///   points (those under test, and the start of a regression) and has at least 12 points;
    ///   the baseline is winsorized at 3σ, so single spikes cannot inflate the spread;
    /// - conversion: the mean of the last 3 points below 0.8 × baseline **and** 2 of them each
    ///   below it, so a one-point dip never fires.
    pub fn guarded() -> Self {
        let mut p = Self::seed();
        let r = &mut p.rules;
        r.error_rate.persistence = Some(Persistence { required: 3, of: 3 });
        r.latency.exclude_recent = 12;
        r.latency.min_baseline_points = 12;
        r.latency.clip_sigmas = Some(3.0);
        r.latency.persistence = Some(Persistence { required: 4, of: 5 });
        r.conversion.window = 3;
        r.conversion.persistence = Some(Persistence { required: 2, of: 3 });
        p
    }

    /// Canary against baseline (`analysis::compare`): each rule has a `compare` section and is
    /// not required, so a service without a conversion KPI can pass. Without a baseline cohort
    /// (and without counts) the error-rate and conversion rules fall back to `guarded`'s
    /// threshold rules, unchanged; the latency rule to a level-shift detector against the
    /// canary's own past (`analysis::own_past`).
    pub fn compare() -> Self {
        let mut p = Self::guarded();
        let r = &mut p.rules;
        r.error_rate.required = false;
        r.error_rate.compare = Some(ErrorRateCompare::default());
        r.latency.required = false;
        r.latency.compare = Some(LatencyCompare::default());
        r.conversion.required = false;
        r.conversion.compare = Some(ConversionCompare::default());
        p
    }

    /// A built-in policy by name.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            SEED => Some(Self::seed()),
            GUARDED => Some(Self::guarded()),
            COMPARE => Some(Self::compare()),
            _ => None,
        }
    }

    /// Parses a full or partial policy object: fields present override the built-in policy named
    /// by `extends` (default `seed`).
    pub fn from_partial_json(partial: &Value) -> Result<Self, PolicyError> {
        let Some(object) = partial.as_object() else {
            return Err(PolicyError::Invalid(
                "a policy must be a JSON object".into(),
            ));
        };
        let base = match object.get("extends") {
            None => Self::seed(),
            Some(Value::String(name)) => Self::builtin(name).ok_or_else(|| {
                PolicyError::Invalid(format!(
                    "extends: '{name}' is not a built-in policy (built in: {})",
                    BUILTIN_NAMES.join(", ")
                ))
            })?,
            Some(_) => {
                return Err(PolicyError::Invalid(
                    "extends must be the name of a built-in policy".into(),
                ));
            }
        };
        let mut patch = object.clone();
        patch.remove("extends");
        let mut merged = serde_json::to_value(base).expect("a policy serialises");
        merge(&mut merged, &Value::Object(patch));
        crate::json::whole_numbers(&mut merged);
        let policy: Policy =
            serde_json::from_value(merged).map_err(|e| PolicyError::Invalid(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks the parameters for values no rule can work with.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let Rules {
            error_rate,
            latency,
            conversion,
        } = &self.rules;
        let invalid = |msg: &str| Err(PolicyError::Invalid(msg.to_string()));
        if error_rate.window == 0 {
            return invalid("rules.error_rate.window must be at least 1");
        }
        if !(0.0..=100.0).contains(&error_rate.threshold) {
            return invalid("rules.error_rate.threshold must be a percentage between 0 and 100");
        }
        if !(latency.sigmas.is_finite() && latency.sigmas >= 0.0) {
            return invalid("rules.latency.sigmas must be a finite number >= 0");
        }
        if latency.min_baseline_points == 0 {
            return invalid("rules.latency.min_baseline_points must be at least 1");
        }
        if let Some(p) = error_rate.persistence {
            p.validate("error_rate")?;
        }
        if let Some(p) = latency.persistence {
            p.validate("latency")?;
        }
        if let Some(p) = conversion.persistence {
            p.validate("conversion")?;
        }
        if latency
            .clip_sigmas
            .is_some_and(|c| !(c.is_finite() && c > 0.0))
        {
            return invalid("rules.latency.clip_sigmas must be a finite number > 0");
        }
        if conversion.window == 0 {
            return invalid("rules.conversion.window must be at least 1");
        }
        if !(self.alpha > 0.0 && self.alpha <= 0.5) {
            return invalid("alpha must be a number in (0, 0.5]");
        }
        if let Some(c) = &error_rate.compare {
            if !(0.0..=100.0).contains(&c.margin) {
                return invalid("rules.error_rate.compare.margin must be between 0 and 100 points");
            }
            if c.min_points == 0 {
                return invalid("rules.error_rate.compare.min_points must be at least 1");
            }
        }
        if let Some(c) = &latency.compare {
            if !(c.margin.is_finite() && c.margin >= 0.0) {
                return invalid("rules.latency.compare.margin must be a finite number >= 0");
            }
            if c.min_points == 0 {
                return invalid("rules.latency.compare.min_points must be at least 1");
            }
            if !(c.clip.is_finite() && c.clip > 0.0) {
                return invalid("rules.latency.compare.clip must be a finite number > 0");
            }
        }
        if conversion
            .compare
            .as_ref()
            .is_some_and(|c| c.min_points == 0)
        {
            return invalid("rules.conversion.compare.min_points must be at least 1");
        }
        if conversion.compare.is_some() && conversion.min_ratio > 1.0 {
            return invalid("rules.conversion.min_ratio must be at most 1 with a compare section");
        }
        if !(conversion.min_ratio.is_finite() && conversion.min_ratio > 0.0) {
            return invalid("rules.conversion.min_ratio must be a finite number > 0");
        }
        self.kayenta.validate().map_err(PolicyError::Invalid)
    }
}

/// Deep merge: objects merge key by key, anything else in `patch` replaces what is in `base`.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_holds_the_seed_documents_constants() {
        let seed = Policy::builtin(SEED).unwrap();
        assert_eq!(seed.rules.error_rate.window, 3);
        assert_eq!(seed.rules.error_rate.threshold, 5.0);
        assert_eq!(seed.rules.latency.sigmas, 2.0);
        assert_eq!(seed.rules.latency.exclude_recent, 5);
        assert_eq!(seed.rules.conversion.window, 1);
        assert_eq!(seed.rules.conversion.min_ratio, 0.8);
        assert!(seed.validate().is_ok());
    }

    #[test]
    fn partial_policy_overrides_only_what_it_names() {
        let p = Policy::from_partial_json(&json!({"rules": {"latency": {"sigmas": 3.0}}})).unwrap();
        let mut expected = Policy::seed();
        expected.rules.latency.sigmas = 3.0;
        assert_eq!(p, expected);
        assert_eq!(
            Policy::from_partial_json(&json!({})).unwrap(),
            Policy::seed()
        );
    }

    #[test]
    fn a_policy_round_trips_through_json() {
        let mut p = Policy::seed();
        p.rules.conversion.enabled = false;
        let back = Policy::from_partial_json(&serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn unknown_fields_are_errors_at_every_depth() {
        for doc in [
            json!({"rulez": {}}),
            json!({"rules": {"latnecy": {}}}),
            json!({"rules": {"error_rate": {"treshold": 2.0}}}),
        ] {
            let err = Policy::from_partial_json(&doc).unwrap_err().to_string();
            assert!(err.contains("unknown field"), "{doc}: {err}");
        }
    }

    #[test]
    fn parameters_out_of_range_are_refused() {
        for (doc, needle) in [
            (json!({"rules": {"error_rate": {"window": 0}}}), "window"),
            (
                json!({"rules": {"error_rate": {"threshold": 120.0}}}),
                "threshold",
            ),
            (json!({"rules": {"latency": {"sigmas": -1.0}}}), "sigmas"),
            (
                json!({"rules": {"latency": {"min_baseline_points": 0}}}),
                "min_baseline_points",
            ),
            (
                json!({"rules": {"conversion": {"min_ratio": 0.0}}}),
                "min_ratio",
            ),
            (
                json!({"rules": {"conversion": {"window": -1}}}),
                "invalid value",
            ),
            (
                json!({"rules": {"latency": {"enabled": "yes"}}}),
                "invalid type",
            ),
            (json!([1, 2]), "JSON object"),
        ] {
            let err = Policy::from_partial_json(&doc).unwrap_err().to_string();
            assert!(err.contains(needle), "{doc}: {err}");
        }
    }
}

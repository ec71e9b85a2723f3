//! The three rollback rules of the seed document (section 3.1), each a pure function of its
//! parameters and its series. Every rule reports `triggered`, `passed` or `insufficient_data`
//! with the numbers it compared; none ever compares against a NaN.
//!
//! Comparisons are strict, as in the reference: a mean error rate exactly at the threshold
//! passes, a latency exactly at mean + kσ passes, a conversion rate exactly at the ratio passes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compare::{Comparison, Method};
use super::policy::{ConversionParams, ErrorRateParams, LatencyParams, Rules};
use super::stats;

/// The rules rollguard knows, by their names in policies and verdicts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleName {
    ErrorRate,
    Latency,
    Conversion,
}

impl RuleName {
    /// Every rule, in rule order: the order verdicts report them in, and in which the first
    /// trigger is taken.
    pub const ALL: [RuleName; 3] = [RuleName::ErrorRate, RuleName::Latency, RuleName::Conversion];

    /// The rules `rules` enables, in rule order.
    pub fn enabled(rules: &Rules) -> impl Iterator<Item = RuleName> + '_ {
        Self::ALL.into_iter().filter(|r| match r {
            RuleName::ErrorRate => rules.error_rate.enabled,
            RuleName::Latency => rules.latency.enabled,
            RuleName::Conversion => rules.conversion.enabled,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleName::ErrorRate => "error_rate",
            RuleName::Latency => "latency",
            RuleName::Conversion => "conversion",
        }
    }
}

/// What one rule concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Triggered,
    Passed,
    InsufficientData,
    /// The deployment has never received the rule's metric, in any cohort, and the policy does
    /// not require it: the rule does not count toward the verdict.
    NotApplicable,
}

/// Where the conversion rule's baseline came from, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineSource {
    /// `baseline.conversion_rate`, given by the caller.
    Explicit,
    /// Mean of the baseline cohort's conversion points (the stable version, side by side).
    BaselineCohort,
    /// Mean of the pre-deployment conversion points.
    Pre,
}

/// The numbers one rule compared. Cheap to build (no strings): the human message is rendered
/// only when a verdict is reported ([`crate::analysis::RuleReport`] adds it), so replay and
/// benches pay nothing for it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RuleOutcome {
    pub rule: RuleName,
    pub status: RuleStatus,
    /// The value compared with the threshold (mean error rate, last latency, current
    /// conversion); null when the rule lacked data.
    pub observed: Option<f64>,
    pub threshold: Option<f64>,
    /// Points the rule read (for latency: the baseline points plus the last point).
    pub points: usize,
    /// Points the rule needs before it can judge.
    #[serde(default)]
    pub needed: usize,
    /// Latency only: the baseline mean and population standard deviation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub std_dev: Option<f64>,
    /// Conversion only: the baseline conversion rate and where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_source: Option<BaselineSource>,
    /// With a persistence guard: how many of the last `of` points were beyond the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond: Option<usize>,
    /// Rules with a `compare` section: how the rule judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Sequential comparisons: the effect, its interval, the evidence and the counts used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

impl RuleOutcome {
    pub(crate) fn new(rule: RuleName) -> Self {
        RuleOutcome {
            rule,
            status: RuleStatus::InsufficientData,
            observed: None,
            threshold: None,
            points: 0,
            needed: 0,
            mean: None,
            std_dev: None,
            baseline: None,
            baseline_source: None,
            beyond: None,
            method: None,
            comparison: None,
        }
    }

    /// The outcome of a rule whose metric the deployment never received.
    pub fn not_applicable(rule: RuleName) -> Self {
        let mut out = Self::new(rule);
        out.status = RuleStatus::NotApplicable;
        out
    }

    fn compared(mut self, observed: f64, threshold: f64, triggered: bool) -> Self {
        self.observed = Some(observed);
        self.threshold = Some(threshold);
        self.status = if triggered {
            RuleStatus::Triggered
        } else {
            RuleStatus::Passed
        };
        self
    }
}

/// How many of the last `of` points of `xs` are beyond `limit` (above, or below when `below`).
pub fn count_beyond(xs: &[f64], of: usize, limit: f64, below: bool) -> usize {
    xs[xs.len().saturating_sub(of)..]
        .iter()
        .filter(|&&x| if below { x < limit } else { x > limit })
        .count()
}

/// Rule 1: the mean of the last `window` error-rate points is above `threshold` percent (and,
/// with a persistence guard, at least `required` of the last `of` points are each above it).
pub fn error_rate(params: &ErrorRateParams, error_rate: &[f64]) -> RuleOutcome {
    let mut out = RuleOutcome::new(RuleName::ErrorRate);
    let guard_len = params.persistence.map_or(0, |p| p.of);
    out.needed = params.window.max(guard_len);
    if error_rate.len() < out.needed {
        out.points = error_rate.len();
        return out;
    }
    let recent = &error_rate[error_rate.len() - params.window..];
    out.points = out.needed;
    let mean = stats::mean(recent).expect("window >= 1");
    let mut fired = mean > params.threshold;
    if let Some(p) = params.persistence {
        let beyond = count_beyond(error_rate, p.of, params.threshold, false);
        out.beyond = Some(beyond);
        fired &= beyond >= p.required;
    }
    out.compared(mean, params.threshold, fired)
}

/// Rule 2: the last latency point is above mean + `sigmas` × σ of all points but the last
/// `exclude_recent` (σ is the population standard deviation, numpy's `ddof = 0`).
pub fn latency(params: &LatencyParams, latency: &[f64]) -> RuleOutcome {
    let mut out = RuleOutcome::new(RuleName::Latency);
    out.needed = params.exclude_recent + params.min_baseline_points;
    let base_len = latency.len().saturating_sub(params.exclude_recent);
    // The last point must exist as well as the baseline (with exclude_recent = 0 it is part of it).
    if base_len < params.min_baseline_points || latency.is_empty() {
        out.points = latency.len();
        return out;
    }
    let baseline = &latency[..base_len];
    let (mean, std) = match params.clip_sigmas {
        // Winsorized: defined by the sequential recurrence (replay runs the same one).
        Some(c) => {
            let (warm, rest) = baseline.split_at(params.min_baseline_points);
            let mut acc = stats::Welford::winsorized_start(warm, c);
            for &x in rest {
                acc.push_winsorized(x, c, 0);
            }
            (acc.mean, acc.std())
        }
        None => stats::mean_and_population_std(baseline).expect("non-empty"),
    };
    let last = latency[latency.len() - 1];
    let threshold = mean + params.sigmas * std;
    // Finite points can still overflow the sums (values near f64::MAX): a comparison with an
    // infinite or NaN limit means nothing, so the rule cannot judge. `points` stays the whole
    // series, which the message tells apart from a short one.
    if !(mean.is_finite() && std.is_finite() && threshold.is_finite()) {
        out.points = latency.len();
        return out;
    }
    out.points = base_len + usize::from(params.exclude_recent > 0);
    out.mean = Some(mean);
    out.std_dev = Some(std);
    let fired = match params.persistence {
        None => last > threshold,
        Some(p) => {
            let beyond = count_beyond(latency, p.of, threshold, false);
            out.beyond = Some(beyond);
            beyond >= p.required
        }
    };
    out.compared(last, threshold, fired)
}

/// Where the conversion rule finds its baseline.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ConversionBaseline<'a> {
    /// `baseline.conversion_rate` given by the caller: wins over any series.
    pub explicit: Option<f64>,
    /// Conversion points of the baseline cohort (the stable version).
    pub baseline_cohort: &'a [f64],
    /// Conversion points from before the deployment started.
    pub pre: &'a [f64],
}

impl ConversionBaseline<'_> {
    /// The baseline value and its source, by precedence: explicit, baseline cohort, pre.
    pub fn resolve(&self) -> Option<(f64, BaselineSource)> {
        if let Some(b) = self.explicit {
            return Some((b, BaselineSource::Explicit));
        }
        if let Some(b) = stats::mean(self.baseline_cohort) {
            return Some((b, BaselineSource::BaselineCohort));
        }
        stats::mean(self.pre).map(|b| (b, BaselineSource::Pre))
    }
}

/// Rule 3: the mean of the last `window` conversion points is below `min_ratio` × baseline.
pub fn conversion(
    params: &ConversionParams,
    conversion: &[f64],
    baseline: &ConversionBaseline<'_>,
) -> RuleOutcome {
    let mut out = RuleOutcome::new(RuleName::Conversion);
    out.needed = params.window.max(params.persistence.map_or(0, |p| p.of));
    let resolved = baseline.resolve();
    if let Some((value, source)) = resolved {
        out.baseline = Some(value);
        out.baseline_source = Some(source);
    }
    if conversion.len() < out.needed {
        out.points = conversion.len();
        return out;
    }
    let recent = &conversion[conversion.len() - params.window..];
    out.points = out.needed;
    let Some((base, _)) = resolved else {
        return out;
    };
    let current = stats::mean(recent).expect("window >= 1");
    let threshold = params.min_ratio * base;
    let mut fired = current < threshold;
    if let Some(p) = params.persistence {
        let beyond = count_beyond(conversion, p.of, threshold, true);
        out.beyond = Some(beyond);
        fired &= beyond >= p.required;
    }
    out.compared(current, threshold, fired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::policy::Policy;

    fn seed() -> Policy {
        Policy::seed()
    }

    #[test]
    fn error_rate_averages_only_the_window() {
        let p = seed().rules.error_rate;
        // An early burst outside the window does not count.
        let out = error_rate(&p, &[90.0, 90.0, 1.0, 2.0, 3.0]);
        assert_eq!(out.status, RuleStatus::Passed);
        assert_eq!(out.observed, Some(2.0));
        assert_eq!(out.points, 3);
        let out = error_rate(&p, &[0.4, 0.7, 6.2, 5.9, 6.2]);
        assert_eq!(out.status, RuleStatus::Triggered);
    }

    #[test]
    fn error_rate_exactly_at_the_threshold_passes() {
        let p = seed().rules.error_rate;
        assert_eq!(error_rate(&p, &[5.0, 5.0, 5.0]).status, RuleStatus::Passed);
        assert_eq!(
            error_rate(&p, &[5.0, 5.0, 5.000001]).status,
            RuleStatus::Triggered
        );
    }

    #[test]
    fn error_rate_below_the_window_is_insufficient() {
        let p = seed().rules.error_rate;
        for series in [&[][..], &[50.0], &[50.0, 50.0]] {
            let out = error_rate(&p, series);
            assert_eq!(out.status, RuleStatus::InsufficientData);
            assert_eq!(
                (out.observed, out.points, out.needed),
                (None, series.len(), 3)
            );
        }
    }

    #[test]
    fn latency_compares_the_last_point_with_the_older_points_only() {
        let p = seed().rules.latency;
        // Baseline 100, 200 → mean 150, σ 50, limit 250. The five recent points are ignored.
        let out = latency(&p, &[100.0, 200.0, 9e3, 9e3, 9e3, 9e3, 251.0]);
        assert_eq!(out.status, RuleStatus::Triggered);
        assert_eq!(
            (out.mean, out.std_dev, out.threshold),
            (Some(150.0), Some(50.0), Some(250.0))
        );
        assert_eq!(out.points, 3);
        let out = latency(&p, &[100.0, 200.0, 9e3, 9e3, 9e3, 9e3, 250.0]);
        assert_eq!(
            out.status,
            RuleStatus::Passed,
            "exactly at mean + 2σ passes"
        );
    }

    #[test]
    fn latency_whose_statistics_overflow_cannot_judge() {
        let p = seed().rules.latency;
        let out = latency(&p, &[1.7e308; 12]);
        assert_eq!(out.status, RuleStatus::InsufficientData);
        assert_eq!((out.points, out.mean, out.threshold), (12, None, None));
    }

    #[test]
    fn latency_with_a_constant_baseline_has_zero_spread() {
        let p = seed().rules.latency;
        let mut series = vec![200.0; 30];
        series.push(200.0);
        assert_eq!(latency(&p, &series).status, RuleStatus::Passed);
        *series.last_mut().unwrap() = 200.000001;
        let out = latency(&p, &series);
        assert_eq!(
            (out.status, out.std_dev),
            (RuleStatus::Triggered, Some(0.0))
        );
    }

    #[test]
    fn latency_needs_min_baseline_points_after_the_recent_ones() {
        let p = seed().rules.latency;
        for n in 0..7 {
            let out = latency(&p, &vec![100.0; n]);
            assert_eq!(out.status, RuleStatus::InsufficientData, "n = {n}");
            assert_eq!(out.needed, 7);
        }
        assert_eq!(latency(&p, &[100.0; 7]).status, RuleStatus::Passed);
    }

    #[test]
    fn latency_without_exclusion_includes_the_last_point_in_its_own_baseline() {
        let mut p = seed().rules.latency;
        p.exclude_recent = 0;
        p.min_baseline_points = 2;
        // mean 200, σ 100 over [100, 300]: 300 is not above 400.
        let out = latency(&p, &[100.0, 300.0]);
        assert_eq!(
            (out.status, out.threshold, out.points),
            (RuleStatus::Passed, Some(400.0), 2)
        );
    }

    #[test]
    fn latency_on_a_very_long_series_stays_exact() {
        let p = seed().rules.latency;
        let mut series: Vec<f64> = (0..200_000).map(|i| 1e6 + (i % 2) as f64).collect();
        series.push(1e6 + 2.0 - 1e-6);
        // mean 1e6 + 0.5, σ 0.5 → limit 1e6 + 1.5.
        let out = latency(&p, &series);
        assert_eq!(out.status, RuleStatus::Triggered);
        assert!((out.threshold.unwrap() - (1e6 + 1.5)).abs() < 1e-6);
    }

    #[test]
    fn conversion_baseline_precedence_is_explicit_then_cohort_then_pre() {
        let both = ConversionBaseline {
            explicit: Some(0.5),
            baseline_cohort: &[0.2],
            pre: &[0.1],
        };
        assert_eq!(both.resolve(), Some((0.5, BaselineSource::Explicit)));
        let cohort = ConversionBaseline {
            explicit: None,
            ..both
        };
        assert_eq!(
            cohort.resolve(),
            Some((0.2, BaselineSource::BaselineCohort))
        );
        let pre = ConversionBaseline {
            baseline_cohort: &[],
            ..cohort
        };
        assert_eq!(pre.resolve(), Some((0.1, BaselineSource::Pre)));
        assert_eq!(ConversionBaseline::default().resolve(), None);
    }

    #[test]
    fn conversion_triggers_strictly_below_the_ratio() {
        let p = seed().rules.conversion;
        let base = ConversionBaseline {
            explicit: Some(0.5),
            ..Default::default()
        };
        assert_eq!(
            conversion(&p, &[0.1, 0.4], &base).status,
            RuleStatus::Passed
        );
        let out = conversion(&p, &[0.5, 0.39], &base);
        assert_eq!(
            (out.status, out.observed, out.threshold),
            (RuleStatus::Triggered, Some(0.39), Some(0.4))
        );
    }

    #[test]
    fn conversion_without_points_or_baseline_is_insufficient() {
        let p = seed().rules.conversion;
        let none = ConversionBaseline::default();
        assert_eq!(
            conversion(&p, &[0.01], &none).status,
            RuleStatus::InsufficientData
        );
        let base = ConversionBaseline {
            pre: &[0.03, 0.05],
            ..Default::default()
        };
        let out = conversion(&p, &[], &base);
        assert_eq!(out.status, RuleStatus::InsufficientData);
        assert_eq!(out.baseline, Some(0.04));
    }
}

//! The `compare` rules: the canary against the baseline cohort at the same minutes, with the
//! sequential tests of [`super::sequential`].
//!
//! Each rule pairs the canary's points with the baseline's at equal timestamps (or, for series
//! without times, at equal positions) and picks its method from the data it has:
//!
//! | rule | baseline cohort, both with counts | baseline cohort, values only | no baseline cohort |
//! |---|---|---|---|
//! | error rate | errors as counts ([`CountRatio`], `R <= 1`), margin in points | difference in points ([`Betting`]) | counts: against `threshold` ([`FixedRate`]); values: the threshold rule |
//! | latency | per minute: with `nearest_rank` and the canary's p99 a maximum (≤ 99 requests), whether it exceeds (1 + margin) × the baseline's against its exact null chance; else the log ratio of p99s ([`LatencyBet`]) | log ratio of p99s ([`Betting`]), margin as a fraction | a level-shift detector against the canary's own past ([`LevelShift`]) |
//! | conversion | conversions as counts ([`CountRatio`], `R >= min_ratio`) | log ratio ([`Betting`]) | counts and a reference rate: [`FixedRate`]; else the window rule |
//!
//! A [`RuleState`] consumes the canary's points one at a time, so the replay engine advances it
//! step by step at O(1) amortized cost and [`evaluate_rule`] runs the same recurrence over a whole
//! prefix: both give the same outcome for the same prefix by construction.
//!
//! What the guarantee assumes, per method (the chance of *ever* rolling back a canary that is no
//! worse is then at most the rule's share of `alpha`):
//! - counts against the baseline: within each minute, requests (sessions) fail (convert)
//!   independently, with canary and baseline probabilities whose ratio is at most 1 (errors) or at
//!   least `min_ratio` (conversion); the probabilities may drift and jump together freely. Events
//!   clustered within a minute (one client retrying) break independence.
//! - latency, counts on both and `nearest_rank` declared: per minute, by the canary's requests
//!   `n_c` (see [`LatencyBet`]). With `n_c <= 99` the minute's nearest-rank p99 is the maximum of its requests; the null is
//!   that, within the minute, the canary's request latencies are independent and stochastically
//!   no larger than `1 + margin` times the baseline's (independent too), so the chance that the
//!   canary's p99 exceeds `1 + margin` times the baseline's is at most
//!   [`max_exceeds_p99`]`(n_c, n_b)`, whatever the distribution. It assumes p99s computed by
//!   nearest rank from the minute's own requests, which the policy must declare: p99s that are
//!   unbiased whatever the count (interpolated, from a histogram or sketch, over a longer
//!   window) exceed the baseline's far more often than that chance, and `tests/it/compare.rs`'s
//!   healthy corpus, which draws them so, is rolled back 14 % of the time with it. A canary whose own latency wanders above the margin for several minutes (a slow
//!   node) violates it, as it violates the log ratio's null below. From 100 requests on, the
//!   log ratio as below.
//! - values against the baseline: given the earlier minutes, the minute's statistic — canary
//!   minus baseline error rate less the margin, or the log ratio of p99s less log(1 + margin) — is
//!   symmetric about a point at or below 0 (true when canary and baseline are exchangeable, as
//!   two copies of the same code are). Canary-specific autocorrelation (a slow canary node for
//!   ten minutes) weakens it; the margin and the clipping of each minute's statistic keep such
//!   runs from adding up, and the production-shaped corpus measures what remains.
//! - counts against a reference rate: trials independent with probability at most (at least) the
//!   reference in every minute; the reference is taken as exact.
//! - the threshold fallbacks carry no such guarantee: they are `guarded`'s rules.
//! - latency without a baseline cohort ([`Method::OwnPastShift`]): no exact guarantee either; a
//!   CUSUM pre-whitened for AR(1) autocorrelation, calibrated by simulation on the synthetic
//!   and production-shaped corpora (see [`super::own_past`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::own_past::{self, LevelShift};
use super::policy::{ConversionParams, ErrorRateParams, LatencyParams, Policy};
use super::rules::{RuleName, RuleOutcome, RuleStatus};
use super::sequential::{
    Betting, CountRatio, FixedRate, LatencyBet, SeriesMean, Worse, cs_half_width, max_exceeds_p99,
};

/// One cohort's series of one metric, borrowed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SeriesView<'a> {
    pub values: &'a [f64],
    pub times: Option<&'a [DateTime<Utc>]>,
    /// The requests (sessions) behind each value, when every point carries one.
    pub counts: Option<&'a [u64]>,
}

impl<'a> SeriesView<'a> {
    /// The first `n` points.
    pub fn prefix(&self, n: usize) -> SeriesView<'a> {
        let n = n.min(self.values.len());
        SeriesView {
            values: &self.values[..n],
            times: self.times.map(|t| &t[..n.min(t.len())]),
            counts: self.counts.map(|c| &c[..n.min(c.len())]),
        }
    }
}

/// What a `compare` rule reads of one metric: the canary's series, the baseline cohort's, and a
/// fixed reference rate where the rule has one (conversion: `baseline.conversion_rate` or the
/// mean of the `pre` cohort).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MetricInputs<'a> {
    pub canary: SeriesView<'a>,
    pub baseline: SeriesView<'a>,
    pub reference: Option<f64>,
    /// Whether any cohort other than the canary holds a point of this metric.
    pub seen_elsewhere: bool,
}

/// How a `compare` rule judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Canary against baseline, as counts of events among requests or sessions.
    CountsVsBaseline,
    /// Canary against baseline, value against value at each minute.
    ValuesVsBaseline,
    /// The canary's counts against a fixed rate (the error threshold, a reference conversion).
    CountsVsReference,
    /// No baseline cohort: the threshold rule, against the canary's own past.
    OwnPast,
    /// No baseline cohort for latency: a level-shift detector against the canary's own past,
    /// with its autocorrelation and drift modelled (`analysis::own_past`).
    OwnPastShift,
}

/// The numbers behind a sequential comparison.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comparison {
    /// The canary's value over the compared minutes: error rate in percent, p99 in ms (geometric
    /// mean), conversion as a fraction.
    pub canary: f64,
    /// The baseline's (or the reference's), in the same unit.
    pub baseline: f64,
    /// The effect: percentage points for the error rate, the ratio canary / baseline for latency
    /// and conversion.
    pub effect: f64,
    /// A time-uniform confidence interval for the effect, valid at the moment of asking
    /// (asymptotic; see `analysis::sequential::cs_half_width`).
    pub effect_low: f64,
    pub effect_high: f64,
    /// The largest value the test's e-process has reached; the rule triggers at `evidence_needed`.
    pub evidence: f64,
    /// `1 / (alpha / rules)`: the bound Ville's inequality puts on a healthy canary.
    pub evidence_needed: f64,
    /// Minutes compared (paired with the baseline, or with counts against the reference).
    pub minutes: usize,
    /// Canary requests (sessions) and events (errors, conversions), when judged as counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary_events: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_events: Option<u64>,
    /// Conversion compared as values (no counts): the canary's minutes whose conversion was 0.
    /// While they are more than 10 % of the minutes before, the rule does not bet: a canary
    /// with so few sessions a minute reads 0 most minutes, which a comparison of values would
    /// take for a drop (send `count` to judge it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_minutes: Option<usize>,
}

/// The scale each paired value statistic is divided by before clipping to [-1, 1]: 5 points of
/// error rate, and 0.5 in log ratio (a factor of 1.65) for conversion (latency's is the policy's
/// `clip`). Larger single minutes (spikes) count no more than this.
const ERROR_POINTS_SCALE: f64 = 5.0;
const LOG_RATIO_SCALE: f64 = 0.5;
/// Added to conversion rates before taking their log ratio, so a minute without conversions is
/// not infinitely bad.
const CONVERSION_FLOOR: f64 = 1e-4;
/// Conversion compared as values bets only while at most this share of the canary's earlier
/// minutes read 0. A minute's conversion rate from a handful of sessions is mostly 0, and its
/// log ratio to the baseline's (from 5–20× the sessions) is then biased far toward "lower"
/// whatever the true rates: on the production-shaped corpus without counts (`prod_corpus
/// --no-counts`, seeds 1 and 11; 2,839 healthy deployments) the comparison rolled back 210 of
/// them on conversion, all below 300 requests a minute, and none with this gate; at 0.2 or 0.02
/// none either, with 62 and 52 conversion drops caught of 400 against 57 at 0.1.
pub const SPARSE_SHARE: f64 = 0.1;
/// Up to this many requests a minute, a nearest-rank p99 (the `⌈0.99 n⌉`-th smallest) is the
/// maximum (at 100 it is the second largest).
const MAX_IS_P99: u64 = 99;

#[derive(Clone, Copy, Debug)]
enum Test {
    Counts(CountRatio),
    Fixed(FixedRate),
    Values {
        bet: Betting,
        /// Latency's bets, which read the counts too (`bet` is then unused).
        latency: Option<LatencyBet>,
        /// The minutes' statistic `d` (for the report's effect and interval).
        diffs: SeriesMean,
        /// Σ canary value transform, Σ baseline value transform (for the report).
        levels: [f64; 2],
        /// Canary minutes whose value was 0 (conversion: a minute of too few sessions).
        zeros: usize,
    },
    /// Latency without a baseline cohort: the canary against its own past.
    OwnPast(LevelShift),
}

/// The events behind a rate value with its count: errors from a percentage, conversions from a
/// fraction.
fn events(rule: RuleName, value: f64, count: u64) -> u64 {
    let fraction = if rule == RuleName::ErrorRate {
        value / 100.0
    } else {
        value
    };
    // `count as f64` rounds a count near i64::MAX up: the `min` keeps events within the count.
    ((fraction * count as f64).round().max(0.0) as u64).min(count)
}

/// The variance of a proportion's estimate from `x` events in `n` trials, with one event and one
/// non-event added (Agresti & Caffo, "Simple and effective confidence intervals for proportions
/// and differences of proportions result from adding two successes and two failures", The
/// American Statistician 54, 2000): never 0, so 0 errors in 15 requests is not read as a rate
/// known to be 0.
fn plus_one_variance(x: u64, n: u64) -> f64 {
    let n = n as f64 + 2.0;
    let p = (x as f64 + 1.0) / n;
    p * (1.0 - p) / n
}

/// The log of a ratio of two proportions (`x_c/n_c` over `x_b/n_b`) and its standard error,
/// with half an event added to every count: Katz's log interval (Katz, Baptista, Azen & Pike,
/// Biometrics 34, 1978) with Haldane's correction (Pettigrew, Gart & Thomas, "The bias and
/// higher cumulants of the logarithm of a binomial variate", Biometrika 73, 1986), so that no
/// conversion among a few sessions is not read as a ratio known to be 0.
fn halved_log_ratio(xc: u64, nc: u64, xb: u64, nb: u64) -> (f64, f64) {
    let [xc, nc, xb, nb] = [xc, nc, xb, nb].map(|v| v as f64 + 0.5);
    let log_ratio = (xc / nc).ln() - (xb / nb).ln();
    // x <= n, so each term is at least 0.
    let se = (1.0 / xc - 1.0 / nc + 1.0 / xb - 1.0 / nb).max(0.0).sqrt();
    (log_ratio, se)
}

/// The parameters a compare rule needs, drawn from its policy section.
#[derive(Clone, Copy, Debug)]
struct Params {
    rule: RuleName,
    /// Error rate: margin in points. Latency: margin as a fraction. Conversion: `min_ratio`.
    margin: f64,
    min_points: usize,
    /// Minimum canary requests or sessions (counts methods).
    min_count: u64,
    /// Error rate: the threshold in percent (the reference without a baseline cohort).
    threshold: f64,
    /// The scale of one minute's statistic before clipping to [-1, 1].
    scale: f64,
    /// Latency: the p99s are nearest-rank p99s of each minute's requests.
    nearest_rank: bool,
    alpha: f64,
}

/// One `compare` rule's state over a growing canary prefix.
#[derive(Clone, Copy, Debug)]
pub struct RuleState<'a> {
    params: Params,
    inputs: MetricInputs<'a>,
    method: Method,
    test: Test,
    /// Canary points consumed; baseline points passed over.
    consumed: usize,
    cursor: usize,
    minutes: usize,
    fired: bool,
}

/// The share of `alpha` each enabled rule spends.
pub fn alpha_per_rule(policy: &Policy) -> f64 {
    let rules = RuleName::enabled(&policy.rules).count().max(1);
    policy.alpha / rules as f64
}

impl<'a> RuleState<'a> {
    /// The state for `rule` when its policy section has `compare` and the data allow a sequential
    /// method; `None` means the rule's threshold fallback judges (against the canary's own past).
    pub fn new(policy: &Policy, rule: RuleName, inputs: MetricInputs<'a>) -> Option<Self> {
        let alpha = alpha_per_rule(policy);
        let r = &policy.rules;
        let params = match rule {
            RuleName::ErrorRate => {
                let ErrorRateParams {
                    compare, threshold, ..
                } = &r.error_rate;
                let c = compare.as_ref()?;
                Params {
                    rule,
                    margin: c.margin,
                    min_points: c.min_points,
                    min_count: c.min_requests as u64,
                    threshold: *threshold,
                    scale: ERROR_POINTS_SCALE,
                    nearest_rank: false,
                    alpha,
                }
            }
            RuleName::Latency => {
                let LatencyParams { compare, .. } = &r.latency;
                let c = compare.as_ref()?;
                Params {
                    rule,
                    margin: c.margin,
                    min_points: c.min_points,
                    min_count: 0,
                    threshold: 0.0,
                    scale: c.clip,
                    nearest_rank: c.nearest_rank,
                    alpha,
                }
            }
            RuleName::Conversion => {
                let ConversionParams {
                    compare, min_ratio, ..
                } = &r.conversion;
                let c = compare.as_ref()?;
                Params {
                    rule,
                    margin: *min_ratio,
                    min_points: c.min_points,
                    min_count: c.min_sessions as u64,
                    threshold: 0.0,
                    scale: LOG_RATIO_SCALE,
                    nearest_rank: false,
                    alpha,
                }
            }
        };
        let has_baseline = !inputs.baseline.values.is_empty();
        let counted = inputs.canary.counts.is_some();
        let worse = if rule == RuleName::Conversion {
            Worse::Lower
        } else {
            Worse::Higher
        };
        let (method, test) = match rule {
            RuleName::Latency if has_baseline => (
                Method::ValuesVsBaseline,
                Test::Values {
                    bet: Betting::default(),
                    latency: Some(LatencyBet::default()),
                    diffs: SeriesMean::default(),
                    levels: [0.0; 2],
                    zeros: 0,
                },
            ),
            RuleName::Latency => (
                Method::OwnPastShift,
                Test::OwnPast(LevelShift::new(params.margin)),
            ),
            _ if has_baseline && counted && inputs.baseline.counts.is_some() => {
                let ratio = if rule == RuleName::Conversion {
                    params.margin
                } else {
                    1.0
                };
                (
                    Method::CountsVsBaseline,
                    Test::Counts(CountRatio::new(ratio, worse)),
                )
            }
            _ if has_baseline => (Method::ValuesVsBaseline, Test::values()),
            RuleName::ErrorRate if counted => (
                Method::CountsVsReference,
                Test::Fixed(FixedRate::new(params.threshold / 100.0, worse)),
            ),
            RuleName::Conversion if counted => {
                let reference = inputs.reference?;
                (
                    Method::CountsVsReference,
                    Test::Fixed(FixedRate::new(params.margin * reference, worse)),
                )
            }
            _ => return None,
        };
        Some(RuleState {
            params,
            inputs,
            method,
            test,
            consumed: 0,
            cursor: 0,
            minutes: 0,
            fired: false,
        })
    }

    /// The baseline point paired with canary point `i`: the one at the same time (or position).
    fn partner(&mut self, i: usize) -> Option<usize> {
        let base = &self.inputs.baseline;
        match (self.inputs.canary.times, base.times) {
            (Some(ct), Some(bt)) => {
                let t = ct[i];
                while self.cursor < bt.len() && bt[self.cursor] < t {
                    self.cursor += 1;
                }
                (self.cursor < bt.len() && bt[self.cursor] == t).then_some(self.cursor)
            }
            (None, None) => (i < base.values.len()).then_some(i),
            // One cohort timed and the other not: nothing lines up.
            _ => None,
        }
    }

    /// Consumes canary points up to the first `n`.
    pub fn advance(&mut self, n: usize) {
        let n = n.min(self.inputs.canary.values.len());
        while self.consumed < n {
            let i = self.consumed;
            self.consumed += 1;
            self.push(i);
        }
    }

    fn push(&mut self, i: usize) {
        let p = self.params;
        let canary = self.inputs.canary;
        let c = canary.values[i];
        let nc = canary.counts.and_then(|k| k.get(i).copied());
        // The paired tests read the baseline point at the same minute; without one, no minute.
        let baseline = match self.test {
            Test::Fixed(_) | Test::OwnPast(_) => None,
            Test::Counts(_) | Test::Values { .. } => {
                let Some(j) = self.partner(i) else { return };
                let base = self.inputs.baseline;
                Some((base.values[j], base.counts.and_then(|k| k.get(j).copied())))
            }
        };
        let seen = self.minutes;
        match (&mut self.test, baseline) {
            (Test::Fixed(t), _) => {
                // Chosen only with counts on every canary point; a short column skips the minute.
                let Some(n) = nc else { return };
                t.push(events(p.rule, c, n), n);
            }
            (Test::OwnPast(t), _) => {
                // A minute without requests, or without a positive p99, has no log p99.
                if nc == Some(0) || !(c.is_finite() && c > 0.0) {
                    return;
                }
                t.push(c);
                self.minutes += 1;
                self.fired = t.fired();
                return;
            }
            (Test::Counts(t), Some((b, nb))) => {
                let (Some(nc), Some(nb)) = (nc, nb) else {
                    return;
                };
                t.push(events(p.rule, c, nc), nc, events(p.rule, b, nb), nb);
            }
            (
                Test::Values {
                    bet,
                    latency,
                    diffs,
                    levels,
                    zeros,
                },
                Some((b, nb)),
            ) => {
                // A minute with no requests on either side has no value to compare.
                if nc == Some(0) || nb == Some(0) {
                    return;
                }
                let (d, tc, tb) = match p.rule {
                    RuleName::ErrorRate => (c - b, c, b),
                    RuleName::Latency => {
                        if c <= 0.0 || b <= 0.0 {
                            return;
                        }
                        (c.ln() - b.ln(), c.ln(), b.ln())
                    }
                    RuleName::Conversion => {
                        let (lc, lb) = ((c + CONVERSION_FLOOR).ln(), (b + CONVERSION_FLOOR).ln());
                        (lc - lb, c, b)
                    }
                };
                let z = match p.rule {
                    RuleName::ErrorRate => (d - p.margin) / p.scale,
                    RuleName::Latency => (d - p.margin.ln_1p()) / p.scale,
                    RuleName::Conversion => (p.margin.ln() - d) / p.scale,
                };
                match latency {
                    // The canary's p99 is its maximum (nearest rank, as the policy declares):
                    // judge whether it exceeded the baseline's by the margin, against the chance
                    // it would by itself.
                    Some(latency) => match (nc, nb) {
                        (Some(nc), Some(nb)) if p.nearest_rank && nc <= MAX_IS_P99 => {
                            let q = max_exceeds_p99(nc, nb).unwrap_or(1.0);
                            latency.push_exceedance(z > 0.0, q);
                        }
                        _ => latency.push_ratio(z),
                    },
                    None if p.rule == RuleName::Conversion => {
                        let dense = seen > 0 && (*zeros as f64) <= SPARSE_SHARE * seen as f64;
                        bet.push_gated(z, dense);
                        *zeros += usize::from(c == 0.0);
                    }
                    None => bet.push(z),
                }
                diffs.push(d);
                levels[0] += tc;
                levels[1] += tb;
            }
            // A paired test always has its partner here (it returned above otherwise).
            (Test::Counts(_) | Test::Values { .. }, None) => return,
        }
        self.minutes += 1;
        if self.enough() && !self.fired {
            let crossed = self.evidence().value() >= 1.0 / p.alpha;
            let beyond_margin = match &self.test {
                Test::Counts(t) if p.rule == RuleName::ErrorRate => {
                    let (rc, rb) = t.recent_rates();
                    100.0 * (rc - rb) > p.margin
                }
                _ => true,
            };
            self.fired = crossed && beyond_margin;
        }
    }

    fn evidence(&self) -> super::sequential::Evidence {
        match &self.test {
            Test::Counts(t) => t.evidence(),
            Test::Fixed(t) => t.evidence(),
            Test::Values {
                latency: Some(l), ..
            } => l.evidence,
            Test::Values { bet, .. } => bet.evidence,
            // Not an e-process: its CUSUM is reported by `own_past_outcome`.
            Test::OwnPast(_) => super::sequential::Evidence::default(),
        }
    }

    /// Whether the minimum samples are in.
    fn enough(&self) -> bool {
        let p = self.params;
        let count_ok = match &self.test {
            Test::Counts(t) => t.totals[1] >= p.min_count,
            Test::Fixed(t) => t.totals[1] >= p.min_count,
            Test::Values { .. } => true,
            Test::OwnPast(t) => return t.ready(),
        };
        count_ok && self.minutes >= p.min_points
    }

    pub fn status(&self) -> RuleStatus {
        if self.fired {
            RuleStatus::Triggered
        } else if self.enough() {
            RuleStatus::Passed
        } else {
            RuleStatus::InsufficientData
        }
    }

    /// The reported outcome, with the comparison's numbers.
    pub fn outcome(&self) -> RuleOutcome {
        let p = self.params;
        let mut out = RuleOutcome::new(p.rule);
        out.status = self.status();
        out.method = Some(self.method);
        out.points = self.minutes;
        out.needed = p.min_points;
        let evidence_needed = 1.0 / p.alpha;
        let evidence = self.evidence().peak();
        let comparison = match &self.test {
            Test::Counts(t) => {
                let [xc, nc, xb, nb] = t.totals;
                let (pc, pb) = (
                    super::sequential::ratio_or_zero_u(xc, nc),
                    super::sequential::ratio_or_zero_u(xb, nb),
                );
                let t_eff = nc as f64;
                let (effect, low, high, scale) = if p.rule == RuleName::ErrorRate {
                    let se = (plus_one_variance(xc, nc) + plus_one_variance(xb, nb)).sqrt();
                    let h = cs_half_width(se, t_eff, p.alpha);
                    let d = pc - pb;
                    (100.0 * d, 100.0 * (d - h), 100.0 * (d + h), 100.0)
                } else {
                    let ratio = (pc + 1e-12) / (pb + 1e-12);
                    let (log_ratio, se) = halved_log_ratio(xc, nc, xb, nb);
                    let h = cs_half_width(se, t_eff, p.alpha);
                    (ratio, (log_ratio - h).exp(), (log_ratio + h).exp(), 1.0)
                };
                Comparison {
                    canary: scale * pc,
                    baseline: scale * pb,
                    effect,
                    effect_low: low,
                    effect_high: high,
                    evidence,
                    evidence_needed,
                    minutes: self.minutes,
                    canary_count: Some(nc),
                    canary_events: Some(xc),
                    baseline_count: Some(nb),
                    baseline_events: Some(xb),
                    zero_minutes: None,
                }
            }
            Test::Fixed(t) => {
                let [x, n] = t.totals;
                let rate = super::sequential::ratio_or_zero_u(x, n);
                let se = plus_one_variance(x, n).sqrt();
                let h = cs_half_width(se, n as f64, p.alpha);
                let p0 = t.p0();
                let (effect, low, high, scale, reference) = if p.rule == RuleName::ErrorRate {
                    (
                        100.0 * (rate - p0),
                        100.0 * (rate - h - p0),
                        100.0 * (rate + h - p0),
                        100.0,
                        p0,
                    )
                } else {
                    // Conversion: the fixed rate is min_ratio × reference; report against the
                    // reference itself.
                    let reference = p0 / p.margin;
                    (
                        rate / reference,
                        (rate - h).max(0.0) / reference,
                        (rate + h) / reference,
                        1.0,
                        reference,
                    )
                };
                Comparison {
                    canary: scale * rate,
                    baseline: scale * reference,
                    effect,
                    effect_low: low,
                    effect_high: high,
                    evidence,
                    evidence_needed,
                    minutes: self.minutes,
                    canary_count: Some(n),
                    canary_events: Some(x),
                    baseline_count: None,
                    baseline_events: None,
                    zero_minutes: None,
                }
            }
            Test::OwnPast(t) => return self.own_past_outcome(t),
            Test::Values {
                diffs,
                levels,
                zeros,
                ..
            } => {
                let m = self.minutes.max(1) as f64;
                let [sc, sb] = *levels;
                let mean = diffs.mean();
                // Autocorrelated minutes, and few of them, widen the interval (see SeriesMean).
                let h = cs_half_width(diffs.std_err(p.scale), m, p.alpha);
                let (canary, baseline, effect, low, high) = match p.rule {
                    RuleName::ErrorRate => (sc / m, sb / m, mean, mean - h, mean + h),
                    RuleName::Latency => (
                        (sc / m).exp(),
                        (sb / m).exp(),
                        mean.exp(),
                        (mean - h).exp(),
                        (mean + h).exp(),
                    ),
                    RuleName::Conversion => (
                        sc / m,
                        sb / m,
                        mean.exp(),
                        (mean - h).exp(),
                        (mean + h).exp(),
                    ),
                };
                Comparison {
                    canary,
                    baseline,
                    effect,
                    effect_low: low,
                    effect_high: high,
                    evidence,
                    evidence_needed,
                    minutes: self.minutes,
                    canary_count: None,
                    canary_events: None,
                    baseline_count: None,
                    baseline_events: None,
                    zero_minutes: (p.rule == RuleName::Conversion).then_some(*zeros),
                }
            }
        };
        if self.minutes > 0 {
            out.observed = Some(comparison.canary);
            out.threshold = Some(match p.rule {
                RuleName::ErrorRate if self.method == Method::CountsVsReference => p.threshold,
                RuleName::ErrorRate => comparison.baseline + p.margin,
                RuleName::Latency => comparison.baseline * (1.0 + p.margin),
                RuleName::Conversion => comparison.baseline * p.margin,
            });
            out.comparison = Some(comparison);
        }
        out
    }
}

impl RuleState<'_> {
    /// The outcome of the own-past latency detector: the recent p99 against the reference level
    /// from the canary's earlier minutes, and the CUSUM against its threshold.
    fn own_past_outcome(&self, t: &LevelShift) -> RuleOutcome {
        let p = self.params;
        let mut out = RuleOutcome::new(p.rule);
        out.status = self.status();
        out.method = Some(self.method);
        out.points = self.minutes;
        out.needed = own_past::WARM_UP + 1;
        if !t.ready() {
            return out;
        }
        let reference = t.reference_ms();
        let ratio = t.recent_ratio();
        let recent = t.recent_points();
        // The mean of `recent` log deviations of an AR(1) has about s²κ/recent for its variance;
        // the interval is as approximate as that model (see `analysis::own_past`).
        let se = t.scale() * (t.long_run_factor() / recent as f64).sqrt();
        let h = cs_half_width(se, recent as f64, p.alpha);
        let comparison = Comparison {
            canary: reference * ratio,
            baseline: reference,
            effect: ratio,
            effect_low: ratio * (-h).exp(),
            effect_high: ratio * h.exp(),
            evidence: t.peak(),
            evidence_needed: own_past::THRESHOLD,
            minutes: t.judged(),
            canary_count: None,
            canary_events: None,
            baseline_count: None,
            baseline_events: None,
            zero_minutes: None,
        };
        out.observed = Some(comparison.canary);
        out.threshold = Some(reference * (1.0 + t.margin()));
        out.comparison = Some(comparison);
        out
    }
}

impl Test {
    fn values() -> Self {
        Test::Values {
            bet: Betting::default(),
            latency: None,
            diffs: SeriesMean::default(),
            levels: [0.0; 2],
            zeros: 0,
        }
    }
}

/// Whether the deployment has received `rule`'s metric in any cohort, as far as `inputs` show.
pub fn seen(inputs: &MetricInputs<'_>) -> bool {
    !inputs.canary.values.is_empty() || inputs.seen_elsewhere
}

/// The `compare` outcome of `rule` over the whole of `inputs`, or `None` when the rule falls back
/// to its threshold form.
pub fn evaluate_rule(
    policy: &Policy,
    rule: RuleName,
    inputs: MetricInputs<'_>,
) -> Option<RuleOutcome> {
    let mut state = RuleState::new(policy, rule, inputs)?;
    state.advance(inputs.canary.values.len());
    Some(state.outcome())
}

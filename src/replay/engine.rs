//! The replay engine: walks one deployment's series step by step, as a controller polling it
//! would have, and finds the first step at which a policy says `rollback`.
//!
//! Per-step cost is O(1) amortised. The error-rate and conversion rules read a fixed window of
//! recent points (O(window)); the latency rule's baseline (all points but the last
//! `exclude_recent`) grows by at most one point per step and is kept in a Welford accumulator
//! that lags the series by `exclude_recent` points.
//!
//! Exactness: the verdict at every step equals what [`crate::analysis::evaluate`] returns for
//! that prefix.
//! - A winsorized baseline (`clip_sigmas`, as in `guarded`) is *defined* by Welford's sequential
//!   recurrence, which the engine runs in the same order: its threshold is the rule's, bit for
//!   bit, and no step needs more.
//! - Otherwise the rule uses the two-pass (numpy-order) mean and σ. Welford's threshold differs
//!   from it by far less than [`TIE_BAND`] × (|mean| + kσ) — `tests` check < 1e-10 on long series
//!   with large offsets — so only when a tested point lies within that band of the threshold does
//!   the engine need the exact value. It computes that in O(log n) or O(1) where it can: for a
//!   baseline whose points are all the same value (a flat series, the usual way to sit on one's
//!   own threshold at every step) by [`stats::mean_and_population_std_of_copies`], and for whole
//!   numbers whose numpy statistics are themselves exact (exact ties such as 100, 200, 100, …
//!   under one sigma) from exact running sums ([`stats::IntegerSums`]). Any other baseline that a
//!   tested point ties within the band needs the exact two-pass rule, O(n). Such steps are a
//!   chance of about 1e-9 each on real data, but a crafted series can hit one at every other
//!   step; the engine therefore allows the fallback [`EXACT_WORK_FREE`] point reads plus
//!   [`EXACT_WORK_PER_STEP`] per step walked, and past that refuses the deployment
//!   ([`ReplayError::NearTies`]) rather than walk quadratically. The cost per step is O(1)
//!   amortised on every input, and every answer given is exact.

use chrono::{DateTime, Duration, Utc};

use crate::analysis::compare::RuleState;
use crate::analysis::policy::LatencyParams;
use crate::analysis::rules::{self, ConversionBaseline};
use crate::analysis::stats::{self, Welford};
use crate::analysis::verdict::{combine, required};
use crate::analysis::{Decision, Inputs, Policy, RuleName, RuleStatus, Series};

/// Relative width of the band around the latency threshold inside which the engine falls back
/// to the exact two-pass computation.
pub const TIE_BAND: f64 = 1e-9;

/// When a simulated controller asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Polling {
    /// At every `n`-th step (1 = every point).
    EveryPoints(usize),
    /// Every interval after the first point (needs timestamps): at each poll the prefix is every
    /// point at or before the poll time.
    Interval(Duration),
}

impl Default for Polling {
    fn default() -> Self {
        Polling::EveryPoints(1)
    }
}

/// The first rollback a policy would have ordered.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// 1-based step: the number of points in the prefix (of the longest series, or of the
    /// timeline of distinct timestamps when every series is timed).
    pub step: usize,
    /// The timestamp of that step's last point, when the series carry times.
    pub at: Option<DateTime<Utc>>,
    /// The first rule that triggered, in rule order.
    pub rule: RuleName,
}

/// One step of a deployment's timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Step {
    number: usize,
    ts: Option<DateTime<Utc>>,
    /// Prefix lengths of the error-rate, latency and conversion series.
    lens: [usize; 3],
}

/// The steps of a deployment: distinct timestamps when every non-empty series is timed,
/// otherwise point indices (step k holds the first k points of each series).
fn timeline(series: [Option<&Series>; 3]) -> Vec<Step> {
    let present: Vec<&Series> = series
        .iter()
        .flatten()
        .copied()
        .filter(|s| !s.values.is_empty())
        .collect();
    let timed = !present.is_empty() && present.iter().all(|s| s.times.is_some());
    if !timed {
        let len = |s: Option<&Series>| s.map_or(0, |s| s.values.len());
        let longest = series.iter().map(|s| len(*s)).max().unwrap_or(0);
        return (1..=longest)
            .map(|k| Step {
                number: k,
                ts: None,
                lens: series.map(|s| len(s).min(k)),
            })
            .collect();
    }
    fn times(s: Option<&Series>) -> &[DateTime<Utc>] {
        s.and_then(|s| s.times.as_deref()).unwrap_or(&[])
    }
    // Each series' times strictly increase (the documents are checked for it), so their union
    // is a linear merge: most often of equal lists.
    let mut all: Vec<DateTime<Utc>> = Vec::new();
    for s in series {
        all = merge_sorted(&all, times(s));
    }
    let mut lens = [0usize; 3];
    all.into_iter()
        .enumerate()
        .map(|(i, t)| {
            for (m, len) in lens.iter_mut().enumerate() {
                let ts = times(series[m]);
                while *len < ts.len() && ts[*len] <= t {
                    *len += 1;
                }
            }
            Step {
                number: i + 1,
                ts: Some(t),
                lens,
            }
        })
        .collect()
}

/// The union of two strictly increasing lists, strictly increasing.
fn merge_sorted(a: &[DateTime<Utc>], b: &[DateTime<Utc>]) -> Vec<DateTime<Utc>> {
    if a == b || b.is_empty() {
        return a.to_vec();
    }
    if a.is_empty() {
        return b.to_vec();
    }
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Why a replay could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplayError {
    #[error("polling by time interval needs timestamped series")]
    NeedsTimestamps,
    /// The caller's stop check said stop (a cancelled replay).
    #[error("cancelled")]
    Stopped,
    /// The latency rule needed its exact O(n) computation at so many steps that walking on would
    /// cost more than [`EXACT_WORK_FREE`] + [`EXACT_WORK_PER_STEP`] point reads per step.
    #[error(
        "the latency rule needed its exact two-pass computation at {fallbacks} of the first \
         {steps} steps (points within a relative 1e-9 of the threshold, or statistics beyond \
         float64): replaying this series exactly would take quadratic time, so it is refused"
    )]
    NearTies { fallbacks: usize, steps: usize },
}

/// Point reads the latency rule's exact fallback may spend on one policy and deployment before
/// any budget applies: about ten milliseconds of work.
pub const EXACT_WORK_FREE: usize = 1 << 24;
/// Point reads per step the exact fallback may spend beyond [`EXACT_WORK_FREE`]: what keeps the
/// cost per step O(1) amortised on every input.
pub const EXACT_WORK_PER_STEP: usize = 64;

/// How many steps the engine walks between two calls of a stop check.
pub const STOP_CHECK_EVERY: usize = 4096;

/// Which steps a controller polling as `polling` would have asked at.
fn polled(steps: &[Step], polling: Polling) -> Result<Vec<Step>, ReplayError> {
    match polling {
        Polling::EveryPoints(n) => {
            let n = n.max(1);
            Ok(steps
                .iter()
                .filter(|s| s.number % n == 0)
                .copied()
                .collect())
        }
        Polling::Interval(every) => {
            if steps.is_empty() {
                return Ok(Vec::new());
            }
            let t0 = steps[0].ts.ok_or(ReplayError::NeedsTimestamps)?;
            let every_us = every.num_microseconds().unwrap_or(i64::MAX).max(1);
            let mut out = Vec::new();
            for (i, s) in steps.iter().enumerate() {
                let t = s.ts.expect("timed timeline");
                // The first poll time at or after this step's point...
                let since = (t - t0).num_microseconds().unwrap_or(i64::MAX);
                let j = since
                    .saturating_add(every_us - 1)
                    .div_euclid(every_us)
                    .max(1);
                let Some(poll) =
                    t0.checked_add_signed(Duration::microseconds(j.saturating_mul(every_us)))
                else {
                    // Past the last time chrono represents (an interval of millennia): after
                    // every point, so it ends no step's prefix.
                    continue;
                };
                // ...sees exactly this prefix if it comes before the next point.
                let next = steps.get(i + 1).and_then(|n| n.ts);
                if poll >= t && next.is_none_or(|n| poll < n) && (next.is_some() || poll == t) {
                    out.push(*s);
                }
            }
            Ok(out)
        }
    }
}

/// The latency rule's incremental state for one policy over one deployment.
struct LatencyState<'a> {
    params: &'a LatencyParams,
    series: &'a [f64],
    acc: Welford,
    /// Whether every baseline point pushed so far has the same bits as the first.
    flat: bool,
    /// Exact sums of the baseline while every point pushed is a whole number.
    integer: Option<stats::IntegerSums>,
    /// Points read by the exact two-pass fallback so far, and how many times it ran.
    exact_work: usize,
    fallbacks: usize,
}

impl<'a> LatencyState<'a> {
    fn new(params: &'a LatencyParams, series: &'a [f64]) -> Self {
        LatencyState {
            params,
            series,
            acc: Welford::default(),
            flat: true,
            integer: Some(stats::IntegerSums::default()),
            exact_work: 0,
            fallbacks: 0,
        }
    }

    /// The rule's exact threshold over the first `base_len` points when it costs O(log n): always
    /// for a winsorized baseline (the accumulator *is* the rule), for a flat one by the closed
    /// form, for whole numbers whose statistics numpy computes exactly from exact sums; `None`
    /// when only the two-pass rule over the whole baseline would do.
    fn exact_threshold(&self, base_len: usize) -> Option<f64> {
        let p = self.params;
        if p.clip_sigmas.is_some() {
            return Some(self.acc.mean + p.sigmas * self.acc.std());
        }
        let (mean, std) = if self.flat {
            stats::mean_and_population_std_of_copies(*self.series.first()?, base_len)?
        } else {
            self.integer?.mean_and_population_std()?
        };
        Some(mean + p.sigmas * std)
    }

    /// The rule over the first `n` points from scratch, O(n), within the work budget.
    fn two_pass(&mut self, n: usize) -> Result<RuleStatus, ReplayError> {
        self.exact_work = self.exact_work.saturating_add(n);
        self.fallbacks += 1;
        if self.exact_work > EXACT_WORK_FREE.saturating_add(EXACT_WORK_PER_STEP.saturating_mul(n)) {
            return Err(ReplayError::NearTies {
                fallbacks: self.fallbacks,
                steps: n,
            });
        }
        Ok(rules::latency(self.params, &self.series[..n]).status)
    }
}

impl LatencyState<'_> {
    /// The rule's status for the first `n` points.
    fn status(&mut self, n: usize) -> Result<RuleStatus, ReplayError> {
        let p = self.params;
        let base_len = n.saturating_sub(p.exclude_recent);
        if base_len < p.min_baseline_points || n == 0 {
            return Ok(RuleStatus::InsufficientData);
        }
        if let (Some(c), 0) = (p.clip_sigmas, self.acc.n) {
            // The rule itself is defined by this sequential recurrence: bit-identical here.
            self.acc = Welford::winsorized_start(&self.series[..p.min_baseline_points], c);
        }
        while self.acc.n < base_len {
            let x = self.series[self.acc.n];
            self.flat &= x.to_bits() == self.series[0].to_bits();
            match p.clip_sigmas {
                Some(c) => self.acc.push_winsorized(x, c, 0),
                None => {
                    self.acc.push(x);
                    self.integer = self.integer.and_then(|s| s.push(x));
                }
            }
        }
        let k_sigma = p.sigmas * self.acc.std();
        let threshold = self.acc.mean + k_sigma;
        let band = TIE_BAND * (self.acc.mean.abs() + k_sigma);
        if !(threshold.is_finite() && band.is_finite()) {
            // Statistics beyond f64 (values near f64::MAX): the rule itself says
            // `insufficient_data` there, and a NaN threshold must not read as a pass.
            return self.two_pass(n);
        }
        // The points compared with the threshold: the last one, or the persistence window.
        let (of, required) = p.persistence.map_or((1, 1), |g| (g.of, g.required));
        let tested = &self.series[n.saturating_sub(of)..n];
        let threshold = if tested.iter().any(|&x| (x - threshold).abs() <= band) {
            match self.exact_threshold(base_len) {
                Some(exact) => exact,
                None => return self.two_pass(n),
            }
        } else {
            threshold
        };
        Ok(
            if tested.iter().filter(|&&x| x > threshold).count() >= required {
                RuleStatus::Triggered
            } else {
                RuleStatus::Passed
            },
        )
    }
}

/// Evaluates `policy` at each polled step of `inputs`, calling `on_step` with each decision and
/// the first triggered rule; stops early when `on_step` returns `false`.
fn walk(
    policy: &Policy,
    inputs: &Inputs<'_>,
    steps: &[Step],
    mut on_step: impl FnMut(&Step, Decision, Option<RuleName>) -> bool,
) -> Result<(), ReplayError> {
    walk_until(policy, inputs, steps, &|| false, &mut on_step)
}

/// [`walk`], asking `stop` every [`STOP_CHECK_EVERY`] steps: [`ReplayError::Stopped`] when it
/// stopped there.
fn walk_until(
    policy: &Policy,
    inputs: &Inputs<'_>,
    steps: &[Step],
    stop: &dyn Fn() -> bool,
    on_step: &mut dyn FnMut(&Step, Decision, Option<RuleName>) -> bool,
) -> Result<(), ReplayError> {
    let r = &policy.rules;
    // The baseline is context, read whole: resolve it once.
    let baseline = ConversionBaseline {
        explicit: inputs.conversion_baseline.resolve().map(|(b, _)| b),
        ..Default::default()
    };
    let mut latency = LatencyState::new(&r.latency, inputs.latency_p99);
    // Rules with a `compare` section and the data for a sequential method: their state advances
    // with the prefix, the same recurrence `evaluate` runs from scratch.
    let mut compared = RuleName::ALL.map(|rule| RuleState::new(policy, rule, *inputs.metric(rule)));
    for (i, step) in steps.iter().enumerate() {
        if i % STOP_CHECK_EVERY == STOP_CHECK_EVERY - 1 && stop() {
            return Err(ReplayError::Stopped);
        }
        let [n_err, n_lat, n_conv] = step.lens;
        let mut statuses = [RuleStatus::Passed; RuleName::ALL.len()];
        let mut first = None;
        for (i, rule) in RuleName::enabled(r).enumerate() {
            let n = step.lens[rule as usize];
            // As `evaluate` judges the prefix: a metric not yet received by the canary, and never
            // by another cohort.
            let unseen = n == 0 && !inputs.metric(rule).seen_elsewhere;
            let status = if unseen && !required(policy, rule) {
                RuleStatus::NotApplicable
            } else if let Some(state) = &mut compared[rule as usize] {
                state.advance(n);
                state.status()
            } else {
                match rule {
                    RuleName::ErrorRate => {
                        rules::error_rate(&r.error_rate, &inputs.error_rate[..n_err]).status
                    }
                    RuleName::Latency => latency.status(n_lat)?,
                    RuleName::Conversion => {
                        rules::conversion(
                            &r.conversion,
                            &inputs.conversion_rate[..n_conv],
                            &baseline,
                        )
                        .status
                    }
                }
            };
            if status == RuleStatus::Triggered && first.is_none() {
                first = Some(rule);
            }
            statuses[i] = status;
        }
        if !on_step(step, combine(statuses), first) {
            break;
        }
    }
    Ok(())
}

/// A deployment's judged series and their steps, as the engine walks them.
#[derive(Clone, Debug)]
pub struct Timeline<'a> {
    inputs: Inputs<'a>,
    steps: Vec<Step>,
}

impl<'a> Timeline<'a> {
    pub fn new(obs: &'a crate::analysis::Observations) -> Self {
        use crate::analysis::metric::{CONVERSION_RATE, ERROR_RATE, LATENCY_P99};
        Timeline {
            inputs: obs.inputs(),
            steps: timeline([ERROR_RATE, LATENCY_P99, CONVERSION_RATE].map(|m| obs.canary.get(m))),
        }
    }

    /// The number of steps in the whole series.
    pub fn steps(&self) -> usize {
        self.steps.len()
    }

    /// The timestamp of step `n` (1-based), when the series carry times.
    pub fn time_of(&self, n: usize) -> Option<DateTime<Utc>> {
        self.steps.get(n.checked_sub(1)?).and_then(|s| s.ts)
    }

    /// The first rollback of each policy when polled as `polling`.
    pub fn first_rollbacks(
        &self,
        policies: &[&Policy],
        polling: Polling,
    ) -> Result<Vec<Option<Hit>>, ReplayError> {
        self.first_rollbacks_until(policies, polling, &|| false)
    }

    /// [`Timeline::first_rollbacks`], asking `stop` every [`STOP_CHECK_EVERY`] steps of each
    /// policy: [`ReplayError::Stopped`] once it says stop.
    pub fn first_rollbacks_until(
        &self,
        policies: &[&Policy],
        polling: Polling,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Option<Hit>>, ReplayError> {
        let steps = polled(&self.steps, polling)?;
        policies
            .iter()
            .map(|p| {
                if stop() {
                    return Err(ReplayError::Stopped);
                }
                first_rollback_on(p, &self.inputs, &steps, stop)
            })
            .collect()
    }

    /// The decision at every polled step, with the step's prefix lengths (error rate, latency,
    /// conversion): for tests and tools that compare against full evaluation.
    pub fn decisions(
        &self,
        policy: &Policy,
        polling: Polling,
    ) -> Result<Vec<(usize, [usize; 3], Decision)>, ReplayError> {
        let steps = polled(&self.steps, polling)?;
        let mut out = Vec::with_capacity(steps.len());
        walk(policy, &self.inputs, &steps, |s, d, _| {
            out.push((s.number, s.lens, d));
            true
        })?;
        Ok(out)
    }
}

/// The first rollback of `policy` (`None`: none).
fn first_rollback_on(
    policy: &Policy,
    inputs: &Inputs<'_>,
    steps: &[Step],
    stop: &dyn Fn() -> bool,
) -> Result<Option<Hit>, ReplayError> {
    let mut hit = None;
    walk_until(policy, inputs, steps, stop, &mut |s, d, rule| {
        if d == Decision::Rollback {
            hit = Some(Hit {
                step: s.number,
                at: s.ts,
                rule: rule.expect("a rollback has a triggered rule"),
            });
            return false;
        }
        true
    })?;
    Ok(hit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats;

    /// xorshift64*: deterministic noise without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn welford_agrees_with_two_pass_on_long_series_with_large_offsets() {
        // The documented tolerance: |threshold_welford - threshold_two_pass| < 1e-10 × (|mean| + kσ),
        // a hundredth of TIE_BAND.
        for (offset, spread) in [(1e9, 1.0), (1e6, 1e-3), (250.0, 40.0), (0.0, 1e-6)] {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let xs: Vec<f64> = (0..1_000_000)
                .map(|_| offset + spread * rng.next())
                .collect();
            let mut acc = Welford::default();
            let mut worst = 0.0f64;
            for (i, &x) in xs.iter().enumerate() {
                acc.push(x);
                let n = i + 1;
                if n % 99_991 == 0 || n == xs.len() {
                    let (m, s) = stats::mean_and_population_std(&xs[..n]).unwrap();
                    let exact = m + 2.0 * s;
                    let approx = acc.mean + 2.0 * acc.std();
                    worst = worst.max((approx - exact).abs() / (m.abs() + 2.0 * s));
                }
            }
            assert!(
                worst < TIE_BAND / 100.0,
                "offset {offset}: relative error {worst:e}"
            );
        }
    }

    #[test]
    fn index_timeline_aligns_series_at_their_start() {
        let s = |n: usize| Series {
            values: vec![1.0; n],
            times: None,
            counts: None,
        };
        let (a, b) = (s(3), s(1));
        let steps = timeline([Some(&a), Some(&b), None]);
        assert_eq!(
            steps.iter().map(|s| s.lens).collect::<Vec<_>>(),
            [[1, 1, 0], [2, 1, 0], [3, 1, 0]]
        );
    }

    #[test]
    fn time_timeline_merges_distinct_timestamps() {
        let t = |m: i64| {
            "2026-11-24T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(m)
        };
        let a = Series {
            values: vec![1.0; 3],
            times: Some(vec![t(0), t(1), t(2)]),
            counts: None,
        };
        let b = Series {
            values: vec![1.0; 2],
            times: Some(vec![t(1), t(3)]),
            counts: None,
        };
        let steps = timeline([Some(&a), Some(&b), None]);
        assert_eq!(
            steps.iter().map(|s| s.lens).collect::<Vec<_>>(),
            [[1, 0, 0], [2, 1, 0], [3, 1, 0], [3, 2, 0]]
        );
        assert_eq!(steps[3].ts, Some(t(3)));
        // Polling every 2 minutes from the first point: polls at t2 and t4 see steps 3 and 4... t4 is
        // after the last point, so only t2 (step 3) is asked.
        let polls = polled(&steps, Polling::Interval(Duration::minutes(2))).unwrap();
        assert_eq!(polls.iter().map(|s| s.number).collect::<Vec<_>>(), [3]);
        let polls = polled(&steps, Polling::Interval(Duration::seconds(90))).unwrap();
        assert_eq!(polls.iter().map(|s| s.number).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(
            polled(&steps, Polling::EveryPoints(2))
                .unwrap()
                .iter()
                .map(|s| s.number)
                .collect::<Vec<_>>(),
            [2, 4]
        );
    }

    #[test]
    fn an_interval_past_the_last_representable_time_polls_nothing() {
        let t = |y: i32| {
            format!("{y}-01-01T00:00:00Z")
                .parse::<DateTime<Utc>>()
                .unwrap()
        };
        let a = Series {
            values: vec![1.0; 2],
            times: Some(vec![t(1), t(9999)]),
            counts: None,
        };
        let steps = timeline([Some(&a), None, None]);
        // The longest interval `POST /v1/replays` takes: 2^63 µs, about 292,000 years.
        let longest = Duration::seconds(i64::MAX / 1_000_000);
        assert_eq!(polled(&steps, Polling::Interval(longest)).unwrap(), []);
    }

    #[test]
    fn interval_polling_without_timestamps_is_an_error() {
        let a = Series {
            values: vec![1.0; 3],
            times: None,
            counts: None,
        };
        let steps = timeline([Some(&a), None, None]);
        assert_eq!(
            polled(&steps, Polling::Interval(Duration::minutes(1))),
            Err(ReplayError::NeedsTimestamps)
        );
    }

    /// The latency state of `policy` walked over `values`, one step per point.
    fn walk_latency<'a>(
        params: &'a LatencyParams,
        values: &'a [f64],
    ) -> (LatencyState<'a>, Result<(), ReplayError>) {
        let mut state = LatencyState::new(params, values);
        let result = (1..=values.len()).try_for_each(|n| state.status(n).map(drop));
        (state, result)
    }

    #[test]
    fn whole_number_ties_on_a_varying_baseline_need_no_two_pass() {
        // 100, 200, …: mean 150 and σ 50 over every even baseline, so under one sigma each 200
        // that closes one sits exactly on the threshold — 10,000 ties, each O(n) before the exact
        // sums.
        let mut params = crate::analysis::Policy::seed().rules.latency;
        params.sigmas = 1.0;
        params.exclude_recent = 0;
        let values: Vec<f64> = (0..20_000)
            .map(|i| if i % 2 == 0 { 100.0 } else { 200.0 })
            .collect();
        let (state, result) = walk_latency(&params, &values);
        assert_eq!(result, Ok(()));
        assert_eq!(state.fallbacks, 0);
    }

    #[test]
    fn near_ties_past_the_work_budget_are_refused_not_walked_quadratically() {
        // The same pattern off the whole numbers: the threshold lies within rounding of 200.1 at
        // every even step and only the two-pass rule can say which side. Under the free budget it
        // answers (and `tests/it/replay.rs` checks those answers against `evaluate`); a long
        // series is refused once the exact work would pass the per-step allowance.
        let mut params = crate::analysis::Policy::seed().rules.latency;
        params.sigmas = 1.0;
        params.exclude_recent = 0;
        let series = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| if i % 2 == 0 { 100.1 } else { 200.1 })
                .collect()
        };
        let short = series(2_000);
        let (state, result) = walk_latency(&params, &short);
        assert_eq!(result, Ok(()));
        assert!(state.fallbacks > 900, "{} fallbacks", state.fallbacks);
        let long = series(50_000);
        let (state, result) = walk_latency(&params, &long);
        let Err(ReplayError::NearTies { fallbacks, steps }) = result else {
            panic!("walked {} steps: {result:?}", long.len());
        };
        assert!(steps < long.len() && fallbacks == state.fallbacks);
        assert!(state.exact_work <= EXACT_WORK_FREE + EXACT_WORK_PER_STEP * steps + steps);
    }
}

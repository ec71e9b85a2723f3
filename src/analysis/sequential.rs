//! Anytime-valid sequential tests: evidence that a canary is worse than its baseline, accumulated
//! minute by minute, whose false-alarm rate holds however often (and however long) it is read.
//!
//! Every test here is an *e-process*: a nonnegative process that, while the null hypothesis ("the
//! canary is no worse than the margin") holds, is a supermartingale with expectation at most 1.
//! Ville's inequality then bounds the chance that it *ever* reaches `1/α` by `α` — the guarantee
//! a controller that asks every minute needs, where a fixed-sample test asked 90 times would
//! reject a healthy canary far more often than its nominal level (Johari, Koomen, Pekelis &
//! Walsh, "Always valid inference", Operations Research 2022; Howard, Ramdas, McAuliffe & Sekhon,
//! "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals of Statistics 2021).
//!
//! Each minute contributes a *factor*: a nonnegative number whose conditional expectation given
//! the past is at most 1 under the null. Two sources of factors are used:
//! - [`CountRatio`] and [`FixedRate`]: likelihood ratios of counts (errors among requests,
//!   conversions among sessions) with a *predictable plug-in* alternative — estimated from earlier
//!   minutes only, so each factor is an exact likelihood ratio of the minute's data (Wald 1947;
//!   Robbins & Siegmund 1974; the method of Lindon, Sanden & Shirikian, "Rapid regression
//!   detection in software deployments through sequential testing", KDD 2022, who compare canary
//!   and baseline counting processes conditionally on their total). Each takes two alternatives,
//!   the estimate and the geometric middle between it and the null, and mixes the two test
//!   martingales with one that never bets ([`Mixture`]).
//! - [`Betting`]: a bet on a bounded statistic with conditional mean at most 0 under the null
//!   (Waudby-Smith & Ramdas, "Estimating means of bounded random variables by betting", JRSSB
//!   2023), used where there are values but no counts (p99 latency).
//! - [`LatencyBet`]: the same bet on p99 log ratios, except, when the policy declares
//!   nearest-rank p99s, in minutes where the canary's p99 is the maximum of at most 99 requests:
//!   there it bets on whether the canary's p99 exceeds the baseline's (times the margin) against
//!   the exact chance [`max_exceeds_p99`] of that under the null, which a small sample's
//!   low-biased maximum cannot fool.
//!
//! Each factor lies in `[0, 1 + MAX_BET·sup(stat)]`; for the bounded log-ratio statistic that is
//! at most 1.5, which is why a latency regression needs at least ln(2/α')/ln 1.5 minutes
//! (about 16 at α' = 1 %/3) before the log-ratio bet can roll it back, unless its recent minutes
//! lie clearly beyond the margin: then [`Betting`] and [`LatencyBet`]'s log-ratio bet go up to
//! [`STRONG_BET`] (factors up to 1.9: about 11 minutes at the clip). No test whose null allows
//! every statistic symmetric about 0 can do much better: a factor `f` valid for all of them has
//! `f(x) + f(−x) <= 2`, so `f <= 2` and at least ln 600 / ln 2 ≈ 9.2 minutes.
//!
//! [`Evidence`] multiplies the factors two ways and averages them: from the first minute (a
//! test martingale), and as an *e-detector* restarted at every minute with weights
//! `1/(s(s+1))` summing to 1 (Shin, Ramdas & Rinaldo, "E-detectors: a nonparametric framework
//! for sequential change detection", 2023), so that a regression that starts after an hour of
//! healthy minutes is not held back by them. Both are e-processes for the same null, so their
//! average is one.

/// Cap on the test martingale's and the detector's values: far past any `1/α`, and far from
/// overflow.
const CAP: f64 = 1e200;
/// Cap on a likelihood ratio's logarithm before it is exponentiated (e^460 ≈ 1e200).
const LOG_CAP: f64 = 460.0;

/// Accumulated evidence against "the canary is no worse": see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    /// The product of every factor since the first minute (the test martingale), capped.
    wealth: f64,
    /// Σₛ wₛ Π_{u=s..t} factorᵤ, the e-detector's started components.
    detector: f64,
    /// Minutes pushed.
    steps: u64,
    /// The largest value [`Evidence::value`] has reached.
    peak: f64,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            wealth: 1.0,
            detector: 0.0,
            steps: 0,
            peak: 0.0,
        }
    }
}

impl Evidence {
    /// Adds one minute's factor (nonnegative, conditional mean at most 1 under the null).
    pub fn push(&mut self, factor: f64) {
        self.multiply(factor);
        self.peak = self.peak.max(self.value());
    }

    /// [`Evidence::push`] without keeping the peak (for a [`Mixture`]'s parts, whose peaks are
    /// never read).
    fn multiply(&mut self, factor: f64) {
        debug_assert!(factor >= 0.0 && factor.is_finite(), "factor {factor}");
        self.steps += 1;
        let t = self.steps as f64;
        let start_weight = 1.0 / (t * (t + 1.0));
        self.wealth = (self.wealth * factor).min(CAP);
        self.detector = (factor * (self.detector + start_weight)).min(CAP);
    }

    /// The e-process now: the average of the test martingale and the e-detector, the latter
    /// counting the components not yet started at their value 1 (weight `1/(t+1)`). 1 before any
    /// minute.
    pub fn value(&self) -> f64 {
        let pending = 1.0 / (self.steps as f64 + 1.0);
        0.5 * self.wealth + 0.5 * (self.detector + pending)
    }

    /// The largest value so far: Ville's inequality bounds the chance that this ever reaches
    /// `1/α` under the null by `α`.
    pub fn peak(&self) -> f64 {
        self.peak.max(1.0)
    }

    /// The equal mixture of three e-processes over the same minutes: one that never bets (its
    /// value 1 throughout) and `parts`, whose value is `(1 + Σ part.value()) / 3`; `peak` is the
    /// mixture's largest value so far.
    fn mixture(parts: &[Evidence; 2], peak: f64) -> Evidence {
        let [a, b] = parts;
        let pending = 1.0 / (a.steps as f64 + 1.0);
        Evidence {
            wealth: (1.0 + a.wealth + b.wealth) / 3.0,
            // So that detector + pending = (1 + Σ (part.detector + pending)) / 3.
            detector: (1.0 + a.detector + b.detector - pending) / 3.0,
            steps: a.steps,
            peak,
        }
    }
}

/// The likelihood ratios of one minute at two plug-in alternatives: the geometric middle between
/// the null and the estimate, and the estimate itself (each `exp` of a capped log).
fn alternatives(log_lr: impl Fn(f64) -> f64, null: f64, estimate: f64) -> [f64; 2] {
    let middle = (null * estimate).sqrt();
    [middle, estimate].map(|r| log_lr(r).min(LOG_CAP).exp())
}

/// Three test martingales over the same minutes, mixed in equal parts: one that never bets (1),
/// and the products of the likelihood ratios at the middle and at the estimate
/// ([`alternatives`]). A convex combination of e-processes is one (Ramdas, Grünwald, Vovk &
/// Shafer, "Game-theoretic statistics and safe anytime-valid inference", Statistical Science
/// 38, 2023), so the mixture keeps the guarantee; the "no bet" part bounds what a bad estimate
/// can lose to a factor of 3 overall. Mixing the processes rather than each minute's factor
/// keeps the growth of the better alternative: a per-minute mixture `(1 + r_mid + r_est)/3`
/// pays up to ln 3 every minute in which the estimate's ratio is large, which are the minutes of
/// a clear regression. On the production-shaped corpus with counts (seeds 1, 7, 3 and 11,
/// 2026-12-01) the median delay on conversion drops fell from 24, 21, 23 and 23 minutes to 20,
/// 16, 20 and 22, 1, 1, 0 and 2 more of the drops the traffic can show were caught, and the
/// false rollbacks are the same (docs/decision-quality.md).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Mixture {
    parts: [Evidence; 2],
    /// The mixture's largest value so far.
    peak: f64,
}

impl Mixture {
    /// Adds one minute's likelihood ratios at the middle and at the estimate (`[1, 1]`: no bet).
    fn push(&mut self, ratios: [f64; 2]) {
        for (part, r) in self.parts.iter_mut().zip(ratios) {
            part.multiply(r);
        }
        self.peak = self.peak.max(self.evidence().value());
    }

    /// The mixture, as one [`Evidence`].
    fn evidence(&self) -> Evidence {
        Evidence::mixture(&self.parts, self.peak)
    }
}

/// Exponentially weighted sums: the recent past, from which the plug-in alternative is estimated.
/// A decay of 0.8 a minute weights the last five minutes about two-thirds.
const DECAY: f64 = 0.8;

/// Which direction is a regression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worse {
    /// More is worse (errors).
    Higher,
    /// Less is worse (conversions).
    Lower,
}

/// Canary events against baseline events, conditionally on each minute's total.
///
/// Model: in minute `t`, the canary's `n_c` trials and the baseline's `n_b` trials each succeed
/// (an error, a conversion) independently, with probabilities `p_c(t)` and `p_b(t)` that may
/// drift and jump together from minute to minute. Given the minute's total events `E`, the
/// canary's share is Binomial(`E`, `R n_c / (R n_c + n_b)`) with `R = p_c/p_b` (exactly for
/// Poisson counts, and closely for rare events). The null is `R <= ratio` (errors; `>=` for
/// conversions) at every minute, whatever the rates themselves: shared drift and shared shocks
/// cancel. The factor is the likelihood ratio of the minute's split under a plug-in `R̂`
/// estimated from the earlier minutes, against `ratio`; for `R̂` on the alternative side the
/// ratio is a supermartingale factor under every `R` of the null (monotone likelihood ratio).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CountRatio {
    ratio: f64,
    worse: Worse,
    /// Recent (exponentially weighted) canary events, trials, baseline events, trials.
    recent: [f64; 4],
    /// Totals since the first minute: canary events, trials, baseline events, trials.
    pub totals: [u64; 4],
    mixture: Mixture,
}

impl CountRatio {
    /// The evidence so far: the mixture of the no-bet, middle and estimate test martingales.
    pub fn evidence(&self) -> Evidence {
        self.mixture.evidence()
    }

    pub fn new(ratio: f64, worse: Worse) -> Self {
        CountRatio {
            ratio,
            worse,
            recent: [0.0; 4],
            totals: [0; 4],
            mixture: Mixture::default(),
        }
    }

    /// The plug-in ratio from the recent minutes, shrunk toward 1 by half an event and one trial
    /// on each side (so a first error among few requests cannot bet everything); `None` when it
    /// is not on the alternative side of `ratio`.
    fn plug_in(&self) -> Option<f64> {
        let [xc, nc, xb, nb] = self.recent;
        let estimate = ((xc + 0.5) / (nc + 1.0)) / ((xb + 0.5) / (nb + 1.0));
        match self.worse {
            Worse::Higher if estimate > self.ratio * 1.01 => Some(estimate.min(self.ratio * 100.0)),
            Worse::Lower if estimate < self.ratio * 0.99 => Some(estimate.max(self.ratio / 100.0)),
            _ => None,
        }
    }

    /// The minute's likelihood ratios of the canary's share at the middle and at the estimate
    /// against the null ratio; `[1, 1]` (no bet) without a plug-in or without events.
    fn ratios(&self, x: u64, n_c: u64, y: u64, n_b: u64) -> [f64; 2] {
        match self.plug_in() {
            // Counts run to i64::MAX each, so their sum is taken in f64 (in u64 it can overflow).
            Some(estimate) if n_c > 0 && n_b > 0 && (x > 0 || y > 0) => {
                let (xf, e, ncf, nbf) = (x as f64, x as f64 + y as f64, n_c as f64, n_b as f64);
                let rho = self.ratio;
                let null_norm = (rho * ncf + nbf).ln();
                let log_lr = |r: f64| xf * (r / rho).ln() + e * (null_norm - (r * ncf + nbf).ln());
                alternatives(log_lr, rho, estimate)
            }
            _ => [1.0; 2],
        }
    }

    /// Adds one paired minute: canary `x` events of `n_c` trials, baseline `y` of `n_b`.
    pub fn push(&mut self, x: u64, n_c: u64, y: u64, n_b: u64) {
        let ratios = self.ratios(x, n_c, y, n_b);
        self.mixture.push(ratios);
        for (acc, v) in self.recent.iter_mut().zip([x, n_c, y, n_b]) {
            *acc = *acc * DECAY + v as f64;
        }
        for (acc, v) in self.totals.iter_mut().zip([x, n_c, y, n_b]) {
            *acc = acc.saturating_add(v);
        }
    }

    /// The recent canary and baseline proportions (exponentially weighted); 0 without trials.
    pub fn recent_rates(&self) -> (f64, f64) {
        let [xc, nc, xb, nb] = self.recent;
        (ratio_or_zero(xc, nc), ratio_or_zero(xb, nb))
    }
}

fn ratio_or_zero(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// `a / b` for counts; 0 without trials.
pub fn ratio_or_zero_u(a: u64, b: u64) -> f64 {
    ratio_or_zero(a as f64, b as f64)
}

/// Canary events against a fixed probability `p0`, for a canary without a baseline cohort.
///
/// Model: in each minute the canary's trials succeed independently with probability `p(t)`; the
/// null is `p(t) <= p0` (errors; `>=` for conversions) at every minute. The factor is the
/// Binomial likelihood ratio of the minute under a plug-in `p̂` from the earlier minutes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedRate {
    p0: f64,
    worse: Worse,
    recent: [f64; 2],
    pub totals: [u64; 2],
    mixture: Mixture,
}

impl FixedRate {
    /// The evidence so far (as [`CountRatio::evidence`]).
    pub fn evidence(&self) -> Evidence {
        self.mixture.evidence()
    }

    pub fn new(p0: f64, worse: Worse) -> Self {
        FixedRate {
            p0: p0.clamp(1e-12, 1.0 - 1e-12),
            worse,
            recent: [0.0; 2],
            totals: [0; 2],
            mixture: Mixture::default(),
        }
    }

    pub fn p0(&self) -> f64 {
        self.p0
    }

    fn plug_in(&self) -> Option<f64> {
        let [x, n] = self.recent;
        // Shrunk toward p0 by one trial.
        let estimate = (x + self.p0) / (n + 1.0);
        match self.worse {
            Worse::Higher if estimate > self.p0 * 1.01 => Some(estimate.min(1.0 - 1e-9)),
            Worse::Lower if estimate < self.p0 * 0.99 => Some(estimate.max(self.p0 / 100.0)),
            _ => None,
        }
    }

    /// Adds one minute: `x` events among `n` trials.
    pub fn push(&mut self, x: u64, n: u64) {
        let ratios = match self.plug_in() {
            Some(estimate) if n > 0 => {
                let (xf, nf, p0) = (x as f64, n as f64, self.p0);
                let log_lr =
                    |p: f64| xf * (p / p0).ln() + (nf - xf) * ((1.0 - p) / (1.0 - p0)).ln();
                alternatives(log_lr, p0, estimate)
            }
            _ => [1.0; 2],
        };
        self.mixture.push(ratios);
        for (acc, v) in self.recent.iter_mut().zip([x, n]) {
            *acc = *acc * DECAY + v as f64;
        }
        for (acc, v) in self.totals.iter_mut().zip([x, n]) {
            *acc = acc.saturating_add(v);
        }
    }
}

/// The largest bet, as a fraction of wealth per unit of the statistic: a minute at the worst
/// value (-1) loses at most half the wealth. A larger bet (0.8) cut the median delay on
/// latency regressions of the production-shaped corpus from 21 to 16 minutes but rolled back
/// 0.9 % of healthy canaries instead of 0.1 %: it bets on autocorrelated runs.
const MAX_BET: f64 = 0.5;

/// The cap of [`Betting`]'s bet and of the latency log-ratio bet once the recent minutes lie
/// clearly beyond the margin ([`clearly_beyond`]): their exponentially weighted mean statistic
/// is at least [`STRONG_MEAN`] over about three minutes or more (for latency, with the default
/// margin of 10 % and clip of 0.5, a canary about 40 % slower than its baseline, minute after
/// minute). The bet is still predictable and below 1, so every factor stays positive and the
/// e-process valid. On the production-shaped corpus (seeds 1, 3, 7 and 11; 4,242 healthy
/// deployments and 575 p99 regressions) it cut the median delay on p99 regressions from 20–23
/// to 15–18 minutes, caught 8 more, and rolled back 17 healthy canaries
/// instead of 10 (0.4 %). On the corpus without counts (values compared, seeds 1 and 11), the
/// median delay on error-rate regressions fell from 19 and 18 to 14 and 13 minutes and on
/// conversion drops from 28 and 30 to 22 and 25, with the same false rollbacks (3 and 10); see
/// docs/decision-quality.md.
const STRONG_BET: f64 = 0.9;
/// The recent mean of the statistic (in [-1, 1]) from which [`STRONG_BET`] applies.
const STRONG_MEAN: f64 = 0.5;
/// Recent weight (Σ DECAY^i over the minutes seen) needed before [`STRONG_BET`]: three minutes.
const STRONG_WEIGHT: f64 = 2.0;

/// Whether recent minutes, with exponentially weighted statistic sum `sum` over weight `weight`
/// (Σ DECAY^i), lie clearly beyond the margin: [`STRONG_MEAN`] on average over about three
/// minutes or more. The bets then go up to [`STRONG_BET`].
fn clearly_beyond(sum: f64, weight: f64) -> bool {
    weight >= STRONG_WEIGHT && sum >= STRONG_MEAN * weight
}

/// Betting on a statistic `z` in [-1, 1] whose conditional mean given the past is at most 0
/// under the null: each minute's factor is `1 + λ z` with `λ` in `[0, 1/2]` (`[0, 0.9]` once the
/// recent minutes lie clearly beyond the margin: [`STRONG_BET`]) chosen from the earlier
/// minutes (a Kelly-style plug-in, `λ = m / s` from the recent mean `m` and mean square `s` of
/// `z`: the approximate GRAPA bet of Waudby-Smith & Ramdas 2023). A bet of 0 when the recent past
/// shows no regression keeps the wealth where it was, so healthy minutes cost nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Betting {
    /// Exponentially weighted Σz, Σz², Σ1 (with a prior of one minute at z² = 1/4).
    recent: [f64; 3],
    pub evidence: Evidence,
}

impl Default for Betting {
    fn default() -> Self {
        Betting {
            recent: [0.0, 0.25, 1.0],
            evidence: Evidence::default(),
        }
    }
}

impl Betting {
    fn bet(&self) -> f64 {
        let [sum, squares, weight] = self.recent;
        if sum <= 0.0 {
            return 0.0;
        }
        // The weight less the prior minute's share: the minutes seen.
        let seen = weight - DECAY.powi(self.evidence.steps.min(1_000) as i32);
        let cap = if clearly_beyond(sum, seen) {
            STRONG_BET
        } else {
            MAX_BET
        };
        (sum / squares).clamp(0.0, cap)
    }

    /// Adds one minute's statistic, clamped to [-1, 1].
    pub fn push(&mut self, z: f64) {
        self.push_gated(z, true);
    }

    /// Adds one minute's statistic, clamped to [-1, 1], betting on it only when `bet` (else the
    /// minute's factor is 1); the plug-in learns from it either way.
    pub fn push_gated(&mut self, z: f64, bet: bool) {
        let z = z.clamp(-1.0, 1.0);
        let lambda = if bet { self.bet() } else { 0.0 };
        self.evidence.push(1.0 + lambda * z);
        for (acc, v) in self.recent.iter_mut().zip([z, z * z, 1.0]) {
            *acc = *acc * DECAY + v;
        }
    }
}

/// The latency rule's e-process: one [`Evidence`] fed, minute by minute, by one of two bets on
/// the canary's p99 `c` against the baseline's `b`, chosen by the minute's request counts.
///
/// - **Clipped log ratio** ([`LatencyBet::push_ratio`]): `z = clip((ln(c/b) − ln(1 + margin)) /
///   clip, −1, 1)`, as [`Betting`] does. Null: given the past and the minute's counts, the log
///   ratio less the margin is stochastically no larger than a variable symmetric about 0 (two
///   exchangeable cohorts; a canary with fewer requests only has a lower p99), so `E[z | past]
///   <= 0`.
/// - **Exceedance of a known chance** ([`LatencyBet::push_exceedance`]), for minutes where the
///   canary's p99 is the maximum of its requests (`n_c <= 99` with a nearest-rank p99): the
///   indicator `I = [c > (1 + margin)·b]` against `q = `[`max_exceeds_p99`]`(n_c, n_b)`. The
///   maximum of a handful of requests lies far below the p99 of the baseline's 5–20× as many,
///   so the log ratio is biased low and hides a regression; the indicator's chance under the
///   null is known exactly instead, whatever the latency distribution. Null: within the minute,
///   the canary's request latencies are independent and stochastically no larger than
///   `(1 + margin)` × the baseline's (independent too), so `P(I = 1 | past) <= q` and
///   `y = (I − q)/q >= −1` has conditional mean at most 0.
///
/// Each factor is `1 + λ·stat` with `λ` in `[0, MAX_BET]` (for the log ratio, `[0, STRONG_BET]`
/// once its recent minutes are clearly beyond the margin) set from the earlier minutes (the
/// approximate GRAPA bet `Σstat / Σstat²` of Waudby-Smith & Ramdas 2023, kept per statistic), so
/// it is nonnegative (`stat >= −1`) with conditional mean at most 1 under the null, and
/// [`Evidence`] stays an e-process. A deployment whose canary never has 100 requests a minute
/// is judged by exceedances alone; one that always has 100 or more, by log ratios alone
/// (exactly as [`Betting`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyBet {
    /// Exponentially weighted Σz, Σz² of each statistic, the squares with a prior minute.
    ratio_recent: [f64; 2],
    exceed_recent: [f64; 2],
    /// Exponentially weighted count of log-ratio minutes, for their recent mean.
    ratio_weight: f64,
    pub evidence: Evidence,
}

impl Default for LatencyBet {
    fn default() -> Self {
        LatencyBet {
            // The same prior as Betting's: one minute at z² = 1/4.
            ratio_recent: [0.0, 0.25],
            // y = (I − q)/q is −1 on a miss: a prior minute at y² = 1.
            exceed_recent: [0.0, 1.0],
            ratio_weight: 0.0,
            evidence: Evidence::default(),
        }
    }
}

impl LatencyBet {
    /// Adds a minute judged by its clipped log ratio statistic `z` (clamped to [-1, 1]).
    pub fn push_ratio(&mut self, z: f64) {
        let z = z.clamp(-1.0, 1.0);
        self.evidence.push(1.0 + self.ratio_bet() * z);
        update_recent(&mut self.ratio_recent, z);
        self.ratio_weight = self.ratio_weight * DECAY + 1.0;
    }

    /// The log-ratio bet: [`plug_in_bet`], capped at [`STRONG_BET`] instead of [`MAX_BET`] when
    /// the recent minutes are clearly beyond the margin.
    fn ratio_bet(&self) -> f64 {
        if self.strong() {
            let [sum, squares] = self.ratio_recent;
            (sum / squares).clamp(0.0, STRONG_BET)
        } else {
            plug_in_bet(self.ratio_recent)
        }
    }

    /// Whether the recent log-ratio minutes lie clearly beyond the margin.
    fn strong(&self) -> bool {
        clearly_beyond(self.ratio_recent[0], self.ratio_weight)
    }

    /// Adds a minute judged by whether the canary's p99 exceeded `(1 + margin)` × the baseline's,
    /// whose chance under the null is at most `q` (in (0, 1]).
    pub fn push_exceedance(&mut self, exceeded: bool, q: f64) {
        let q = q.clamp(1e-9, 1.0);
        let y = (f64::from(u8::from(exceeded)) - q) / q;
        self.evidence
            .push(1.0 + plug_in_bet(self.exceed_recent) * y);
        update_recent(&mut self.exceed_recent, y);
    }
}

/// `Σz / Σz²` of the recent minutes, in `[0, MAX_BET]` (as [`Betting`]'s bet).
fn plug_in_bet(recent: [f64; 2]) -> f64 {
    let [sum, squares] = recent;
    if sum <= 0.0 {
        return 0.0;
    }
    (sum / squares).clamp(0.0, MAX_BET)
}

fn update_recent(recent: &mut [f64; 2], z: f64) {
    for (acc, v) in recent.iter_mut().zip([z, z * z]) {
        *acc = *acc * DECAY + v;
    }
}

/// The chance that the largest of `n_c` requests exceeds the nearest-rank p99 of `n_b` others
/// (the `⌈0.99 n_b⌉`-th smallest) when all `n_c + n_b` latencies are independent draws from one
/// continuous distribution: `1 − E[U^n_c]` with `U ~ Beta(k, n_b + 1 − k)` the p99's quantile,
/// `= 1 − Π_{i<n_c} (k + i)/(n_b + 1 + i)` (order statistics of uniforms; David & Nagaraja,
/// "Order Statistics", 3rd ed., 2003, §2.1). Distribution-free; `n_c/(n_c + n_b)` when
/// `n_b <= 99` (the baseline's p99 a maximum too). `None` without requests on either side.
pub fn max_exceeds_p99(n_c: u64, n_b: u64) -> Option<f64> {
    if n_c == 0 || n_b == 0 {
        return None;
    }
    let nb = n_b as f64;
    // ⌈0.99 n_b⌉ in integers (0.99 has no exact binary form).
    let k = (99 * u128::from(n_b)).div_ceil(100) as f64;
    // O(n_c): callers use it only where the canary's p99 is its maximum (n_c <= 99).
    let log_below: f64 = (0..n_c)
        .map(|i| ((k + i as f64) / (nb + 1.0 + i as f64)).ln())
        .sum();
    Some(-log_below.exp_m1())
}

/// Half-width of a time-uniform (asymptotic) confidence sequence for a mean whose estimate has
/// standard error `std_err` after `t` effective observations, at level `alpha`: Robbins' normal
/// mixture boundary, tuned to be tightest near 100 observations (Waudby-Smith, Arbour, Sinha,
/// Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences",
/// 2021, Theorem 2.2). Valid at the moment of asking, whenever that is, as the sample grows, for
/// a `std_err` that is right: for autocorrelated minutes, [`SeriesMean::std_err`].
pub fn cs_half_width(std_err: f64, t: f64, alpha: f64) -> f64 {
    if !(t > 0.0 && std_err.is_finite()) {
        return f64::INFINITY;
    }
    let l = -2.0 * alpha.ln();
    let r2 = (l + (l + 1.0).ln()) / 100.0;
    let a = t * r2 + 1.0;
    std_err * ((a / (t * r2)) * (a / (alpha * alpha)).ln()).sqrt()
}

/// Pseudo-minutes of prior variance behind [`SeriesMean::std_err`]: the statistic's clipping scale
/// stands for its spread until the minutes outweigh it.
pub const PRIOR_MINUTES: f64 = 4.0;
/// Added to the AR(1) long-run factor in [`SeriesMean::std_err`]: what the lag-1 autocorrelation
/// of a wander seen through independent noise does not show (see [`SeriesMean`]).
pub const LONG_RUN_ALLOWANCE: f64 = 2.0;
/// The largest lag-1 autocorrelation [`SeriesMean`] uses (long-run factor 19).
pub const PHI_MAX: f64 = 0.9;

/// The long-run variance factor `κ = (1 + φ)/(1 − φ)` of an AR(1) with lag-1 autocorrelation `φ`:
/// the variance of the mean of `n` of its minutes is about `κ σ²/n`, not `σ²/n`.
pub fn ar1_long_run_factor(phi: f64) -> f64 {
    (1.0 + phi) / (1.0 - phi)
}

/// Running moments of one minute-by-minute statistic (a log ratio, a difference of rates), for
/// the standard error of its mean when minutes are autocorrelated, in O(1) per minute.
///
/// The mean of autocorrelated minutes varies far more than `s²/n` says: a canary's p99 wanders
/// (a slow node, a cold cache) for minutes at a time. The standard error here is `√(v κ / n)`:
/// - `v`: the sample variance shrunk toward `prior_sd²` (the statistic's clipping scale) with
///   [`PRIOR_MINUTES`] pseudo-minutes, `(4 prior_sd² + Σ(x − x̄)²) / (4 + n − 1)`, so that two or
///   three alike minutes do not make a narrow interval;
/// - `κ`: [`ar1_long_run_factor`] of the lag-1 autocorrelation, corrected for its downward bias
///   in short series (`φ̂ + (1 + 3φ̂)/n`: Kendall, "Note on bias in the estimation of
///   autocorrelation", Biometrika 41, 1954) and clamped to `[0, `[`PHI_MAX`]`]` (the AR(1)
///   plug-in of the long-run variance: Andrews, "Heteroskedasticity and autocorrelation
///   consistent covariance matrix estimation", Econometrica 59, 1991), plus
///   [`LONG_RUN_ALLOWANCE`]. Real minutes are a slow wander (each cohort's own AR(1), φ 0.6–0.9)
///   seen through independent noise (sampling, spikes): their lag-1 autocorrelation is diluted
///   (median 0.07–0.35 on the production-shaped corpus) and the AR(1) plug-in alone understates
///   the long-run variance, most after an hour of minutes.
///
/// It assumes the minutes' dependence is no stronger than that; a level that only drifts has no
/// valid interval from its own minutes. The allowance (2) was chosen on seed 1 of the
/// production-shaped corpus and checked on seeds 7 and 11: on healthy canaries with 300
/// requests a minute or more, asked every minute, the latency interval ever excluded the true
/// ratio 1 for 0.0 %, 0.0 % and 0.2 % of deployments (nominal 0.33 %; 43–51 % with the sample
/// variance of independent minutes alone): docs/decision-quality.md,
/// `examples/interval_coverage.py`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SeriesMean {
    n: u64,
    sum: f64,
    squares: f64,
    /// Σ x_t x_{t−1}.
    lagged: f64,
    first: f64,
    last: f64,
}

impl SeriesMean {
    pub fn push(&mut self, x: f64) {
        if self.n == 0 {
            self.first = x;
        } else {
            self.lagged += x * self.last;
        }
        self.n += 1;
        self.sum += x;
        self.squares += x * x;
        self.last = x;
    }

    /// The mean (0 before any minute).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// Σ (x_t − mean)².
    fn centered_squares(&self) -> f64 {
        let c0 = self.squares - self.sum * self.mean();
        // Below the rounding of the raw sums, the minutes do not vary.
        if c0 <= 1e-12 * self.squares { 0.0 } else { c0 }
    }

    /// The lag-1 autocorrelation, bias-corrected and clamped to `[0, PHI_MAX]` (0 before three
    /// minutes, or when the minutes do not vary).
    pub fn lag1(&self) -> f64 {
        let c0 = self.centered_squares();
        if self.n < 3 || c0 <= 0.0 {
            return 0.0;
        }
        let (n, m) = (self.n as f64, self.mean());
        // Σ_{t≥2} (x_t − m)(x_{t−1} − m), from the raw sums.
        let c1 = self.lagged - m * (2.0 * self.sum - self.first - self.last) + (n - 1.0) * m * m;
        let phi = c1 / c0;
        (phi + (1.0 + 3.0 * phi) / n).clamp(0.0, PHI_MAX)
    }

    /// The standard error of the mean, with `prior_sd` the statistic's scale (see the type).
    pub fn std_err(&self, prior_sd: f64) -> f64 {
        let n = self.n as f64;
        if self.n == 0 {
            return f64::INFINITY;
        }
        let v = (PRIOR_MINUTES * prior_sd * prior_sd + self.centered_squares())
            / (PRIOR_MINUTES + n - 1.0);
        let kappa = ar1_long_run_factor(self.lag1()) + LONG_RUN_ALLOWANCE;
        (v * kappa / n).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use rand_distr::{Binomial, Distribution, Normal, Poisson};
    use statrs::distribution::{
        Binomial as StatrsBinomial, ContinuousCDF, Discrete, Normal as StatrsNormal,
    };

    #[test]
    fn count_ratio_factors_are_likelihood_ratios_of_the_canary_share() {
        // One minute after a recent past that estimates R̂ = 4: the evidence (the mixture of the
        // no-bet, middle and estimate processes, one minute into each) must equal the mean of 1
        // and the Binomial(E, q(R)) / Binomial(E, q(1)) pmf ratios, from statrs.
        let mut t = CountRatio::new(1.0, Worse::Higher);
        t.recent = [39.5, 99.0, 9.5, 99.0]; // (40/100)/(10/100) = 4
        let estimate = t.plug_in().unwrap();
        assert!((estimate - 4.0).abs() < 1e-12);
        let (x, nc, y, nb) = (7u64, 200u64, 5u64, 1800u64);
        t.push(x, nc, y, nb);
        let q = |r: f64| r * nc as f64 / (r * nc as f64 + nb as f64);
        let pmf = |r: f64| StatrsBinomial::new(q(r), x + y).unwrap().pmf(x);
        let expected = (1.0 + pmf(2.0) / pmf(1.0) + pmf(4.0) / pmf(1.0)) / 3.0;
        let factor = t.evidence().wealth;
        assert!(
            (factor - expected).abs() < 1e-9 * expected,
            "{factor} vs {expected}"
        );
    }

    #[test]
    fn fixed_rate_factors_are_binomial_likelihood_ratios() {
        let mut t = FixedRate::new(0.05, Worse::Higher);
        t.recent = [19.95, 99.0]; // (19.95 + 0.05) / 100 = 0.2
        t.push(9, 60);
        let pmf = |p: f64| StatrsBinomial::new(p, 60).unwrap().pmf(9);
        let middle = (0.05f64 * 0.2).sqrt();
        let expected = (1.0 + pmf(middle) / pmf(0.05) + pmf(0.2) / pmf(0.05)) / 3.0;
        let factor = t.evidence().wealth;
        assert!((factor - expected).abs() < 1e-9 * expected);
    }

    #[test]
    fn count_ratio_mixes_whole_processes_not_minutes() {
        // Conversion at 0.6 × the baseline's against the 0.8 margin: 300 canary sessions a minute
        // at 5 %, the baseline 5× as many. The mixture of whole processes loses ln 3 once where a
        // mixture of each minute's ratios loses part of it every minute, so it reaches 1/alpha
        // sooner (measured: 571 minutes over the 20 deployments against 634).
        let (mut mixed_processes, mut mixed_minutes) = (0, 0);
        for seed in 0..20 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut t = CountRatio::new(0.8, Worse::Lower);
            let mut per_minute = Evidence::default();
            let (mut processes_at, mut minutes_at) = (None, None);
            for minute in 1..=90 {
                let x = Binomial::new(300, 0.6 * 0.05).unwrap().sample(&mut rng);
                let y = Binomial::new(1_500, 0.05).unwrap().sample(&mut rng);
                let [mid, est] = t.ratios(x, 300, y, 1_500);
                per_minute.push((1.0 + mid + est) / 3.0);
                t.push(x, 300, y, 1_500);
                // The mixture is (1 + middle process + estimate process) / 3.
                let [a, b] = t.mixture.parts;
                let want = (1.0 + a.value() + b.value()) / 3.0;
                assert!((t.evidence().value() - want).abs() <= 1e-9 * want);
                if t.evidence().value() >= 300.0 {
                    processes_at.get_or_insert(minute);
                }
                if per_minute.value() >= 300.0 {
                    minutes_at.get_or_insert(minute);
                }
            }
            mixed_processes += processes_at.unwrap_or(91);
            mixed_minutes += minutes_at.unwrap_or(91);
        }
        assert!(
            (mixed_processes as f64) <= 0.95 * mixed_minutes as f64,
            "{mixed_processes} minutes against {mixed_minutes}"
        );
    }

    #[test]
    fn evidence_starts_at_one_and_a_factor_of_one_keeps_it_there() {
        let mut e = Evidence::default();
        assert_eq!(e.value(), 1.0);
        for _ in 0..100 {
            e.push(1.0);
            assert!((e.value() - 1.0).abs() < 1e-12, "{}", e.value());
        }
    }

    #[test]
    fn the_detector_recovers_after_healthy_minutes() {
        // Two hundred minutes of losing bets sink the plain wealth; the component restarted at
        // minute 201 (weight 1/(201·202)) still reaches 1/alpha = 300 (counted at half) after
        // ln(2·300·201·202)/ln 4 ≈ 12.3 minutes of fourfold evidence, where the plain wealth
        // would need over 24.
        let mut e = Evidence::default();
        for _ in 0..200 {
            e.push(0.9);
        }
        let mut minutes = 0;
        while e.value() < 300.0 {
            e.push(4.0);
            minutes += 1;
        }
        assert!(minutes <= 13, "{minutes} minutes");
    }

    /// Fraction of simulated healthy canaries whose evidence ever reached 1/alpha.
    fn ever_crossed(runs: usize, mut run: impl FnMut(&mut StdRng) -> f64, alpha: f64) -> f64 {
        let mut rng = StdRng::seed_from_u64(20_261_130);
        let crossed = (0..runs).filter(|_| run(&mut rng) >= 1.0 / alpha).count();
        crossed as f64 / runs as f64
    }

    #[test]
    fn count_ratio_holds_alpha_under_shared_shocks_and_drift() {
        // 2,000 healthy canaries watched for 4 hours, with shared drift and shocks that multiply
        // both cohorts' error rates up to 20×: the share that ever crosses stays within alpha.
        let alpha = 0.05;
        let share = ever_crossed(
            2000,
            |rng| {
                let mut t = CountRatio::new(1.0, Worse::Higher);
                let nc_level = 10f64.powf(rng.random_range(0.5..3.7));
                let base = rng.random_range(0.0005..0.02);
                for minute in 0..240 {
                    let drift = 1.0 + 0.3 * (minute as f64 / 40.0).sin();
                    let shock = if rng.random_bool(0.02) {
                        rng.random_range(2.0..20.0)
                    } else {
                        1.0
                    };
                    let p = (base * drift * shock).min(0.9);
                    let nc = (nc_level * drift).round() as u64;
                    let nb = nc * 9;
                    let x = Binomial::new(nc, p).unwrap().sample(rng);
                    let y = Binomial::new(nb, p).unwrap().sample(rng);
                    t.push(x, nc, y, nb);
                }
                t.evidence().peak()
            },
            alpha,
        );
        let se = (alpha * (1.0 - alpha) / 2000.0).sqrt();
        assert!(share <= alpha + 3.0 * se, "false alarms {share}");
    }

    #[test]
    fn count_ratio_detects_a_fourfold_error_rate_within_minutes() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut t = CountRatio::new(1.0, Worse::Higher);
        for _ in 0..30 {
            let x = Binomial::new(300, 0.01).unwrap().sample(&mut rng);
            let y = Binomial::new(3000, 0.01).unwrap().sample(&mut rng);
            t.push(x, 300, y, 3000);
        }
        assert!(t.evidence().peak() < 100.0);
        let mut minutes = 0;
        while t.evidence().value() < 300.0 {
            let x = Binomial::new(300, 0.04).unwrap().sample(&mut rng);
            let y = Binomial::new(3000, 0.01).unwrap().sample(&mut rng);
            t.push(x, 300, y, 3000);
            minutes += 1;
            assert!(minutes < 30);
        }
        assert!(minutes <= 6, "{minutes} minutes");
    }

    #[test]
    fn betting_holds_alpha_on_symmetric_noise() {
        let alpha = 0.05;
        let share = ever_crossed(
            2000,
            |rng| {
                let noise = Normal::new(0.0, 0.3).unwrap();
                let mut b = Betting::default();
                for _ in 0..240 {
                    b.push(noise.sample(rng));
                }
                b.evidence.peak()
            },
            alpha,
        );
        let se = (alpha * (1.0 - alpha) / 2000.0).sqrt();
        assert!(share <= alpha + 3.0 * se, "false alarms {share}");
    }

    #[test]
    fn max_exceeds_p99_is_the_share_of_requests_when_both_are_maxima() {
        // Both p99s are maxima (n <= 99): the larger of the two is equally likely to be any of
        // the n_c + n_b requests.
        for (nc, nb, expected) in [
            (3, 27, 0.1),
            (1, 1, 0.5),
            (10, 90, 0.1),
            (50, 99, 50.0 / 149.0),
        ] {
            let q = max_exceeds_p99(nc, nb).unwrap();
            assert!((q - expected).abs() < 1e-12, "{nc} vs {nb}: {q}");
        }
        assert_eq!(max_exceeds_p99(0, 10), None);
        assert_eq!(max_exceeds_p99(10, 0), None);
    }

    #[test]
    fn max_exceeds_p99_matches_sorted_samples() {
        // n_b = 300: the baseline's p99 is its 297th smallest request. Draw both cohorts'
        // requests from one distribution, sort, and count how often the canary's largest beats
        // it.
        let (nc, nb) = (40u64, 300usize);
        let q = max_exceeds_p99(nc, nb as u64).unwrap();
        // Reference value: 1 − Π_{i<40} (297 + i)/(301 + i), computed independently.
        let reference = 1.0
            - (0..40)
                .map(|i| (297.0 + i as f64) / (301.0 + i as f64))
                .product::<f64>();
        assert!((q - reference).abs() < 1e-12);
        let mut rng = StdRng::seed_from_u64(99);
        let runs = 4000;
        let mut hits = 0;
        let mut base = vec![0.0f64; nb];
        for _ in 0..runs {
            for b in &mut base {
                *b = rng.random::<f64>();
            }
            base.sort_by(f64::total_cmp);
            let p99 = base[296];
            let max = (0..nc).map(|_| rng.random::<f64>()).fold(0.0, f64::max);
            hits += usize::from(max > p99);
        }
        let share = hits as f64 / runs as f64;
        let se = (q * (1.0 - q) / runs as f64).sqrt();
        assert!((share - q).abs() < 4.0 * se, "simulated {share} vs {q}");
    }

    #[test]
    fn latency_bet_on_log_ratios_alone_is_betting() {
        // A canary with 100 requests or more every minute whose recent minutes never lie
        // clearly beyond the margin: the same factors as Betting.
        let mut rng = StdRng::seed_from_u64(3);
        let mut a = Betting::default();
        let mut b = LatencyBet::default();
        for _ in 0..300 {
            let z = rng.random_range(-1.2..0.8);
            assert!(!b.strong());
            a.push(z);
            b.push_ratio(z);
        }
        assert_eq!(a.evidence, b.evidence);
    }

    #[test]
    fn bets_grow_once_minutes_are_clearly_beyond_the_margin() {
        // Every minute at the clip (far beyond the margin). Capped at MAX_BET, the first
        // minute's bet is 0 and every later one 0.5, so the evidence reaches 1/α' = 300 at
        // minute 16; with the cap at STRONG_BET from the fourth minute, both bets reach it at
        // minute 11.
        let crossing = |push: &mut dyn FnMut() -> f64| (1..=40).find(|_| push() >= 300.0);
        let mut capped = Evidence::default();
        let mut first = true;
        let capped_at = crossing(&mut || {
            capped.push(if std::mem::take(&mut first) {
                1.0
            } else {
                1.0 + MAX_BET
            });
            capped.value()
        });
        let mut values = Betting::default();
        let values_at = crossing(&mut || {
            values.push(1.0);
            values.evidence.value()
        });
        let mut latency = LatencyBet::default();
        let latency_at = crossing(&mut || {
            latency.push_ratio(1.0);
            latency.evidence.value()
        });
        assert_eq!(
            (capped_at, values_at, latency_at),
            (Some(16), Some(11), Some(11))
        );
        // A stretch whose recent mean stays below STRONG_MEAN keeps MAX_BET, however long.
        let mut t = LatencyBet::default();
        for i in 0..200 {
            t.push_ratio(if i % 2 == 0 { 1.0 } else { -0.6 });
            assert!(
                t.ratio_bet() <= MAX_BET,
                "minute {i}: bet {}",
                t.ratio_bet()
            );
        }
    }

    /// The log p99 of `n` log-normal requests (log-sd `sigma`, log-median `mu`): the nearest-rank
    /// order statistic, drawn exactly through its quantile Beta(k, n + 1 − k).
    fn log_p99(rng: &mut StdRng, n: u64, mu: f64, sigma: f64) -> f64 {
        let n = n as f64;
        let k = (0.99 * n).ceil().max(1.0);
        let u: f64 = rand_distr::Beta::new(k, n + 1.0 - k).unwrap().sample(rng);
        mu + sigma * StatrsNormal::standard().inverse_cdf(u.clamp(1e-12, 1.0 - 1e-12))
    }

    #[test]
    fn latency_exceedance_holds_alpha_for_small_canaries() {
        // 2,000 healthy canaries of 3–99 requests a minute beside a baseline of 4–19× as many,
        // all from one log-normal distribution whose level drifts and jumps (shared), watched
        // for 4 hours: the share whose evidence ever reaches 1/alpha stays within alpha.
        let alpha = 0.05;
        let margin = 0.1f64;
        let share = ever_crossed(
            2000,
            |rng| {
                let mut t = LatencyBet::default();
                let level = rng.random_range(3.0..100.0);
                let ratio = rng.random_range(4.0..19.0);
                let sigma = rng.random_range(0.3..0.8);
                for minute in 0..240 {
                    let nc = Poisson::new(level).unwrap().sample(rng) as u64;
                    let nb = (nc as f64 * ratio).round() as u64;
                    if nc == 0 || nc > 99 {
                        continue;
                    }
                    let shared = 0.3 * (minute as f64 / 30.0).sin()
                        + if rng.random_bool(0.02) { 0.5 } else { 0.0 };
                    let c = log_p99(rng, nc, shared, sigma);
                    let b = log_p99(rng, nb, shared, sigma);
                    t.push_exceedance(c - b > margin.ln_1p(), max_exceeds_p99(nc, nb).unwrap());
                }
                t.evidence.peak()
            },
            alpha,
        );
        let se = (alpha * (1.0 - alpha) / 2000.0).sqrt();
        assert!(share <= alpha + 3.0 * se, "false alarms {share}");
    }

    #[test]
    fn latency_exceedance_sees_what_the_biased_log_ratio_misses() {
        // Ten requests a minute against ninety: the canary's p99 is the maximum of ten, about
        // 0.5 σ-units of log below the baseline's, so a doubled p99 barely moves the clipped log
        // ratio's bet, while the exceedance test crosses 1/alpha = 300 within the hour.
        let mut rng = StdRng::seed_from_u64(11);
        let (sigma, margin) = (0.6, 0.1f64);
        let mut exceed = LatencyBet::default();
        let mut ratio = Betting::default();
        let mut crossed_at = None;
        for minute in 0..90 {
            let shift = if minute >= 30 { 2f64.ln() } else { 0.0 };
            let c = log_p99(&mut rng, 10, shift, sigma);
            let b = log_p99(&mut rng, 90, 0.0, sigma);
            let x = c - b - margin.ln_1p();
            exceed.push_exceedance(x > 0.0, max_exceeds_p99(10, 90).unwrap());
            ratio.push(x / 0.5);
            if minute < 30 {
                assert!(exceed.evidence.value() < 300.0);
            }
            if crossed_at.is_none() && exceed.evidence.value() >= 300.0 {
                crossed_at = Some(minute - 30);
            }
        }
        let minutes = crossed_at.expect("the exceedance test crosses");
        assert!(minutes <= 40, "{minutes} minutes after onset");
        assert!(ratio.evidence.peak() < 300.0, "{}", ratio.evidence.peak());
    }

    #[test]
    fn confidence_sequence_width_shrinks_and_exceeds_the_fixed_time_interval() {
        let w100 = cs_half_width(1.0, 100.0, 0.01);
        assert!(w100 > 2.576 && w100 < 4.0, "{w100}");
        assert!(cs_half_width(0.1, 10_000.0, 0.01) < w100);
        assert_eq!(cs_half_width(1.0, 0.0, 0.01), f64::INFINITY);
    }

    #[test]
    fn series_mean_matches_direct_moments() {
        let xs = [0.3, -0.1, 0.4, 0.45, 0.2, -0.3, 0.1, 0.0, 0.25, 0.3];
        let mut s = SeriesMean::default();
        xs.iter().for_each(|&x| s.push(x));
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let c0: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
        let c1: f64 = xs.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum();
        let phi = c1 / c0;
        assert!((s.mean() - m).abs() < 1e-12);
        assert!(
            (s.lag1() - (phi + (1.0 + 3.0 * phi) / n).clamp(0.0, PHI_MAX)).abs() < 1e-12,
            "{} {phi}",
            s.lag1()
        );
        let v = (PRIOR_MINUTES * 0.25 + c0) / (PRIOR_MINUTES + n - 1.0);
        let kappa = ar1_long_run_factor(s.lag1()) + LONG_RUN_ALLOWANCE;
        let want = (v * kappa / n).sqrt();
        assert!((s.std_err(0.5) - want).abs() < 1e-12);
        assert_eq!(SeriesMean::default().std_err(0.5), f64::INFINITY);
        // Constant minutes: no spread of their own, the prior's only.
        let mut flat = SeriesMean::default();
        (0..5).for_each(|_| flat.push(0.2));
        assert_eq!(flat.lag1(), 0.0);
        let kappa = 1.0 + LONG_RUN_ALLOWANCE;
        assert!(
            (flat.std_err(0.5) - (PRIOR_MINUTES * 0.25 / 8.0 * kappa / 5.0).sqrt()).abs() < 1e-12
        );
    }

    /// The share of `runs` simulated AR(1) series of 90 minutes (mean 0, stationary sd 1, lag-1
    /// autocorrelation `phi`) whose interval, asked at every minute from the second, ever
    /// excludes the true mean 0.
    fn ever_missed(phi: f64, std_err: impl Fn(&SeriesMean) -> f64, alpha: f64) -> f64 {
        let mut rng = StdRng::seed_from_u64(2026);
        let innovation = Normal::new(0.0, (1.0 - phi * phi).sqrt()).unwrap();
        let runs = 1_000;
        let mut missed = 0;
        for _ in 0..runs {
            let mut x: f64 = rng.sample(rand_distr::StandardNormal);
            let mut s = SeriesMean::default();
            for minute in 1..=90 {
                x = phi * x + innovation.sample(&mut rng);
                s.push(x);
                if minute >= 2 && s.mean().abs() > cs_half_width(std_err(&s), s.n as f64, alpha) {
                    missed += 1;
                    break;
                }
            }
        }
        missed as f64 / runs as f64
    }

    #[test]
    fn the_interval_holds_on_autocorrelated_minutes() {
        // A rule's share of the default alpha; the prior scale twice the noise's, as the clip
        // (0.5 on log p99 ratios) is to the wander of real canaries.
        let alpha = 0.01 / 3.0;
        // The sample variance of independent minutes alone, as the interval had it before.
        let naive = |s: &SeriesMean| {
            let n = s.n as f64;
            (s.centered_squares() / (n - 1.0) / n).sqrt()
        };
        // The lag-1 autocorrelation of log p99 ratios of healthy canaries on the production-shaped
        // corpus: median 0.07–0.35 by traffic band, at most 0.78. Nominal: 0.33 %; measured
        // (seed 2026) 0 %, 0 %, 0.6 %, against 11 %, 34 %, 80 % for the naive interval.
        for phi in [0.0, 0.5, 0.8] {
            let held = ever_missed(phi, |s| s.std_err(2.0), alpha);
            let before = ever_missed(phi, naive, alpha);
            assert!(held <= 0.02, "phi {phi}: missed {held}");
            assert!(
                before >= 0.09,
                "phi {phi}: the naive interval missed only {before}"
            );
        }
        // With a prior no wider than the noise, strongly autocorrelated minutes need their
        // long-run factor: without it the interval misses far more often (4.6 % against 62 %).
        let held = ever_missed(0.8, |s| s.std_err(1.0), alpha);
        let no_factor = ever_missed(
            0.8,
            |s| {
                let n = s.n as f64;
                ((PRIOR_MINUTES + s.centered_squares()) / (PRIOR_MINUTES + n - 1.0) / n).sqrt()
            },
            alpha,
        );
        assert!(
            held <= 0.08 && no_factor >= 0.4,
            "{held} against {no_factor}"
        );
    }
}

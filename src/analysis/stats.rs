//! Summary statistics over `&[f64]` that reproduce numpy's float64 results bit for bit.
//!
//! The `seed` policy must decide exactly as `reference/seed_rules.py` does, including at ties,
//! so `mean` and `population_std` follow numpy's own algorithms rather than naive loops:
//! `np.add.reduce` on a contiguous float64 array uses pairwise summation
//! (`numpy/_core/src/umath/loops_utils.h.src`, `pairwise_sum`: sequential below 8 elements,
//! eight interleaved accumulators up to a block of 128, recursive halving above), `np.mean` is
//! that sum divided by n, and `np.std` (ddof = 0) is `sqrt(sum((x - mean)^2) / n)`
//! (`numpy/_core/_methods.py`, `_var`). Pairwise summation also bounds the rounding error by
//! O(ε log n), which is what makes these sums trustworthy on long series.

/// numpy's `PW_BLOCKSIZE`: below this many elements one unrolled block is summed directly.
const BLOCK: usize = 128;
/// numpy's unroll factor: eight interleaved accumulators.
const UNROLL: usize = 8;

/// Sum of `f(x)` over `xs`, in numpy's pairwise order.
#[inline]
fn pairwise_sum_by(xs: &[f64], f: &impl Fn(f64) -> f64) -> f64 {
    let n = xs.len();
    if n < UNROLL {
        // numpy starts from 0.0 and adds left to right.
        let mut res = 0.0;
        for &x in xs {
            res += f(x);
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0; UNROLL];
        for (acc, &x) in r.iter_mut().zip(&xs[..UNROLL]) {
            *acc = f(x);
        }
        let whole = n - n % UNROLL;
        for chunk in xs[UNROLL..whole].chunks_exact(UNROLL) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += f(x);
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &xs[whole..] {
            res += f(x);
        }
        res
    } else {
        // Halve, keeping the first half a multiple of the unroll factor, as numpy does.
        let mut half = n / 2;
        half -= half % UNROLL;
        pairwise_sum_by(&xs[..half], f) + pairwise_sum_by(&xs[half..], f)
    }
}

/// The sum of `n` copies of `x` in numpy's pairwise order: bit for bit `sum(&vec![x; n])`, in
/// O(log n) time. Every block of the recursion holds the same value, so a block's sum depends
/// only on its length; the halves of one level differ in length by less than 16, so a level holds
/// at most a few distinct lengths, each summed once (`memo`).
pub fn sum_of_copies(x: f64, n: usize) -> f64 {
    fn go(x: f64, n: usize, memo: &mut Vec<(usize, f64)>) -> f64 {
        if let Some(&(_, s)) = memo.iter().find(|(len, _)| *len == n) {
            return s;
        }
        let s = if n < UNROLL {
            let mut res = 0.0;
            for _ in 0..n {
                res += x;
            }
            res
        } else if n <= BLOCK {
            // The eight accumulators each add n / 8 copies, in the same order: all equal.
            let mut r = x;
            for _ in 1..n / UNROLL {
                r += x;
            }
            let mut res = ((r + r) + (r + r)) + ((r + r) + (r + r));
            for _ in 0..n % UNROLL {
                res += x;
            }
            res
        } else {
            let mut half = n / 2;
            half -= half % UNROLL;
            go(x, half, memo) + go(x, n - half, memo)
        };
        memo.push((n, s));
        s
    }
    go(x, n, &mut Vec::new())
}

/// Mean and population standard deviation of `n` copies of `x`, bit for bit what
/// [`mean_and_population_std`] returns for `vec![x; n]` (which is not always `(x, 0)`: the sum of
/// copies of 0.1 rounds); `None` for `n = 0`.
pub fn mean_and_population_std_of_copies(x: f64, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let m = sum_of_copies(x, n) / n as f64;
    let d = x - m;
    Some((m, (sum_of_copies(d * d, n) / n as f64).sqrt()))
}

/// Running sums of a series of whole numbers, kept exactly in `i128`, from which
/// [`mean_and_population_std`] follows bit for bit in O(1) wherever numpy's float64 arithmetic is
/// itself exact.
///
/// numpy's result is that of its own summation order and roundings; it equals the exact one when
/// no operation rounds. With whole values x_i and Σ|x_i| < 2^53, every partial sum, in any order,
/// is a whole number below 2^53: the sum is exact. The mean m = fl(S / n) rounds, but it is one
/// float64, m = M·2^-t. Where t is small and Q = Σ(x_i − m)², computed exactly as
/// 2^2t·Σx_i² − 2^(t+1)·M·Σx_i + n·M² in units of 2^-2t, is below 2^53 units, each deviation
/// (|x_i − m| ≤ √Q < 2^26.5 units), its square (≤ Q) and every partial sum of the squares (≤ Q)
/// is exact too, so numpy's sum of squares is Q whatever its order. What follows (Q / n, the root)
/// is the same two float64 operations. Outside those bounds [`IntegerSums::mean_and_population_std`]
/// says `None`, and only the two-pass computation will do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntegerSums {
    n: usize,
    sum: i128,
    sum_abs: i128,
    sum_squares: i128,
}

/// Below this, every whole number is a float64 and every sum of such numbers below it is exact.
const EXACT_INTEGERS: i128 = 1 << 53;
/// The most fractional bits of a mean the exact path takes: 2^(2·30) units keep every product
/// within `i128` for any series whose sums pass the other bounds.
const MAX_MEAN_FRACTION_BITS: i32 = 30;

impl IntegerSums {
    /// Adds `x`; `None` when it is not a whole number below 2^53 in magnitude, or the sums would
    /// overflow: the series has left the exact path for good.
    pub fn push(self, x: f64) -> Option<Self> {
        if x.fract() != 0.0 || x.abs() >= EXACT_INTEGERS as f64 {
            return None;
        }
        #[allow(clippy::cast_possible_truncation)] // whole and below 2^53: exact
        let a = i128::from(x as i64);
        Some(IntegerSums {
            n: self.n + 1,
            sum: self.sum + a,
            sum_abs: self.sum_abs + a.abs(),
            sum_squares: self.sum_squares.checked_add(a * a)?,
        })
    }

    /// Bit for bit what [`mean_and_population_std`] returns for the values pushed, when numpy's
    /// arithmetic on them is exact (see the type's docs); `None` otherwise, or for no values.
    pub fn mean_and_population_std(&self) -> Option<(f64, f64)> {
        if self.n == 0 || self.sum_abs >= EXACT_INTEGERS {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // below 2^53: exact
        let m = self.sum as f64 / self.n as f64;
        // m = M·2^-t exactly, with t the number of fractional bits it carries.
        let (mantissa, exponent) = float_parts(m);
        let t = (-exponent).max(0);
        if t > MAX_MEAN_FRACTION_BITS {
            return None;
        }
        let big_m = mantissa.checked_mul(1i128 << (exponent + t))?;
        let n = i128::try_from(self.n).ok()?;
        let q = (self.sum_squares.checked_mul(1 << (2 * t))?)
            .checked_sub(big_m.checked_mul(self.sum.checked_mul(1 << (t + 1))?)?)?
            .checked_add(n.checked_mul(big_m.checked_mul(big_m)?)?)?;
        if !(0..EXACT_INTEGERS).contains(&q) {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // below 2^53: exact
        let squares = q as f64 / f64::powi(2.0, 2 * t);
        Some((m, (squares / self.n as f64).sqrt()))
    }
}

/// `x = mantissa · 2^exponent` with an odd mantissa (or zero), for a finite `x`.
fn float_parts(x: f64) -> (i128, i32) {
    if x == 0.0 {
        return (0, 0);
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)] // 11 bits
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut mantissa, mut exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    #[allow(clippy::cast_possible_wrap)] // < 64
    {
        exponent += zeros as i32;
    }
    (sign * i128::from(mantissa), exponent)
}

/// Sum of `xs` exactly as `np.sum` computes it for a contiguous float64 array.
pub fn sum(xs: &[f64]) -> f64 {
    pairwise_sum_by(xs, &|x| x)
}

/// Arithmetic mean as `np.mean` computes it; `None` for an empty slice (numpy gives NaN).
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(sum(xs) / xs.len() as f64)
    }
}

/// Mean and population standard deviation (ddof = 0) as `np.mean` and `np.std` compute them;
/// `None` for an empty slice.
pub fn mean_and_population_std(xs: &[f64]) -> Option<(f64, f64)> {
    let m = mean(xs)?;
    let squares = pairwise_sum_by(xs, &|x| {
        let d = x - m;
        d * d
    });
    Some((m, (squares / xs.len() as f64).sqrt()))
}

/// `x` clamped to `[lo, hi]`; unclipped when the bounds are not an interval (NaN, from
/// statistics that overflowed: `inf - inf`), where `f64::clamp` would panic. The rule reading
/// such statistics reports `insufficient_data`.
fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    if lo <= hi { x.clamp(lo, hi) } else { x }
}

/// The median (mean of the middle two for an even count); `None` for an empty slice.
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// Welford's running mean and sum of squared deviations (Welford 1962; Knuth, TAOCP vol. 2,
/// 4.2.2): one point at a time, O(1) each, numerically stable.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Welford {
    pub n: usize,
    pub mean: f64,
    m2: f64,
}

impl Welford {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Pushes `x` clipped to mean ± `c`·σ of the points before it, once `warmup` points are in
    /// and σ > 0 (winsorizing in time order): one spike cannot inflate the spread.
    pub fn push_winsorized(&mut self, x: f64, c: f64, warmup: usize) {
        let s = self.std();
        if self.n >= warmup && s > 0.0 {
            self.push(clip(x, self.mean - c * s, self.mean + c * s));
        } else {
            self.push(x);
        }
    }

    /// An accumulator started from a warm-up set, each point clipped to median ± `c`·σ̂ where
    /// σ̂ = 1.4826 × MAD (the median absolute deviation, scaled to σ for Gaussian data): a
    /// spike among the first points cannot set the spread either. Continue with
    /// [`Welford::push_winsorized`] (warm-up 0).
    pub fn winsorized_start(warm: &[f64], c: f64) -> Self {
        let Some(med) = median(warm) else {
            return Welford::default();
        };
        let deviations: Vec<f64> = warm.iter().map(|x| (x - med).abs()).collect();
        let mad = median(&deviations).unwrap_or_default() * 1.4826;
        let mut w = Welford::default();
        for &x in warm {
            w.push(if mad > 0.0 {
                clip(x, med - c * mad, med + c * mad)
            } else {
                x
            });
        }
        w
    }

    /// Population standard deviation; 0 for no points.
    pub fn std(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        (self.m2.max(0.0) / self.n as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sum with a compensated (Kahan–Babuška–Neumaier) loop: an independent accurate reference.
    fn neumaier(xs: &[f64]) -> f64 {
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for &x in xs {
            let t = s + x;
            c += if s.abs() >= x.abs() {
                (s - t) + x
            } else {
                (x - t) + s
            };
            s = t;
        }
        s + c
    }

    #[test]
    fn empty_input_has_no_mean_rather_than_nan() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean_and_population_std(&[]), None);
    }

    #[test]
    fn short_sums_run_left_to_right_from_zero() {
        let xs = [0.1, 0.2, 0.3];
        assert_eq!(sum(&xs).to_bits(), ((0.0 + 0.1) + 0.2 + 0.3f64).to_bits());
    }

    #[test]
    fn unrolled_block_combines_accumulators_in_numpy_order() {
        // Ten elements: eight accumulators, then the two leftovers added sequentially.
        let xs: Vec<f64> = (1..=10).map(|i| 1.0 / i as f64).collect();
        let r: Vec<f64> = xs[..8].to_vec();
        let expected =
            ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])) + xs[8] + xs[9];
        assert_eq!(sum(&xs).to_bits(), expected.to_bits());
    }

    #[test]
    fn long_sums_stay_close_to_a_compensated_sum() {
        // 1e6 values with a large offset: naive summation drifts, pairwise stays within a few ulps.
        let xs: Vec<f64> = (0..1_000_000u64)
            .map(|i| 1e9 + ((i * 7919) % 1000) as f64 * 0.001)
            .collect();
        let exact = neumaier(&xs);
        let rel = ((sum(&xs) - exact) / exact).abs();
        assert!(rel < 1e-14, "relative error {rel}");
    }

    #[test]
    fn std_of_a_constant_series_is_exactly_zero() {
        for n in [1, 2, 7, 8, 9, 127, 128, 129, 1000] {
            let xs = vec![250.0; n];
            assert_eq!(mean_and_population_std(&xs), Some((250.0, 0.0)), "n = {n}");
        }
    }

    #[test]
    fn winsorizing_caps_a_spike_at_c_sigma_of_the_points_before_it() {
        let mut w = Welford::default();
        for x in [10.0, 12.0, 10.0, 12.0] {
            w.push_winsorized(x, 3.0, 4);
        }
        // mean 11, σ 1: a spike of 1000 enters as 11 + 3 = 14.
        let mut clipped = w;
        clipped.push_winsorized(1000.0, 3.0, 4);
        let mut expected = w;
        expected.push(14.0);
        assert_eq!(clipped, expected);
        // Before the warm-up, points enter as they are.
        let mut early = Welford::default();
        early.push_winsorized(1000.0, 3.0, 4);
        assert_eq!(early.mean, 1000.0);
    }

    #[test]
    fn copies_sum_and_spread_as_the_pairwise_loop_does() {
        for x in [
            0.0,
            0.1,
            1.0 / 3.0,
            250.0,
            199.7,
            1e-300,
            1.234_567_890_123e15,
        ] {
            let lens = (0..1100).chain([4095, 4096, 4097, 10_000, 65_537, 100_003]);
            for n in lens {
                let xs = vec![x; n];
                assert_eq!(
                    sum_of_copies(x, n).to_bits(),
                    sum(&xs).to_bits(),
                    "x = {x}, n = {n}"
                );
                let (m, s) = mean_and_population_std_of_copies(x, n).unwrap_or((0.0, 0.0));
                let (em, es) = mean_and_population_std(&xs).unwrap_or((0.0, 0.0));
                assert_eq!(
                    (m.to_bits(), s.to_bits()),
                    (em.to_bits(), es.to_bits()),
                    "x = {x}, n = {n}"
                );
            }
        }
        // Not (x, 0) in general: the premise a shortcut "constant ⇒ σ = 0" would rest on.
        assert_ne!(mean_and_population_std(&[0.1; 3]).unwrap().1, 0.0);
    }

    #[test]
    fn std_matches_textbook_values() {
        let (m, s) = mean_and_population_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!((m, s), (5.0, 2.0));
    }

    #[test]
    fn integer_sums_give_numpys_bits_wherever_they_answer() {
        // Whole-number series of several spreads and offsets, every prefix: where the exact path
        // answers it must be the two-pass result bit for bit, and it must answer often enough for
        // that to mean something (a tenth of the prefixes).
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        let mut answered = 0;
        let mut asked = 0;
        let mut cases = Vec::new();
        for (spread, offset) in [(2, 0.0), (7, 100.0), (1000, -5e5), (1 << 20, 3e9)] {
            // Random, where a mean is rarely a short binary fraction, and repeating a random
            // pattern of 2, 4 or 8 values, where it is at every whole period.
            cases.push(
                (0..600)
                    .map(|_| offset + next(spread) as f64)
                    .collect::<Vec<f64>>(),
            );
            for period in [2, 4, 8] {
                let pattern: Vec<f64> = (0..period).map(|_| offset + next(spread) as f64).collect();
                cases.push((0..600).map(|i| pattern[i % period]).collect());
            }
        }
        for xs in cases {
            let mut sums = IntegerSums::default();
            for n in 1..=xs.len() {
                sums = sums.push(xs[n - 1]).expect("whole numbers");
                asked += 1;
                if let Some((m, s)) = sums.mean_and_population_std() {
                    answered += 1;
                    let (em, es) = mean_and_population_std(&xs[..n]).unwrap();
                    assert_eq!(
                        (m.to_bits(), s.to_bits()),
                        (em.to_bits(), es.to_bits()),
                        "n = {n}"
                    );
                }
            }
        }
        assert!(answered * 10 > asked, "{answered} of {asked}");
        // The alternating series whose threshold under one sigma ties its top value at every even
        // length: exact there.
        let alternating: Vec<f64> = (0..64)
            .map(|i| if i % 2 == 0 { 100.0 } else { 200.0 })
            .collect();
        let sums = alternating
            .iter()
            .try_fold(IntegerSums::default(), |s, &x| s.push(x))
            .unwrap();
        assert_eq!(sums.mean_and_population_std(), Some((150.0, 50.0)));
        // Not whole, or too large: the exact path is left for good.
        assert_eq!(IntegerSums::default().push(0.5), None);
        assert_eq!(IntegerSums::default().push(9.1e15), None);
        assert_eq!(IntegerSums::default().mean_and_population_std(), None);
    }
}

//! Running a policy over a set of series, and the verdict that comes out.
//!
//! [`evaluate`] is the hot path: numbers in, [`Evaluation`] out, no allocation beyond the rule
//! list and no strings. [`Verdict`] is the reported form, with a one-line human message per rule;
//! it is what the CLI prints and the API returns.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compare::{self, Comparison, Method, MetricInputs};
use super::decision::Decision;
use super::metric;
use super::policy::Policy;
use super::rules::{self, BaselineSource, ConversionBaseline, RuleName, RuleOutcome, RuleStatus};
use super::stepping::Recommendation;

/// The series a policy reads, borrowed. Units: error rate in percent, latency in ms,
/// conversion as a fraction; values already validated (see `metric::check_value`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    pub error_rate: &'a [f64],
    pub latency_p99: &'a [f64],
    pub conversion_rate: &'a [f64],
    pub conversion_baseline: ConversionBaseline<'a>,
    /// Per rule, in rule order: the canary's and the baseline cohort's series with their times
    /// and counts, as `compare` sections and `not_applicable` read them.
    pub by_rule: [MetricInputs<'a>; 3],
}

impl<'a> Inputs<'a> {
    /// The inputs with the canary's series cut to their first `lens` points (error rate, latency,
    /// conversion); the other cohorts, context, stay whole. What a replay step sees.
    pub fn prefix(&self, lens: [usize; 3]) -> Inputs<'a> {
        let mut by_rule = self.by_rule;
        for (m, n) in by_rule.iter_mut().zip(lens) {
            m.canary = m.canary.prefix(n);
        }
        Inputs {
            error_rate: &self.error_rate[..lens[0].min(self.error_rate.len())],
            latency_p99: &self.latency_p99[..lens[1].min(self.latency_p99.len())],
            conversion_rate: &self.conversion_rate[..lens[2].min(self.conversion_rate.len())],
            conversion_baseline: self.conversion_baseline,
            by_rule,
        }
    }

    /// What rule `rule` reads for `compare` and `not_applicable`.
    pub fn metric(&self, rule: RuleName) -> &MetricInputs<'a> {
        &self.by_rule[rule as usize]
    }
}

/// Whether `policy` requires `rule` to have data (else a rule whose metric never arrived is
/// `not_applicable`).
pub fn required(policy: &Policy, rule: RuleName) -> bool {
    let r = &policy.rules;
    match rule {
        RuleName::ErrorRate => r.error_rate.required,
        RuleName::Latency => r.latency.required,
        RuleName::Conversion => r.conversion.required,
    }
}

/// Whether `rule` has a `compare` section in `policy`.
pub fn compares(policy: &Policy, rule: RuleName) -> bool {
    let r = &policy.rules;
    match rule {
        RuleName::ErrorRate => r.error_rate.compare.is_some(),
        RuleName::Latency => r.latency.compare.is_some(),
        RuleName::Conversion => r.conversion.compare.is_some(),
    }
}

/// What a policy concluded, with each enabled rule's numbers, in rule order.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub decision: Decision,
    pub rules: Vec<RuleOutcome>,
}

impl Evaluation {
    /// The first rule that triggered, in rule order.
    pub fn first_triggered(&self) -> Option<RuleName> {
        self.rules
            .iter()
            .find(|r| r.status == RuleStatus::Triggered)
            .map(|r| r.rule)
    }
}

/// Combines rule statuses into a decision: any trigger rolls back, any gap is inconclusive,
/// `not_applicable` rules do not count, and with no rule applied at all there is nothing to pass.
pub fn combine(statuses: impl IntoIterator<Item = RuleStatus>) -> Decision {
    let mut decision = Decision::Pass;
    let mut applied = false;
    for status in statuses {
        match status {
            RuleStatus::Triggered => return Decision::Rollback,
            RuleStatus::InsufficientData => {
                applied = true;
                decision = Decision::Inconclusive;
            }
            RuleStatus::Passed => applied = true,
            RuleStatus::NotApplicable => {}
        }
    }
    if applied {
        decision
    } else {
        Decision::Inconclusive
    }
}

/// Whether `rule` is `not_applicable`: not required, and its metric never received in any cohort.
pub fn not_applicable(policy: &Policy, rule: RuleName, inputs: &Inputs<'_>) -> bool {
    !required(policy, rule) && !compare::seen(inputs.metric(rule))
}

/// The threshold form of `rule` (the seed's rules, with the policy's guards) over `inputs`.
pub fn threshold_rule(policy: &Policy, rule: RuleName, inputs: &Inputs<'_>) -> RuleOutcome {
    let r = &policy.rules;
    let mut out = match rule {
        RuleName::ErrorRate => rules::error_rate(&r.error_rate, inputs.error_rate),
        RuleName::Latency => rules::latency(&r.latency, inputs.latency_p99),
        RuleName::Conversion => rules::conversion(
            &r.conversion,
            inputs.conversion_rate,
            &inputs.conversion_baseline,
        ),
    };
    if compares(policy, rule) {
        out.method = Some(Method::OwnPast);
    }
    out
}

/// One rule's outcome over `inputs`.
pub fn rule_outcome(policy: &Policy, rule: RuleName, inputs: &Inputs<'_>) -> RuleOutcome {
    if not_applicable(policy, rule, inputs) {
        return RuleOutcome::not_applicable(rule);
    }
    compare::evaluate_rule(policy, rule, *inputs.metric(rule))
        .unwrap_or_else(|| threshold_rule(policy, rule, inputs))
}

/// Runs every enabled rule of `policy` over `inputs`.
pub fn evaluate(policy: &Policy, inputs: &Inputs<'_>) -> Evaluation {
    let outcomes: Vec<RuleOutcome> = RuleName::enabled(&policy.rules)
        .map(|rule| rule_outcome(policy, rule, inputs))
        .collect();
    Evaluation {
        decision: combine(outcomes.iter().map(|o| o.status)),
        rules: outcomes,
    }
}

/// The reported verdict: the decision, the policy that made it, and every rule's numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Verdict {
    pub verdict: Decision,
    /// The policy's name (`inline` for a policy given in the request).
    pub policy: String,
    pub rules: Vec<RuleReport>,
    /// The next canary step, when the request gave the current weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
    /// What was read from a metrics source before judging, for a deployment with PromQL
    /// templates (see docs/integrations/prometheus.md); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull: Option<PullReport>,
}

/// How a verdict's pull from its metrics source went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PullStatus {
    /// Every series was read up to now (or was already).
    Pulled,
    /// A source failed, but every failed series had been read recently enough (within the
    /// server's `--source-max-staleness`): judged from the stored points.
    Stored,
    /// A source failed and a failed series' stored points are older than the bound (or there
    /// are none): the verdict is `inconclusive`, whatever the rules say.
    Stale,
}

/// What a verdict read from its metrics sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PullReport {
    pub status: PullStatus,
    /// Points stored by this pull, all series.
    #[schema(minimum = 0)]
    pub points: u64,
    /// The first failure, naming the source and what it answered; null when none failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every series the templates define, with the queries as run.
    pub series: Vec<PulledSeries>,
}

/// One series of a pull.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PulledSeries {
    #[schema(example = "error_rate")]
    pub metric: String,
    #[schema(example = "canary")]
    pub cohort: String,
    /// The source's name.
    pub source: String,
    /// The value query, placeholders filled (null when the deployment lacks a value it needs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_query: Option<String>,
    /// The range read, both ends included; absent when nothing was read (up to date, skipped
    /// or failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Points stored from this series by this pull.
    #[schema(minimum = 0)]
    pub points: u64,
    /// Samples not stored: NaN or infinite (no traffic in the step), or out of the metric's
    /// range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u64,
    /// Where the series had been read up to before this pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previously_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the series was not read: the deployment lacks a value a placeholder needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why reading it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One rule's result as reported: its numbers and a line for a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RuleReport {
    #[serde(flatten)]
    pub outcome: RuleOutcome,
    /// One line for a person, e.g. "mean error rate of last 3 points 6.10% > 5.00%".
    pub message: String,
}

impl Verdict {
    pub fn new(policy_name: impl Into<String>, policy: &Policy, evaluation: &Evaluation) -> Self {
        Verdict {
            verdict: evaluation.decision,
            policy: policy_name.into(),
            rules: evaluation
                .rules
                .iter()
                .map(|o| RuleReport::new(policy, o))
                .collect(),
            recommendation: None,
            pull: None,
        }
    }
}

impl RuleReport {
    fn new(policy: &Policy, o: &RuleOutcome) -> Self {
        RuleReport {
            outcome: *o,
            message: message(policy, o),
        }
    }
}

fn comparison(status: RuleStatus, above: bool) -> &'static str {
    match (status == RuleStatus::Triggered, above) {
        (true, true) => ">",
        (false, true) => "<=",
        (true, false) => "<",
        (false, false) => ">=",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn message(policy: &Policy, o: &RuleOutcome) -> String {
    if o.status == RuleStatus::NotApplicable {
        return format!(
            "no {} points in any cohort: not applicable (the policy does not require it)",
            metric::KNOWN_METRICS[o.rule as usize]
        );
    }
    if o.method == Some(Method::OwnPastShift) {
        return own_past_shift_message(policy, o);
    }
    if let (Some(method), Some(c)) = (o.method, &o.comparison) {
        return comparison_message(policy, o, method, c);
    }
    if o.method.is_some() && o.comparison.is_none() && o.method != Some(Method::OwnPast) {
        return compare_insufficient_message(policy, o);
    }
    let own_past = o.method == Some(Method::OwnPast);
    let base = threshold_message(policy, o);
    if own_past {
        let what = match o.rule {
            RuleName::Conversion => "against its baseline value",
            RuleName::ErrorRate => "against the fixed threshold",
            RuleName::Latency => "against the canary's own past",
        };
        format!("no baseline cohort: {what}; {base}")
    } else {
        base
    }
}

/// "1,234" for a count.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn evidence_words(o: &RuleOutcome, c: &Comparison) -> String {
    let verdict = match o.status {
        RuleStatus::Triggered => "canary worse: roll back",
        RuleStatus::Passed => "no regression detected yet",
        _ => "too few samples to judge",
    };
    // Evidence grows geometrically: past a million, scientific notation (7.7e96) reads better.
    let evidence = if c.evidence < 1e6 {
        format!("{:.3}", c.evidence)
    } else {
        format!("{:.1e}", c.evidence)
    };
    format!(
        "evidence {evidence} {} {:.0} over {} minute{}: {verdict}",
        if c.evidence >= c.evidence_needed {
            ">="
        } else {
            "<"
        },
        c.evidence_needed,
        c.minutes,
        plural(c.minutes)
    )
}

fn comparison_message(policy: &Policy, o: &RuleOutcome, method: Method, c: &Comparison) -> String {
    let against = if method == Method::CountsVsReference {
        "reference"
    } else {
        "baseline"
    };
    let counts = |events: Option<u64>, count: Option<u64>| match (events, count) {
        (Some(e), Some(n)) => format!(" ({}/{})", thousands(e), thousands(n)),
        _ => String::new(),
    };
    let head = match o.rule {
        RuleName::ErrorRate => {
            let margin = policy
                .rules
                .error_rate
                .compare
                .as_ref()
                .map_or(0.0, |c| c.margin);
            format!(
                "canary error rate {:.2}%{} vs {against} {:.2}%{}: {:+.2} points [{:+.2}, {:+.2}] (margin {margin} point{})",
                c.canary,
                counts(c.canary_events, c.canary_count),
                c.baseline,
                counts(c.baseline_events, c.baseline_count),
                c.effect,
                c.effect_low,
                c.effect_high,
                if margin == 1.0 { "" } else { "s" }
            )
        }
        RuleName::Latency => {
            let margin = latency_margin(policy);
            format!(
                "canary p99 {:.1} ms vs baseline {:.1} ms (geometric means): {:+.1}% [{:+.1}%, {:+.1}%] (margin {:.0}%)",
                c.canary,
                c.baseline,
                100.0 * (c.effect - 1.0),
                100.0 * (c.effect_low - 1.0),
                100.0 * (c.effect_high - 1.0),
                100.0 * margin
            )
        }
        RuleName::Conversion => format!(
            "canary conversion {:.4}{} vs {against} {:.4}{}: ratio {:.3} [{:.3}, {:.3}] (rolls back below {})",
            c.canary,
            counts(c.canary_events, c.canary_count),
            c.baseline,
            counts(c.baseline_events, c.baseline_count),
            c.effect,
            c.effect_low,
            c.effect_high,
            policy.rules.conversion.min_ratio
        ),
    };
    // Conversion as values from a canary too small to read them (`compare::SPARSE_SHARE`).
    let sparse = match c.zero_minutes {
        Some(zeros) if zeros as f64 > super::compare::SPARSE_SHARE * c.minutes as f64 => format!(
            "; canary conversion 0 in {zeros} of {} minutes: too few sessions a minute to compare values, no bet on them (send `count` to judge conversion)",
            c.minutes
        ),
        _ => String::new(),
    };
    format!("{head}{sparse}; {}", evidence_words(o, c))
}

/// The policy's latency margin (a fraction): against the baseline cohort, and against the
/// canary's own past without one.
fn latency_margin(policy: &Policy) -> f64 {
    policy
        .rules
        .latency
        .compare
        .as_ref()
        .map_or(0.0, |c| c.margin)
}

/// The latency rule without a baseline cohort: the recent p99 against the canary's own past.
fn own_past_shift_message(policy: &Policy, o: &RuleOutcome) -> String {
    let Some(c) = &o.comparison else {
        return format!(
            "no baseline cohort: against the canary's own past; needs {} p99 points before it judges ({} so far)",
            o.needed, o.points
        );
    };
    // The detector's margin is the policy's latency margin (`analysis::own_past`).
    let margin = latency_margin(policy);
    let verdict = match o.status {
        RuleStatus::Triggered => "sustained rise: roll back",
        _ => "no sustained rise detected yet",
    };
    format!(
        "no baseline cohort: against the canary's own past; p99 {:.1} ms (recent geometric mean) vs its own past {:.1} ms: {:+.1}% [{:+.1}%, {:+.1}%] (margin {:.0}%); CUSUM {:.2} {} {} over {} minute{} (autocorrelation modelled): {verdict}",
        c.canary,
        c.baseline,
        100.0 * (c.effect - 1.0),
        100.0 * (c.effect_low - 1.0),
        100.0 * (c.effect_high - 1.0),
        100.0 * margin,
        c.evidence,
        if c.evidence >= c.evidence_needed {
            ">="
        } else {
            "<"
        },
        c.evidence_needed,
        c.minutes,
        plural(c.minutes)
    )
}

fn compare_insufficient_message(policy: &Policy, o: &RuleOutcome) -> String {
    let r = &policy.rules;
    let need = match o.rule {
        RuleName::ErrorRate => r.error_rate.compare.as_ref().map(|c| {
            format!(
                "{} paired minute{} and {} canary requests",
                c.min_points,
                plural(c.min_points),
                c.min_requests
            )
        }),
        RuleName::Latency => r
            .latency
            .compare
            .as_ref()
            .map(|c| format!("{} paired minute{}", c.min_points, plural(c.min_points))),
        RuleName::Conversion => r.conversion.compare.as_ref().map(|c| {
            format!(
                "{} paired minute{} and {} canary sessions",
                c.min_points,
                plural(c.min_points),
                c.min_sessions
            )
        }),
    };
    format!(
        "no {} minute paired with the baseline yet: needs {}",
        metric::KNOWN_METRICS[o.rule as usize],
        need.unwrap_or_default()
    )
}

fn threshold_message(policy: &Policy, o: &RuleOutcome) -> String {
    let (Some(observed), Some(threshold)) = (o.observed, o.threshold) else {
        return insufficient_message(policy, o);
    };
    let cmp = |above| comparison(o.status, above);
    match o.rule {
        RuleName::ErrorRate => {
            let window = policy.rules.error_rate.window;
            let mean_cmp = if observed > threshold { ">" } else { "<=" };
            let mut m = format!(
                "mean error rate of last {window} point{} {observed:.2}% {} {threshold:.2}%",
                plural(window),
                if o.beyond.is_some() {
                    mean_cmp
                } else {
                    cmp(true)
                }
            );
            if let (Some(beyond), Some(p)) = (o.beyond, policy.rules.error_rate.persistence) {
                m.push_str(&format!(
                    "; {beyond} of last {} point{} above (needs {})",
                    p.of,
                    plural(p.of),
                    p.required
                ));
            }
            m
        }
        RuleName::Latency => {
            let l = &policy.rules.latency;
            let base = o.points - usize::from(l.exclude_recent > 0);
            let stats = format!(
                "mean {:.1} ms, σ {:.1} ms over {base} point{}",
                o.mean.unwrap_or_default(),
                o.std_dev.unwrap_or_default(),
                plural(base),
            );
            match (o.beyond, l.persistence) {
                (Some(beyond), Some(p)) => format!(
                    "{beyond} of last {} p99 latency point{} > mean + {}σ = {threshold:.1} ms, needs {} \
                     (last {observed:.1} ms; {stats})",
                    p.of,
                    plural(p.of),
                    l.sigmas,
                    p.required
                ),
                _ => format!(
                    "last p99 latency {observed:.1} ms {} mean + {}σ = {threshold:.1} ms ({stats})",
                    cmp(true),
                    l.sigmas,
                ),
            }
        }
        RuleName::Conversion => {
            let c = &policy.rules.conversion;
            let what = if c.window == 1 {
                "conversion rate".to_string()
            } else {
                format!("mean conversion rate of last {} points", c.window)
            };
            let below = if observed < threshold { "<" } else { ">=" };
            let mut m = format!(
                "{what} {observed:.4} {} {} × baseline {:.4} = {threshold:.4} (baseline from {})",
                if o.beyond.is_some() {
                    below
                } else {
                    cmp(false)
                },
                c.min_ratio,
                o.baseline.unwrap_or_default(),
                source_words(o.baseline_source),
            );
            if let (Some(beyond), Some(p)) = (o.beyond, c.persistence) {
                m.push_str(&format!(
                    "; {beyond} of last {} point{} below (needs {})",
                    p.of,
                    plural(p.of),
                    p.required
                ));
            }
            m
        }
    }
}

fn source_words(source: Option<BaselineSource>) -> &'static str {
    match source {
        Some(BaselineSource::Explicit) => "baseline.conversion_rate",
        Some(BaselineSource::BaselineCohort) => "the baseline cohort",
        Some(BaselineSource::Pre) => "pre-deployment points",
        None => "nowhere",
    }
}

/// Whether an insufficient latency outcome had the points it needs, so its statistics overflowed
/// (`rules::latency` reports the whole series then).
fn latency_overflows(policy: &Policy, o: &RuleOutcome) -> bool {
    let p = &policy.rules.latency;
    o.points > 0 && o.points.saturating_sub(p.exclude_recent) >= p.min_baseline_points
}

fn insufficient_message(policy: &Policy, o: &RuleOutcome) -> String {
    match o.rule {
        RuleName::ErrorRate => format!(
            "{} error_rate point{}, need at least {}",
            o.points,
            plural(o.points),
            o.needed
        ),
        RuleName::Latency if latency_overflows(policy, o) => format!(
            "{} latency_p99 points, but their mean or spread is too large to compute (beyond \
             the range of a 64-bit float): no comparison",
            o.points
        ),
        RuleName::Latency => format!(
            "{} latency_p99 point{}, need at least {} ({} baseline after excluding the last {})",
            o.points,
            plural(o.points),
            o.needed.max(1),
            policy.rules.latency.min_baseline_points,
            policy.rules.latency.exclude_recent
        ),
        RuleName::Conversion if o.points < o.needed => format!(
            "{} conversion_rate point{}, need at least {}",
            o.points,
            plural(o.points),
            o.needed
        ),
        RuleName::Conversion => "no conversion baseline: give baseline.conversion_rate, \
                                 or baseline or pre cohort conversion_rate points"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_inputs<'a>(
        er: &'a [f64],
        lat: &'a [f64],
        conv: &'a [f64],
        base: Option<f64>,
    ) -> Inputs<'a> {
        Inputs {
            error_rate: er,
            latency_p99: lat,
            conversion_rate: conv,
            conversion_baseline: ConversionBaseline {
                explicit: base,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    const CALM_LATENCY: [f64; 8] = [200.0, 210.0, 190.0, 205.0, 195.0, 200.0, 201.0, 199.0];

    #[test]
    fn all_rules_passing_is_a_pass() {
        let e = evaluate(
            &Policy::seed(),
            &seed_inputs(&[0.4, 0.7, 1.2], &CALM_LATENCY, &[0.03], Some(0.031)),
        );
        assert_eq!(e.decision, Decision::Pass);
        assert_eq!(e.rules.len(), 3);
        assert_eq!(e.first_triggered(), None);
    }

    #[test]
    fn any_trigger_is_a_rollback_even_when_others_lack_data() {
        let e = evaluate(
            &Policy::seed(),
            &seed_inputs(&[0.4, 0.7, 6.2, 6.1, 6.0], &[], &[], None),
        );
        assert_eq!(e.decision, Decision::Rollback);
        assert_eq!(e.first_triggered(), Some(RuleName::ErrorRate));
    }

    #[test]
    fn missing_data_without_a_trigger_is_inconclusive() {
        let e = evaluate(
            &Policy::seed(),
            &seed_inputs(&[0.4, 0.7, 1.0], &CALM_LATENCY, &[0.03], None),
        );
        assert_eq!(e.decision, Decision::Inconclusive);
        assert_eq!(e.rules[2].status, RuleStatus::InsufficientData);
    }

    #[test]
    fn disabled_rules_are_neither_run_nor_reported() {
        let mut p = Policy::seed();
        p.rules.conversion.enabled = false;
        let e = evaluate(&p, &seed_inputs(&[0.4, 0.7, 1.0], &CALM_LATENCY, &[], None));
        assert_eq!(e.decision, Decision::Pass);
        assert_eq!(
            e.rules.iter().map(|r| r.rule).collect::<Vec<_>>(),
            [RuleName::ErrorRate, RuleName::Latency]
        );
    }

    #[test]
    fn messages_carry_the_numbers() {
        let p = Policy::seed();
        let e = evaluate(
            &p,
            &seed_inputs(
                &[5.9, 6.2, 6.2],
                &[100.0, 200.0, 1.0, 1.0, 1.0, 1.0, 300.0],
                &[0.02],
                Some(0.031),
            ),
        );
        let v = Verdict::new("seed", &p, &e);
        assert_eq!(
            v.rules[0].message,
            "mean error rate of last 3 points 6.10% > 5.00%"
        );
        assert_eq!(
            v.rules[1].message,
            "last p99 latency 300.0 ms > mean + 2σ = 250.0 ms (mean 150.0 ms, σ 50.0 ms over 2 points)"
        );
        assert_eq!(
            v.rules[2].message,
            "conversion rate 0.0200 < 0.8 × baseline 0.0310 = 0.0248 (baseline from baseline.conversion_rate)"
        );
        let e = evaluate(&p, &seed_inputs(&[1.0], &[1.0; 6], &[0.02], None));
        let v = Verdict::new("seed", &p, &e);
        assert_eq!(v.rules[0].message, "1 error_rate point, need at least 3");
        assert_eq!(
            v.rules[1].message,
            "6 latency_p99 points, need at least 7 (2 baseline after excluding the last 5)"
        );
        assert!(v.rules[2].message.starts_with("no conversion baseline"));
    }

    #[test]
    fn decisions_parse_back_from_their_names() {
        for d in [Decision::Pass, Decision::Rollback, Decision::Inconclusive] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
        assert_eq!(Decision::parse("Pass"), None);
    }

    #[test]
    fn verdict_json_has_the_documented_shape() {
        let p = Policy::seed();
        let e = evaluate(&p, &seed_inputs(&[1.0, 1.0, 1.0], &[], &[], None));
        let json = serde_json::to_value(Verdict::new("seed", &p, &e)).unwrap();
        assert_eq!(json["verdict"], "inconclusive");
        assert_eq!(json["policy"], "seed");
        assert_eq!(json["rules"][0]["rule"], "error_rate");
        assert_eq!(json["rules"][0]["status"], "passed");
        assert_eq!(json["rules"][0]["observed"], 1.0);
        assert_eq!(json["rules"][0]["threshold"], 5.0);
        assert_eq!(json["rules"][0]["points"], 3);
        assert_eq!(json["rules"][1]["status"], "insufficient_data");
        assert!(json["rules"][1]["observed"].is_null());
    }
}

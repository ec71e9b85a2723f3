//! Metric names, their units, and the range each value must lie in.
//!
//! Units are part of the contract: error rate in percent (0–100), latency in milliseconds,
//! conversion rate as a fraction (0–1). Every value that enters rollguard — through the CLI, the
//! stateless evaluation document, or ingest — is checked here, so nothing downstream ever sees a
//! NaN, an infinity or a value out of its metric's range.

/// Error rate in percent, 0–100. Read by the `error_rate` rule.
pub const ERROR_RATE: &str = "error_rate";
/// p99 latency in milliseconds. Read by the `latency` rule.
pub const LATENCY_P99: &str = "latency_p99";
/// Conversion rate as a fraction, 0–1. Read by the `conversion` rule.
pub const CONVERSION_RATE: &str = "conversion_rate";

/// Requests per second. Read by canary stepping (the seed's fast step needs RPS > 1000).
pub const RPS: &str = "rps";

/// The metrics the built-in rules read, in rule order.
pub const KNOWN_METRICS: [&str; 3] = [ERROR_RATE, LATENCY_P99, CONVERSION_RATE];

/// Every metric a stored evaluation reads: the rules' and canary stepping's.
pub const JUDGED_METRICS: [&str; 4] = [ERROR_RATE, LATENCY_P99, CONVERSION_RATE, RPS];

/// Why a value is not acceptable for its metric.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("value {0} is not a finite number")]
    NotFinite(f64),
    #[error("value {0} is negative")]
    Negative(f64),
    #[error("error rate {0} is above 100 (error_rate is a percentage, 0-100)")]
    ErrorRateAbove100(f64),
    #[error("conversion rate {0} is above 1 (conversion_rate is a fraction, 0-1)")]
    ConversionAbove1(f64),
}

/// Checks one value of `metric`; the error says what is wrong with it, in words a caller can act on.
pub fn check_value(metric: &str, value: f64) -> Result<(), ValueError> {
    if !value.is_finite() {
        return Err(ValueError::NotFinite(value));
    }
    if value < 0.0 {
        return Err(ValueError::Negative(value));
    }
    match metric {
        ERROR_RATE if value > 100.0 => Err(ValueError::ErrorRateAbove100(value)),
        CONVERSION_RATE if value > 1.0 => Err(ValueError::ConversionAbove1(value)),
        _ => Ok(()),
    }
}

/// Largest accepted `count`: Postgres stores counts as `bigint`.
pub const MAX_COUNT: u64 = i64::MAX as u64;

/// A point's `count` that is not a whole number from 0 to [`MAX_COUNT`]; carries the count as
/// it was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("count {0} must be a whole number from 0 to {MAX_COUNT}")]
pub struct CountError(pub String);

/// Checks a point's `count`: the number of requests behind an `error_rate` or `latency_p99`
/// value, or of sessions behind a `conversion_rate` value.
pub fn check_count(count: u64) -> Result<u64, CountError> {
    if count > MAX_COUNT {
        return Err(CountError(count.to_string()));
    }
    Ok(count)
}

/// Reads a `count` from a JSON number the way JSON Schema counts whole numbers: `850` and
/// `850.0` alike; `1.5`, `-1` and `1e30` are errors.
pub fn count_from_json(n: &serde_json::Number) -> Result<u64, CountError> {
    // 2^63, the first f64 above i64::MAX (which f64 cannot hold exactly).
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < LIMIT)
            .map(|f| f as u64)
    });
    whole
        .ok_or_else(|| CountError(n.to_string()))
        .and_then(check_count)
}

/// Reads a `count` from text (a CSV cell): decimal digits, as [`count_from_json`] reads them.
pub fn count_from_str(text: &str) -> Result<u64, CountError> {
    serde_json::from_str::<serde_json::Number>(text)
        .map_err(|_| CountError(format!("'{text}'")))
        .and_then(|n| count_from_json(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_units() {
        assert!(check_value(ERROR_RATE, 100.0).is_ok());
        assert!(check_value(ERROR_RATE, 0.0).is_ok());
        assert!(
            check_value(ERROR_RATE, 100.000001)
                .unwrap_err()
                .to_string()
                .contains("above 100")
        );
        assert!(check_value(CONVERSION_RATE, 1.0).is_ok());
        assert!(
            check_value(CONVERSION_RATE, 1.5)
                .unwrap_err()
                .to_string()
                .contains("above 1")
        );
        assert!(check_value(LATENCY_P99, 1e9).is_ok());
        assert!(check_value("rps", 1e12).is_ok());
        for metric in KNOWN_METRICS.into_iter().chain(["rps"]) {
            assert!(
                check_value(metric, -0.5)
                    .unwrap_err()
                    .to_string()
                    .contains("negative")
            );
            assert!(
                check_value(metric, f64::NAN)
                    .unwrap_err()
                    .to_string()
                    .contains("finite")
            );
            assert!(
                check_value(metric, f64::INFINITY)
                    .unwrap_err()
                    .to_string()
                    .contains("finite")
            );
        }
    }

    #[test]
    fn counts_are_whole_numbers_that_fit_a_bigint() {
        let n = |t: &str| serde_json::from_str::<serde_json::Number>(t).unwrap();
        assert_eq!(count_from_json(&n("850")), Ok(850));
        assert_eq!(count_from_json(&n("0")), Ok(0));
        assert_eq!(count_from_json(&n("3.0")), Ok(3));
        assert_eq!(count_from_json(&n("9223372036854775807")), Ok(MAX_COUNT));
        for bad in [
            "1.5",
            "-1",
            "1e30",
            "9223372036854775808",
            "18446744073709551616",
        ] {
            let e = count_from_json(&n(bad)).unwrap_err().to_string();
            assert!(e.contains("must be a whole number from 0 to"), "{bad}: {e}");
        }
        assert_eq!(count_from_str("12"), Ok(12));
        for bad in ["1.5", "-1", "x", "", "1e30"] {
            assert!(count_from_str(bad).is_err(), "{bad}");
        }
        assert!(check_count(u64::MAX).is_err());
    }
}

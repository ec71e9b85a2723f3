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
}

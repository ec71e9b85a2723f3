//! Identifiers parsed at the boundary: deployment keys, policy, environment and metric names.
//! Each rule is written once, here; its pattern and limits also give the API document's schema,
//! so the document states exactly what the server accepts.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// What kind of identifier failed to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    DeploymentKey,
    Policy,
    Environment,
    Metric,
    Source,
}

impl NameKind {
    fn words(self) -> &'static str {
        match self {
            NameKind::DeploymentKey => "deployment key",
            NameKind::Policy => "policy name",
            NameKind::Environment => "environment name",
            NameKind::Metric => "metric name",
            NameKind::Source => "source name",
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            NameKind::DeploymentKey => DeploymentKey::PATTERN,
            NameKind::Policy => PolicyName::PATTERN,
            NameKind::Environment => EnvironmentName::PATTERN,
            NameKind::Metric => MetricName::PATTERN,
            NameKind::Source => SourceName::PATTERN,
        }
    }
}

/// An identifier that breaks its rule; the message quotes (the start of) the value and the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} '{value}' must match {}", kind.words(), kind.pattern())]
pub struct NameError {
    pub kind: NameKind,
    /// The offending value, cut to 80 characters.
    pub value: String,
}

impl NameError {
    fn new(kind: NameKind, value: &str) -> Self {
        NameError {
            kind,
            value: value.chars().take(80).collect(),
        }
    }
}

/// Whether `s` is `first` followed by up to `max - 1` bytes of `rest`.
fn matches(s: &str, max: usize, first: fn(u8) -> bool, rest: fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b.len() <= max && first(b[0]) && b[1..].iter().all(|&c| rest(c))
}

/// Defines a validated string type: its rule, `parse`, `as_str`, `Display`, serde (parsing on
/// deserialize) and a schema built from the same pattern and length.
macro_rules! name_type {
    (
        $(#[$doc:meta])*
        $name:ident, $kind:expr, pattern = $pattern:literal, max = $max:literal,
        example = $example:literal, first = $first:expr, rest = $rest:expr
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The rule, as a regular expression (the API document's `pattern`).
            pub const PATTERN: &'static str = $pattern;
            /// Longest accepted value, in bytes (all accepted characters are ASCII).
            pub const MAX_LEN: usize = $max;

            pub fn parse(s: &str) -> Result<Self, NameError> {
                if matches(s, $max, $first, $rest) {
                    Ok($name(s.to_string()))
                } else {
                    Err(NameError::new($kind, s))
                }
            }

            /// Whether `s` follows the rule.
            pub fn is_valid(s: &str) -> bool {
                matches(s, $max, $first, $rest)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some($pattern))
                    .min_length(Some(1))
                    .max_length(Some($max))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn lower_or_digit(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

name_type!(
    /// A deployment's caller-chosen key, e.g. `checkout.production.v2-3-1`.
    DeploymentKey, NameKind::DeploymentKey,
    pattern = "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$", max = 200,
    example = "checkout.production.v2-3-1",
    first = alnum, rest = |c| alnum(c) || b"._:@-".contains(&c)
);

name_type!(
    /// A built-in or stored policy's name, e.g. `strict-prod.v2`.
    PolicyName, NameKind::Policy,
    pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", max = 64,
    example = "seed",
    first = lower_or_digit, rest = |c| lower_or_digit(c) || b"._-".contains(&c)
);

name_type!(
    /// An environment's name (the key of its default policy), e.g. `production`.
    EnvironmentName, NameKind::Environment,
    pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", max = 64,
    example = "production",
    first = lower_or_digit, rest = |c| lower_or_digit(c) || b"._-".contains(&c)
);

name_type!(
    /// A metric's name: `error_rate`, `latency_p99`, `conversion_rate`, `rps`, or any other
    /// (stored, not read by a rule).
    MetricName, NameKind::Metric,
    pattern = "^[a-z][a-z0-9_]{0,63}$", max = 64,
    example = "error_rate",
    first = |c: u8| c.is_ascii_lowercase(),
    rest = |c| lower_or_digit(c) || c == b'_'
);

name_type!(
    /// A metrics source's name (a Prometheus server rollguard reads), e.g. `prometheus-main`.
    SourceName, NameKind::Source,
    pattern = "^[a-z0-9][a-z0-9._-]{0,63}$", max = 64,
    example = "prometheus-main",
    first = lower_or_digit, rest = |c| lower_or_digit(c) || b"._-".contains(&c)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_keys_follow_the_pattern() {
        for ok in [
            "checkout.production.v2-3-1",
            "a",
            "A9:b@c_d-e.f",
            &"k".repeat(200),
        ] {
            assert!(DeploymentKey::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".x", "-x", "a/b", "a b", "é", &"k".repeat(201)] {
            assert!(DeploymentKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_follow_the_pattern() {
        assert!(PolicyName::parse("strict-prod.v2").is_ok());
        assert!(EnvironmentName::parse("0").is_ok());
        for bad in ["", "Strict", "-a", "a/b", &"a".repeat(65)] {
            assert!(PolicyName::parse(bad).is_err(), "{bad}");
            assert!(EnvironmentName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn metric_names_follow_the_pattern() {
        for ok in ["error_rate", "x", "a1_b2", &"a".repeat(64)] {
            assert!(MetricName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1a", "_a", "Error", "error-rate", "é", &"a".repeat(65)] {
            assert!(MetricName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_quote_the_value_and_the_rule() {
        let e = MetricName::parse("Error-Rate").unwrap_err();
        assert_eq!(
            e.to_string(),
            "metric name 'Error-Rate' must match ^[a-z][a-z0-9_]{0,63}$"
        );
        let long = "k".repeat(300);
        let e = DeploymentKey::parse(&long).unwrap_err();
        assert_eq!(e.value.len(), 80, "the value is cut");
    }

    #[test]
    fn deserializing_applies_the_rule() {
        let ok: PolicyName = serde_json::from_str("\"seed\"").unwrap();
        assert_eq!(ok, "seed");
        let err = serde_json::from_str::<PolicyName>("\"Seed\"").unwrap_err();
        assert!(err.to_string().contains("policy name 'Seed'"), "{err}");
    }

    #[test]
    fn the_schema_carries_the_pattern_and_limits() {
        let schema = serde_json::to_value(MetricName::schema()).unwrap();
        assert_eq!(schema["pattern"], MetricName::PATTERN);
        assert_eq!(schema["maxLength"], 64);
        assert_eq!(schema["minLength"], 1);
    }
}

//! PromQL templates: placeholders filled from a deployment, and the shipped presets.
//!
//! A placeholder is `{{name}}`. Those that stand for a deployment's fields — `{{service}}`,
//! `{{environment}}`, `{{version}}`, `{{baseline_version}}` (the label `baseline_version`),
//! `{{key}}` and `{{labels.NAME}}` — must sit inside a PromQL string literal (`"…"` or `'…'`, not
//! a backquoted raw string), where their value is escaped: a value can never change the query's
//! structure. `{{step}}`, the pull's step as a PromQL duration (`60s`), must sit outside string
//! literals (in a range selector: `rate(x[{{step}}])`). Anything else between `{{` and `}}` is
//! refused. Values are escaped as string literals, not as regular expressions: in `=~` matchers
//! a value's `.` still matches any character.

use std::collections::BTreeMap;
use std::fmt;

/// One placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placeholder {
    Service,
    Environment,
    Version,
    BaselineVersion,
    Key,
    Step,
    Label(String),
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::Service => f.write_str("{{service}}"),
            Placeholder::Environment => f.write_str("{{environment}}"),
            Placeholder::Version => f.write_str("{{version}}"),
            Placeholder::BaselineVersion => f.write_str("{{baseline_version}}"),
            Placeholder::Key => f.write_str("{{key}}"),
            Placeholder::Step => f.write_str("{{step}}"),
            Placeholder::Label(name) => write!(f, "{{{{labels.{name}}}}}"),
        }
    }
}

/// The placeholders, as the error for an unknown one lists them.
pub const KNOWN: &str = "{{service}}, {{environment}}, {{version}}, {{baseline_version}}, {{key}}, {{step}}, {{labels.NAME}}";

impl Placeholder {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "service" => Placeholder::Service,
            "environment" => Placeholder::Environment,
            "version" => Placeholder::Version,
            "baseline_version" => Placeholder::BaselineVersion,
            "key" => Placeholder::Key,
            "step" => Placeholder::Step,
            _ => {
                let label = name.strip_prefix("labels.")?;
                if label.is_empty() || label.chars().any(|c| c.is_control() || c == '}') {
                    return None;
                }
                Placeholder::Label(label.to_string())
            }
        })
    }
}

/// Why a template cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{{{0}}}}} (known: {KNOWN})")]
    Unknown(String),
    #[error("'{{{{' at byte {0} is not closed by '}}}}'")]
    Unclosed(usize),
    #[error(
        "{0} must be inside a \"…\" or '…' string literal, where its value is escaped (e.g. service=\"{{{{service}}}}\")"
    )]
    Unquoted(Placeholder),
    #[error("{{{{step}}}} must be outside string literals (e.g. rate(x[{{{{step}}}}]))")]
    QuotedStep,
    #[error("unterminated string literal")]
    Unterminated,
    #[error("the query is empty")]
    Empty,
    #[error("the query is longer than {MAX_QUERY_LEN} bytes")]
    TooLong,
}

/// Longest accepted template, in bytes.
pub const MAX_QUERY_LEN: usize = 8192;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    /// A placeholder and the quote of the string literal it sits in (`None`: outside one).
    Hole(Placeholder, Option<char>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// The values a template is filled with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fill {
    pub service: Option<String>,
    pub environment: Option<String>,
    pub version: Option<String>,
    pub key: String,
    pub labels: BTreeMap<String, String>,
    /// The step, in whole seconds.
    pub step_seconds: u64,
}

/// A value the deployment does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the deployment has no value for {0}")]
pub struct Missing(pub Placeholder);

impl Fill {
    /// Values for validating a template: every placeholder has one, labels included.
    pub fn sample(step_seconds: u64) -> Self {
        Fill {
            service: Some("rollguard-sample".into()),
            environment: Some("rollguard-sample".into()),
            version: Some("rollguard-sample".into()),
            key: "rollguard-sample".into(),
            labels: BTreeMap::new(),
            step_seconds,
        }
    }

    fn value(&self, p: &Placeholder, sample: bool) -> Result<String, Missing> {
        let v = match p {
            Placeholder::Service => self.service.clone(),
            Placeholder::Environment => self.environment.clone(),
            Placeholder::Version => self.version.clone(),
            Placeholder::BaselineVersion => self.labels.get(BASELINE_LABEL).cloned(),
            Placeholder::Key => Some(self.key.clone()),
            Placeholder::Step => Some(format!("{}s", self.step_seconds)),
            Placeholder::Label(name) => self.labels.get(name).cloned(),
        };
        match v {
            Some(v) => Ok(v),
            None if sample => Ok("rollguard-sample".into()),
            None => Err(Missing(p.clone())),
        }
    }
}

/// The deployment label `{{baseline_version}}` reads.
pub const BASELINE_LABEL: &str = "baseline_version";

/// `value` escaped for a PromQL string literal quoted with `quote`.
pub fn escape(value: &str, quote: char) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl Template {
    /// Parses a template, checking every placeholder's name and place.
    pub fn parse(query: &str) -> Result<Self, TemplateError> {
        if query.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        if query.len() > MAX_QUERY_LEN {
            return Err(TemplateError::TooLong);
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        // The quote of the string literal the scanner is in, if any.
        let mut quote: Option<char> = None;
        let mut comment = false;
        let mut chars = query.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '{' && !comment && chars.peek().map(|&(_, n)| n) == Some('{') {
                chars.next();
                let rest = &query[i + 2..];
                let end = rest.find("}}").ok_or(TemplateError::Unclosed(i))?;
                let name = rest[..end].trim();
                let p = Placeholder::parse(name)
                    .ok_or_else(|| TemplateError::Unknown(name.chars().take(80).collect()))?;
                match (&p, quote) {
                    (Placeholder::Step, Some(_)) => return Err(TemplateError::QuotedStep),
                    (Placeholder::Step, None) => {}
                    (_, None | Some('`')) => return Err(TemplateError::Unquoted(p)),
                    _ => {}
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Hole(p, quote));
                // Skip the name and the closing braces.
                let skip_to = i + 2 + end + 2;
                while chars.peek().is_some_and(|&(j, _)| j < skip_to) {
                    chars.next();
                }
                continue;
            }
            text.push(c);
            match (quote, c) {
                _ if comment => comment = c != '\n',
                (None, '#') => comment = true,
                (None, '"' | '\'' | '`') => quote = Some(c),
                (Some(q), '\\') if q != '`' => {
                    // An escape: the next character is part of the literal.
                    if let Some((_, n)) = chars.next() {
                        text.push(n);
                    }
                }
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
        }
        if quote.is_some() {
            return Err(TemplateError::Unterminated);
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    /// The query with every placeholder replaced by its escaped value.
    pub fn fill(&self, values: &Fill) -> Result<String, Missing> {
        self.fill_with(values, false)
    }

    /// The query filled for validation: placeholders the sample lacks (labels) get a sample.
    pub fn fill_sample(&self, values: &Fill) -> String {
        self.fill_with(values, true).unwrap_or_default()
    }

    fn fill_with(&self, values: &Fill, sample: bool) -> Result<String, Missing> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Hole(p, None) => out.push_str(&values.value(p, sample)?),
                Part::Hole(p, Some(q)) => out.push_str(&escape(&values.value(p, sample)?, *q)),
            }
        }
        Ok(out)
    }
}

/// A preset's queries: (metric, cohort, value query, count query).
pub type PresetQueries = &'static [(&'static str, &'static str, &'static str, &'static str)];

/// The `http` preset: the usual instrumentation of an HTTP service (client_golang's and most
/// libraries' conventions). `http_requests_total` counts requests with a `code` label (the
/// status), `http_request_duration_seconds` is a histogram; both carry `service` and `version`
/// labels, and the baseline runs the version in the deployment's `baseline_version` label.
/// Error rate: 5xx over all requests, in percent; latency: the p99 from the histogram's buckets,
/// in milliseconds; each point's count: the requests in its step.
pub const HTTP_PRESET: PresetQueries = &[
    (
        "error_rate",
        "canary",
        r#"100 * (sum(rate(http_requests_total{service="{{service}}",version="{{version}}",code=~"5.."}[{{step}}])) or vector(0)) / sum(rate(http_requests_total{service="{{service}}",version="{{version}}"}[{{step}}]))"#,
        r#"sum(increase(http_requests_total{service="{{service}}",version="{{version}}"}[{{step}}]))"#,
    ),
    (
        "error_rate",
        "baseline",
        r#"100 * (sum(rate(http_requests_total{service="{{service}}",version="{{baseline_version}}",code=~"5.."}[{{step}}])) or vector(0)) / sum(rate(http_requests_total{service="{{service}}",version="{{baseline_version}}"}[{{step}}]))"#,
        r#"sum(increase(http_requests_total{service="{{service}}",version="{{baseline_version}}"}[{{step}}]))"#,
    ),
    (
        "latency_p99",
        "canary",
        r#"1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{service}}",version="{{version}}"}[{{step}}])))"#,
        r#"sum(increase(http_request_duration_seconds_count{service="{{service}}",version="{{version}}"}[{{step}}]))"#,
    ),
    (
        "latency_p99",
        "baseline",
        r#"1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{service}}",version="{{baseline_version}}"}[{{step}}])))"#,
        r#"sum(increase(http_request_duration_seconds_count{service="{{service}}",version="{{baseline_version}}"}[{{step}}]))"#,
    ),
];

/// A preset by name.
pub fn preset(name: &str) -> Option<PresetQueries> {
    match name {
        "http" => Some(HTTP_PRESET),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill() -> Fill {
        Fill {
            service: Some("check\"out".into()),
            environment: Some("prod".into()),
            version: Some("v2".into()),
            key: "k".into(),
            labels: BTreeMap::from([("baseline_version".into(), "v1".into())]),
            step_seconds: 60,
        }
    }

    #[test]
    fn placeholders_are_filled_and_escaped() {
        let t = Template::parse(r#"sum(rate(x{s="{{service}}",v='{{ version }}'}[{{step}}]))"#)
            .unwrap();
        assert_eq!(
            t.fill(&fill()).unwrap(),
            r#"sum(rate(x{s="check\"out",v='v2'}[60s]))"#
        );
        let t = Template::parse(r#"x{v="{{baseline_version}}",e="{{labels.baseline_version}}"}"#)
            .unwrap();
        assert_eq!(t.fill(&fill()).unwrap(), r#"x{v="v1",e="v1"}"#);
    }

    #[test]
    fn a_backslash_cannot_end_the_literal() {
        let mut f = fill();
        f.service = Some(r#"a\"}) or vector(1) #"#.into());
        let t = Template::parse(r#"x{s="{{service}}"}"#).unwrap();
        assert_eq!(t.fill(&f).unwrap(), r#"x{s="a\\\"}) or vector(1) #"}"#);
    }

    #[test]
    fn unknown_and_misplaced_placeholders_are_refused() {
        assert_eq!(
            Template::parse(r#"x{s="{{servce}}"}"#),
            Err(TemplateError::Unknown("servce".into()))
        );
        assert!(matches!(
            Template::parse("x{{service}}"),
            Err(TemplateError::Unquoted(Placeholder::Service))
        ));
        assert!(matches!(
            Template::parse("x{s=`{{service}}`}"),
            Err(TemplateError::Unquoted(Placeholder::Service))
        ));
        assert_eq!(
            Template::parse(r#"x{s="{{step}}"}"#),
            Err(TemplateError::QuotedStep)
        );
        assert_eq!(
            Template::parse(r#"x{s="{{service"}"#),
            Err(TemplateError::Unclosed(5))
        );
        assert_eq!(
            Template::parse(r#"x{s="a}"#),
            Err(TemplateError::Unterminated)
        );
        assert_eq!(Template::parse("  "), Err(TemplateError::Empty));
    }

    #[test]
    fn escaped_quotes_keep_the_scanner_inside_the_literal() {
        let t = Template::parse(r#"x{a="\"{{service}}"}"#).unwrap();
        assert_eq!(t.fill(&fill()).unwrap(), r#"x{a="\"check\"out"}"#);
    }

    #[test]
    fn a_missing_value_is_named() {
        let t = Template::parse(r#"x{a="{{labels.pod}}"}"#).unwrap();
        assert_eq!(
            t.fill(&fill()),
            Err(Missing(Placeholder::Label("pod".into())))
        );
        assert_eq!(
            t.fill_sample(&Fill::sample(60)),
            r#"x{a="rollguard-sample"}"#
        );
    }

    #[test]
    fn the_presets_parse() {
        for (_, _, q, c) in HTTP_PRESET {
            Template::parse(q).unwrap();
            Template::parse(c).unwrap();
        }
    }
}

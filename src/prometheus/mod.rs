//! A Prometheus HTTP API client: `query_range` for the series a verdict pulls, an instant query
//! to validate a template, the JSON they answer (a `matrix` of `[time, "value"]` pairs, values
//! as strings, `NaN` and `±Inf` included) and typed errors that keep Prometheus's own message.
//!
//! Credentials are read when a request is sent, from the environment variable or file the source
//! names: they are never stored, logged, or part of any `Debug` output. Plain `http://` only: the
//! build carries no TLS stack (put a TLS-terminating proxy or a sidecar in front, or reach the
//! server inside the cluster).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

pub mod template;

/// The prefix every `secret_env` must have. rollguard sends a source's secret to the URL an
/// admin typed, so it reads no variable outside this family: never `DATABASE_URL` or the API
/// tokens.
pub const SECRET_ENV_PREFIX: &str = "ROLLGUARD_SECRET_";

/// How rollguard authenticates to a source. `secret_env` or `secret_file` (exactly one) names
/// where the token or password is; the secret itself is never stored or returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceAuth {
    #[serde(rename = "type")]
    pub kind: AuthKind,
    /// Basic auth's user name (not a secret); required for `basic`, refused for `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "rollguard", max_length = 256)]
    pub username: Option<String>,
    /// The environment variable (of the rollguard process) holding the token or password; its
    /// name starts with `ROLLGUARD_SECRET_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        example = "PROMETHEUS_TOKEN",
        pattern = "^[A-Za-z_][A-Za-z0-9_]{0,127}$"
    )]
    pub secret_env: Option<String>,
    /// A file holding the token or password (one trailing newline is ignored), read at each
    /// request so a rotated secret is picked up. It must lie inside the server's
    /// `--source-secrets-dir` (symbolic links resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "/var/run/secrets/prometheus/token", max_length = 4096)]
    pub secret_file: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// `Authorization: Basic <username:secret>`.
    Basic,
}

impl SourceAuth {
    /// Checks the shape: one secret reference, a user name exactly for basic auth.
    pub fn check(&self) -> Result<(), String> {
        match (&self.secret_env, &self.secret_file) {
            (Some(_), Some(_)) | (None, None) => {
                return Err("auth needs exactly one of secret_env and secret_file".into());
            }
            (Some(env), None) => {
                let rest = env.strip_prefix(SECRET_ENV_PREFIX).unwrap_or_default();
                let ok = !rest.is_empty()
                    && env.len() <= 128
                    && rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
                if !ok {
                    return Err(format!(
                        "auth.secret_env '{}' must be an environment variable name starting with {SECRET_ENV_PREFIX} (rollguard reads no other variable for a source)",
                        env.chars().take(80).collect::<String>()
                    ));
                }
            }
            (None, Some(file)) => {
                if file.is_empty() || file.len() > 4096 || file.chars().any(char::is_control) {
                    return Err("auth.secret_file must be a path without control characters".into());
                }
            }
        }
        match (self.kind, &self.username) {
            (AuthKind::Basic, None) => Err("auth.username is required for basic auth".into()),
            (AuthKind::Basic, Some(u))
                if u.is_empty() || u.contains(':') || !crate::model::is_valid_field(u) =>
            {
                Err("auth.username must be 1 to 256 characters, without ':'".into())
            }
            (AuthKind::Bearer, Some(_)) => Err(
                "auth.username is only for basic auth; bearer auth sends the secret alone".into(),
            ),
            _ => Ok(()),
        }
    }

    /// Where the secret comes from, for messages (never the secret).
    fn origin(&self) -> String {
        match (&self.secret_env, &self.secret_file) {
            (Some(env), _) => format!("environment variable {env}"),
            (_, Some(file)) => format!("file {file}"),
            _ => "nowhere".into(),
        }
    }

    /// Reads the secret now: from the variable, or from the file when it lies inside
    /// `secrets_dir` (none: file secrets are refused).
    pub fn secret(&self, secrets_dir: Option<&Path>) -> Result<String, PromError> {
        let secret = match (&self.secret_env, &self.secret_file) {
            (Some(env), _) => {
                if !env.starts_with(SECRET_ENV_PREFIX) {
                    return Err(PromError::Secret(format!(
                        "environment variable {env} does not start with {SECRET_ENV_PREFIX}"
                    )));
                }
                std::env::var(env).map_err(|_| {
                    PromError::Secret(format!("environment variable {env} is not set"))
                })?
            }
            (_, Some(file)) => read_secret_file(Path::new(file), secrets_dir)?,
            _ => return Err(PromError::Secret("no secret reference".into())),
        };
        let secret = secret.strip_suffix('\n').unwrap_or(&secret);
        let secret = secret.strip_suffix('\r').unwrap_or(secret);
        if secret.is_empty() {
            return Err(PromError::Secret(format!("{} is empty", self.origin())));
        }
        Ok(secret.to_string())
    }
}

/// A secret file's text, when the file (symbolic links resolved) lies inside `dir`.
fn read_secret_file(file: &Path, dir: Option<&Path>) -> Result<String, PromError> {
    let shown = file.display();
    let Some(dir) = dir else {
        return Err(PromError::Secret(format!(
            "file {shown}: file secrets need the server's --source-secrets-dir"
        )));
    };
    let dir = dir
        .canonicalize()
        .map_err(|e| PromError::Secret(format!("--source-secrets-dir: {e}")))?;
    let real = file
        .canonicalize()
        .map_err(|e| PromError::Secret(format!("cannot read {shown}: {e}")))?;
    if !real.starts_with(&dir) {
        return Err(PromError::Secret(format!(
            "file {shown} is outside --source-secrets-dir {}",
            dir.display()
        )));
    }
    std::fs::read_to_string(&real)
        .map_err(|e| PromError::Secret(format!("cannot read {shown}: {e}")))
}

/// Why a Prometheus call failed. Every message names what failed and never holds a secret.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PromError {
    /// The secret could not be read.
    #[error("credentials: {0}")]
    Secret(String),
    /// No connection (refused, DNS, reset).
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// 401 or 403: the credentials are missing or wrong.
    #[error("authentication failed (HTTP {status}): check the source's auth and its secret")]
    Auth { status: u16 },
    /// Prometheus refused the query and said why (`errorType`, `error`): a bad query, a
    /// timeout inside Prometheus, too many points.
    #[error("Prometheus rejected the query ({error_type}): {message}")]
    Rejected { error_type: String, message: String },
    /// Any other non-success answer, with the start of its body.
    #[error("HTTP {status}: {body}")]
    Http { status: u16, body: String },
    /// An answer that is not the Prometheus API's JSON.
    #[error("unexpected answer: {0}")]
    Invalid(String),
    /// A range query answered more than one series: the template must aggregate.
    #[error(
        "the query returned {0} series; aggregate it to one (e.g. sum(...) or sum by () (...))"
    )]
    Ambiguous(usize),
}

/// One sample of a series: seconds since the epoch (Prometheus's float time) and the value,
/// which may be NaN or infinite (Prometheus's `NaN`, `+Inf`, `-Inf`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub ts: DateTime<Utc>,
    pub value: f64,
}

/// A client for one source: its base URL (a path prefix is kept, e.g.
/// `http://gateway/prometheus`), its time limit per request and its auth.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    timeout: Duration,
    auth: Option<SourceAuth>,
    secrets_dir: Option<PathBuf>,
}

/// The API's envelope: `status` is `success` or `error`.
#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Value,
}

#[derive(Deserialize)]
struct MatrixSeries {
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// Prometheus's sample value text as a float: Go's `strconv.FormatFloat` output, plus `NaN`,
/// `+Inf` and `-Inf`.
pub fn parse_value(s: &str) -> Result<f64, PromError> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s
            .parse::<f64>()
            .map_err(|_| PromError::Invalid(format!("sample value '{s}' is not a number"))),
    }
}

/// Prometheus's float seconds as a time (millisecond resolution, as Prometheus stores it).
fn parse_time(t: f64) -> Result<DateTime<Utc>, PromError> {
    let ms = (t * 1000.0).round();
    if !ms.is_finite() || ms.abs() > 1e15 {
        return Err(PromError::Invalid(format!(
            "sample time {t} is out of range"
        )));
    }
    Utc.timestamp_millis_opt(ms as i64)
        .single()
        .ok_or_else(|| PromError::Invalid(format!("sample time {t} is out of range")))
}

/// A time as Prometheus's API takes it: seconds since the epoch, with milliseconds.
fn api_time(t: DateTime<Utc>) -> String {
    format!("{:.3}", t.timestamp_millis() as f64 / 1000.0)
}

/// The samples of a `matrix` result that holds at most one series (none: no data).
pub fn parse_matrix(data_type: &str, result: Value) -> Result<Vec<Sample>, PromError> {
    if data_type != "matrix" {
        return Err(PromError::Invalid(format!(
            "a range query answered a {data_type}, not a matrix"
        )));
    }
    let series: Vec<MatrixSeries> = serde_json::from_value(result)
        .map_err(|e| PromError::Invalid(format!("matrix result: {e}")))?;
    match series.len() {
        0 => Ok(Vec::new()),
        1 => series
            .into_iter()
            .flat_map(|s| s.values)
            .map(|(t, v)| {
                Ok(Sample {
                    ts: parse_time(t)?,
                    value: parse_value(&v)?,
                })
            })
            .collect(),
        n => Err(PromError::Ambiguous(n)),
    }
}

/// Longest piece of a non-JSON error body kept in a message.
const BODY_EXCERPT: usize = 200;

impl Client {
    /// A client for the server at `base` (`http://host:port`, optionally with a path prefix).
    /// A secret file of `auth` must lie inside `secrets_dir`.
    pub fn new(
        base: &str,
        timeout: Duration,
        auth: Option<SourceAuth>,
        secrets_dir: Option<PathBuf>,
    ) -> Result<Self, String> {
        let url = reqwest::Url::parse(base).map_err(|e| format!("url '{base}': {e}"))?;
        if url.scheme() != "http" {
            return Err(format!(
                "url '{base}': only http:// is supported (no TLS in this build: reach Prometheus in-cluster or through a local proxy)"
            ));
        }
        if url.host_str().is_none() || url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "url '{base}' must be http://host[:port][/path], without query or fragment"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "url must not carry credentials: use auth with secret_env or secret_file".into(),
            );
        }
        let http = reqwest::Client::builder()
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            timeout,
            auth,
            secrets_dir,
        })
    }

    /// Reads the auth's secret now, as a request would (`Ok(None)` without auth).
    pub fn secret(&self) -> Result<Option<String>, PromError> {
        self.auth
            .as_ref()
            .map(|a| a.secret(self.secrets_dir.as_deref()))
            .transpose()
    }

    /// `GET`-equivalent `POST /api/v1/query_range` (a form body: long queries fit). At most one
    /// series may come back; its samples, in time order.
    pub async fn query_range(
        &self,
        query: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<Vec<Sample>, PromError> {
        let step = format!("{:.3}", step.as_secs_f64());
        let form = [
            ("query", query),
            ("start", &api_time(start)),
            ("end", &api_time(end)),
            ("step", &step),
        ];
        let data = self.call("/api/v1/query_range", &form).await?;
        parse_matrix(&data.result_type, data.result)
    }

    /// Runs `query` as an instant query at `time`: `Ok` when Prometheus accepts it, whatever
    /// it returns; [`PromError::Rejected`] with Prometheus's message when it does not parse or
    /// fails to evaluate.
    pub async fn check(&self, query: &str, time: DateTime<Utc>) -> Result<(), PromError> {
        self.call(
            "/api/v1/query",
            &[("query", query), ("time", &api_time(time))],
        )
        .await
        .map(|_| ())
    }

    async fn call(&self, path: &str, form: &[(&str, &str)]) -> Result<Data, PromError> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .timeout(self.timeout)
            .form(form);
        if let Some(auth) = &self.auth {
            let secret = auth.secret(self.secrets_dir.as_deref())?;
            req = match auth.kind {
                AuthKind::Bearer => req.bearer_auth(secret),
                AuthKind::Basic => {
                    req.basic_auth(auth.username.as_deref().unwrap_or(""), Some(secret))
                }
            };
        }
        let resp = req.send().await.map_err(|e| self.transport(&e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(PromError::Auth {
                status: status.as_u16(),
            });
        }
        let body = resp.bytes().await.map_err(|e| self.transport(&e))?;
        // Prometheus answers errors (400 bad_data, 422 execution, 503 timeout) with the same
        // envelope as successes: read it whatever the status.
        match serde_json::from_slice::<Envelope>(&body) {
            Ok(env) if env.status == "success" && status.is_success() => env
                .data
                .ok_or_else(|| PromError::Invalid("success without data".into())),
            Ok(env) if env.status == "error" => Err(PromError::Rejected {
                error_type: env.error_type.unwrap_or_else(|| "unknown".into()),
                message: env.error.unwrap_or_default(),
            }),
            _ if !status.is_success() => Err(PromError::Http {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body)
                    .chars()
                    .take(BODY_EXCERPT)
                    .collect(),
            }),
            Ok(env) => Err(PromError::Invalid(format!("status '{}'", env.status))),
            Err(e) => Err(PromError::Invalid(format!(
                "not the Prometheus API's JSON: {e}"
            ))),
        }
    }

    fn transport(&self, e: &reqwest::Error) -> PromError {
        if e.is_timeout() {
            return PromError::Timeout(self.timeout);
        }
        // reqwest's own message is "error sending request"; the cause says what happened.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        PromError::Unreachable(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_strings_with_nan_and_infinities() {
        assert_eq!(parse_value("1.5").unwrap(), 1.5);
        assert_eq!(parse_value("1e-3").unwrap(), 0.001);
        assert!(parse_value("NaN").unwrap().is_nan());
        assert_eq!(parse_value("+Inf").unwrap(), f64::INFINITY);
        assert_eq!(parse_value("-Inf").unwrap(), f64::NEG_INFINITY);
        assert!(matches!(parse_value("x"), Err(PromError::Invalid(_))));
    }

    #[test]
    fn a_matrix_gives_its_one_series() {
        let result = json!([{"metric": {"service": "a"},
            "values": [[1764583200, "0.5"], [1764583260.5, "NaN"]]}]);
        let samples = parse_matrix("matrix", result).unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0].value, 0.5);
        assert_eq!(samples[1].ts.timestamp_millis(), 1_764_583_260_500);
        assert!(samples[1].value.is_nan());
        assert_eq!(parse_matrix("matrix", json!([])).unwrap(), vec![]);
    }

    #[test]
    fn several_series_or_another_type_are_errors() {
        let two = json!([{"metric": {}, "values": []}, {"metric": {}, "values": []}]);
        assert_eq!(parse_matrix("matrix", two), Err(PromError::Ambiguous(2)));
        assert!(matches!(
            parse_matrix("vector", json!([])),
            Err(PromError::Invalid(_))
        ));
    }

    #[test]
    fn auth_needs_one_secret_reference_and_a_user_for_basic() {
        let check = |kind, username: Option<&str>, env: Option<&str>, file: Option<&str>| {
            SourceAuth {
                kind,
                username: username.map(Into::into),
                secret_env: env.map(Into::into),
                secret_file: file.map(Into::into),
            }
            .check()
        };
        let (bearer, basic) = (AuthKind::Bearer, AuthKind::Basic);
        let env = Some("ROLLGUARD_SECRET_PROM");
        assert!(check(bearer, None, env, None).is_ok());
        assert!(check(basic, Some("u"), None, Some("/f")).is_ok());
        // One reference, exactly.
        assert!(check(bearer, None, None, None).is_err());
        assert!(check(bearer, None, env, Some("/f")).is_err());
        // A user name for basic auth only.
        assert!(check(basic, None, env, None).is_err());
        assert!(check(bearer, Some("u"), env, None).is_err());
        assert!(check(basic, Some("a:b"), env, None).is_err());
        // Only variables of the ROLLGUARD_SECRET_ family.
        for bad in [
            "DATABASE_URL",
            "ROLLGUARD_TOKENS",
            "ROLLGUARD_SECRET_",
            "ROLLGUARD_SECRET_A-B",
        ] {
            assert!(check(bearer, None, Some(bad), None).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_plain_http_without_credentials() {
        let t = Duration::from_secs(1);
        assert!(Client::new("http://127.0.0.1:9090", t, None, None).is_ok());
        assert!(Client::new("http://gw/prometheus/", t, None, None).is_ok());
        assert!(Client::new("https://prom", t, None, None).is_err());
        assert!(Client::new("http://u:p@prom", t, None, None).is_err());
        assert!(Client::new("prom:9090", t, None, None).is_err());
    }

    #[test]
    fn secret_files_must_lie_inside_the_secrets_dir() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("secrets");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("token"), "s3cret\n").unwrap();
        std::fs::write(root.path().join("outside"), "other").unwrap();
        std::os::unix::fs::symlink(root.path().join("outside"), dir.join("link")).unwrap();
        let file = |f: &Path| SourceAuth {
            kind: AuthKind::Bearer,
            username: None,
            secret_env: None,
            secret_file: Some(f.display().to_string()),
        };
        assert_eq!(
            file(&dir.join("token")).secret(Some(&dir)).unwrap(),
            "s3cret"
        );
        for (f, d, fragment) in [
            (dir.join("token"), None, "--source-secrets-dir"),
            (root.path().join("outside"), Some(dir.as_path()), "outside"),
            (dir.join("link"), Some(dir.as_path()), "outside"),
            (dir.join("../outside"), Some(dir.as_path()), "outside"),
            (dir.join("missing"), Some(dir.as_path()), "cannot read"),
        ] {
            let e = file(&f).secret(d).unwrap_err().to_string();
            assert!(e.contains(fragment), "{f:?}: {e}");
            assert!(!e.contains("other"), "{e}");
        }
    }
}

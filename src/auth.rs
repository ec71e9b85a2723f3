//! API tokens: who may call what.
//!
//! A token has a name (for logs), a set of scopes and a secret. The server keeps only the
//! secret's SHA-256 and compares digests in constant time. Tokens come from `ROLLGUARD_TOKENS`
//! and/or `--tokens-file`, one `NAME:SCOPES:SECRET` entry each, where `SCOPES` is a
//! comma-separated subset of `ingest`, `evaluate`, `admin`, `read`, and `SECRET` is either the
//! secret itself (at least 16 characters) or `sha256:` and the 64 hex digits of its SHA-256.
//!
//! Which scope a request needs depends on its method and path only ([`required_access`]), so the
//! same rule guards the router and documents the operations in the OpenAPI document
//! ([`document`]). Health, readiness, the API document, `/docs/` and the dashboard's pages and
//! assets are open; everything under `/v1/` and `/metrics` needs a token once any is configured.
//! With no token configured the server is open, and `serve` then refuses to listen beyond
//! loopback unless told `--allow-unauthenticated`. An open server also answers only requests
//! whose `Host` is on its allow-list ([`AllowedHosts`]): a web page on a host name the attacker
//! points at 127.0.0.1 (DNS rebinding) is same-origin with itself, not with rollguard, but would
//! reach the open API. With tokens configured the check is skipped: such a page has no token.

use std::fmt;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Push points; create and update deployments.
    Ingest,
    /// Ask for verdicts (stored or stateless), the Flagger hooks, start and cancel replays.
    Evaluate,
    /// Change policies and environment defaults; delete deployments.
    Admin,
    /// Read lists, history, series, replays and `/metrics` (the dashboard's data).
    Read,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Ingest, Scope::Evaluate, Scope::Admin, Scope::Read];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Evaluate => "evaluate",
            Scope::Admin => "admin",
            Scope::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One configured token. The secret itself is not kept, only its SHA-256.
#[derive(Clone)]
pub struct Token {
    name: String,
    scopes: u8,
    digest: [u8; 32],
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("name", &self.name)
            .field("scopes", &self.scopes().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The shortest secret accepted in clear text.
pub const MIN_SECRET_LEN: usize = 16;

impl Token {
    /// A token from its secret in clear text.
    pub fn new(name: &str, scopes: &[Scope], secret: &str) -> Self {
        Token {
            name: name.to_string(),
            scopes: scopes.iter().fold(0, |acc, s| acc | s.bit()),
            digest: Sha256::digest(secret.as_bytes()).into(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes & scope.bit() != 0
    }

    pub fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        Scope::ALL.into_iter().filter(|s| self.allows(*s))
    }

    /// Parses one `NAME:SCOPES:SECRET` entry; `what` names it in errors (never the secret).
    fn parse(entry: &str, what: &str) -> Result<Token, String> {
        let mut parts = entry.splitn(3, ':');
        let (Some(name), Some(scopes), Some(secret)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("{what}: expected NAME:SCOPES:SECRET"));
        };
        let name = name.trim();
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !valid_name {
            return Err(format!(
                "{what}: the name must be 1 to 64 of A-Z a-z 0-9 . _ -"
            ));
        }
        let what = format!("{what} ('{name}')");
        let mut bits = 0u8;
        for s in scopes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let scope = Scope::parse(s).ok_or_else(|| {
                format!(
                    "{what}: unknown scope '{s}' (scopes: ingest, evaluate, admin, read)",
                    s = s.chars().take(32).collect::<String>()
                )
            })?;
            bits |= scope.bit();
        }
        if bits == 0 {
            return Err(format!("{what}: no scope given"));
        }
        let secret = secret.trim();
        let digest = if let Some(hex) = secret.strip_prefix("sha256:") {
            parse_digest(hex)
                .ok_or_else(|| format!("{what}: sha256: must be followed by 64 hex digits"))?
        } else if secret.chars().count() < MIN_SECRET_LEN {
            return Err(format!(
                "{what}: the secret is shorter than {MIN_SECRET_LEN} characters"
            ));
        } else {
            Sha256::digest(secret.as_bytes()).into()
        };
        Ok(Token {
            name: name.to_string(),
            scopes: bits,
            digest,
        })
    }
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// The host names (from the `Host` header, or the request target's authority) that a server
/// without tokens answers, on any port. By default the loopback names; `*` allows any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHosts {
    any: bool,
    names: Vec<String>,
}

impl Default for AllowedHosts {
    fn default() -> Self {
        AllowedHosts {
            any: false,
            names: Self::LOOPBACK.map(String::from).to_vec(),
        }
    }
}

impl AllowedHosts {
    /// The default list, also the default of `--allowed-hosts`.
    pub const LOOPBACK: [&'static str; 3] = ["localhost", "127.0.0.1", "[::1]"];

    /// A comma-separated list of host names or IP addresses (IPv6 with or without brackets); a
    /// port given with one is ignored. `*` allows every host.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut out = AllowedHosts {
            any: false,
            names: Vec::new(),
        };
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                out.any = true;
                continue;
            }
            let name = match entry.parse::<std::net::IpAddr>() {
                Ok(ip) => host_of_ip(ip),
                Err(_) => normalise(entry),
            };
            if name.is_empty() || entry.contains(['/', '@', ' ', '*']) {
                return Err(format!("'{entry}' is not a host name or IP address"));
            }
            out.names.push(name);
        }
        if !out.any && out.names.is_empty() {
            return Err("give at least one host, or * for any".to_string());
        }
        Ok(out)
    }

    /// Adds the address the server listens on (not an unspecified one such as 0.0.0.0, which no
    /// client names).
    pub fn with_address(mut self, ip: std::net::IpAddr) -> Self {
        if !ip.is_unspecified() {
            let name = host_of_ip(ip);
            if !self.names.contains(&name) {
                self.names.push(name);
            }
        }
        self
    }

    /// Whether a request naming `host` (`name[:port]`) is answered.
    pub fn allows(&self, host: &str) -> bool {
        self.any || self.names.contains(&normalise(host))
    }
}

/// An IP address as a URL names it: IPv6 in brackets.
fn host_of_ip(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The host name of `name[:port]`, lowercase, without a trailing dot.
fn normalise(host: &str) -> String {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest
            .split_once(']')
            .map_or(host, |(inside, _)| &host[..inside.len() + 2]),
        None => host.split_once(':').map_or(host, |(name, _)| name),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The configured tokens, the exceptions to them (open Flagger hooks, the open Kayenta judge),
/// and the hosts an open server answers.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    tokens: Vec<Token>,
    open_flagger_hooks: bool,
    open_kayenta_judge: bool,
    allowed_hosts: AllowedHosts,
}

impl Auth {
    /// No token: every endpoint is open.
    pub fn open() -> Self {
        Auth::default()
    }

    /// Checks that names and secrets are unique.
    pub fn new(tokens: Vec<Token>) -> Result<Self, String> {
        for (i, t) in tokens.iter().enumerate() {
            for u in &tokens[..i] {
                if u.name == t.name {
                    return Err(format!("two tokens are named '{}'", t.name));
                }
                if bool::from(u.digest.ct_eq(&t.digest)) {
                    return Err(format!(
                        "tokens '{}' and '{}' have the same secret",
                        u.name, t.name
                    ));
                }
            }
        }
        Ok(Auth {
            tokens,
            open_flagger_hooks: false,
            open_kayenta_judge: false,
            allowed_hosts: AllowedHosts::default(),
        })
    }

    /// The hosts answered while no token is configured.
    pub fn with_allowed_hosts(mut self, hosts: AllowedHosts) -> Self {
        self.allowed_hosts = hosts;
        self
    }

    /// Leaves `/v1/hooks/flagger/*` open even with tokens configured: Flagger's webhooks cannot
    /// send headers. See docs/integrations/flagger.md.
    pub fn with_open_flagger_hooks(mut self, open: bool) -> Self {
        self.open_flagger_hooks = open;
        self
    }

    /// Leaves `POST /v1/kayenta/judge` open even with tokens configured: Kayenta's remote judge
    /// client sends no credentials. See docs/integrations/kayenta.md.
    pub fn with_open_kayenta_judge(mut self, open: bool) -> Self {
        self.open_kayenta_judge = open;
        self
    }

    /// Parses `NAME:SCOPES:SECRET` entries separated by `;` or new lines; blank lines and lines
    /// starting with `#` are skipped. `source` names the origin in errors.
    pub fn parse_entries(text: &str, source: &str) -> Result<Vec<Token>, String> {
        text.lines()
            .map(str::trim)
            .filter(|line| !line.starts_with('#'))
            .flat_map(|line| line.split(';'))
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .enumerate()
            .map(|(i, entry)| Token::parse(entry, &format!("{source}: entry {}", i + 1)))
            .collect()
    }

    /// Whether any token is configured (else everything is open).
    pub fn is_enabled(&self) -> bool {
        !self.tokens.is_empty()
    }

    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    pub fn flagger_hooks_open(&self) -> bool {
        self.open_flagger_hooks
    }

    pub fn kayenta_judge_open(&self) -> bool {
        self.open_kayenta_judge
    }

    /// The token whose secret is `presented`. Every configured digest is compared, each in
    /// constant time.
    pub fn verify(&self, presented: &str) -> Option<&Token> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for token in &self.tokens {
            if bool::from(token.digest.ct_eq(&digest)) {
                found = Some(token);
            }
        }
        found
    }
}

/// What a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Open,
    Needs(Scope),
}

/// The scope a request needs, from its method and path. `path` may be a request path or a
/// route template (`/v1/deployments/{key}/points`): parameters are matched by position.
///
/// Outside `/v1/` and `/metrics` everything is open (health, readiness, the API document,
/// `/docs/`, the dashboard's pages and assets; unknown paths are 404 either way). Under `/v1/`,
/// a read (GET, HEAD) needs `read` and any other method `admin`, except where a narrower scope
/// is listed below; so a route added later is guarded by default.
pub fn required_access(method: &Method, path: &str) -> Access {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let reading = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    let put = method == Method::PUT;
    let scope = match segments.as_slice() {
        ["metrics"] => Scope::Read,
        ["v1", rest @ ..] => match rest {
            ["evaluate"] if post => Scope::Evaluate,
            ["hooks", ..] => Scope::Evaluate,
            ["kayenta", "judge"] if post => Scope::Evaluate,
            ["deployments", _] if put => Scope::Ingest,
            // Deleting a deployment removes its audit trail: the operators' call.
            ["deployments", _] if method == Method::DELETE => Scope::Admin,
            ["deployments", _, "points"] if post => Scope::Ingest,
            // PUT too: Argo's web metric provider may be set to it.
            ["deployments", _, "verdicts"] if post || put => Scope::Evaluate,
            ["deployments", _, "verdict"] if reading => Scope::Evaluate,
            // Starting a replay and cancelling one (both POST): who may spend the CPU may also
            // stop spending it.
            ["replays", ..] if !reading => Scope::Evaluate,
            ["policies" | "environments", _] if put => Scope::Admin,
            // Reads too: a source shows where its secret is kept.
            ["sources" | "templates", ..] => Scope::Admin,
            _ if reading => Scope::Read,
            _ => Scope::Admin,
        },
        _ => return Access::Open,
    };
    Access::Needs(scope)
}

fn is_flagger_hook(path: &str) -> bool {
    path.starts_with("/v1/hooks/flagger/")
}

/// The Kayenta judge's one operation: exactly this method and path.
fn is_kayenta_judge(method: &Method, path: &str) -> bool {
    method == Method::POST && path == KAYENTA_JUDGE
}

/// The path Kayenta's remote judge calls (`{base-url}/judge`).
pub const KAYENTA_JUDGE: &str = "/v1/kayenta/judge";

/// The bearer token of a request, if it sent one in a form we read.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let Ok(value) = value.to_str() else {
        return Some(Err(()));
    };
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(token))
}

const REALM: &str = "Bearer realm=\"rollguard\"";

fn challenge(error: ApiError, www_authenticate: String) -> Response {
    let mut response = error.into_response();
    if let Ok(value) = HeaderValue::from_str(&www_authenticate) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// 421 when the request names a host that is not on the allow-list (or none). Probes are
/// exempt: an orchestrator's names the pod's address, and they tell nothing.
fn host_refused(hosts: &AllowedHosts, req: &Request) -> Option<Response> {
    if hosts.any || matches!(req.uri().path(), "/healthz" | "/readyz") {
        return None;
    }
    let host = req
        .uri()
        .authority()
        .map(axum::http::uri::Authority::as_str)
        .or_else(|| req.headers().get(header::HOST)?.to_str().ok());
    if host.is_some_and(|h| hosts.allows(h)) {
        return None;
    }
    tracing::info!(host = ?host, "refused: Host not allowed on a server without API tokens");
    let shown = host.unwrap_or_default();
    Some(
        ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "misdirected_request",
            format!(
                "this server has no API tokens and answers only the hosts of --allowed-hosts, \
                 not '{shown}'"
            ),
        )
        .with_details(json!({"host": shown}))
        .into_response(),
    )
}

fn unauthorized(presented: bool, scope: Scope) -> Response {
    let (code, message, www) = if presented {
        (
            "invalid_token",
            "the API token is not valid",
            format!("{REALM}, error=\"invalid_token\""),
        )
    } else {
        (
            "unauthorized",
            "this endpoint needs an API token: send Authorization: Bearer <token>",
            REALM.to_string(),
        )
    };
    challenge(
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
            .with_details(json!({"required_scope": scope.as_str()})),
        www,
    )
}

fn forbidden(token: &Token, scope: Scope) -> Response {
    challenge(
        ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!(
                "token '{}' lacks the '{scope}' scope this endpoint needs",
                token.name
            ),
        )
        .with_details(json!({
            "required_scope": scope.as_str(),
            "token": token.name,
            "token_scopes": token.scopes().map(Scope::as_str).collect::<Vec<_>>(),
        })),
        format!("{REALM}, error=\"insufficient_scope\", scope=\"{scope}\""),
    )
}

/// The token a request was let in with, as a request extension (only when tokens are
/// configured).
#[derive(Clone, Debug)]
pub struct Caller(pub Token);

/// Checks, in a handler, a scope that the request's body calls for beyond the one its route
/// needs (a verdict request that registers its deployment writes, so it needs `ingest` too):
/// the refusal, if any. A server without tokens lets it through; otherwise a token without the
/// scope gets the same 403 as the router gives.
pub fn refusal_without(auth: &Auth, caller: Option<&Caller>, scope: Scope) -> Option<Response> {
    if !auth.is_enabled() {
        return None;
    }
    match caller {
        Some(Caller(token)) if token.allows(scope) => None,
        Some(Caller(token)) => {
            tracing::info!(token = %token.name, required_scope = %scope, "refused: scope missing");
            Some(forbidden(token, scope))
        }
        // Every route that calls this is guarded, so a caller is known; if not, refuse.
        None => Some(unauthorized(false, scope)),
    }
}

/// Middleware: lets a request through when it is open or carries a token with the scope it
/// needs; answers 401 (no or unknown token, with `WWW-Authenticate: Bearer`) or 403 (wrong
/// scope) otherwise. Records the token's name on the request's log span.
pub async fn require_token(
    State(auth): State<Arc<Auth>>,
    mut req: Request,
    next: Next,
) -> Response {
    if !auth.is_enabled() {
        return match host_refused(&auth.allowed_hosts, &req) {
            Some(refusal) => refusal,
            None => next.run(req).await,
        };
    }
    let path = req.uri().path();
    let Access::Needs(scope) = required_access(req.method(), path) else {
        return next.run(req).await;
    };
    if auth.open_flagger_hooks && is_flagger_hook(path) {
        return next.run(req).await;
    }
    if auth.open_kayenta_judge && is_kayenta_judge(req.method(), path) {
        return next.run(req).await;
    }
    let token = match bearer(req.headers()) {
        None => {
            tracing::info!(required_scope = %scope, "refused: no API token");
            return unauthorized(false, scope);
        }
        Some(Err(())) => {
            tracing::info!(required_scope = %scope, "refused: malformed Authorization header");
            return unauthorized(true, scope);
        }
        Some(Ok(presented)) => match auth.verify(presented) {
            Some(token) => token,
            None => {
                tracing::info!(required_scope = %scope, "refused: unknown API token");
                return unauthorized(true, scope);
            }
        },
    };
    tracing::Span::current().record("token", token.name.as_str());
    if !token.allows(scope) {
        tracing::info!(token = %token.name, required_scope = %scope, "refused: scope missing");
        return forbidden(token, scope);
    }
    req.extensions_mut().insert(Caller(token.clone()));
    next.run(req).await
}

/// Adds the bearer scheme to the OpenAPI document, and to every operation that needs a token its
/// scope (as the security requirement's role) and its 401 and 403 answers.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::content::Content;
    use utoipa::openapi::response::ResponseBuilder;
    use utoipa::openapi::security::{
        HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    use utoipa::openapi::{Ref, RefOr};

    let scheme = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .description(Some(
            "An API token: `Authorization: Bearer <token>`. Each operation lists the scope its \
             token needs (`ingest`, `evaluate`, `admin` or `read`). A missing or unknown token is \
             a 401 with `WWW-Authenticate: Bearer`, a token without the scope a 403. A server \
             with no token configured checks none (it then listens on loopback only).",
        ))
        .build();
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme("bearer", SecurityScheme::Http(scheme));

    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build(),
        )
    };
    for (path, item) in &mut doc.paths.paths {
        let operations = [
            (Method::GET, &mut item.get),
            (Method::PUT, &mut item.put),
            (Method::POST, &mut item.post),
            (Method::DELETE, &mut item.delete),
            (Method::PATCH, &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let Access::Needs(scope) = required_access(&method, path) else {
                continue;
            };
            operation.security = Some(vec![SecurityRequirement::new("bearer", [scope.as_str()])]);
            let responses = &mut operation.responses.responses;
            responses.entry("401".into()).or_insert_with(|| {
                error("No API token, or an unknown one (`unauthorized`, `invalid_token`)")
            });
            responses.entry("403".into()).or_insert_with(|| {
                error(&format!(
                    "The token lacks the `{scope}` scope (`insufficient_scope`)"
                ))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_match_names_on_any_port() {
        let hosts = AllowedHosts::default().with_address("10.0.0.5".parse().unwrap());
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1:3",
            "[::1]:8080",
            "10.0.0.5:80",
            "localhost.",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for no in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.2",
            "",
        ] {
            assert!(!hosts.allows(no), "{no}");
        }
        let listed = AllowedHosts::parse("rollguard.internal, ::1, 10.1.2.3:8080").unwrap();
        assert!(listed.allows("rollguard.internal:8080") && listed.allows("[::1]"));
        assert!(listed.allows("10.1.2.3") && !listed.allows("localhost"));
        assert!(AllowedHosts::parse("*").unwrap().allows("anything"));
        assert!(AllowedHosts::parse(" , ").is_err());
        assert!(AllowedHosts::parse("http://x/").is_err());
        let all_interfaces = AllowedHosts::default().with_address("0.0.0.0".parse().unwrap());
        assert_eq!(all_interfaces, AllowedHosts::default());
    }

    fn needs(method: Method, path: &str) -> Option<Scope> {
        match required_access(&method, path) {
            Access::Open => None,
            Access::Needs(s) => Some(s),
        }
    }

    #[test]
    fn scopes_by_route() {
        use Scope::*;
        let cases = [
            (Method::GET, "/healthz", None),
            (Method::GET, "/readyz", None),
            (Method::GET, "/openapi.json", None),
            (Method::GET, "/docs/", None),
            (Method::GET, "/docs/swagger-ui.css", None),
            (Method::GET, "/", None),
            (Method::GET, "/deployments/a.b", None),
            (Method::GET, "/replays/3", None),
            (Method::GET, "/assets/app.js", None),
            (Method::GET, "/metrics", Some(Read)),
            (Method::POST, "/v1/deployments/a/points", Some(Ingest)),
            (Method::PUT, "/v1/deployments/a", Some(Ingest)),
            (Method::PUT, "/v1/deployments/{key}", Some(Ingest)),
            (Method::GET, "/v1/deployments/a", Some(Read)),
            (Method::GET, "/v1/deployments", Some(Read)),
            (Method::GET, "/v1/deployments/a/points", Some(Read)),
            (Method::POST, "/v1/deployments/a/verdicts", Some(Evaluate)),
            (Method::PUT, "/v1/deployments/a/verdicts", Some(Evaluate)),
            (Method::GET, "/v1/deployments/a/verdicts", Some(Read)),
            (Method::GET, "/v1/deployments/a/verdict", Some(Evaluate)),
            (Method::HEAD, "/v1/deployments/a/verdict", Some(Evaluate)),
            (Method::POST, "/v1/evaluate", Some(Evaluate)),
            (Method::POST, "/v1/hooks/flagger/gate", Some(Evaluate)),
            (Method::POST, "/v1/hooks/flagger/rollback", Some(Evaluate)),
            (Method::POST, "/v1/kayenta/judge", Some(Evaluate)),
            (Method::GET, "/v1/kayenta/judge", Some(Read)),
            (Method::POST, "/v1/replays", Some(Evaluate)),
            (Method::GET, "/v1/replays", Some(Read)),
            (Method::GET, "/v1/replays/7", Some(Read)),
            (Method::POST, "/v1/replays/7/cancel", Some(Evaluate)),
            (Method::PUT, "/v1/policies/strict", Some(Admin)),
            (Method::GET, "/v1/policies/strict", Some(Read)),
            (Method::GET, "/v1/policies", Some(Read)),
            (Method::PUT, "/v1/environments/prod", Some(Admin)),
            (Method::GET, "/v1/environments", Some(Read)),
            // Unknown routes under /v1 are guarded too, writes by the strongest scope.
            (Method::DELETE, "/v1/deployments/a", Some(Admin)),
            (Method::POST, "/v1/deployments/a/points/", Some(Admin)),
            (Method::GET, "/v1/nothing", Some(Read)),
            (Method::POST, "/v1", Some(Admin)),
        ];
        for (method, path, expected) in cases {
            assert_eq!(needs(method.clone(), path), expected, "{method} {path}");
        }
    }

    #[test]
    fn entries_parse_with_clear_and_hashed_secrets() {
        let hashed = format!("{:x}", Sha256::digest(b"another-long-secret"));
        let text = format!(
            "# comment\nargo:evaluate,read:0123456789abcdef\n\n pusher : ingest : sha256:{hashed} ;ops:admin:x:y:zzzzzzzzzzzzzzzz"
        );
        let tokens = Auth::parse_entries(&text, "test").unwrap();
        assert_eq!(tokens.len(), 3);
        let auth = Auth::new(tokens).unwrap();
        let argo = auth.verify("0123456789abcdef").unwrap();
        assert_eq!(argo.name(), "argo");
        assert!(argo.allows(Scope::Evaluate) && argo.allows(Scope::Read));
        assert!(!argo.allows(Scope::Ingest) && !argo.allows(Scope::Admin));
        let pusher = auth.verify("another-long-secret").unwrap();
        assert_eq!(pusher.scopes().collect::<Vec<_>>(), [Scope::Ingest]);
        // The secret is everything after the second colon.
        assert_eq!(auth.verify("x:y:zzzzzzzzzzzzzzzz").unwrap().name(), "ops");
        assert!(auth.verify("0123456789abcdeF").is_none());
        assert!(auth.verify("").is_none());
    }

    #[test]
    fn whitespace_around_a_secret_is_not_part_of_it() {
        // A tokens file written on Windows, or a Secret mounted with `--from-file` of a file that
        // ends in a new line: the secret is what is between the whitespace.
        let text = "argo:evaluate: 0123456789abcdef \t\r\npusher:ingest:fedcba9876543210\r\n";
        let auth = Auth::new(Auth::parse_entries(text, "test").unwrap()).unwrap();
        assert_eq!(auth.verify("0123456789abcdef").unwrap().name(), "argo");
        assert_eq!(auth.verify("fedcba9876543210").unwrap().name(), "pusher");
        assert!(auth.verify("0123456789abcdef\n").is_none());
    }

    #[test]
    fn bad_entries_are_refused_without_echoing_the_secret() {
        for (entry, fragment) in [
            ("argo:evaluate", "NAME:SCOPES:SECRET"),
            ("argo:evaluat:0123456789abcdef", "unknown scope 'evaluat'"),
            ("argo::0123456789abcdef", "no scope"),
            ("argo:read:short-secret", "shorter than 16"),
            ("argo:read:sha256:abc", "64 hex digits"),
            ("a b:read:0123456789abcdef", "the name must be"),
        ] {
            let err = Auth::parse_entries(entry, "ROLLGUARD_TOKENS").unwrap_err();
            assert!(err.contains(fragment), "{entry}: {err}");
            assert!(err.starts_with("ROLLGUARD_TOKENS: entry 1"), "{err}");
            assert!(!err.contains("0123456789abcdef") && !err.contains("short-secret"));
        }
        let twice = Auth::parse_entries("a:read:0123456789abcdef;a:admin:fedcba9876543210", "t");
        assert!(
            Auth::new(twice.unwrap())
                .unwrap_err()
                .contains("two tokens")
        );
        let same = Auth::parse_entries("a:read:0123456789abcdef;b:admin:0123456789abcdef", "t");
        assert!(
            Auth::new(same.unwrap())
                .unwrap_err()
                .contains("same secret")
        );
    }

    #[test]
    fn token_debug_output_hides_the_digest() {
        let t = Token::new("argo", &[Scope::Read], "0123456789abcdef");
        let shown = format!("{t:?}");
        assert!(shown.contains("argo") && shown.contains("Read"), "{shown}");
        assert!(!shown.contains("digest"), "{shown}");
    }
}

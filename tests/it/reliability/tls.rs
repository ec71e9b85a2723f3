//! HTTPS (`serve --tls-cert/--tls-key`, issue 18), on real sockets with certificates made here
//! (rcgen): a client trusting the certificate gets answers; replaced files are served without a
//! restart; a plain-HTTP request and a silent or stalled TLS client are closed, the latter by the
//! header-read timeout; `serve` as a process says `https://` and refuses bad files at start.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rollguard::api::AppState;
use rollguard::server::ServerOptions;
use rollguard::tls::Tls;
use rustls::pki_types::pem::PemObject as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use super::{Proc, closed_within};
use crate::support::{Backend, eventually, test_db, test_store};

/// A self-signed certificate for `localhost` and 127.0.0.1, as PEM.
struct Cert {
    cert: String,
    key: String,
}

fn self_signed() -> Cert {
    let made =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    Cert {
        cert: made.cert.pem(),
        key: made.signing_key.serialize_pem(),
    }
}

/// The certificate and key files of a server, in a directory of their own.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(c: &Cert) -> Files {
        let files = Files {
            dir: tempfile::tempdir().unwrap(),
        };
        files.write(c);
        files
    }

    fn cert(&self) -> PathBuf {
        self.dir.path().join("tls.crt")
    }

    fn key(&self) -> PathBuf {
        self.dir.path().join("tls.key")
    }

    /// Replaces both files as cert-manager's Secret volume does: new files, then renames.
    fn write(&self, c: &Cert) {
        for (path, text) in [(self.cert(), &c.cert), (self.key(), &c.key)] {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        }
    }
}

/// An HTTPS client that trusts only `c` (a new connection for every request).
fn client_trusting(c: &Cert) -> reqwest::Client {
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(c.cert.as_bytes()).unwrap())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `serve_tls` in this process on a free loopback port (SQLite).
struct Https {
    addr: String,
    task: JoinHandle<anyhow::Result<()>>,
    _db: crate::support::TestDb,
}

impl Https {
    async fn start(files: &Files, opts: ServerOptions, reload: Duration) -> Https {
        let (store, db) = test_store(Backend::Sqlite).await;
        let tls = Tls::load(&files.cert(), &files.key()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let task = tokio::spawn(rollguard::server::serve_tls(
            listener,
            AppState::new(store),
            std::future::pending(),
            opts,
            tls,
            reload,
        ));
        Https {
            addr,
            task,
            _db: db,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }
}

impl Drop for Https {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn healthz(client: &reqwest::Client, url: &str) -> Result<u16, reqwest::Error> {
    Ok(client.get(url).send().await?.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_over_https_to_a_client_trusting_the_certificate() {
    let c = self_signed();
    let files = Files::new(&c);
    let s = Https::start(&files, ServerOptions::default(), Duration::from_secs(60)).await;
    assert_eq!(
        healthz(&client_trusting(&c), &s.url("/healthz"))
            .await
            .unwrap(),
        200
    );
    // And through the API on the same connection type: a stateless evaluation.
    let resp = client_trusting(&c)
        .post(s.url("/v1/evaluate"))
        .json(&serde_json::json!({"metrics": {"error_rate": [0.1, 0.2, 0.3]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["verdict"], "inconclusive", "{body}");
    // A client that does not trust it is refused at the handshake.
    let other = self_signed();
    assert!(
        healthz(&client_trusting(&other), &s.url("/healthz"))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaced_certificate_files_are_served_without_a_restart() {
    let old = self_signed();
    let files = Files::new(&old);
    let s = Https::start(&files, ServerOptions::default(), Duration::from_millis(100)).await;
    let url = s.url("/healthz");
    assert_eq!(healthz(&client_trusting(&old), &url).await.unwrap(), 200);

    let new = self_signed();
    // A certificate whose key is not yet the new one (the cert file written first) is not
    // loaded: the old pair stays served.
    let half = Cert {
        cert: new.cert.clone(),
        key: old.key.clone(),
    };
    files.write(&half);
    let tls = Tls::load(&files.cert(), &files.key());
    assert!(
        tls.is_err_and(|e| format!("{e:#}").contains("does not match")),
        "a mismatched pair must not load"
    );
    assert_eq!(healthz(&client_trusting(&old), &url).await.unwrap(), 200);

    files.write(&new);
    let trusting_new = client_trusting(&new);
    eventually(
        "the new certificate served",
        Duration::from_secs(30),
        || {
            let (client, url) = (&trusting_new, &url);
            async move { healthz(client, url).await.ok() }
        },
    )
    .await;
    assert!(
        healthz(&client_trusting(&old), &url).await.is_err(),
        "the old certificate is no longer served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_http_request_to_the_tls_port_is_closed_at_once_and_https_goes_on() {
    let c = self_signed();
    let files = Files::new(&c);
    // A long header-read timeout: the connection must close for the failed handshake, not it.
    let opts = ServerOptions {
        header_read_timeout: Duration::from_secs(120),
        ..ServerOptions::default()
    };
    let s = Https::start(&files, opts, Duration::from_secs(60)).await;

    let plain = reqwest::Client::new()
        .get(format!("http://{}/healthz", s.addr))
        .timeout(Duration::from_secs(30))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP answered: {plain:?}");

    let mut stream = TcpStream::connect(&s.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the connection stayed open");
    assert!(
        !String::from_utf8_lossy(&answer).contains("HTTP/1.1 200"),
        "{answer:?}"
    );

    assert_eq!(
        healthz(&client_trusting(&c), &s.url("/healthz"))
            .await
            .unwrap(),
        200
    );
}

/// A silent client, and one that sends half a ClientHello and stalls, are both cut off by the
/// header-read timeout (1 s here), while a real client is served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_or_stalled_tls_handshake_is_cut_off_by_the_header_read_timeout() {
    let c = self_signed();
    let files = Files::new(&c);
    let opts = ServerOptions {
        header_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(60),
        ..ServerOptions::default()
    };
    let s = Https::start(&files, opts, Duration::from_secs(60)).await;

    let started = Instant::now();
    let mut silent = TcpStream::connect(&s.addr).await.unwrap();
    let mut stalled = TcpStream::connect(&s.addr).await.unwrap();
    // A TLS record header announcing a 512-byte handshake message, and 5 bytes of it.
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03])
        .await
        .unwrap();
    assert_eq!(
        healthz(&client_trusting(&c), &s.url("/healthz"))
            .await
            .unwrap(),
        200
    );
    assert!(closed_within(&mut silent, Duration::from_secs(15)).await);
    assert!(closed_within(&mut stalled, Duration::from_secs(15)).await);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed before the timeout: {:?}",
        started.elapsed()
    );
}

/// A handshake that completes but is followed by no request is cut off too: the handshake and
/// the first head share the header-read timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_connection_that_sends_no_request_is_cut_off_by_the_header_read_timeout() {
    let c = self_signed();
    let files = Files::new(&c);
    let opts = ServerOptions {
        header_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(60),
        ..ServerOptions::default()
    };
    let s = Https::start(&files, opts, Duration::from_secs(60)).await;

    let mut roots = rustls::RootCertStore::empty();
    let der = rustls::pki_types::CertificateDer::from_pem_slice(c.cert.as_bytes()).unwrap();
    roots.add(der).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(&s.addr).await.unwrap();
    let started = Instant::now();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(15), tls.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0) | Err(_))),
        "the connection stayed open: {read:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(500));
}

fn write_pair(dir: &Path, c: &Cert) -> (String, String) {
    let cert = dir.join("tls.crt");
    let key = dir.join("tls.key");
    std::fs::write(&cert, &c.cert).unwrap();
    std::fs::write(&key, &c.key).unwrap();
    (cert.display().to_string(), key.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_tls_flags_listens_on_https() {
    let db = test_db(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let c = self_signed();
    let (cert, key) = write_pair(dir.path(), &c);
    let p = Proc::start(&db.url, &["--tls-cert", &cert, "--tls-key", &key], &[]);
    assert!(p.base.starts_with("https://127.0.0.1:"), "{}", p.base);
    assert_eq!(
        healthz(&client_trusting(&c), &p.url("/healthz"))
            .await
            .unwrap(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_tls_files_that_do_not_load() {
    let db = test_db(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let (cert, _) = write_pair(dir.path(), &self_signed());
    let other = tempfile::tempdir().unwrap();
    let (_, other_key) = write_pair(other.path(), &self_signed());
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    let garbage = garbage.display().to_string();
    for (args, expected) in [
        (vec!["--tls-cert", &cert], "--tls-key"),
        (
            vec!["--tls-cert", &garbage, "--tls-key", &other_key],
            "no CERTIFICATE",
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &other_key],
            "does not match",
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", "/nonexistent/tls.key"],
            "/nonexistent/tls.key",
        ),
    ] {
        let all: Vec<&str> = ["--listen", "127.0.0.1:0"]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        let failed = Proc::try_start(&db.url, all.iter(), &[])
            .err()
            .unwrap_or_else(|| panic!("serve started with {args:?}"));
        assert!(!failed.status.success());
        assert!(
            failed.stderr.contains(expected),
            "{args:?}: {}",
            failed.stderr
        );
    }
}

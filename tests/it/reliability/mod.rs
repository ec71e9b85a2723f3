//! Reliability and security (issue 7): API tokens, request limits, database outages, durability
//! across SIGKILL, graceful shutdown, metrics and request ids. Real processes where the property
//! is about the process (signals, restarts), the in-process server elsewhere.

mod auth;
mod durability;
mod limits;
mod outage;
mod pg;
mod shutdown;
mod telemetry;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A `rollguard serve` process on a free loopback port, its log in a file.
pub struct Proc {
    pub child: Child,
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _stdout: BufReader<std::process::ChildStdout>,
}

/// How `serve` ended when it did not start.
#[derive(Debug)]
pub struct Failed {
    pub status: ExitStatus,
    pub stderr: String,
}

impl Proc {
    /// Starts `rollguard serve --listen 127.0.0.1:0 ARGS` with only `envs` (plus PATH) in its
    /// environment, and waits for its "listening" line.
    pub fn start(database_url: &str, args: &[&str], envs: &[(&str, &str)]) -> Proc {
        Self::try_start(
            database_url,
            ["--listen", "127.0.0.1:0"].iter().chain(args),
            envs,
        )
        .unwrap_or_else(|f| panic!("rollguard serve did not start: {f:?}"))
    }

    /// Like [`Proc::start`], with the whole argument list given (e.g. another `--listen`).
    pub fn try_start<'a>(
        database_url: &str,
        args: impl IntoIterator<Item = &'a &'a str>,
        envs: &[(&str, &str)],
    ) -> Result<Proc, Failed> {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_rollguard"));
        command
            .arg("serve")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        let mut child = command.spawn().expect("rollguard serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let Some(base) = line.trim().strip_prefix("rollguard listening on ") else {
            let status = child.wait().unwrap();
            return Err(Failed {
                status,
                stderr: std::fs::read_to_string(&log).unwrap_or_default(),
            });
        };
        Ok(Proc {
            base: base.to_string(),
            child,
            log,
            _dir: dir,
            _stdout: stdout,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `host:port`.
    pub fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{signal} {}", self.pid());
    }

    /// Waits up to `limit` for the process to exit.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Everything the process logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request whose body is sent in two parts, so that it stays in flight as long as the test
/// wants: headers and `body[..sent]` go now, the rest with [`finish`].
pub async fn send_partial(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    sent: usize,
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..sent]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// Sends the rest of a [`send_partial`] body and reads the answer.
pub async fn finish(mut stream: TcpStream, rest: &[u8]) -> RawResponse {
    stream.write_all(rest).await.unwrap();
    stream.flush().await.unwrap();
    read_response(stream).await
}

/// An answer read off a raw connection.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header lines, lower-cased.
    pub headers: String,
    pub body: Value,
}

/// Reads one answer (the request said `connection: close`, so it ends at EOF).
pub async fn read_response(mut stream: TcpStream) -> RawResponse {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer: {text:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head:?}"));
    RawResponse {
        status,
        headers: head.to_ascii_lowercase(),
        body: serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {body:?}")),
    }
}

/// A JSON ingest body of `n` points of `metric`, one a minute, values `base + i / n`.
pub fn batch(metric: &str, n: usize, base: f64) -> Vec<u8> {
    let points: Vec<Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "metric": metric,
                "ts": crate::support::minute(i),
                "value": base + i as f64 / n as f64,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "points": points })).unwrap()
}

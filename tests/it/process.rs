//! `rollguard serve` as a real process: data survives a restart on both stores, SIGTERM stops
//! it cleanly, and `rollguard migrate` prepares a database on its own.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{Backend, minute_points, on_both_backends, test_db};

/// A running `rollguard serve` on a free port.
pub struct Server {
    pub child: Child,
    pub base: String,
    // Kept open so the server never writes into a closed pipe.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    pub fn start(database_url: &str) -> Self {
        Self::start_with_env(database_url, &[])
    }

    /// Like [`Server::start`], with more environment variables (tokens, open hooks).
    pub fn start_with_env(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rollguard"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", database_url)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("rollguard serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let base = line
            .trim()
            .strip_prefix("rollguard listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server {
            child,
            base,
            _stdout: stdout,
        }
    }

    /// Sends SIGTERM and waits; returns whether the process exited successfully.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap().success()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn data_survives_a_restart(backend: Backend) {
    let db = test_db(backend).await;
    let client = reqwest::Client::new();
    let server = Server::start(&db.url);
    let batch = json!({"points": minute_points("error_rate", "canary", &[6.0, 7.0, 8.0])});
    let resp = client
        .post(format!("{}/v1/deployments/persist/points", server.base))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = client
        .post(format!("{}/v1/deployments/persist/verdicts", server.base))
        .send()
        .await
        .unwrap();
    let first: Value = resp.json().await.unwrap();
    assert!(server.terminate(), "SIGTERM ends serve with success");

    let server = Server::start(&db.url);
    let d: Value = client
        .get(format!("{}/v1/deployments/persist", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (d["points"].as_i64(), d["latest_verdict"].as_str()),
        (Some(3), Some("rollback")),
        "{d}"
    );
    let history: Value = client
        .get(format!("{}/v1/deployments/persist/verdicts", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["verdicts"][0]["id"], first["id"]);
}

on_both_backends!(data_survives_a_restart);

#[tokio::test]
async fn migrate_command_prepares_an_empty_database() {
    let db = test_db(Backend::Sqlite).await;
    let out = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sqlite database is up to date"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .arg("migrate")
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres:// or sqlite://"));
}

//! A throwaway Postgres cluster that a test may stop and start: `scripts/postgres.sh`'s recipe
//! (initdb and pg_ctl from the newest `/usr/lib/postgresql/*/bin`, as user `postgres` when the
//! tests run as root, since initdb refuses root) on a free port, in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
    pub port: u16,
}

fn pg_bin() -> PathBuf {
    let mut dirs: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Postgres binaries under /usr/lib/postgresql (apt-get install postgresql)")
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let version = e
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
        .1
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// initdb, then start.
    pub fn start() -> Cluster {
        let uid = Command::new("id").arg("-u").output().unwrap();
        let as_postgres = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let dir = tempfile::Builder::new()
            .prefix("rollguard-pg-")
            .tempdir_in("/tmp")
            .unwrap();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["postgres:postgres", &dir.path().to_string_lossy()])
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown postgres {}", dir.path().display());
        }
        let cluster = Cluster {
            bin: pg_bin(),
            dir,
            as_postgres,
            port: free_port(),
        };
        let d = cluster.path().display().to_string();
        cluster.run(&format!(
            "{}/initdb -D {d}/data -U postgres --auth=trust -E UTF8 >{d}/initdb.log 2>&1",
            cluster.bin.display()
        ));
        cluster.start_server();
        cluster
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, script: &str) {
        let status = if self.as_postgres {
            Command::new("su")
                .args(["postgres", "-s", "/bin/bash", "-c", script])
                .status()
        } else {
            Command::new("bash").args(["-c", script]).status()
        };
        assert!(status.unwrap().success(), "failed: {script}");
    }

    /// `pg_ctl start -w`: returns once the server accepts connections.
    pub fn start_server(&self) {
        let d = self.path().display().to_string();
        self.run(&format!(
            "{}/pg_ctl -D {d}/data -l {d}/server.log -o '-p {} -k {d} -c listen_addresses=127.0.0.1' -w start >/dev/null",
            self.bin.display(),
            self.port
        ));
    }

    /// `pg_ctl stop -m immediate`: the server dies without a clean shutdown, as in a crash.
    pub fn stop_immediate(&self) {
        let d = self.path().display().to_string();
        self.run(&format!(
            "{}/pg_ctl -D {d}/data -m immediate -w stop >/dev/null",
            self.bin.display()
        ));
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let d = self.path().display().to_string();
        let script = format!(
            "{}/pg_ctl -D {d}/data -m immediate -w stop >/dev/null 2>&1 || true",
            self.bin.display()
        );
        if self.as_postgres {
            let _ = Command::new("su")
                .args(["postgres", "-s", "/bin/bash", "-c", &script])
                .status();
        } else {
            let _ = Command::new("bash").args(["-c", &script]).status();
        }
    }
}

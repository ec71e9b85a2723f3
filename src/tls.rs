//! HTTPS for `serve --tls-cert/--tls-key`: the certificate and key as PEM files, served with
//! rustls (ring provider; no OpenSSL), and read again whenever their contents change, so that a
//! renewal (cert-manager rewriting a mounted Secret, or any tool replacing the files) is served
//! from the next handshake on without a restart.
//!
//! The files are polled rather than watched with inotify: a Kubernetes Secret volume swaps a
//! symlink (`..data`), which file watches on the paths themselves miss, and a read of two small
//! files every few seconds costs nothing. Their contents are compared, not their modification
//! times (a copy that keeps the time, or two writes within the clock's resolution, would be
//! missed). A pair that does not load (half-written files, a certificate whose key is not yet the
//! new one) is logged once and the previous pair kept; the next change is tried again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio_rustls::TlsAcceptor;

/// The server's TLS settings: the acceptor for new connections, and the files it reloads from.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    resolver: Arc<ReloadingCert>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("cert", &self.resolver.cert_path)
            .field("key", &self.resolver.key_path)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Reads the certificate chain (PEM, the server's certificate first) and its private key
    /// (PEM: PKCS#8, PKCS#1 or SEC1). Fails when either does not load or they do not match.
    pub fn load(cert: &Path, key: &Path) -> anyhow::Result<Tls> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let files = Files::read(cert, key)?;
        let certified = files.certified_key(&provider).with_context(|| {
            format!(
                "loading the TLS certificate {} and key {}",
                cert.display(),
                key.display()
            )
        })?;
        let resolver = Arc::new(ReloadingCert {
            cert_path: cert.to_path_buf(),
            key_path: key.to_path_buf(),
            provider: provider.clone(),
            current: RwLock::new(Arc::new(certified)),
            seen: RwLock::new(files),
        });
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_cert_resolver(resolver.clone());
        // The server speaks HTTP/1.1 only (src/server.rs).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            resolver,
        })
    }

    pub fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }

    /// Reads the files again every `interval`, forever, serving a new pair from the handshake
    /// after it loads.
    pub async fn reload_every(self, interval: Duration) {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let resolver = self.resolver.clone();
            // Two small file reads, off the runtime's workers all the same.
            if let Err(e) = tokio::task::spawn_blocking(move || resolver.reload()).await {
                tracing::error!(error = %e, "reloading the TLS certificate panicked");
            }
        }
    }

    /// Reads the files once now (what [`Tls::reload_every`] does at each tick); `true` when a new
    /// pair was loaded.
    pub fn reload_now(&self) -> bool {
        self.resolver.reload()
    }
}

/// The bytes of both files as last read.
#[derive(PartialEq, Eq)]
struct Files {
    cert: Vec<u8>,
    key: Vec<u8>,
}

impl Files {
    fn read(cert: &Path, key: &Path) -> anyhow::Result<Files> {
        Ok(Files {
            cert: std::fs::read(cert)
                .with_context(|| format!("reading the TLS certificate {}", cert.display()))?,
            key: std::fs::read(key)
                .with_context(|| format!("reading the TLS key {}", key.display()))?,
        })
    }

    fn certified_key(&self, provider: &CryptoProvider) -> anyhow::Result<CertifiedKey> {
        let chain = CertificateDer::pem_slice_iter(&self.cert)
            .collect::<Result<Vec<_>, _>>()
            .context("the certificate file is not PEM")?;
        anyhow::ensure!(
            !chain.is_empty(),
            "the certificate file holds no CERTIFICATE block"
        );
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .context("the key file holds no PEM private key")?;
        CertifiedKey::from_der(chain, key, provider)
            .context("the private key does not load or does not match the certificate")
    }
}

/// Hands every handshake the pair loaded last.
#[derive(Debug)]
struct ReloadingCert {
    cert_path: PathBuf,
    key_path: PathBuf,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
    /// What was read last, loaded or not: a pair is tried (and a failure logged) once.
    seen: RwLock<Files>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key's bytes.
        write!(
            f,
            "Files {{ {} + {} bytes }}",
            self.cert.len(),
            self.key.len()
        )
    }
}

impl ReloadingCert {
    fn reload(&self) -> bool {
        let files = match Files::read(&self.cert_path, &self.key_path) {
            Ok(files) => files,
            Err(e) => {
                // Between a delete and a create; the next tick reads it again.
                tracing::debug!(error = format!("{e:#}"), "TLS files not readable now");
                return false;
            }
        };
        if *self.seen.read().unwrap_or_else(PoisonError::into_inner) == files {
            return false;
        }
        let loaded = files.certified_key(&self.provider);
        *self.seen.write().unwrap_or_else(PoisonError::into_inner) = files;
        match loaded {
            Ok(certified) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(certified);
                tracing::info!(cert = %self.cert_path.display(), "TLS certificate reloaded");
                true
            }
            Err(e) => {
                tracing::warn!(
                    cert = %self.cert_path.display(),
                    key = %self.key_path.display(),
                    error = format!("{e:#}"),
                    "the changed TLS files do not load; still serving the previous certificate"
                );
                false
            }
        }
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

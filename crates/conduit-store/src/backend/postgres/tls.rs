//! How a PostgreSQL connection is made: plain, or TLS through rustls (the stack
//! reqwest already brings, with the ring provider).
//!
//! `sslmode` follows libpq's names: `disable` (plain TCP), `prefer` (TLS when the
//! server offers it), `require` (TLS always, certificate not verified — libpq's own
//! meaning of `require`: it stops eavesdropping, not an active man in the middle)
//! and `verify-full` (the certificate must chain to a trusted root — the system's,
//! or the PEM file of `sslrootcert` — and name the host). The handshake's signatures
//! are always checked, whatever the mode.

use std::sync::Arc;

use postgres::config::SslMode;
use postgres::{Client, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::dsn::PgSslMode;
use crate::error::{Error, Result};

/// Plain or TLS, decided once per store.
pub(crate) enum Connector {
    Plain,
    Tls { mode: SslMode, config: Arc<ClientConfig> },
}

impl Connector {
    /// Builds the TLS configuration the mode asks for (reads `root_cert` or the
    /// system roots for `verify-full`).
    ///
    /// # Errors
    /// `Config` when no root can be loaded or the TLS library refuses the set-up.
    pub fn new(mode: PgSslMode, root_cert: Option<&str>) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::config(format!("cannot set up TLS for PostgreSQL: {e}")))?;
        let (ssl_mode, config) = match mode {
            PgSslMode::Disable => return Ok(Connector::Plain),
            PgSslMode::Prefer | PgSslMode::Require => {
                let verifier = Arc::new(EncryptOnly { provider });
                let config = builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth();
                (if mode == PgSslMode::Prefer { SslMode::Prefer } else { SslMode::Require }, config)
            }
            PgSslMode::VerifyFull => {
                let roots = load_roots(root_cert)?;
                (SslMode::Require, builder.with_root_certificates(roots).with_no_client_auth())
            }
        };
        Ok(Connector::Tls { mode: ssl_mode, config: Arc::new(config) })
    }

    /// Opens one connection.
    pub fn connect(&self, config: &postgres::Config) -> std::result::Result<Client, postgres::Error> {
        match self {
            Connector::Plain => {
                let mut config = config.clone();
                config.ssl_mode(SslMode::Disable);
                config.connect(NoTls)
            }
            Connector::Tls { mode, config: tls } => {
                let mut config = config.clone();
                config.ssl_mode(*mode);
                config.connect(MakeRustlsConnect::new((**tls).clone()))
            }
        }
    }

    #[cfg(test)]
    pub fn is_tls(&self) -> bool {
        matches!(self, Connector::Tls { .. })
    }
}

fn load_roots(root_cert: Option<&str>) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| Error::config(format!("cannot read sslrootcert \"{path}\": {e}")))?;
            for cert in certs {
                let cert = cert.map_err(|e| Error::config(format!("cannot read sslrootcert \"{path}\": {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| Error::config(format!("sslrootcert \"{path}\" holds a certificate rustls refuses: {e}")))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(Error::config(
                    "sslmode=verify-full: no trusted root certificate found on this system; name one with sslrootcert=/path/ca.pem",
                ));
            }
        }
    }
    if roots.is_empty() {
        return Err(Error::config("sslmode=verify-full: sslrootcert holds no certificate"));
    }
    Ok(roots)
}

/// `require`/`prefer`: any certificate is accepted (libpq's semantics), but the
/// handshake signatures are still verified, so the session key is the server's.
#[derive(Debug)]
struct EncryptOnly {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_build_the_connector_they_name() {
        assert!(!Connector::new(PgSslMode::Disable, None).unwrap().is_tls());
        for mode in [PgSslMode::Prefer, PgSslMode::Require] {
            match Connector::new(mode, None).unwrap() {
                Connector::Tls { mode: m, .. } => {
                    assert_eq!(m, if mode == PgSslMode::Prefer { SslMode::Prefer } else { SslMode::Require })
                }
                Connector::Plain => panic!("{mode:?} built a plain connector"),
            }
        }
    }

    #[test]
    fn verify_full_needs_readable_roots() {
        let err = Connector::new(PgSslMode::VerifyFull, Some("/nonexistent/ca.pem")).err().unwrap();
        assert!(err.is_config() && err.message().contains("cannot read sslrootcert"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = Connector::new(PgSslMode::VerifyFull, empty.to_str()).err().unwrap();
        assert!(err.is_config() && err.message().contains("no certificate"), "{err}");
    }
}

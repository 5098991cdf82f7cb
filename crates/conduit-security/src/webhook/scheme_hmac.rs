//! One header carrying `[prefix]` + hex or base64 HMAC of the raw body
//! (GitHub's `X-Hub-Signature-256: sha256=…` and most in-house senders).
//!
//! No timestamp is signed, so the tolerance window does not apply; replay
//! protection rests entirely on deduplicating the event id downstream.

use std::fmt;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::error::{Reason, VerifyError};
use super::headers::{canonical_name, HeaderSet};
use super::secret::{HmacAlgorithm, MacKey, Tag};
use super::{SignatureEncoding, Signed};
use crate::encoding::{base64_any, hex_any, BASE64_STANDARD};
use crate::error::ConfigError;

pub(super) struct PlainHmac {
    keys: Vec<MacKey>,
    /// Canonical (lower-case) header name for lookup.
    header: Box<str>,
    /// The name as configured, for messages and `sign`.
    header_display: Box<str>,
    encoding: SignatureEncoding,
    prefix: Box<str>,
    algorithm: HmacAlgorithm,
}

impl fmt::Debug for PlainHmac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainHmac")
            .field("keys", &self.keys.len())
            .field("header", &self.header_display)
            .field("encoding", &self.encoding)
            .field("prefix", &self.prefix)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl PlainHmac {
    pub(super) fn new(
        secrets: &[Zeroizing<Vec<u8>>],
        header: &str,
        encoding: SignatureEncoding,
        prefix: &str,
        algorithm: HmacAlgorithm,
    ) -> Result<Self, ConfigError> {
        let mut keys = Vec::with_capacity(secrets.len());
        for (index, secret) in secrets.iter().enumerate() {
            if secret.is_empty() {
                return Err(ConfigError::new(format!(
                    "secret #{} of scheme \"hmac\" is empty",
                    index + 1
                )));
            }
            keys.push(MacKey::new(algorithm, secret)?);
        }
        Ok(Self {
            keys,
            header: canonical_name(header).into_boxed_str(),
            header_display: header.into(),
            encoding,
            prefix: prefix.into(),
            algorithm,
        })
    }

    pub(super) fn header_name(&self) -> &str {
        &self.header
    }

    pub(super) fn verify(
        &self,
        body: &[u8],
        headers: &HeaderSet<'_>,
    ) -> Result<Signed, VerifyError> {
        let value = headers.require(&self.header)?;
        let prefix = self.prefix.as_bytes();
        let encoded = match value.get(..prefix.len()) {
            Some(head) if head.eq_ignore_ascii_case(prefix) => &value[prefix.len()..],
            _ => {
                return Err(VerifyError::new(
                    Reason::MalformedHeader,
                    format!(
                        "{} does not start with the configured prefix \"{}\"",
                        self.header_display, self.prefix
                    ),
                ));
            }
        };
        let decoded = match self.encoding {
            SignatureEncoding::Hex => hex_any(encoded),
            SignatureEncoding::Base64 => base64_any(encoded),
        };
        let Some(candidate) = decoded else {
            let expected = match self.encoding {
                SignatureEncoding::Hex => "hex",
                SignatureEncoding::Base64 => "base64",
            };
            return Err(VerifyError::new(
                Reason::MalformedHeader,
                format!("{} is not {expected} after the prefix", self.header_display),
            ));
        };
        let tags: Vec<Tag> = self.keys.iter().map(|k| k.compute(&[body])).collect();
        if tags.iter().any(|tag| tag.matches(&candidate)) {
            Ok(Signed {
                id: None,
                timestamp: None,
            })
        } else if candidate.len() != self.algorithm.output_len() {
            Err(VerifyError::new(
                Reason::BadSignature,
                format!(
                    "{} holds {} bytes, an HMAC-{} has {} (check the configured algorithm)",
                    self.header_display,
                    candidate.len(),
                    self.algorithm.as_str().to_uppercase(),
                    self.algorithm.output_len()
                ),
            ))
        } else {
            Err(VerifyError::new(
                Reason::BadSignature,
                format!(
                    "the signature in {} matches no configured secret",
                    self.header_display
                ),
            ))
        }
    }

    /// Signs with the first secret only: the header holds one value.
    pub(super) fn sign(&self, body: &[u8]) -> Result<Vec<(String, String)>, ConfigError> {
        let key = self
            .keys
            .first()
            .ok_or_else(|| ConfigError::new("no secret configured"))?;
        let tag = key.compute(&[body]);
        let encoded = match self.encoding {
            SignatureEncoding::Hex => hex::encode(tag.as_bytes()),
            SignatureEncoding::Base64 => BASE64_STANDARD.encode(tag.as_bytes()),
        };
        Ok(vec![(
            self.header_display.to_string(),
            format!("{}{encoded}", self.prefix),
        )])
    }
}

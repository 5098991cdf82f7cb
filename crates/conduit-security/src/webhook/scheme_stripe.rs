//! Stripe-style `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`.
//!
//! Signed content is `{t}.{body}`, HMAC-SHA256 keyed by the secret string as-is
//! (`whsec_…` included, not base64-decoded). Only `v1` entries count: a header
//! with nothing but `v0` fails. Signatures are lower-case hex, as Stripe writes
//! them and its own libraries compare them. At most the first 16
//! ([`super::MAX_SIGNATURE_ENTRIES`]) `v1` entries are compared, as the standard
//! scheme does: a header stuffed with entries cannot cost entries × secrets MACs.

use std::fmt;

use zeroize::Zeroizing;

use super::error::{Reason, VerifyError};
use super::headers::HeaderSet;
use super::secret::{HmacAlgorithm, MacKey, Tag};
use super::{parse_timestamp, Signed};
use crate::encoding::hex_lower;
use crate::error::{quote, ConfigError};

pub(super) const HEADER: &str = "stripe-signature";

pub(super) struct StripeSignature {
    keys: Vec<MacKey>,
}

impl fmt::Debug for StripeSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeSignature")
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl StripeSignature {
    pub(super) fn new(secrets: &[Zeroizing<Vec<u8>>]) -> Result<Self, ConfigError> {
        let mut keys = Vec::with_capacity(secrets.len());
        for (index, secret) in secrets.iter().enumerate() {
            if secret.is_empty() {
                return Err(ConfigError::new(format!(
                    "secret #{} of scheme \"stripe\" is empty",
                    index + 1
                )));
            }
            keys.push(MacKey::new(HmacAlgorithm::Sha256, secret)?);
        }
        Ok(Self { keys })
    }

    pub(super) fn verify(
        &self,
        body: &[u8],
        headers: &HeaderSet<'_>,
    ) -> Result<Signed, VerifyError> {
        let header = headers.require(HEADER)?;
        let mut timestamp_text: Option<&[u8]> = None;
        let mut candidates: Vec<&[u8]> = Vec::new();
        for item in header.split(|b| *b == b',') {
            let item = item.trim_ascii();
            if item.is_empty() {
                continue;
            }
            let Some(eq) = item.iter().position(|b| *b == b'=') else {
                return Err(VerifyError::new(
                    Reason::MalformedHeader,
                    format!("Stripe-Signature item {} is not key=value", quote(item)),
                ));
            };
            match &item[..eq] {
                b"t" if timestamp_text.is_some() => {
                    return Err(VerifyError::new(
                        Reason::MalformedHeader,
                        "Stripe-Signature has more than one t=",
                    ));
                }
                b"t" => timestamp_text = Some(&item[eq + 1..]),
                b"v1" if candidates.len() < super::MAX_SIGNATURE_ENTRIES => {
                    candidates.push(&item[eq + 1..]);
                }
                b"v1" => {}
                // v0 and future schemes are ignored, as Stripe's libraries do.
                _ => {}
            }
        }
        let Some(timestamp_text) = timestamp_text else {
            return Err(VerifyError::new(
                Reason::MalformedHeader,
                "Stripe-Signature has no t= timestamp",
            ));
        };
        let timestamp = parse_timestamp("Stripe-Signature t=", timestamp_text)?;
        if candidates.is_empty() {
            return Err(VerifyError::new(
                Reason::BadSignature,
                "Stripe-Signature has no v1= signature (only v1 is accepted)",
            ));
        }
        let content: [&[u8]; 3] = [timestamp_text, b".", body];
        let tags: Vec<Tag> = self.keys.iter().map(|k| k.compute(&content)).collect();
        let matched = candidates
            .iter()
            .filter_map(|c| hex_lower(c))
            .any(|candidate| tags.iter().any(|tag| tag.matches(&candidate)));
        if matched {
            Ok(Signed {
                id: None,
                timestamp: Some(timestamp),
            })
        } else {
            Err(VerifyError::new(
                Reason::BadSignature,
                "no v1 signature in Stripe-Signature matches a configured secret",
            ))
        }
    }

    pub(super) fn sign(
        &self,
        body: &[u8],
        timestamp: i64,
    ) -> Result<Vec<(String, String)>, ConfigError> {
        super::check_timestamp("timestamp", timestamp)?;
        let timestamp_text = timestamp.to_string();
        let content: [&[u8]; 3] = [timestamp_text.as_bytes(), b".", body];
        let mut value = format!("t={timestamp_text}");
        for key in &self.keys {
            value.push_str(",v1=");
            value.push_str(&hex::encode(key.compute(&content).as_bytes()));
        }
        Ok(vec![("Stripe-Signature".to_owned(), value)])
    }
}

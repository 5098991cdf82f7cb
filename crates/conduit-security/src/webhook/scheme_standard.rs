//! Standard Webhooks 1.0: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
//!
//! Signed content is `{id}.{timestamp}.{body}`. The signature header holds
//! space-separated `version,signature` entries; unknown versions are skipped and
//! any entry that matches any configured key is enough (rotation). `v1` is
//! base64 HMAC-SHA256 keyed by the base64-decoded `whsec_` secret; `v1a` is a
//! base64 Ed25519 signature checked against `whpk_` public keys. Signatures must
//! be spelled as the spec spells them (standard alphabet, canonical padding), so
//! any change to a valid header's signature text is a mismatch.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::error::{Reason, VerifyError};
use super::headers::HeaderSet;
use super::secret::{HmacAlgorithm, MacKey, Tag};
use super::{generate_id, parse_timestamp, valid_id, Signed};
use crate::encoding::{base64_any_secret, base64_canonical, BASE64_STANDARD};
use crate::error::{quote, ConfigError};
use base64::Engine as _;

pub(super) const HEADERS: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

/// Signature entries examined per request. Rotation needs two or three; the cap
/// keeps a header stuffed with `v1a` entries from costing one Ed25519
/// verification each.
const MAX_ENTRIES: usize = super::MAX_SIGNATURE_ENTRIES;

pub(super) struct StandardWebhooks {
    /// `v1` keys (from `whsec_` secrets).
    hmac_keys: Vec<MacKey>,
    /// `v1a` verification keys (from `whpk_`, and the public half of each `whsk_`).
    public_keys: Vec<VerifyingKey>,
    /// `v1a` signing keys (from `whsk_`); zeroized on drop by ed25519-dalek.
    signing_keys: Vec<SigningKey>,
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("hmac_keys", &self.hmac_keys.len())
            .field("public_keys", &self.public_keys.len())
            .field("signing_keys", &self.signing_keys.len())
            .finish()
    }
}

impl StandardWebhooks {
    pub(super) fn new(secrets: &[Zeroizing<Vec<u8>>]) -> Result<Self, ConfigError> {
        let mut scheme = Self {
            hmac_keys: Vec::new(),
            public_keys: Vec::new(),
            signing_keys: Vec::new(),
        };
        for (index, secret) in secrets.iter().enumerate() {
            let position = index + 1;
            let bad = |what: &str| {
                ConfigError::new(format!("secret #{position} of scheme \"standard\": {what}"))
            };
            let secret: &[u8] = secret;
            if let Some(encoded) = secret.strip_prefix(b"whpk_") {
                // A public key is not secret; decoded the same way for simplicity.
                let bytes = base64_any_secret(encoded)
                    .ok_or_else(|| bad("whpk_ key is not valid base64"))?;
                let array: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| bad("whpk_ key must decode to 32 bytes"))?;
                let key = VerifyingKey::from_bytes(&array)
                    .map_err(|_| bad("whpk_ key is not an Ed25519 public key"))?;
                scheme.public_keys.push(key);
            } else if let Some(encoded) = secret.strip_prefix(b"whsk_") {
                let bytes = base64_any_secret(encoded)
                    .ok_or_else(|| bad("whsk_ key is not valid base64"))?;
                let key = match bytes.len() {
                    32 => {
                        let mut seed = Zeroizing::new([0u8; 32]);
                        seed.copy_from_slice(&bytes);
                        SigningKey::from_bytes(&seed)
                    }
                    // libsodium's layout: seed followed by the public key.
                    64 => {
                        let mut pair = Zeroizing::new([0u8; 64]);
                        pair.copy_from_slice(&bytes);
                        SigningKey::from_keypair_bytes(&pair)
                            .map_err(|_| bad("whsk_ key's public half does not match its seed"))?
                    }
                    _ => return Err(bad("whsk_ key must decode to 32 or 64 bytes")),
                };
                scheme.public_keys.push(key.verifying_key());
                scheme.signing_keys.push(key);
            } else {
                let encoded = secret.strip_prefix(b"whsec_").unwrap_or(secret);
                let key = base64_any_secret(encoded)
                    .ok_or_else(|| bad("not valid base64 after the whsec_ prefix"))?;
                if key.is_empty() {
                    return Err(bad("the key is empty"));
                }
                scheme
                    .hmac_keys
                    .push(MacKey::new(HmacAlgorithm::Sha256, &key)?);
            }
        }
        Ok(scheme)
    }

    pub(super) fn verify(
        &self,
        body: &[u8],
        headers: &HeaderSet<'_>,
    ) -> Result<Signed, VerifyError> {
        let id = headers.require(HEADERS[0])?;
        let timestamp_text = headers.require(HEADERS[1])?;
        let signatures = headers.require(HEADERS[2])?;
        let id = valid_id(id).ok_or_else(|| {
            VerifyError::new(
                Reason::MalformedHeader,
                format!(
                    "webhook-id must be 1 to 256 printable ASCII characters: {} given",
                    quote(id)
                ),
            )
        })?;
        let timestamp = parse_timestamp("webhook-timestamp", timestamp_text)?;
        let content: [&[u8]; 5] = [id.as_bytes(), b".", timestamp_text, b".", body];

        let mut entries = 0usize;
        let mut unknown_versions: Vec<&[u8]> = Vec::new();
        // Computed lazily: a header with only unknown versions costs no hashing.
        let mut hmac_tags: Option<Vec<Tag>> = None;
        let mut joined_content: Option<Vec<u8>> = None;
        for entry in signatures
            .split(|b| *b == b' ' || *b == b'\t')
            .filter(|e| !e.is_empty())
            .take(MAX_ENTRIES)
        {
            let Some(comma) = entry.iter().position(|b| *b == b',') else {
                continue;
            };
            let (version, signature) = (&entry[..comma], &entry[comma + 1..]);
            entries += 1;
            match version {
                b"v1" if !self.hmac_keys.is_empty() => {
                    // An entry that does not decode is simply not a match (the spec's
                    // "invalid v1 entries" next to a valid one must pass).
                    let Some(candidate) = base64_canonical(signature) else {
                        continue;
                    };
                    let tags = hmac_tags.get_or_insert_with(|| {
                        self.hmac_keys.iter().map(|k| k.compute(&content)).collect()
                    });
                    if tags.iter().any(|tag| tag.matches(&candidate)) {
                        return Ok(Signed {
                            id: Some(id.to_owned()),
                            timestamp: Some(timestamp),
                        });
                    }
                }
                b"v1a" if !self.public_keys.is_empty() => {
                    let Some(candidate) = base64_canonical(signature) else {
                        continue;
                    };
                    let Ok(candidate) = Signature::from_slice(&candidate) else {
                        continue;
                    };
                    let message = joined_content.get_or_insert_with(|| content.concat());
                    if self
                        .public_keys
                        .iter()
                        .any(|key| key.verify_strict(message, &candidate).is_ok())
                    {
                        return Ok(Signed {
                            id: Some(id.to_owned()),
                            timestamp: Some(timestamp),
                        });
                    }
                }
                b"v1" | b"v1a" => {}
                other => {
                    if unknown_versions.len() < 4 {
                        unknown_versions.push(other);
                    }
                }
            }
        }
        if entries == 0 {
            return Err(VerifyError::new(
                Reason::MalformedHeader,
                "webhook-signature holds no \"version,signature\" entries",
            ));
        }
        let mut message =
            String::from("no signature in webhook-signature matches a configured secret");
        if self.hmac_keys.is_empty() {
            message
                .push_str(" (only whpk_/whsk_ keys are configured, so v1 entries are not checked)");
        } else if self.public_keys.is_empty() {
            message.push_str(" (no whpk_ key is configured, so v1a entries are not checked)");
        }
        if !unknown_versions.is_empty() {
            let versions: Vec<String> = unknown_versions.iter().map(|v| quote(v)).collect();
            message.push_str(&format!(
                "; unsupported versions skipped: {}",
                versions.join(", ")
            ));
        }
        Err(VerifyError::new(Reason::BadSignature, message))
    }

    pub(super) fn sign(
        &self,
        body: &[u8],
        id: Option<&str>,
        timestamp: i64,
    ) -> Result<Vec<(String, String)>, ConfigError> {
        if self.hmac_keys.is_empty() && self.signing_keys.is_empty() {
            return Err(ConfigError::new(
                "cannot sign: only whpk_ public keys are configured; signing needs a whsec_ or whsk_ secret",
            ));
        }
        let id = match id {
            Some(given) => valid_id(given.as_bytes())
                .ok_or_else(|| {
                    ConfigError::new(format!(
                        "webhook id must be 1 to 256 printable ASCII characters without spaces: {} given",
                        quote(given.as_bytes())
                    ))
                })?
                .to_owned(),
            None => generate_id()?,
        };
        if timestamp < 0 {
            return Err(ConfigError::new(format!(
                "timestamp must not be negative: {timestamp} given"
            )));
        }
        let timestamp_text = timestamp.to_string();
        let content: [&[u8]; 5] = [id.as_bytes(), b".", timestamp_text.as_bytes(), b".", body];
        let mut entries: Vec<String> =
            Vec::with_capacity(self.hmac_keys.len() + self.signing_keys.len());
        for key in &self.hmac_keys {
            entries.push(format!(
                "v1,{}",
                BASE64_STANDARD.encode(key.compute(&content).as_bytes())
            ));
        }
        if !self.signing_keys.is_empty() {
            let message = content.concat();
            for key in &self.signing_keys {
                entries.push(format!(
                    "v1a,{}",
                    BASE64_STANDARD.encode(key.sign(&message).to_bytes())
                ));
            }
        }
        Ok(vec![
            ("webhook-id".to_owned(), id),
            ("webhook-timestamp".to_owned(), timestamp_text),
            ("webhook-signature".to_owned(), entries.join(" ")),
        ])
    }
}

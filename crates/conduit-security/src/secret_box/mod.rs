//! Secrets at rest: AES-256-GCM under a key ring, in a text form that fits a
//! Bitrix option.
//!
//! Every encryption draws a fresh 96-bit nonce from the operating system's RNG.
//! With random nonces, NIST SP 800-38D caps one key at 2^32 encryptions; a site
//! storing API keys is many orders of magnitude below that, and rotation resets
//! the count.
//!
//! The optional AAD binds a value to its purpose (e.g. the option name): a value
//! copied into another option fails to decrypt instead of silently yielding the
//! wrong secret.
//!
//! ```
//! use conduit_security::secret_box::{KeyRing, KeySource, SecretBox};
//!
//! let ring = KeyRing::builder()
//!     .key("2024", KeySource::Base64(b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))
//!     .build()?;
//! let sealed = SecretBox::new(ring);
//! let text = sealed.encrypt(b"api-key-123", b"erp.token")?;
//! assert!(text.starts_with("cdt1:2024:"));
//! assert_eq!(&*sealed.decrypt(text.as_bytes(), b"erp.token")?, b"api-key-123");
//! assert!(sealed.decrypt(text.as_bytes(), b"crm.token").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod envelope;
mod error;
mod keyring;

use std::fmt;

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Nonce, Tag};
use zeroize::Zeroizing;

pub use envelope::{valid_key_id, NONCE_LEN, TAG_LEN, VERSION_TAG};
pub use error::{CryptoError, CryptoReason};
pub use keyring::{
    generate_key, invalid_key_id_message, KeyRing, KeyRingBuilder, KeySource, KEY_LEN,
    MIN_SITE_SECRET_LEN,
    SITE_SECRET_INFO,
};

use crate::encoding::os_random;
use crate::error::quote;
use keyring::RingKey;

/// Encrypts and decrypts values under a [`KeyRing`].
pub struct SecretBox {
    ring: KeyRing,
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretBox")
            .field("ring", &self.ring)
            .finish()
    }
}

impl SecretBox {
    pub fn new(ring: KeyRing) -> Self {
        Self { ring }
    }

    /// The id of the key new values are encrypted with.
    pub fn primary_key_id(&self) -> &str {
        self.ring.primary_key_id()
    }

    /// All key ids in the ring.
    pub fn key_ids(&self) -> Vec<&str> {
        self.ring.key_ids()
    }

    /// Encrypts `plain` under the primary key, binding `aad` (may be empty).
    ///
    /// # Errors
    /// [`CryptoReason::RandomUnavailable`] if no nonce can be drawn.
    pub fn encrypt(&self, plain: &[u8], aad: &[u8]) -> Result<String, CryptoError> {
        let key = self.ring.primary().ok_or_else(|| {
            CryptoError::new(
                CryptoReason::UnknownKeyId,
                "the key ring has no primary key",
            )
        })?;
        seal(key, plain, aad)
    }

    /// Decrypts a value produced by [`encrypt`](Self::encrypt) with any key of the ring.
    ///
    /// # Errors
    /// [`CryptoReason::BadFormat`], [`CryptoReason::UnsupportedVersion`],
    /// [`CryptoReason::UnknownKeyId`], or [`CryptoReason::AuthFailed`]; never
    /// wrong plaintext.
    pub fn decrypt(&self, text: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let parsed = envelope::parse(text)?;
        let key = self.key_for(parsed.key_id)?;
        open(key, parsed.sealed, aad)
    }

    /// Re-encrypts a value under the primary key. A value already under the
    /// primary key is checked and returned unchanged, so callers can compare the
    /// result with the input to know whether to store it.
    ///
    /// # Errors
    /// As [`decrypt`](Self::decrypt) and [`encrypt`](Self::encrypt).
    pub fn rotate(&self, text: &[u8], aad: &[u8]) -> Result<String, CryptoError> {
        let parsed = envelope::parse(text)?;
        let key_id = parsed.key_id;
        let plain = open(self.key_for(key_id)?, parsed.sealed, aad)?;
        if key_id == self.primary_key_id() {
            // parse() accepted it, so the trimmed text is ASCII.
            return Ok(String::from_utf8_lossy(text.trim_ascii()).into_owned());
        }
        self.encrypt(&plain, aad)
    }

    /// Whether `text` has the shape of a SecretBox value (any version, any key
    /// id). Says nothing about whether this ring can decrypt it.
    pub fn is_encrypted(text: &[u8]) -> bool {
        match envelope::parse(text) {
            Ok(_) => true,
            // `cdt2:<id>:<data>` from a later version is ours too: encrypting it
            // again would bury it, so it does not count as plaintext.
            Err(e) => {
                e.reason() == CryptoReason::UnsupportedVersion
                    && text.trim_ascii().splitn(3, |b| *b == b':').count() == 3
            }
        }
    }

    /// The key id a value names, without decrypting it.
    ///
    /// # Errors
    /// As parsing in [`decrypt`](Self::decrypt).
    pub fn key_id_of(text: &[u8]) -> Result<String, CryptoError> {
        envelope::parse(text).map(|e| e.key_id.to_owned())
    }

    fn key_for(&self, key_id: &str) -> Result<&RingKey, CryptoError> {
        self.ring.find(key_id).ok_or_else(|| {
            let known: Vec<String> = self
                .ring
                .key_ids()
                .iter()
                .map(|id| format!("\"{id}\""))
                .collect();
            CryptoError::new(
                CryptoReason::UnknownKeyId,
                format!(
                    "value was encrypted with key {} which is not in the key ring (keys: {})",
                    quote(key_id.as_bytes()),
                    known.join(", ")
                ),
            )
        })
    }
}

fn seal(key: &RingKey, plain: &[u8], aad: &[u8]) -> Result<String, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    os_random(&mut nonce).map_err(|e| {
        CryptoError::new(
            CryptoReason::RandomUnavailable,
            format!("the operating system's random generator failed: {e}"),
        )
    })?;
    // nonce ‖ plaintext, then the plaintext part is encrypted in place, then the tag.
    let mut sealed = Zeroizing::new(Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN));
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(plain);
    let associated = envelope::associated_data(&key.id, aad);
    let tag = key
        .cipher
        .encrypt_inout_detached(
            &Nonce::from(nonce),
            &associated,
            (&mut sealed[NONCE_LEN..]).into(),
        )
        .map_err(|_| CryptoError::new(CryptoReason::BadFormat, "value is too long for AES-GCM"))?;
    sealed.extend_from_slice(&tag);
    Ok(envelope::format(&key.id, &sealed))
}

fn open(key: &RingKey, mut sealed: Vec<u8>, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    // parse() guarantees NONCE_LEN + TAG_LEN bytes; checked again so no caller can make this underflow.
    let too_short = || CryptoError::new(CryptoReason::BadFormat, "SecretBox value is too short");
    let tag_at = sealed
        .len()
        .checked_sub(TAG_LEN)
        .filter(|at| *at >= NONCE_LEN)
        .ok_or_else(too_short)?;
    let tag = Tag::try_from(&sealed[tag_at..]).map_err(|_| too_short())?;
    let nonce = Nonce::try_from(&sealed[..NONCE_LEN]).map_err(|_| too_short())?;
    let associated = envelope::associated_data(&key.id, aad);
    let result = key.cipher.decrypt_inout_detached(
        &nonce,
        &associated,
        (&mut sealed[NONCE_LEN..tag_at]).into(),
        &tag,
    );
    if result.is_err() {
        return Err(CryptoError::new(
            CryptoReason::AuthFailed,
            format!(
                "value failed authentication under key \"{}\": it was altered, it was encrypted for a different AAD (purpose), or key \"{}\" is not the key it was encrypted with",
                key.id, key.id
            ),
        ));
    }
    sealed.truncate(tag_at);
    sealed.drain(..NONCE_LEN);
    Ok(Zeroizing::new(sealed))
}

#[cfg(test)]
mod tests;

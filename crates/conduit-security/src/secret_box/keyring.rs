//! The key ring: named AES-256 keys, one of them primary.
//!
//! Keys come from three sources:
//!
//! - **base64** of 32 random bytes (what [`generate_key`] prints);
//! - a **key file** holding those 32 bytes, raw or as base64 — kept outside the
//!   web root and readable only by the PHP user;
//! - a **site secret** (Bitrix's `crypto_key`, …) from which the key is derived
//!   with HKDF-SHA256 and the fixed label [`SITE_SECRET_INFO`]. The site secret
//!   itself never keys AES: a derived key is independent of anything else the
//!   site does with the same secret.
//!
//! Encryption always uses the primary key; decryption uses whichever key the
//! value names. Rotation: add a new key, make it primary, re-encrypt stored
//! values with `SecretBox::rotate`, and only then remove the old key.

use std::fmt;
use std::io::Read;
use std::path::Path;

use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine as _;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::envelope::valid_key_id;
use crate::encoding::{base64_any_secret, os_random, BASE64_STANDARD};
use crate::error::{quote, ConfigError};

/// AES-256 key length.
pub const KEY_LEN: usize = 32;
/// Shortest site secret accepted for derivation.
pub const MIN_SITE_SECRET_LEN: usize = 16;
/// HKDF `info` for keys derived from a site secret (no salt). Changing it changes
/// every derived key, so it is part of the format.
pub const SITE_SECRET_INFO: &[u8] = b"conduit/secret-box/v1 aes-256-gcm key";
/// Largest key file read; a key file holds 32 bytes or 44 characters of base64.
const MAX_KEY_FILE_BYTES: u64 = 4096;

/// Where a key's 32 bytes come from.
#[derive(Clone, Copy)]
pub enum KeySource<'a> {
    /// Base64 (either alphabet, padding optional) of exactly 32 bytes.
    Base64(&'a [u8]),
    /// Exactly 32 raw bytes.
    Raw(&'a [u8]),
    /// A file holding 32 raw bytes, or their base64 (surrounding whitespace ignored).
    File(&'a Path),
    /// A site secret of at least 16 bytes, stretched with HKDF-SHA256.
    SiteSecret(&'a [u8]),
}

impl fmt::Debug for KeySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Base64(_) => f.write_str("KeySource::Base64(<redacted>)"),
            KeySource::Raw(_) => f.write_str("KeySource::Raw(<redacted>)"),
            KeySource::File(path) => f.debug_tuple("KeySource::File").field(path).finish(),
            KeySource::SiteSecret(_) => f.write_str("KeySource::SiteSecret(<redacted>)"),
        }
    }
}

/// Loads a source's 32 key bytes.
fn load(id: &str, source: KeySource<'_>) -> Result<Zeroizing<[u8; KEY_LEN]>, ConfigError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    match source {
        KeySource::Base64(text) => {
            let bytes = base64_any_secret(text.trim_ascii()).ok_or_else(|| {
                ConfigError::new(format!("key \"{id}\": \"key\" is not valid base64"))
            })?;
            copy_exact(id, &bytes, &mut key, "\"key\"")?;
        }
        KeySource::Raw(bytes) => copy_exact(id, bytes, &mut key, "raw key")?,
        KeySource::File(path) => {
            let bytes = read_key_file(id, path)?;
            if bytes.len() == KEY_LEN {
                key.copy_from_slice(&bytes);
            } else {
                let decoded = base64_any_secret(bytes.trim_ascii()).ok_or_else(|| {
                    ConfigError::new(format!(
                        "key \"{id}\": key file {} holds neither 32 raw bytes nor base64",
                        quote(path.to_string_lossy().as_bytes())
                    ))
                })?;
                copy_exact(id, &decoded, &mut key, "key file")?;
            }
        }
        KeySource::SiteSecret(secret) => {
            if secret.len() < MIN_SITE_SECRET_LEN {
                return Err(ConfigError::new(format!(
                    "key \"{id}\": \"site_secret\" must be at least {MIN_SITE_SECRET_LEN} bytes, {} given",
                    secret.len()
                )));
            }
            Hkdf::<Sha256>::new(None, secret)
                .expand(SITE_SECRET_INFO, key.as_mut_slice())
                .map_err(|_| {
                    ConfigError::new(format!("key \"{id}\": HKDF refused to derive 32 bytes"))
                })?;
        }
    }
    Ok(key)
}

fn copy_exact(
    id: &str,
    bytes: &[u8],
    key: &mut [u8; KEY_LEN],
    what: &str,
) -> Result<(), ConfigError> {
    if bytes.len() != KEY_LEN {
        return Err(ConfigError::new(format!(
            "key \"{id}\": {what} must be {KEY_LEN} bytes, it has {}",
            bytes.len()
        )));
    }
    key.copy_from_slice(bytes);
    Ok(())
}

fn read_key_file(id: &str, path: &Path) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    let shown = quote(path.to_string_lossy().as_bytes());
    let cannot = |e: std::io::Error| {
        ConfigError::new(format!("key \"{id}\": cannot read key file {shown}: {e}"))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Sized past the limit so reading never reallocates (a reallocation would free
    // a copy of the key without wiping it).
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE_BYTES as usize + 64));
    // Read one byte past the limit to detect an oversized file without trusting metadata.
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(ConfigError::new(format!(
            "key \"{id}\": key file {shown} is larger than {MAX_KEY_FILE_BYTES} bytes; it is not a key file"
        )));
    }
    Ok(bytes)
}

/// A fresh random key as standard base64 (44 characters), for a key file or the
/// `key` option.
///
/// # Errors
/// Only if the operating system's random generator fails.
pub fn generate_key() -> Result<Zeroizing<String>, getrandom::Error> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    os_random(key.as_mut_slice())?;
    Ok(Zeroizing::new(BASE64_STANDARD.encode(key.as_slice())))
}

pub(crate) struct RingKey {
    pub(crate) id: Box<str>,
    /// Expanded AES round keys; zeroized on drop (aes-gcm's `zeroize` feature).
    pub(crate) cipher: Aes256Gcm,
}

/// Named keys, one primary. Build with [`KeyRing::builder`].
pub struct KeyRing {
    pub(crate) keys: Vec<RingKey>,
    pub(crate) primary: usize,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("key_ids", &self.key_ids())
            .field("primary", &self.primary_key_id())
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    pub fn builder() -> KeyRingBuilder {
        KeyRingBuilder {
            keys: Vec::new(),
            primary: None,
            error: None,
        }
    }

    pub fn primary_key_id(&self) -> &str {
        self.keys.get(self.primary).map_or("", |k| &k.id)
    }

    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| &*k.id).collect()
    }

    pub(crate) fn primary(&self) -> Option<&RingKey> {
        self.keys.get(self.primary)
    }

    pub(crate) fn find(&self, id: &str) -> Option<&RingKey> {
        self.keys.iter().find(|k| &*k.id == id)
    }
}

/// Collects keys; [`build`](Self::build) reports the first problem.
pub struct KeyRingBuilder {
    keys: Vec<RingKey>,
    primary: Option<String>,
    error: Option<ConfigError>,
}

impl fmt::Debug for KeyRingBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| &*k.id).collect();
        f.debug_struct("KeyRingBuilder")
            .field("key_ids", &ids)
            .field("primary", &self.primary)
            .finish()
    }
}

/// What is wrong with a key id, without showing it: its length and whether it has
/// characters outside `A-Z a-z 0-9 . _ -`.
pub fn invalid_key_id_message(id: &[u8]) -> String {
    let what = if id.is_empty() {
        "an empty id".to_owned()
    } else if id.len() > 64 {
        format!("a {}-byte id", id.len())
    } else {
        format!("a {}-byte id with other characters", id.len())
    };
    format!("key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -: {what} given")
}

impl KeyRingBuilder {
    fn fail(&mut self, error: ConfigError) {
        self.error.get_or_insert(error);
    }

    /// Adds a key under `id` (1 to 64 of `A-Z a-z 0-9 . _ -`). The source is
    /// read now; the raw bytes are zeroized as soon as AES has expanded them.
    pub fn key(mut self, id: &str, source: KeySource<'_>) -> Self {
        if !valid_key_id(id.as_bytes()) {
            // Never quoted: a misplaced key can sit where the id goes.
            self.fail(ConfigError::new(format!(
                "{} (the id is not shown: it may be key material)",
                invalid_key_id_message(id.as_bytes())
            )));
            return self;
        }
        if self.keys.iter().any(|k| &*k.id == id) {
            self.fail(ConfigError::new(format!("key id \"{id}\" is given twice")));
            return self;
        }
        match load(id, source) {
            Ok(bytes) => match Aes256Gcm::new_from_slice(bytes.as_slice()) {
                Ok(cipher) => self.keys.push(RingKey {
                    id: id.into(),
                    cipher,
                }),
                Err(_) => self.fail(ConfigError::new(format!(
                    "key \"{id}\": not a valid AES-256 key"
                ))),
            },
            Err(error) => self.fail(error),
        }
        self
    }

    /// The key new values are encrypted with. Required when the ring has more
    /// than one key; defaults to the only key otherwise.
    pub fn primary(mut self, id: &str) -> Self {
        self.primary = Some(id.to_owned());
        self
    }

    /// # Errors
    /// The first invalid key, no keys, or a missing or unknown primary.
    pub fn build(self) -> Result<KeyRing, ConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.keys.is_empty() {
            return Err(ConfigError::new("the key ring has no keys"));
        }
        let primary = match &self.primary {
            Some(id) => self
                .keys
                .iter()
                .position(|k| &*k.id == id.as_str())
                .ok_or_else(|| {
                    // The configured ids are named; the given value is not (it may be
                    // a key pasted into the wrong option).
                    let ids: Vec<String> =
                        self.keys.iter().map(|k| format!("\"{}\"", k.id)).collect();
                    ConfigError::new(format!(
                        "the \"primary\" key id ({} bytes, not shown) is not in the key ring (keys: {})",
                        id.len(),
                        ids.join(", ")
                    ))
                })?,
            None if self.keys.len() == 1 => 0,
            None => {
                return Err(ConfigError::new(
                    "the key ring has several keys: say which one encrypts with \"primary\"",
                ))
            }
        };
        Ok(KeyRing {
            keys: self.keys,
            primary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        BASE64_STANDARD.encode(bytes)
    }

    #[test]
    fn generated_keys_are_32_random_bytes() {
        let a = generate_key().unwrap();
        let b = generate_key().unwrap();
        assert_eq!(a.len(), 44);
        assert_ne!(*a, *b);
        assert_eq!(base64_any_secret(a.as_bytes()).unwrap().len(), 32);
    }

    #[test]
    fn site_secret_derivation_is_fixed() {
        // Pins the derivation: changing it would orphan every stored value.
        let key = load(
            "k",
            KeySource::SiteSecret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        let expected = {
            let mut out = [0u8; 32];
            Hkdf::<Sha256>::new(None, b"0123456789abcdef0123456789abcdef")
                .expand(SITE_SECRET_INFO, &mut out)
                .unwrap();
            out
        };
        assert_eq!(*key, expected);
        assert_ne!(
            &key[..],
            &b"0123456789abcdef0123456789abcdef"[..],
            "never the secret itself"
        );
        let short = load("k", KeySource::SiteSecret(b"short")).unwrap_err();
        assert!(short.message().contains("at least 16"), "{short}");
    }

    #[test]
    fn key_file_raw_or_base64() {
        let dir = std::env::temp_dir().join(format!("conduit-keyring-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let raw = dir.join("raw.key");
        let text = dir.join("text.key");
        let bad = dir.join("bad.key");
        std::fs::write(&raw, [7u8; 32]).unwrap();
        std::fs::write(&text, format!("{}\n", b64(&[7u8; 32]))).unwrap();
        std::fs::write(&bad, "hello").unwrap();
        assert_eq!(*load("k", KeySource::File(&raw)).unwrap(), [7u8; 32]);
        assert_eq!(*load("k", KeySource::File(&text)).unwrap(), [7u8; 32]);
        assert!(load("k", KeySource::File(&bad)).is_err());
        let missing = load("k", KeySource::File(&dir.join("missing.key"))).unwrap_err();
        assert!(
            missing.message().contains("cannot read key file"),
            "{missing}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn builder_rules() {
        let k = b64(&[1u8; 32]);
        assert_eq!(
            KeyRing::builder()
                .key("a", KeySource::Base64(k.as_bytes()))
                .build()
                .unwrap()
                .primary_key_id(),
            "a"
        );
        let two = KeyRing::builder()
            .key("a", KeySource::Base64(k.as_bytes()))
            .key("b", KeySource::Raw(&[2u8; 32]));
        assert!(two.build().unwrap_err().message().contains("primary"));
        let err = KeyRing::builder()
            .key("a", KeySource::Base64(k.as_bytes()))
            .primary("zz")
            .build()
            .unwrap_err();
        assert!(
            err.message()
                .contains("the \"primary\" key id (2 bytes, not shown) is not in the key ring (keys: \"a\")")
                && !err.message().contains("zz"),
            "{err}"
        );
        assert!(KeyRing::builder().build().is_err());
        assert!(KeyRing::builder()
            .key("a:b", KeySource::Raw(&[0; 32]))
            .build()
            .is_err());
        assert!(KeyRing::builder()
            .key("a", KeySource::Raw(&[0; 31]))
            .build()
            .is_err());
        let dup = KeyRing::builder()
            .key("a", KeySource::Raw(&[0; 32]))
            .key("a", KeySource::Raw(&[1; 32]));
        assert!(dup.build().unwrap_err().message().contains("twice"));
        let short = b64(&[1u8; 16]);
        let err = KeyRing::builder()
            .key("a", KeySource::Base64(short.as_bytes()))
            .build()
            .unwrap_err();
        assert!(
            err.message().contains("must be 32 bytes, it has 16"),
            "{err}"
        );
    }

    #[test]
    fn debug_shows_ids_only() {
        let k = b64(&[9u8; 32]);
        let ring = KeyRing::builder()
            .key("main", KeySource::Base64(k.as_bytes()))
            .build()
            .unwrap();
        let shown = format!("{ring:?}");
        assert!(shown.contains("main"), "{shown}");
        assert!(!shown.contains(&k), "{shown}");
        assert!(!shown.contains("9, 9"), "{shown}");
        assert_eq!(
            format!("{:?}", KeySource::Base64(k.as_bytes())),
            "KeySource::Base64(<redacted>)"
        );
    }
}

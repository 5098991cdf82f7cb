//! Keyed MAC state and signature tags, kept out of `Debug` output and zeroized.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::ConfigError;

/// The hash behind an HMAC signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacAlgorithm {
    Sha256,
    Sha512,
}

impl HmacAlgorithm {
    /// Length of the MAC in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HmacAlgorithm::Sha256 => 32,
            HmacAlgorithm::Sha512 => 64,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            HmacAlgorithm::Sha256 => "sha256",
            HmacAlgorithm::Sha512 => "sha512",
        }
    }
}

/// An HMAC keyed once at construction. Verification clones the keyed state, which
/// saves hashing the key's two padded blocks on every request. The state is as
/// good as the key for forging signatures, so it is zeroized on drop (the `hmac`
/// crate's `zeroize` feature) and never printed.
#[derive(Clone)]
pub(crate) enum MacKey {
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

impl MacKey {
    pub(crate) fn new(algorithm: HmacAlgorithm, key: &[u8]) -> Result<Self, ConfigError> {
        let invalid = |_| ConfigError::new("secret cannot be used as an HMAC key");
        Ok(match algorithm {
            HmacAlgorithm::Sha256 => {
                MacKey::Sha256(Hmac::<Sha256>::new_from_slice(key).map_err(invalid)?)
            }
            HmacAlgorithm::Sha512 => {
                MacKey::Sha512(Hmac::<Sha512>::new_from_slice(key).map_err(invalid)?)
            }
        })
    }

    /// HMAC over the concatenation of `parts`, without building the concatenation.
    pub(crate) fn compute(&self, parts: &[&[u8]]) -> Tag {
        let mut tag = Tag {
            bytes: [0; 64],
            len: 0,
        };
        match self {
            MacKey::Sha256(keyed) => {
                let mut mac = keyed.clone();
                parts.iter().for_each(|p| mac.update(p));
                let out = mac.finalize().into_bytes();
                tag.bytes[..out.len()].copy_from_slice(&out);
                tag.len = out.len();
            }
            MacKey::Sha512(keyed) => {
                let mut mac = keyed.clone();
                parts.iter().for_each(|p| mac.update(p));
                let out = mac.finalize().into_bytes();
                tag.bytes[..out.len()].copy_from_slice(&out);
                tag.len = out.len();
            }
        }
        tag
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithm = match self {
            MacKey::Sha256(_) => "sha256",
            MacKey::Sha512(_) => "sha512",
        };
        write!(f, "MacKey({algorithm}, <redacted>)")
    }
}

/// A computed MAC. Until it has been compared it is exactly what an attacker
/// wants, so it is zeroized on drop and compared only in constant time.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Constant-time equality with a candidate from the request. A length
    /// mismatch returns early: the length of a MAC is public.
    pub(crate) fn matches(&self, candidate: &[u8]) -> bool {
        candidate.len() == self.len && bool::from(self.as_bytes().ct_eq(candidate))
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag(<{} bytes redacted>)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let key = MacKey::new(HmacAlgorithm::Sha256, b"Jefe").unwrap();
        let tag = key.compute(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(tag.as_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = MacKey::new(HmacAlgorithm::Sha512, b"Jefe").unwrap();
        let tag = key.compute(&[b"what do ya want for nothing?"]);
        assert_eq!(
            hex::encode(tag.as_bytes()),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn matches_is_exact() {
        let key = MacKey::new(HmacAlgorithm::Sha256, b"k").unwrap();
        let tag = key.compute(&[b"body"]);
        let good = tag.as_bytes().to_vec();
        assert!(tag.matches(&good));
        assert!(!tag.matches(&good[..31]));
        let mut bad = good.clone();
        bad[0] ^= 1;
        assert!(!tag.matches(&bad));
    }

    #[test]
    fn debug_never_shows_key_or_tag() {
        let key = MacKey::new(HmacAlgorithm::Sha256, b"super-secret").unwrap();
        assert_eq!(format!("{key:?}"), "MacKey(sha256, <redacted>)");
        let tag = key.compute(&[b"x"]);
        assert_eq!(format!("{tag:?}"), "Tag(<32 bytes redacted>)");
    }
}

//! Why a value could not be encrypted or decrypted.

use std::fmt;

/// The fixed set of reasons, as PHP sees them from `CryptoException::getReason()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CryptoReason {
    /// Not a SecretBox value: wrong shape, bad base64url, or too short.
    BadFormat,
    /// A SecretBox value of a format version this build does not know (`cdt2:`…).
    UnsupportedVersion,
    /// The value names a key id that is not in the key ring.
    UnknownKeyId,
    /// The value failed authentication: altered, encrypted for another AAD, or
    /// under a different key with the same id. AES-GCM cannot tell these apart,
    /// and nothing is decrypted in any of them.
    AuthFailed,
    /// The operating system's random generator failed (no nonce, no encryption).
    RandomUnavailable,
}

impl CryptoReason {
    pub const ALL: [CryptoReason; 5] = [
        CryptoReason::BadFormat,
        CryptoReason::UnsupportedVersion,
        CryptoReason::UnknownKeyId,
        CryptoReason::AuthFailed,
        CryptoReason::RandomUnavailable,
    ];

    /// The stable machine-readable code.
    pub const fn as_str(self) -> &'static str {
        match self {
            CryptoReason::BadFormat => "bad_format",
            CryptoReason::UnsupportedVersion => "unsupported_version",
            CryptoReason::UnknownKeyId => "unknown_key_id",
            CryptoReason::AuthFailed => "auth_failed",
            CryptoReason::RandomUnavailable => "random_unavailable",
        }
    }
}

impl fmt::Display for CryptoReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed encryption or decryption: a [`CryptoReason`] plus a message that
/// names key ids but never key material or plaintext.
pub struct CryptoError {
    inner: Box<Inner>,
}

struct Inner {
    reason: CryptoReason,
    message: String,
}

impl CryptoError {
    pub(crate) fn new(reason: CryptoReason, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                reason,
                message: message.into(),
            }),
        }
    }

    pub fn reason(&self) -> CryptoReason {
        self.inner.reason
    }

    /// The human-readable message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Debug for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CryptoError")
            .field("reason", &self.inner.reason)
            .field("message", &self.inner.message)
            .finish()
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for CryptoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_fixed() {
        let codes: Vec<&str> = CryptoReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            codes,
            [
                "bad_format",
                "unsupported_version",
                "unknown_key_id",
                "auth_failed",
                "random_unavailable"
            ]
        );
    }

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        assert_eq!(
            std::mem::size_of::<CryptoError>(),
            std::mem::size_of::<usize>()
        );
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CryptoError>();
    }
}

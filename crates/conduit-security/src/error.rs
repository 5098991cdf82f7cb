//! The configuration error shared by both areas.
//!
//! Verification and decryption failures have their own errors with reason codes
//! ([`crate::webhook::VerifyError`], [`crate::secret_box::CryptoError`]); this one
//! is for a verifier or key ring that cannot be built as configured. The PHP
//! binding throws it as `Conduit\ConfigException`.

use std::fmt;

/// A verifier or key ring was configured with a value it cannot use.
///
/// The message names the option and quotes the offending value unless the value
/// is secret (then it says what is wrong with it without showing it).
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: Box<str>,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into().into_boxed_str(),
        }
    }

    /// The human-readable message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConfigError").field(&self.message).finish()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Quotes a user-supplied, non-secret value for an error message: printable ASCII
/// kept, everything else escaped, long values cut, so a hostile header or option
/// cannot flood a log line or smuggle control characters into it.
pub(crate) fn quote(value: &[u8]) -> String {
    const MAX_SHOWN: usize = 64;
    let mut out = String::with_capacity(value.len().min(MAX_SHOWN) + 2);
    out.push('"');
    for &b in value.iter().take(MAX_SHOWN) {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    if value.len() > MAX_SHOWN {
        out.push_str(&format!(" (cut, {} bytes in all)", value.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_and_cuts() {
        assert_eq!(quote(b"abc"), "\"abc\"");
        assert_eq!(quote(b"a\"b\\\n\xff"), "\"a\\\"b\\\\\\x0a\\xff\"");
        let long = vec![b'x'; 100];
        let quoted = quote(&long);
        assert!(quoted.ends_with("(cut, 100 bytes in all)"), "{quoted}");
        assert_eq!(quoted.matches('x').count(), 64);
    }

    #[test]
    fn config_error_is_one_pointer_wide_pair() {
        // Box<str> is a fat pointer; the error must stay small to be cheap in Results.
        assert_eq!(
            std::mem::size_of::<ConfigError>(),
            2 * std::mem::size_of::<usize>()
        );
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ConfigError>();
    }
}

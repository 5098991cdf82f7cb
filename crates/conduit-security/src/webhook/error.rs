//! Why a webhook delivery was refused.

use std::fmt;

/// The fixed set of reasons a delivery is refused. [`Reason::as_str`] is the code
/// PHP sees from `SignatureException::getReason()`; [`Reason::http_status`] is the
/// status the endpoint should answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A header the scheme needs is absent (or present with an unusable value shape).
    MissingHeader,
    /// A header is present but cannot be parsed (bad timestamp, no signature entries,
    /// undecodable signature, the same header twice with different values).
    MalformedHeader,
    /// No signature in the request matches any configured secret.
    BadSignature,
    /// The signed timestamp is older than the tolerance allows (a replay or a
    /// delivery delayed too long, or the receiver's clock runs fast).
    TimestampTooOld,
    /// The signed timestamp is further in the future than the tolerance allows
    /// (the sender's clock runs fast, or the receiver's runs slow).
    TimestampTooNew,
    /// The body is larger than `max_body_bytes`; nothing else was checked.
    BodyTooLarge,
    /// The signature is valid but the body is not a JSON object or array.
    MalformedJson,
}

impl Reason {
    /// Every reason, for exhaustive tests and documentation tables.
    pub const ALL: [Reason; 7] = [
        Reason::MissingHeader,
        Reason::MalformedHeader,
        Reason::BadSignature,
        Reason::TimestampTooOld,
        Reason::TimestampTooNew,
        Reason::BodyTooLarge,
        Reason::MalformedJson,
    ];

    /// The stable machine-readable code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::MissingHeader => "missing_header",
            Reason::MalformedHeader => "malformed_header",
            Reason::BadSignature => "bad_signature",
            Reason::TimestampTooOld => "timestamp_too_old",
            Reason::TimestampTooNew => "timestamp_too_new",
            Reason::BodyTooLarge => "body_too_large",
            Reason::MalformedJson => "malformed_json",
        }
    }

    /// The HTTP status to answer with: 401 when authenticity or freshness could not
    /// be established, 400 for a malformed request, 413 for an oversized body.
    pub const fn http_status(self) -> u16 {
        match self {
            Reason::BadSignature | Reason::TimestampTooOld | Reason::TimestampTooNew => 401,
            Reason::MissingHeader | Reason::MalformedHeader | Reason::MalformedJson => 400,
            Reason::BodyTooLarge => 413,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused delivery: a [`Reason`] plus a message for the log.
///
/// The message names headers and describes what is wrong; it never contains a
/// secret, a computed signature or a signature from the request.
pub struct VerifyError {
    inner: Box<Inner>,
}

struct Inner {
    reason: Reason,
    message: String,
}

impl VerifyError {
    pub(crate) fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                reason,
                message: message.into(),
            }),
        }
    }

    /// The reason code.
    pub fn reason(&self) -> Reason {
        self.inner.reason
    }

    /// Shorthand for `self.reason().http_status()`.
    pub fn http_status(&self) -> u16 {
        self.inner.reason.http_status()
    }

    /// The human-readable message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyError")
            .field("reason", &self.inner.reason)
            .field("message", &self.inner.message)
            .finish()
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_are_fixed() {
        let table: Vec<(&str, u16)> = Reason::ALL
            .iter()
            .map(|r| (r.as_str(), r.http_status()))
            .collect();
        assert_eq!(
            table,
            [
                ("missing_header", 400),
                ("malformed_header", 400),
                ("bad_signature", 401),
                ("timestamp_too_old", 401),
                ("timestamp_too_new", 401),
                ("body_too_large", 413),
                ("malformed_json", 400),
            ]
        );
    }

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        assert_eq!(
            std::mem::size_of::<VerifyError>(),
            std::mem::size_of::<usize>()
        );
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<VerifyError>();
    }
}

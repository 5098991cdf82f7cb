//! Conduit's security core: webhook signature verification and encrypted secrets.
//!
//! Pure Rust, no PHP types: the extension's `Conduit\WebhookSecurity`,
//! `Conduit\WebhookEvent` and `Conduit\SecretBox` are one-line wrappers over
//! [`webhook::WebhookVerifier`] and [`secret_box::SecretBox`], and everything that
//! decides whether a request is authentic or a ciphertext is intact lives here,
//! tested with plain `cargo test`.
//!
//! # Design notes
//!
//! - **Raw bytes only.** Signatures are checked over the body exactly as received;
//!   nothing is re-encoded before verification.
//! - **Constant time** for every comparison of a secret-derived value
//!   ([`subtle::ConstantTimeEq`]); lengths are public and may short-circuit.
//! - **One opaque error per area** ([`webhook::VerifyError`],
//!   [`secret_box::CryptoError`], [`ConfigError`]) with a fixed machine-readable
//!   reason. Messages name headers, options and key ids, never secrets, keys or
//!   computed signatures.
//! - **Key material** lives in types that zeroize on drop and whose `Debug`
//!   output is redacted.
//! - **OS randomness per call** (`getrandom`) for nonces and ids: a user-space RNG
//!   seeded once would be copied into every PHP-FPM worker by `fork()` and repeat
//!   nonces across workers.

pub mod error;
pub mod secret_box;
pub mod webhook;

mod encoding;

pub use error::ConfigError;

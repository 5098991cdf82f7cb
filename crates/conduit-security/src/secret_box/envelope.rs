//! The text form of a sealed value: `cdt1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`.
//!
//! ASCII only, no padding, no spaces: it fits a Bitrix option, a database column
//! or an ini file unchanged. The `cdt1:<key id>:` header is bound into the AES-GCM
//! associated data, so it cannot be edited to point at another key without the
//! tag failing.

use base64::Engine as _;

use super::error::{CryptoError, CryptoReason};
use crate::encoding::BASE64_URL;
use crate::error::quote;

/// Format version tag.
pub const VERSION_TAG: &str = "cdt1";
/// AES-GCM nonce length (96 bits).
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length (128 bits).
pub const TAG_LEN: usize = 16;

/// A parsed value; `sealed` is `nonce ‖ ciphertext ‖ tag`.
pub(crate) struct Envelope<'a> {
    pub(crate) key_id: &'a str,
    pub(crate) sealed: Vec<u8>,
}

/// Whether `id` can name a key: 1 to 64 of `A-Z a-z 0-9 . _ -`.
pub fn valid_key_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Parses a value. Surrounding whitespace (a newline from a pasted value) is ignored.
pub(crate) fn parse(text: &[u8]) -> Result<Envelope<'_>, CryptoError> {
    let text = text.trim_ascii();
    let mut parts = text.splitn(3, |b| *b == b':');
    let version = parts.next().unwrap_or_default();
    let (Some(key_id), Some(data)) = (parts.next(), parts.next()) else {
        return Err(version_error(version).unwrap_or_else(|| {
            CryptoError::new(
                CryptoReason::BadFormat,
                "not a SecretBox value: expected cdt1:<key id>:<data>",
            )
        }));
    };
    if let Some(error) = version_error(version) {
        return Err(error);
    }
    if version != VERSION_TAG.as_bytes() {
        return Err(CryptoError::new(
            CryptoReason::BadFormat,
            format!(
                "not a SecretBox value: it starts with {} instead of cdt1:",
                quote(version)
            ),
        ));
    }
    if !valid_key_id(key_id) {
        return Err(CryptoError::new(
            CryptoReason::BadFormat,
            format!("SecretBox value has an invalid key id {}", quote(key_id)),
        ));
    }
    let sealed = BASE64_URL.decode(data).map_err(|_| {
        CryptoError::new(
            CryptoReason::BadFormat,
            "SecretBox value's data part is not valid base64url",
        )
    })?;
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::new(
            CryptoReason::BadFormat,
            format!(
                "SecretBox value is too short: {} bytes of data, at least {} needed",
                sealed.len(),
                NONCE_LEN + TAG_LEN
            ),
        ));
    }
    // valid_key_id admitted ASCII only, so this cannot fail.
    let key_id = std::str::from_utf8(key_id)
        .map_err(|_| CryptoError::new(CryptoReason::BadFormat, "SecretBox key id is not ASCII"))?;
    Ok(Envelope { key_id, sealed })
}

/// `cdt2`, `cdt17`, … : a later format of ours rather than garbage.
fn version_error(version: &[u8]) -> Option<CryptoError> {
    let digits = version.strip_prefix(b"cdt")?;
    let is_other_version =
        !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) && digits != b"1";
    is_other_version.then(|| {
        CryptoError::new(
            CryptoReason::UnsupportedVersion,
            format!(
                "SecretBox value has format version {}; this build reads cdt1 only",
                quote(version)
            ),
        )
    })
}

/// The associated data actually authenticated: the value's header, then the caller's AAD.
/// Key ids contain no `:`, so the split between the two is unambiguous.
pub(crate) fn associated_data(key_id: &str, aad: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(VERSION_TAG.len() + key_id.len() + 2 + aad.len());
    out.extend_from_slice(VERSION_TAG.as_bytes());
    out.push(b':');
    out.extend_from_slice(key_id.as_bytes());
    out.push(b':');
    out.extend_from_slice(aad);
    out
}

/// Writes a value.
pub(crate) fn format(key_id: &str, sealed: &[u8]) -> String {
    let mut out =
        String::with_capacity(VERSION_TAG.len() + key_id.len() + 2 + sealed.len().div_ceil(3) * 4);
    out.push_str(VERSION_TAG);
    out.push(':');
    out.push_str(key_id);
    out.push(':');
    BASE64_URL.encode_string(sealed, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_text_form() {
        let sealed: Vec<u8> = (0u8..40).collect();
        let text = format("k-1.b_2", &sealed);
        assert!(text.starts_with("cdt1:k-1.b_2:"));
        assert!(text.bytes().all(|b| b.is_ascii_graphic()));
        let env = parse(text.as_bytes()).unwrap();
        assert_eq!(env.key_id, "k-1.b_2");
        assert_eq!(env.sealed, sealed);
        let padded_and_spaced = format!(" {text}\n");
        assert!(parse(padded_and_spaced.as_bytes()).is_ok());
    }

    #[test]
    fn classifies_bad_values() {
        let ok_data = BASE64_URL.encode([0u8; 28]);
        let cases: Vec<(String, CryptoReason)> = vec![
            (String::new(), CryptoReason::BadFormat),
            ("plain api key".into(), CryptoReason::BadFormat),
            (
                format!("cdt2:k1:{ok_data}"),
                CryptoReason::UnsupportedVersion,
            ),
            ("cdt9".into(), CryptoReason::UnsupportedVersion),
            (format!("cdtx:k1:{ok_data}"), CryptoReason::BadFormat),
            (format!("cdt1::{ok_data}"), CryptoReason::BadFormat),
            (format!("cdt1:k 1:{ok_data}"), CryptoReason::BadFormat),
            ("cdt1:k1:***".into(), CryptoReason::BadFormat),
            (
                format!("cdt1:k1:{}", BASE64_URL.encode([0u8; 27])),
                CryptoReason::BadFormat,
            ),
            (format!("cdt1:k1:{ok_data}:extra"), CryptoReason::BadFormat),
        ];
        for (text, reason) in cases {
            match parse(text.as_bytes()) {
                Ok(_) => panic!("{text:?} parsed"),
                Err(e) => assert_eq!(e.reason(), reason, "{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn key_ids() {
        assert!(valid_key_id(b"k1"));
        assert!(valid_key_id(b"2024-06.primary_key"));
        assert!(!valid_key_id(b""));
        assert!(!valid_key_id(b"a:b"));
        assert!(!valid_key_id(&[b'a'; 65]));
    }
}

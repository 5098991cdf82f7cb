//! Text encodings of binary values (base64 in its spellings, hex) and OS randomness.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use zeroize::Zeroizing;

const INDIFFERENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_encode_padding(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// Standard alphabet, padding optional when decoding, written with padding.
pub(crate) const BASE64_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, INDIFFERENT);
/// URL-safe alphabet, padding optional when decoding, written without padding.
pub(crate) const BASE64_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard alphabet with canonical padding only: for signatures in headers whose
/// spec fixes the spelling, so a header differs from a valid one exactly when the
/// signature bytes differ.
pub(crate) const BASE64_CANONICAL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Decodes strict standard base64 (canonical padding).
pub(crate) fn base64_canonical(text: &[u8]) -> Option<Vec<u8>> {
    BASE64_CANONICAL.decode(text).ok()
}

/// Decodes base64 written in either alphabet (senders and admins mix them up),
/// padding optional. The two alphabets differ only in `+/` versus `-_`, so a
/// value cannot mean different bytes in the two.
pub(crate) fn base64_any(text: &[u8]) -> Option<Vec<u8>> {
    BASE64_STANDARD
        .decode(text)
        .or_else(|_| BASE64_URL.decode(text))
        .ok()
}

/// [`base64_any`] for key material: decodes straight into a zeroizing buffer
/// sized up front, so no partial or reallocated copy is left behind un-wiped.
pub(crate) fn base64_any_secret(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    [&BASE64_STANDARD, &BASE64_URL]
        .into_iter()
        .find_map(|engine| {
            let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3 + 3));
            engine.decode_vec(text, &mut out).ok().map(|()| out)
        })
}

/// Decodes hex in either case.
pub(crate) fn hex_any(text: &[u8]) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

/// Decodes lower-case hex only (Stripe's spelling).
pub(crate) fn hex_lower(text: &[u8]) -> Option<Vec<u8>> {
    if text.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        hex::decode(text).ok()
    } else {
        None
    }
}

/// Fills `buf` from the operating system's RNG.
///
/// Called for every nonce and generated id rather than seeding a user-space RNG
/// once: PHP-FPM forks workers, and a forked user-space RNG repeats its stream in
/// every child.
pub(crate) fn os_random(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    getrandom::fill(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_both_alphabets_and_optional_padding() {
        let bytes = [0xfbu8, 0xff, 0xfe, 0x01];
        for text in ["+//+AQ==", "+//+AQ", "-__-AQ", "-__-AQ=="] {
            assert_eq!(
                base64_any(text.as_bytes()).as_deref(),
                Some(&bytes[..]),
                "{text}"
            );
        }
        assert!(BASE64_STANDARD.decode(b"-__-AQ").is_err());
        assert_eq!(base64_any(b"not base64!"), None);
    }

    #[test]
    fn secret_decoding_matches_and_does_not_grow() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37) as u8).collect();
            for text in [BASE64_STANDARD.encode(&bytes), BASE64_URL.encode(&bytes)] {
                let decoded = base64_any_secret(text.as_bytes()).unwrap();
                assert_eq!(*decoded, bytes);
                assert!(
                    decoded.capacity() >= text.len() / 4 * 3,
                    "no reallocation needed"
                );
            }
        }
        assert!(base64_any_secret(b"!!").is_none());
    }

    #[test]
    fn hex_accepts_both_cases() {
        assert_eq!(hex_any(b"aBcD"), Some(vec![0xab, 0xcd]));
        assert_eq!(hex_any(b"abc"), None);
        assert_eq!(hex_any(b"zz"), None);
        assert_eq!(hex_lower(b"abcd"), Some(vec![0xab, 0xcd]));
        assert_eq!(hex_lower(b"aBcD"), None);
    }

    #[test]
    fn canonical_base64_requires_padding() {
        assert_eq!(base64_canonical(b"AQ=="), Some(vec![1]));
        assert_eq!(base64_canonical(b"AQ"), None);
        assert_eq!(base64_canonical(b"AR=="), None, "non-zero trailing bits");
    }
}

//! Text encodings of binary values (base64 in its spellings, hex) and OS randomness.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

const INDIFFERENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_encode_padding(true).with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// Standard alphabet, padding optional when decoding, written with padding.
pub(crate) const BASE64_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, INDIFFERENT);
/// URL-safe alphabet, padding optional when decoding, written without padding.
pub(crate) const BASE64_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 in the standard alphabet, padding optional.
pub(crate) fn base64_standard(text: &[u8]) -> Option<Vec<u8>> {
    BASE64_STANDARD.decode(text).ok()
}

/// Decodes base64 written in either alphabet (senders and admins mix them up),
/// padding optional. The two alphabets differ only in `+/` versus `-_`, so a
/// value cannot mean different bytes in the two.
pub(crate) fn base64_any(text: &[u8]) -> Option<Vec<u8>> {
    BASE64_STANDARD.decode(text).or_else(|_| BASE64_URL.decode(text)).ok()
}

/// Decodes hex in either case.
pub(crate) fn hex_any(text: &[u8]) -> Option<Vec<u8>> {
    hex::decode(text).ok()
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
            assert_eq!(base64_any(text.as_bytes()).as_deref(), Some(&bytes[..]), "{text}");
        }
        assert_eq!(base64_standard(b"-__-AQ"), None);
        assert_eq!(base64_any(b"not base64!"), None);
    }

    #[test]
    fn hex_accepts_both_cases() {
        assert_eq!(hex_any(b"aBcD"), Some(vec![0xab, 0xcd]));
        assert_eq!(hex_any(b"abc"), None);
        assert_eq!(hex_any(b"zz"), None);
    }
}

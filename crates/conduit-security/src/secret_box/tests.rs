//! SecretBox tests: round trips, AAD binding, tampering of every byte, wrong key,
//! rotation, nonce uniqueness, and fuzzing of the text parser.

use std::collections::HashSet;

use base64::Engine as _;
use proptest::prelude::*;

use super::*;
use crate::encoding::{BASE64_STANDARD, BASE64_URL};

fn key_b64(fill: u8) -> String {
    BASE64_STANDARD.encode([fill; 32])
}

fn single(id: &str, fill: u8) -> SecretBox {
    let key = key_b64(fill);
    SecretBox::new(
        KeyRing::builder()
            .key(id, KeySource::Base64(key.as_bytes()))
            .build()
            .unwrap(),
    )
}

fn reason<T: std::fmt::Debug>(result: Result<T, CryptoError>) -> CryptoReason {
    result.expect_err("should fail").reason()
}

#[test]
fn round_trips_including_empty_and_binary() {
    let sb = single("k1", 1);
    for plain in [
        &b""[..],
        b"x",
        b"api-key-0123456789",
        &[0u8, 255, 0, 10, 13][..],
        &[0x41; 10_000][..],
    ] {
        for aad in [&b""[..], b"option:erp.token"] {
            let text = sb.encrypt(plain, aad).unwrap();
            assert!(text.starts_with("cdt1:k1:"));
            assert_eq!(
                text.len(),
                "cdt1:k1:".len() + (NONCE_LEN + plain.len() + TAG_LEN).div_ceil(3) * 4
                    - pad(plain.len())
            );
            assert_eq!(&*sb.decrypt(text.as_bytes(), aad).unwrap(), plain);
        }
    }
}

/// Characters base64 without padding saves over padded length.
fn pad(plain_len: usize) -> usize {
    match (NONCE_LEN + plain_len + TAG_LEN) % 3 {
        0 => 0,
        1 => 2,
        _ => 1,
    }
}

#[test]
fn output_is_option_safe_text() {
    let sb = single("site-2024.a_b", 3);
    let text = sb.encrypt(b"secret\n\0", b"").unwrap();
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b)),
        "{text}"
    );
    assert!(SecretBox::is_encrypted(text.as_bytes()));
    assert_eq!(
        SecretBox::key_id_of(text.as_bytes()).unwrap(),
        "site-2024.a_b"
    );
}

#[test]
fn aad_binds_the_value_to_its_purpose() {
    let sb = single("k1", 1);
    let text = sb.encrypt(b"token", b"erp.token").unwrap();
    assert_eq!(
        reason(sb.decrypt(text.as_bytes(), b"crm.token")),
        CryptoReason::AuthFailed
    );
    assert_eq!(
        reason(sb.decrypt(text.as_bytes(), b"")),
        CryptoReason::AuthFailed
    );
    let no_aad = sb.encrypt(b"token", b"").unwrap();
    assert_eq!(
        reason(sb.decrypt(no_aad.as_bytes(), b"erp.token")),
        CryptoReason::AuthFailed
    );
}

#[test]
fn wrong_key_with_the_same_id_fails_authentication() {
    let text = single("k1", 1).encrypt(b"token", b"").unwrap();
    let err = single("k1", 2).decrypt(text.as_bytes(), b"").unwrap_err();
    assert_eq!(err.reason(), CryptoReason::AuthFailed);
    assert!(err.message().contains("\"k1\""), "{err}");
}

#[test]
fn unknown_key_id_lists_the_ring() {
    let text = single("old", 1).encrypt(b"token", b"").unwrap();
    let err = single("new", 1).decrypt(text.as_bytes(), b"").unwrap_err();
    assert_eq!(err.reason(), CryptoReason::UnknownKeyId);
    assert!(
        err.message().contains("\"old\"") && err.message().contains("(keys: \"new\")"),
        "{err}"
    );
}

#[test]
fn the_header_is_authenticated() {
    // Two ids with the same key material: moving a value to the other id must fail,
    // because "cdt1:<id>:" is part of the associated data.
    let key = key_b64(7);
    let ring = KeyRing::builder()
        .key("a", KeySource::Base64(key.as_bytes()))
        .key("b", KeySource::Base64(key.as_bytes()))
        .primary("a")
        .build()
        .unwrap();
    let sb = SecretBox::new(ring);
    let text = sb.encrypt(b"token", b"").unwrap();
    let moved = text.replacen("cdt1:a:", "cdt1:b:", 1);
    assert_eq!(
        reason(sb.decrypt(moved.as_bytes(), b"")),
        CryptoReason::AuthFailed
    );
}

#[test]
fn tampering_any_byte_of_the_sealed_data_fails() {
    let sb = single("k1", 1);
    let text = sb.encrypt(b"a short api key", b"aad").unwrap();
    let data = text.rsplit(':').next().unwrap();
    let sealed = BASE64_URL.decode(data).unwrap();
    for i in 0..sealed.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut altered = sealed.clone();
            altered[i] ^= mask;
            let altered_text = format!("cdt1:k1:{}", BASE64_URL.encode(&altered));
            assert_eq!(
                reason(sb.decrypt(altered_text.as_bytes(), b"aad")),
                CryptoReason::AuthFailed,
                "byte {i}"
            );
        }
    }
    // Truncation and extension too.
    let short = format!("cdt1:k1:{}", BASE64_URL.encode(&sealed[..sealed.len() - 1]));
    assert_eq!(
        reason(sb.decrypt(short.as_bytes(), b"aad")),
        CryptoReason::AuthFailed
    );
    let mut longer = sealed.clone();
    longer.push(0);
    let long = format!("cdt1:k1:{}", BASE64_URL.encode(&longer));
    assert_eq!(
        reason(sb.decrypt(long.as_bytes(), b"aad")),
        CryptoReason::AuthFailed
    );
}

#[test]
fn tampering_any_character_of_the_text_fails() {
    let sb = single("k1", 1);
    let text = sb.encrypt(b"secret", b"").unwrap();
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        for replacement in [b'A', b'z', b'0', b'-', b'_', b':', b'=', b'+', 0u8, 0xff] {
            if bytes[i] == replacement {
                continue;
            }
            let mut altered = bytes.to_vec();
            altered[i] = replacement;
            assert!(
                sb.decrypt(&altered, b"").is_err(),
                "position {i} -> {replacement:#x}"
            );
        }
    }
}

#[test]
fn version_and_format_errors() {
    let sb = single("k1", 1);
    let text = sb.encrypt(b"secret", b"").unwrap();
    assert_eq!(
        reason(sb.decrypt(text.replacen("cdt1", "cdt2", 1).as_bytes(), b"")),
        CryptoReason::UnsupportedVersion
    );
    assert_eq!(
        reason(sb.decrypt(b"plain-api-key", b"")),
        CryptoReason::BadFormat
    );
    assert_eq!(
        reason(sb.decrypt(b"cdt1:k1:%%%%", b"")),
        CryptoReason::BadFormat
    );
    assert_eq!(reason(sb.decrypt(b"", b"")), CryptoReason::BadFormat);
    assert!(!SecretBox::is_encrypted(b"plain-api-key"));
    assert!(!SecretBox::is_encrypted(b"cdt1:k1:short"));
    assert!(
        SecretBox::is_encrypted(text.replacen("cdt1", "cdt2", 1).as_bytes()),
        "a later version is still ours"
    );
    assert!(!SecretBox::is_encrypted(b"cdt2"));
}

#[test]
fn rotation_re_encrypts_under_the_primary() {
    let (old, new) = (key_b64(1), key_b64(2));
    let before = SecretBox::new(
        KeyRing::builder()
            .key("2023", KeySource::Base64(old.as_bytes()))
            .build()
            .unwrap(),
    );
    let stored = before.encrypt(b"api-key", b"opt").unwrap();

    let during = SecretBox::new(
        KeyRing::builder()
            .key("2023", KeySource::Base64(old.as_bytes()))
            .key("2024", KeySource::Base64(new.as_bytes()))
            .primary("2024")
            .build()
            .unwrap(),
    );
    assert_eq!(during.primary_key_id(), "2024");
    assert_eq!(during.key_ids(), ["2023", "2024"]);
    assert_eq!(
        &*during.decrypt(stored.as_bytes(), b"opt").unwrap(),
        b"api-key",
        "old values still decrypt"
    );
    let rotated = during.rotate(stored.as_bytes(), b"opt").unwrap();
    assert!(rotated.starts_with("cdt1:2024:"));
    assert_eq!(
        during.rotate(rotated.as_bytes(), b"opt").unwrap(),
        rotated,
        "already current: unchanged"
    );
    assert_eq!(
        reason(during.rotate(stored.as_bytes(), b"other")),
        CryptoReason::AuthFailed
    );

    let after = SecretBox::new(
        KeyRing::builder()
            .key("2024", KeySource::Base64(new.as_bytes()))
            .build()
            .unwrap(),
    );
    assert_eq!(
        &*after.decrypt(rotated.as_bytes(), b"opt").unwrap(),
        b"api-key"
    );
    assert_eq!(
        reason(after.decrypt(stored.as_bytes(), b"opt")),
        CryptoReason::UnknownKeyId
    );
}

#[test]
fn site_secret_keys_are_stable_across_instances() {
    let secret = b"bitrix-crypto-key-0123456789abcdef";
    let make = || {
        SecretBox::new(
            KeyRing::builder()
                .key("site", KeySource::SiteSecret(secret))
                .build()
                .unwrap(),
        )
    };
    let text = make().encrypt(b"value", b"").unwrap();
    assert_eq!(&*make().decrypt(text.as_bytes(), b"").unwrap(), b"value");
    // The derived key is not the secret used directly (padded/truncated to 32 bytes).
    let direct = SecretBox::new(
        KeyRing::builder()
            .key("site", KeySource::Raw(&secret[..32]))
            .build()
            .unwrap(),
    );
    assert_eq!(
        reason(direct.decrypt(text.as_bytes(), b"")),
        CryptoReason::AuthFailed
    );
}

#[test]
fn nonces_are_unique_over_100_000_encryptions() {
    let sb = single("k1", 1);
    let mut seen = HashSet::with_capacity(100_000);
    for _ in 0..100_000 {
        let text = sb.encrypt(b"same plaintext", b"").unwrap();
        let sealed = BASE64_URL.decode(&text["cdt1:k1:".len()..]).unwrap();
        let nonce: [u8; NONCE_LEN] = sealed[..NONCE_LEN].try_into().unwrap();
        assert!(
            seen.insert(nonce),
            "nonce repeated after {} encryptions",
            seen.len()
        );
    }
}

#[test]
fn debug_reveals_no_key() {
    let key = key_b64(0x5a);
    let sb = SecretBox::new(
        KeyRing::builder()
            .key("k1", KeySource::Base64(key.as_bytes()))
            .build()
            .unwrap(),
    );
    let shown = format!("{sb:?}");
    assert!(shown.contains("k1"));
    assert!(
        !shown.contains(&key) && !shown.contains("90,") && !shown.contains("5a"),
        "{shown}"
    );
}

#[test]
fn plaintext_never_appears_in_errors() {
    let sb = single("k1", 1);
    let text = sb.encrypt(b"TOP-SECRET-PLAINTEXT", b"").unwrap();
    let err = single("k1", 2).decrypt(text.as_bytes(), b"").unwrap_err();
    assert!(!err.message().contains("TOP-SECRET"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_any_plaintext_and_aad(plain in proptest::collection::vec(any::<u8>(), 0..512),
                                        aad in proptest::collection::vec(any::<u8>(), 0..64)) {
        let sb = single("k1", 9);
        let text = sb.encrypt(&plain, &aad).unwrap();
        prop_assert_eq!(&*sb.decrypt(text.as_bytes(), &aad).unwrap(), &plain[..]);
    }

    /// Fuzz: arbitrary bytes never panic and never decrypt.
    #[test]
    fn arbitrary_text_never_panics(text in proptest::collection::vec(any::<u8>(), 0..200)) {
        let sb = single("k1", 9);
        prop_assert!(sb.decrypt(&text, b"").is_err());
        let _ = SecretBox::is_encrypted(&text);
        let _ = SecretBox::key_id_of(&text);
    }

    /// Fuzz: well-shaped values with random data never panic and never decrypt.
    #[test]
    fn shaped_garbage_never_decrypts(version in "cdt[0-9]{0,2}", id in "[a-z0-9:]{0,8}",
                                     data in proptest::collection::vec(any::<u8>(), 0..120)) {
        let sb = single("k1", 9);
        let text = format!("{version}:{id}:{}", BASE64_URL.encode(&data));
        prop_assert!(sb.decrypt(text.as_bytes(), b"").is_err());
        prop_assert!(sb.rotate(text.as_bytes(), b"").is_err());
    }
}

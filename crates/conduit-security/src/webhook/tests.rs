//! Verifier tests: the reference vectors, the spec's must-pass/must-reject cases,
//! tolerance edges, every reason code, and property tests over mutations and
//! arbitrary header bytes.

use std::borrow::Cow;

use base64::Engine as _;
use proptest::prelude::*;

use super::*;
use crate::encoding::BASE64_STANDARD;

// Standard Webhooks reference vector (the spec's PHP library tests).
const STD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STD_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const STD_TS: i64 = 1614265330;
const STD_BODY: &[u8] = br#"{"test": 2432232314}"#;
const STD_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

// Stripe reference vector.
const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_TS: i64 = 1614000000;
const STRIPE_BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
const STRIPE_HEADER: &str =
    "t=1614000000,v1=92aa6d54e0ff430d69e93c79b5abe517df5059b3eb69a5bf7854423572ed0beb";

fn standard() -> WebhookVerifier {
    WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .build()
        .unwrap()
}

fn stripe() -> WebhookVerifier {
    WebhookVerifier::builder(Scheme::Stripe)
        .secret(STRIPE_SECRET)
        .build()
        .unwrap()
}

fn github() -> WebhookVerifier {
    WebhookVerifier::builder(Scheme::Hmac)
        .secret("It's a Secret to Everybody")
        .signature_header("X-Hub-Signature-256")
        .prefix("sha256=")
        .build()
        .unwrap()
}

fn headers<'a>(verifier: &WebhookVerifier, pairs: &[(&'a str, &'a str)]) -> HeaderSet<'a> {
    HeaderSet::from_pairs(
        verifier.header_names(),
        pairs.iter().map(|(k, v)| (*k, v.as_bytes())),
    )
}

fn std_headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> HeaderSet<'a> {
    headers(
        &standard(),
        &[
            ("webhook-id", id),
            ("webhook-timestamp", ts),
            ("webhook-signature", sig),
        ],
    )
}

fn reason<T: std::fmt::Debug>(result: Result<T, VerifyError>) -> Reason {
    result.expect_err("verification should fail").reason()
}

// ---------------------------------------------------------------------------
// Reference vectors
// ---------------------------------------------------------------------------

#[test]
fn standard_reference_vector_passes() {
    let event = standard()
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", STD_SIG),
            STD_TS,
        )
        .unwrap();
    assert_eq!(event.id(), STD_ID);
    assert_eq!(event.timestamp(), Some(STD_TS));
    assert_eq!(event.event_type(), None);
    assert_eq!(event.raw_body(), STD_BODY);
    assert_eq!(event.payload().unwrap()["test"], 2432232314u64);
}

#[test]
fn standard_sign_reproduces_the_vector() {
    let signed = standard().sign(STD_BODY, Some(STD_ID), STD_TS).unwrap();
    assert_eq!(
        signed,
        vec![
            ("webhook-id".to_owned(), STD_ID.to_owned()),
            ("webhook-timestamp".to_owned(), "1614265330".to_owned()),
            ("webhook-signature".to_owned(), STD_SIG.to_owned()),
        ]
    );
}

#[test]
fn stripe_reference_vector_passes() {
    let v = stripe();
    let event = v
        .verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", STRIPE_HEADER)]),
            STRIPE_TS,
        )
        .unwrap();
    assert_eq!(
        event.id(),
        "evt_test_webhook",
        "Stripe's id comes from the signed body"
    );
    assert_eq!(event.timestamp(), Some(STRIPE_TS));
    assert_eq!(event.event_type(), None);
    let signed = v.sign(STRIPE_BODY, None, STRIPE_TS).unwrap();
    assert_eq!(
        signed,
        vec![("Stripe-Signature".to_owned(), STRIPE_HEADER.to_owned())]
    );
}

#[test]
fn github_documented_example_passes() {
    // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
    let v = github();
    let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let err = v
        .verify(
            b"Hello, World!",
            &headers(&v, &[("X-Hub-Signature-256", sig)]),
            0,
        )
        .unwrap_err();
    // The signature matched; only the JSON check fails for this plain-text body.
    assert_eq!(err.reason(), Reason::MalformedJson, "{err}");
}

// ---------------------------------------------------------------------------
// The spec's must-reject and must-pass cases
// ---------------------------------------------------------------------------

#[test]
fn standard_must_reject() {
    let v = standard();
    assert_eq!(
        reason(v.verify(
            STD_BODY,
            &std_headers(STD_ID, "161426533.0", STD_SIG),
            STD_TS
        )),
        Reason::MalformedHeader
    );
    assert_eq!(
        reason(v.verify(
            STD_BODY,
            &std_headers(STD_ID, "invalid timestamp", STD_SIG),
            STD_TS
        )),
        Reason::MalformedHeader
    );
    assert_eq!(
        reason(v.verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", "v1,dawfeoifkpqwoekfpqoekf"),
            STD_TS
        )),
        Reason::BadSignature
    );
}

#[test]
fn standard_must_pass_with_unknown_and_invalid_entries() {
    let v = standard();
    let header =
        format!("v2,AAAAbbbbCCCC v1,dawfeoifkpqwoekfpqoekf v1,!!notbase64!! {STD_SIG} v1a,zzzz");
    assert!(v
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", &header),
            STD_TS
        )
        .is_ok());
    // Order does not matter, nor extra spaces.
    let header = format!("  {STD_SIG}   v2,xyz ");
    assert!(v
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", &header),
            STD_TS
        )
        .is_ok());
}

#[test]
fn stripe_with_only_v0_fails() {
    let v = stripe();
    let only_v0 =
        "t=1614000000,v0=92aa6d54e0ff430d69e93c79b5abe517df5059b3eb69a5bf7854423572ed0beb";
    let err = v
        .verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", only_v0)]),
            STRIPE_TS,
        )
        .unwrap_err();
    assert_eq!(err.reason(), Reason::BadSignature);
    // v0 next to a valid v1 is ignored, as are unknown keys.
    let mixed = format!("v0=abc, {STRIPE_HEADER}, x=1");
    assert!(v
        .verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", &mixed)]),
            STRIPE_TS
        )
        .is_ok());
}

#[test]
fn stripe_is_keyed_by_the_secret_string_not_its_base64() {
    // A Standard-style (base64-decoding) verifier must not accept the Stripe vector.
    let v = WebhookVerifier::builder(Scheme::Stripe)
        .secret("whsec_dGVzdF9zZWNyZXQ=")
        .build()
        .unwrap();
    let err = v
        .verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", STRIPE_HEADER)]),
            STRIPE_TS,
        )
        .unwrap_err();
    assert_eq!(err.reason(), Reason::BadSignature);
}

// ---------------------------------------------------------------------------
// Rotation
// ---------------------------------------------------------------------------

#[test]
fn any_configured_secret_may_match() {
    let new_secret = format!("whsec_{}", BASE64_STANDARD.encode([42u8; 32]));
    let old_only = standard();
    let both = WebhookVerifier::builder(Scheme::Standard)
        .secret(&new_secret)
        .secret(STD_SECRET)
        .build()
        .unwrap();
    let new_only = WebhookVerifier::builder(Scheme::Standard)
        .secret(&new_secret)
        .build()
        .unwrap();
    // A sender still on the old secret.
    assert!(both
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", STD_SIG),
            STD_TS
        )
        .is_ok());
    assert_eq!(
        reason(new_only.verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", STD_SIG),
            STD_TS
        )),
        Reason::BadSignature
    );
    // A sender that signs with both during its own rotation window.
    let signed = both.sign(STD_BODY, Some(STD_ID), STD_TS).unwrap();
    assert_eq!(signed[2].1.split(' ').count(), 2);
    for receiver in [&old_only, &new_only, &both] {
        let hs = HeaderSet::from_pairs(
            receiver.header_names(),
            signed.iter().map(|(k, v)| (k.as_str(), v.as_bytes())),
        );
        assert!(receiver.verify(STD_BODY, &hs, STD_TS).is_ok());
    }
}

#[test]
fn stripe_rotation_accepts_any_v1() {
    let v = WebhookVerifier::builder(Scheme::Stripe)
        .secret("whsec_new")
        .secret(STRIPE_SECRET)
        .build()
        .unwrap();
    assert!(v
        .verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", STRIPE_HEADER)]),
            STRIPE_TS
        )
        .is_ok());
    let signed = v.sign(STRIPE_BODY, None, STRIPE_TS).unwrap();
    assert_eq!(signed[0].1.matches(",v1=").count(), 2);
    assert!(
        signed[0].1.ends_with(&STRIPE_HEADER[13..]),
        "the old secret's signature is included"
    );
}

// ---------------------------------------------------------------------------
// Tolerance edges
// ---------------------------------------------------------------------------

#[test]
fn tolerance_is_inclusive_in_both_directions() {
    let v = standard();
    let hs = std_headers(STD_ID, "1614265330", STD_SIG);
    assert!(
        v.verify(STD_BODY, &hs, STD_TS + 300).is_ok(),
        "exactly 300 s old"
    );
    assert!(
        v.verify(STD_BODY, &hs, STD_TS - 300).is_ok(),
        "exactly 300 s ahead"
    );
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, STD_TS + 301)),
        Reason::TimestampTooOld
    );
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, STD_TS - 301)),
        Reason::TimestampTooNew
    );
}

#[test]
fn configured_tolerance_and_extreme_clocks() {
    let v = WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .tolerance_s(10)
        .build()
        .unwrap();
    let hs = std_headers(STD_ID, "1614265330", STD_SIG);
    assert!(v.verify(STD_BODY, &hs, STD_TS + 10).is_ok());
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, STD_TS + 11)),
        Reason::TimestampTooOld
    );
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, STD_TS - 11)),
        Reason::TimestampTooNew
    );
    // No overflow at the ends of i64.
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, i64::MAX)),
        Reason::TimestampTooOld
    );
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, i64::MIN)),
        Reason::TimestampTooNew
    );
}

#[test]
fn stripe_tolerance_runs_after_the_signature() {
    let v = stripe();
    let hs = headers(&v, &[("Stripe-Signature", STRIPE_HEADER)]);
    assert!(v.verify(STRIPE_BODY, &hs, STRIPE_TS + 300).is_ok());
    assert_eq!(
        reason(v.verify(STRIPE_BODY, &hs, STRIPE_TS + 301)),
        Reason::TimestampTooOld
    );
    assert_eq!(
        reason(v.verify(STRIPE_BODY, &hs, STRIPE_TS - 301)),
        Reason::TimestampTooNew
    );
    // A stale *forged* request reports the forgery, not the age.
    let forged = "t=1614000000,v1=0000000000000000000000000000000000000000000000000000000000000000";
    let hs = headers(&v, &[("Stripe-Signature", forged)]);
    assert_eq!(
        reason(v.verify(STRIPE_BODY, &hs, STRIPE_TS + 10_000)),
        Reason::BadSignature
    );
}

// ---------------------------------------------------------------------------
// Every reason code, per scheme
// ---------------------------------------------------------------------------

#[test]
fn every_reason_code_is_reachable_for_standard() {
    let v = WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .max_body_bytes(64)
        .build()
        .unwrap();
    let ok = |id, ts, sig| std_headers(id, ts, sig);
    let mut seen = std::collections::HashSet::new();
    let mut check = |result: Result<WebhookEvent, VerifyError>, expected: Reason| {
        let got = reason(result);
        assert_eq!(got, expected);
        seen.insert(got);
    };
    check(
        v.verify(STD_BODY, &headers(&v, &[("webhook-id", STD_ID)]), STD_TS),
        Reason::MissingHeader,
    );
    check(
        v.verify(STD_BODY, &ok(STD_ID, "-5", STD_SIG), STD_TS),
        Reason::MalformedHeader,
    );
    check(
        v.verify(
            STD_BODY,
            &ok(STD_ID, "1614265330", "garbage-without-comma"),
            STD_TS,
        ),
        Reason::MalformedHeader,
    );
    check(
        v.verify(
            STD_BODY,
            &ok("id with spaces", "1614265330", STD_SIG),
            STD_TS,
        ),
        Reason::MalformedHeader,
    );
    check(
        v.verify(b"{\"test\": 1}", &ok(STD_ID, "1614265330", STD_SIG), STD_TS),
        Reason::BadSignature,
    );
    check(
        v.verify(STD_BODY, &ok(STD_ID, "1614265330", STD_SIG), STD_TS + 301),
        Reason::TimestampTooOld,
    );
    check(
        v.verify(STD_BODY, &ok(STD_ID, "1614265330", STD_SIG), STD_TS - 301),
        Reason::TimestampTooNew,
    );
    check(
        v.verify(&[b' '; 65], &ok(STD_ID, "1614265330", STD_SIG), STD_TS),
        Reason::BodyTooLarge,
    );
    // A correctly signed non-JSON body.
    let signed = v.sign(b"not json", Some("msg_1"), STD_TS).unwrap();
    let hs = HeaderSet::from_pairs(
        v.header_names(),
        signed.iter().map(|(k, v)| (k.as_str(), v.as_bytes())),
    );
    check(v.verify(b"not json", &hs, STD_TS), Reason::MalformedJson);
    assert_eq!(seen.len(), Reason::ALL.len(), "{seen:?}");
}

#[test]
fn stripe_reasons() {
    let v = stripe();
    let case = |header: &str| {
        reason(v.verify(
            STRIPE_BODY,
            &headers(&v, &[("Stripe-Signature", header)]),
            STRIPE_TS,
        ))
    };
    assert_eq!(
        reason(v.verify(STRIPE_BODY, &headers(&v, &[]), STRIPE_TS)),
        Reason::MissingHeader
    );
    assert_eq!(case(""), Reason::MissingHeader);
    assert_eq!(case("v1=abcd"), Reason::MalformedHeader, "no t=");
    assert_eq!(case("t=1,t=2,v1=ab"), Reason::MalformedHeader, "two t=");
    assert_eq!(case("t=abc,v1=ab"), Reason::MalformedHeader);
    assert_eq!(case("t=1614000000,garbage"), Reason::MalformedHeader);
    assert_eq!(case("t=1614000000"), Reason::BadSignature, "no v1");
    assert_eq!(
        case("t=1614000000,v1=zz"),
        Reason::BadSignature,
        "undecodable v1 is no match"
    );
}

#[test]
fn hmac_reasons_and_encodings() {
    let body = br#"{"event":"order.paid","order_id":17}"#;
    for (encoding, algorithm) in [
        (SignatureEncoding::Hex, HmacAlgorithm::Sha256),
        (SignatureEncoding::Base64, HmacAlgorithm::Sha256),
        (SignatureEncoding::Hex, HmacAlgorithm::Sha512),
        (SignatureEncoding::Base64, HmacAlgorithm::Sha512),
    ] {
        let v = WebhookVerifier::builder(Scheme::Hmac)
            .secret("shop-secret")
            .encoding(encoding)
            .algorithm(algorithm)
            .build()
            .unwrap();
        let signed = v.sign(body, None, 0).unwrap();
        assert_eq!(signed[0].0, "X-Signature");
        let hs = HeaderSet::from_pairs(
            v.header_names(),
            [("HTTP_X_SIGNATURE", signed[0].1.as_bytes())],
        );
        let event = v.verify(body, &hs, 0).unwrap();
        assert_eq!(event.event_type(), Some("order.paid"));
        assert_eq!(event.timestamp(), None);
        assert!(
            event.id().starts_with("sha256:") && event.id().len() == 71,
            "{}",
            event.id()
        );
        assert_eq!(reason(v.verify(b"{}", &hs, 0)), Reason::BadSignature);
    }
    let v = github();
    let case =
        |value: &str| reason(v.verify(b"{}", &headers(&v, &[("X-Hub-Signature-256", value)]), 0));
    assert_eq!(
        reason(v.verify(b"{}", &headers(&v, &[]), 0)),
        Reason::MissingHeader
    );
    assert_eq!(
        case("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
        Reason::MalformedHeader
    );
    assert_eq!(case("sha256=not-hex"), Reason::MalformedHeader);
    assert_eq!(case("sha256=abcd"), Reason::BadSignature);
    // The prefix is matched case-insensitively, hex in either case.
    let v_sig = "SHA256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17";
    let err = v
        .verify(
            b"Hello, World!",
            &headers(&v, &[("x-hub-signature-256", v_sig)]),
            0,
        )
        .unwrap_err();
    assert_eq!(err.reason(), Reason::MalformedJson, "signature accepted");
}

#[test]
fn body_limit_is_inclusive() {
    let v = WebhookVerifier::builder(Scheme::Hmac)
        .secret("s")
        .max_body_bytes(10)
        .build()
        .unwrap();
    let body = b"[1,2,3,44]";
    assert_eq!(body.len(), 10);
    let signed = v.sign(body, None, 0).unwrap();
    let hs = HeaderSet::from_pairs(
        v.header_names(),
        [(signed[0].0.as_str(), signed[0].1.as_bytes())],
    );
    assert!(v.verify(body, &hs, 0).is_ok());
    let err = v.verify(b"[1,2,3,444]", &hs, 0).unwrap_err();
    assert_eq!(
        (err.reason(), err.http_status()),
        (Reason::BodyTooLarge, 413)
    );
}

// ---------------------------------------------------------------------------
// Event id and type
// ---------------------------------------------------------------------------

#[test]
fn event_type_and_id_fields() {
    let body = br#"{"kind":"a","type":"b","event":"c","uid":"u-1"}"#;
    let v = WebhookVerifier::builder(Scheme::Hmac)
        .secret("s")
        .event_type_field("kind")
        .id_field("uid")
        .build()
        .unwrap();
    let signed = v.sign(body, None, 0).unwrap();
    let hs = HeaderSet::from_pairs(
        v.header_names(),
        [(signed[0].0.as_str(), signed[0].1.as_bytes())],
    );
    let event = v.verify(body, &hs, 0).unwrap();
    assert_eq!((event.event_type(), event.id()), (Some("a"), "u-1"));

    let v = WebhookVerifier::builder(Scheme::Hmac)
        .secret("s")
        .build()
        .unwrap();
    let body = br#"{"event":"c"}"#;
    let signed = v.sign(body, None, 0).unwrap();
    let hs = HeaderSet::from_pairs(
        v.header_names(),
        [(signed[0].0.as_str(), signed[0].1.as_bytes())],
    );
    let event = v.verify(body, &hs, 0).unwrap();
    assert_eq!(event.event_type(), Some("c"), "falls back to \"event\"");
    assert_eq!(
        event.id(),
        format!("sha256:{}", hex::encode(Sha256::digest(body)))
    );
}

#[test]
fn stripe_without_id_in_body_falls_back_to_hash() {
    let v = stripe();
    let body = br#"{"type":"charge.succeeded"}"#;
    let signed = v.sign(body, None, 100).unwrap();
    let hs = HeaderSet::from_pairs(
        v.header_names(),
        [(signed[0].0.as_str(), signed[0].1.as_bytes())],
    );
    let event = v.verify(body, &hs, 100).unwrap();
    assert!(event.id().starts_with("sha256:"));
    assert_eq!(event.event_type(), Some("charge.succeeded"));
}

#[test]
fn generated_ids_are_unique_and_valid() {
    let v = standard();
    let a = v.sign(b"{}", None, 1).unwrap();
    let b = v.sign(b"{}", None, 1).unwrap();
    assert_ne!(a[0].1, b[0].1);
    assert!(a[0].1.starts_with("msg_") && a[0].1.len() == 28);
}

// ---------------------------------------------------------------------------
// Header shapes
// ---------------------------------------------------------------------------

#[test]
fn php_server_form_and_any_case() {
    let v = standard();
    let hs = headers(
        &v,
        &[
            ("HTTP_WEBHOOK_ID", STD_ID),
            ("Webhook-Timestamp", " 1614265330 "),
            ("WEBHOOK_SIGNATURE", STD_SIG),
        ],
    );
    assert!(v.verify(STD_BODY, &hs, STD_TS).is_ok());
}

#[test]
fn conflicting_duplicates_are_malformed() {
    let v = standard();
    let mut hs = std_headers(STD_ID, "1614265330", STD_SIG);
    hs.offer(b"HTTP_WEBHOOK_TIMESTAMP", Cow::Borrowed(&b"1614265331"[..]));
    assert_eq!(
        reason(v.verify(STD_BODY, &hs, STD_TS)),
        Reason::MalformedHeader
    );
}

#[test]
fn only_the_first_sixteen_entries_count() {
    let v = standard();
    let filler = vec!["v1a,AAAA"; 15].join(" ");
    let header = format!("{filler} {STD_SIG}");
    assert!(v
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", &header),
            STD_TS
        )
        .is_ok());
    let header = format!("{filler} v2,x {STD_SIG}");
    assert_eq!(
        reason(v.verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", &header),
            STD_TS
        )),
        Reason::BadSignature
    );
}

// ---------------------------------------------------------------------------
// Ed25519 (v1a)
// ---------------------------------------------------------------------------

#[test]
fn v1a_signatures_verify_with_the_public_key() {
    let seed = [5u8; 32];
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    let whsk = format!("whsk_{}", BASE64_STANDARD.encode(seed));
    let whpk = format!(
        "whpk_{}",
        BASE64_STANDARD.encode(signing.verifying_key().to_bytes())
    );
    let sender = WebhookVerifier::builder(Scheme::Standard)
        .secret(&whsk)
        .build()
        .unwrap();
    let receiver = WebhookVerifier::builder(Scheme::Standard)
        .secret(&whpk)
        .build()
        .unwrap();
    let body = br#"{"type":"invoice.paid"}"#;
    let signed = sender.sign(body, Some("msg_ed"), 1_700_000_000).unwrap();
    assert!(signed[2].1.starts_with("v1a,"));
    let hs = HeaderSet::from_pairs(
        receiver.header_names(),
        signed.iter().map(|(k, v)| (k.as_str(), v.as_bytes())),
    );
    let event = receiver.verify(body, &hs, 1_700_000_000).unwrap();
    assert_eq!(event.event_type(), Some("invoice.paid"));
    assert_eq!(
        reason(receiver.verify(b"{\"type\":\"x\"}", &hs, 1_700_000_000)),
        Reason::BadSignature
    );
    // A 64-byte libsodium-style secret key works the same.
    let mut pair = seed.to_vec();
    pair.extend_from_slice(&signing.verifying_key().to_bytes());
    let whsk64 = format!("whsk_{}", BASE64_STANDARD.encode(&pair));
    let sender64 = WebhookVerifier::builder(Scheme::Standard)
        .secret(&whsk64)
        .build()
        .unwrap();
    assert_eq!(
        sender64.sign(body, Some("msg_ed"), 1_700_000_000).unwrap(),
        signed
    );
    // Public keys cannot sign.
    assert!(receiver.sign(body, None, 1).is_err());
    // A mixed ring checks both kinds.
    let mixed = WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .secret(&whpk)
        .build()
        .unwrap();
    assert!(mixed.verify(body, &hs, 1_700_000_000).is_ok());
    assert!(mixed
        .verify(
            STD_BODY,
            &std_headers(STD_ID, "1614265330", STD_SIG),
            STD_TS
        )
        .is_ok());
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn configuration_errors_name_the_option() {
    let msg = |r: Result<WebhookVerifier, ConfigError>| {
        r.expect_err("should be refused").message().to_owned()
    };
    assert!(msg(WebhookVerifier::builder(Scheme::Standard).build()).contains("\"secrets\""));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret("whsec_!!!")
        .build())
    .contains("secret #1"));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret("whsec_")
        .build())
    .contains("empty"));
    assert!(msg(WebhookVerifier::builder(Scheme::Stripe).secret("").build()).contains("empty"));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .tolerance_s(0)
        .build())
    .contains("tolerance_s"));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .tolerance_s(86_401)
        .build())
    .contains("86401 given"));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .max_body_bytes(0)
        .build())
    .contains("max_body_bytes"));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .prefix("sha256=")
        .build())
    .contains("option \"prefix\" applies only to scheme \"hmac\""));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret(STD_SECRET)
        .id_field("id")
        .build())
    .contains("id_field"));
    assert!(msg(WebhookVerifier::builder(Scheme::Hmac)
        .secret("s")
        .signature_header("Bad Header")
        .build())
    .contains("\"Bad Header\""));
    assert!(msg(WebhookVerifier::builder(Scheme::Standard)
        .secret("whpk_AAAA")
        .build())
    .contains("32 bytes"));
    assert!("nope"
        .parse::<Scheme>()
        .unwrap_err()
        .message()
        .contains("\"nope\" given"));
    assert!(
        "hex".parse::<SignatureEncoding>().is_ok() && "b64".parse::<SignatureEncoding>().is_err()
    );
    assert!("sha512".parse::<HmacAlgorithm>().is_ok() && "md5".parse::<HmacAlgorithm>().is_err());
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let v = WebhookVerifier::builder(Scheme::Hmac)
        .secret("hunter2-very-secret")
        .build()
        .unwrap();
    let shown = format!("{v:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let builder = WebhookVerifier::builder(Scheme::Stripe).secret("hunter2-very-secret");
    assert!(!format!("{builder:?}").contains("hunter2"));
    let err = WebhookVerifier::builder(Scheme::Standard)
        .secret("whsec_hunter2!!")
        .build()
        .unwrap_err();
    assert!(!err.message().contains("hunter2"), "{err}");
}

#[test]
fn bad_signature_message_reveals_no_signature() {
    let v = standard();
    let expected_b64 = &STD_SIG[3..];
    let wrong_body = br#"{"test": 1}"#;
    let err = v
        .verify(
            wrong_body,
            &std_headers(STD_ID, "1614265330", STD_SIG),
            STD_TS,
        )
        .unwrap_err();
    assert!(!err.message().contains(expected_b64), "{err}");
    // Nor the signature that *would* have been right for the wrong body.
    let right_for_wrong_body = v.sign(wrong_body, Some(STD_ID), STD_TS).unwrap()[2]
        .1
        .clone();
    assert!(!err.message().contains(&right_for_wrong_body[3..]), "{err}");
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// The four signed inputs of a Standard Webhooks delivery.
#[derive(Debug, Clone, Copy)]
enum Part {
    Body,
    Id,
    Timestamp,
    Signature,
}

fn flip(bytes: &mut [u8], index: usize, mask: u8) {
    let i = index % bytes.len();
    bytes[i] ^= mask;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Flipping any bit pattern of any single byte of body, id, timestamp or
    /// signature makes verification fail.
    #[test]
    fn single_byte_flip_fails(part in prop_oneof![Just(Part::Body), Just(Part::Id), Just(Part::Timestamp), Just(Part::Signature)],
                              index in any::<usize>(), mask in 1u8..=255) {
        let v = standard();
        let mut body = STD_BODY.to_vec();
        let mut id = STD_ID.as_bytes().to_vec();
        let mut ts = b"1614265330".to_vec();
        let mut sig = STD_SIG.as_bytes().to_vec();
        match part {
            Part::Body => flip(&mut body, index, mask),
            Part::Id => flip(&mut id, index, mask),
            Part::Timestamp => flip(&mut ts, index, mask),
            // Skip the "v1," so the entry stays a v1 entry and the signature text changes.
            Part::Signature => flip(&mut sig[3..], index, mask),
        }
        let hs = HeaderSet::from_pairs(
            v.header_names(),
            [("webhook-id", &id[..]), ("webhook-timestamp", &ts[..]), ("webhook-signature", &sig[..])],
        );
        prop_assert!(v.verify(&body, &hs, STD_TS).is_err());
    }

    /// Same for Stripe: body, timestamp or signature.
    #[test]
    fn stripe_single_byte_flip_fails(in_body in any::<bool>(), index in any::<usize>(), mask in 1u8..=255) {
        let v = stripe();
        let mut body = STRIPE_BODY.to_vec();
        let mut header = STRIPE_HEADER.as_bytes().to_vec();
        if in_body { flip(&mut body, index, mask) } else {
            // Flip inside "1614000000" or the hex digest, not the "t=" / ",v1=" keys.
            let value_bytes: Vec<usize> = (2..12).chain(16..header.len()).collect();
            let i = value_bytes[index % value_bytes.len()];
            header[i] ^= mask;
        }
        let hs = HeaderSet::from_pairs(v.header_names(), [("Stripe-Signature", &header[..])]);
        prop_assert!(v.verify(&body, &hs, STRIPE_TS).is_err());
    }

    /// Signing then verifying round-trips for arbitrary JSON-ish bodies, ids and secrets.
    #[test]
    fn sign_then_verify_round_trips(secret in proptest::collection::vec(any::<u8>(), 1..64),
                                    n in any::<i64>(), id in "[a-zA-Z0-9_.-]{1,40}",
                                    ts in 0i64..4_000_000_000) {
        let whsec = format!("whsec_{}", BASE64_STANDARD.encode(&secret));
        let body = format!("{{\"n\":{n},\"type\":\"t\"}}");
        for v in [
            WebhookVerifier::builder(Scheme::Standard).secret(&whsec).build().unwrap(),
            WebhookVerifier::builder(Scheme::Stripe).secret(&secret).build().unwrap(),
            WebhookVerifier::builder(Scheme::Hmac).secret(&secret).encoding(SignatureEncoding::Base64).build().unwrap(),
        ] {
            let signed = v.sign(body.as_bytes(), Some(&id), ts).unwrap();
            let hs = HeaderSet::from_pairs(v.header_names(), signed.iter().map(|(k, v)| (k.as_str(), v.as_bytes())));
            let event = v.verify(body.as_bytes(), &hs, ts).unwrap();
            prop_assert_eq!(event.event_type(), Some("t"));
        }
    }

    /// Fuzz: arbitrary header bytes never panic and never verify.
    #[test]
    fn arbitrary_headers_never_panic(id in proptest::collection::vec(any::<u8>(), 0..80),
                                     ts in proptest::collection::vec(any::<u8>(), 0..30),
                                     sig in proptest::collection::vec(any::<u8>(), 0..300),
                                     body in proptest::collection::vec(any::<u8>(), 0..200),
                                     now in any::<i64>()) {
        let standard = standard();
        let hs = HeaderSet::from_pairs(
            standard.header_names(),
            [("webhook-id", &id[..]), ("webhook-timestamp", &ts[..]), ("webhook-signature", &sig[..])],
        );
        prop_assert!(standard.verify(&body, &hs, now).is_err());
        for v in [stripe(), github()] {
            let name = v.header_names()[0].to_owned();
            let hs = HeaderSet::from_pairs(v.header_names(), [(name.as_str(), &sig[..])]);
            prop_assert!(v.verify(&body, &hs, now).is_err());
        }
    }

    /// Fuzz: structured-looking signature headers (right keys, random values).
    #[test]
    fn structured_garbage_never_panics(entries in proptest::collection::vec(("(v1|v1a|v2|t|v0|)", "[ -~]{0,90}"), 0..6),
                                       sep in "[ ,]") {
        let joined: Vec<String> = entries.iter().map(|(k, v)| format!("{k}{}{v}", if sep == " " { "," } else { "=" })).collect();
        let header = joined.join(&sep);
        let v = standard();
        let hs = headers(&v, &[("webhook-id", STD_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", &header)]);
        prop_assert!(v.verify(STD_BODY, &hs, STD_TS).is_err());
        let s = stripe();
        let hs = headers(&s, &[("Stripe-Signature", &header)]);
        prop_assert!(s.verify(STRIPE_BODY, &hs, STRIPE_TS).is_err());
    }

    /// Fuzz: a correctly signed arbitrary body either verifies as JSON or fails
    /// with malformed_json — the JSON pass never panics.
    #[test]
    fn arbitrary_signed_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let v = WebhookVerifier::builder(Scheme::Hmac).secret("s").build().unwrap();
        let signed = v.sign(&body, None, 0).unwrap();
        let hs = HeaderSet::from_pairs(v.header_names(), [(signed[0].0.as_str(), signed[0].1.as_bytes())]);
        match v.verify(&body, &hs, 0) {
            Ok(_) => prop_assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok()),
            Err(e) => prop_assert_eq!(e.reason(), Reason::MalformedJson),
        }
    }
}

// ---------------------------------------------------------------------------
// Limits: entries examined, nesting depth, one timestamp range
// ---------------------------------------------------------------------------

#[test]
fn stripe_examines_at_most_sixteen_v1_entries() {
    let mut builder = WebhookVerifier::builder(Scheme::Stripe);
    for i in 0..100 {
        builder = builder.secret(format!("whsec_{i}"));
    }
    let v = builder.build().unwrap();
    let signed = v.sign(STRIPE_BODY, None, STRIPE_TS).unwrap();
    let good = signed[0].1.split(",v1=").nth(1).unwrap().to_owned();
    let bogus = format!(",v1={}", "0".repeat(64));
    // The valid signature within the first 16 entries verifies...
    let header = format!("t={STRIPE_TS}{}{}", bogus.repeat(15), format!(",v1={good}"));
    let hs = headers(&v, &[("Stripe-Signature", header.as_str())]);
    assert!(v.verify(STRIPE_BODY, &hs, STRIPE_TS).is_ok());
    // ...the 17th is not looked at.
    let header = format!("t={STRIPE_TS}{}{}", bogus.repeat(16), format!(",v1={good}"));
    let hs = headers(&v, &[("Stripe-Signature", header.as_str())]);
    assert_eq!(reason(v.verify(STRIPE_BODY, &hs, STRIPE_TS)), Reason::BadSignature);
    // 400,000 entries × 100 secrets: bounded work (it took 1.8 s before the cap).
    let header = format!("t={STRIPE_TS}{}", bogus.repeat(400_000));
    let hs = headers(&v, &[("Stripe-Signature", header.as_str())]);
    let started = std::time::Instant::now();
    assert_eq!(reason(v.verify(STRIPE_BODY, &hs, STRIPE_TS)), Reason::BadSignature);
    assert!(started.elapsed() < std::time::Duration::from_millis(500), "{:?}", started.elapsed());
}

fn nested(depth: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(depth * 6 + 2);
    for i in 0..depth {
        body.extend_from_slice(if i % 2 == 0 { b"[" } else { b"{\"a\":" });
    }
    body.push(b'0');
    for i in (0..depth).rev() {
        body.extend_from_slice(if i % 2 == 0 { b"]" } else { b"}" });
    }
    body
}

#[test]
fn bodies_nested_deeper_than_json_decode_allows_are_malformed_json() {
    let v = github();
    for (depth, ok) in [(100, true), (511, true), (512, false), (513, false), (100_000, false)] {
        let body = nested(depth);
        let signed = v.sign(&body, None, 0).unwrap();
        let pairs: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let result = v.verify(&body, &headers(&v, &pairs), 0);
        if ok {
            assert!(result.is_ok(), "depth {depth}: {result:?}");
        } else {
            let err = result.expect_err("too deep");
            assert_eq!(err.reason(), Reason::MalformedJson, "depth {depth}");
            assert!(err.message().contains("512"), "{}", err.message());
        }
    }
    // Brackets inside strings do not count.
    let body = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(600), "{".repeat(600));
    let signed = v.sign(body.as_bytes(), None, 0).unwrap();
    let pairs: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert!(v.verify(body.as_bytes(), &headers(&v, &pairs), 0).is_ok());
}

#[test]
fn sign_and_verify_share_one_timestamp_range() {
    for v in [standard(), stripe(), github()] {
        // Every timestamp sign() accepts makes headers verify() accepts at that time.
        for ts in [0, 1, STD_TS, MAX_TIMESTAMP] {
            let signed = v.sign(STD_BODY, None, ts).unwrap_or_else(|e| panic!("{ts}: {e}"));
            let pairs: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let result = v.verify(STD_BODY, &headers(&v, &pairs), ts);
            assert!(result.is_ok(), "{:?} {ts}: {result:?}", v.scheme());
        }
        // Out of range: sign() refuses with a config error naming the value...
        for ts in [-1, MAX_TIMESTAMP + 1, i64::MAX, i64::MIN] {
            let err = v.sign(STD_BODY, None, ts).unwrap_err();
            assert!(err.message().contains("timestamp") && err.message().contains(&ts.to_string()), "{err}");
            // ...and verify() refuses the same values as `now`.
            let signed = v.sign(STD_BODY, None, 0).unwrap();
            let pairs: Vec<(&str, &str)> = signed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let err = v.verify(STD_BODY, &headers(&v, &pairs), ts).unwrap_err();
            assert!(matches!(err.reason(), Reason::TimestampTooNew | Reason::TimestampTooOld), "{err:?}");
            assert!(err.message().contains("now must be a Unix timestamp"), "{}", err.message());
        }
        assert!(check_timestamp("now", -1).is_err());
    }
    // A header beyond the range is malformed (it used to be accepted up to 18 digits).
    let v = WebhookVerifier::builder(Scheme::Standard).secret(STD_SECRET).tolerance_s(MAX_TOLERANCE_S).build().unwrap();
    let hs = std_headers(STD_ID, "253402300800", STD_SIG);
    assert_eq!(reason(v.verify(STD_BODY, &hs, MAX_TIMESTAMP)), Reason::MalformedHeader);
}

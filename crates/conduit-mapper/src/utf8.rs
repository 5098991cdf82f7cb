//! UTF-8 validation of the short strings records are made of (a product name, a
//! status, a quantity), where every general-purpose validator measured spends
//! most of its time getting started: on `"  Товар №1234 "` `core::str::from_utf8`
//! costs about 13 instructions a byte, `encoding_rs::Encoding::utf8_valid_up_to`
//! 12, and `simdutf8` falls back to the standard library below 64 bytes. In
//! `Mapper::mapMany` that was the largest single cost per record.
//!
//! This is a shift-based DFA (the technique Per Vognsen described): each byte
//! selects one 64-bit row that packs the next state for all nine states, six bits
//! each, so a byte costs a load, a shift and a mask, with no branch on its value.
//! The table is computed below from the UTF-8 grammar (The Unicode Standard, table 3-7), not
//! written out, and the tests compare the answer with `core::str::from_utf8` on
//! every sequence of up to three bytes and on random strings.
//!
//! Only the verdict is computed; where an error needs the position of the bad byte,
//! callers ask `core::str::from_utf8` again.

/// States, numbered; a state is held as its bit offset (`number * 6`) in a row.
const ACCEPT: u64 = 0;
const ERROR: u64 = 1;
/// Continuation bytes `80..=BF` still expected: one, two, three.
const TAIL1: u64 = 2;
const TAIL2: u64 = 3;
const TAIL3: u64 = 4;
/// After a lead byte whose second byte has a narrower range (no overlong forms,
/// no surrogates, nothing above U+10FFFF).
const AFTER_E0: u64 = 5; // A0..=BF
const AFTER_ED: u64 = 6; // 80..=9F
const AFTER_F0: u64 = 7; // 90..=BF
const AFTER_F4: u64 = 8; // 80..=8F
const STATES: u64 = 9;
const BITS: u64 = 6;

/// The state after `byte` in `state` (state numbers, not offsets).
const fn next(state: u64, byte: u8) -> u64 {
    let tail = matches!(byte, 0x80..=0xBF);
    match state {
        ACCEPT => match byte {
            0x00..=0x7F => ACCEPT,
            0xC2..=0xDF => TAIL1,
            0xE0 => AFTER_E0,
            0xE1..=0xEC | 0xEE..=0xEF => TAIL2,
            0xED => AFTER_ED,
            0xF0 => AFTER_F0,
            0xF1..=0xF3 => TAIL3,
            0xF4 => AFTER_F4,
            _ => ERROR,
        },
        TAIL1 if tail => ACCEPT,
        TAIL2 if tail => TAIL1,
        TAIL3 if tail => TAIL2,
        AFTER_E0 if matches!(byte, 0xA0..=0xBF) => TAIL1,
        AFTER_ED if matches!(byte, 0x80..=0x9F) => TAIL1,
        AFTER_F0 if matches!(byte, 0x90..=0xBF) => TAIL2,
        AFTER_F4 if matches!(byte, 0x80..=0x8F) => TAIL2,
        _ => ERROR,
    }
}

/// `ROWS[byte] >> offset(state) & 63` is `offset(next(state, byte))`.
const ROWS: [u64; 256] = {
    let mut rows = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut row = 0u64;
        let mut state = 0;
        while state < STATES {
            row |= (next(state, byte as u8) * BITS) << (state * BITS);
            state += 1;
        }
        rows[byte] = row;
        byte += 1;
    }
    rows
};

/// Bytes below 0x80 in all eight lanes.
const ASCII_WORD: u64 = 0x8080_8080_8080_8080;

/// From this length on the standard library's validator is the faster one (it
/// checks aligned words of ASCII at a time between characters).
const LONG: usize = 64;

/// Whether `bytes` are well-formed UTF-8.
pub fn is_valid(bytes: &[u8]) -> bool {
    if bytes.len() >= LONG {
        return std::str::from_utf8(bytes).is_ok();
    }
    // An ASCII start eight bytes at a time (codes, numbers, Latin text); then one
    // transition per byte, no branch: the error state is absorbing, so the verdict
    // is the state at the end.
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        if u64::from_ne_bytes(*word) & ASCII_WORD != 0 {
            break;
        }
        rest = tail;
    }
    let mut state = ACCEPT;
    for &byte in rest {
        state = (ROWS[usize::from(byte)] >> state) & 63;
    }
    state == ACCEPT
}

/// `bytes` as text when they are well-formed UTF-8.
pub fn as_str(bytes: &[u8]) -> Option<&str> {
    if !is_valid(bytes) {
        return None;
    }
    // SAFETY: `is_valid` accepts exactly the well-formed UTF-8 byte strings (the
    // tests check it against `core::str::from_utf8`).
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    fn agrees(bytes: &[u8]) {
        assert_eq!(is_valid(bytes), std::str::from_utf8(bytes).is_ok(), "{bytes:02x?}");
    }

    #[test]
    fn every_sequence_of_up_to_three_bytes() {
        agrees(&[]);
        for a in 0..=255u8 {
            agrees(&[a]);
            for b in 0..=255u8 {
                agrees(&[a, b]);
                for c in 0..=255u8 {
                    assert_eq!(is_valid(&[a, b, c]), std::str::from_utf8(&[a, b, c]).is_ok(), "{a:02x} {b:02x} {c:02x}");
                }
            }
        }
    }

    #[test]
    fn four_byte_sequences_at_every_boundary() {
        let edges = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF];
        for a in 0xF0..=0xFFu8 {
            for b in 0..=255u8 {
                for c in edges {
                    for d in edges {
                        agrees(&[a, b, c, d]);
                    }
                }
            }
        }
    }

    #[test]
    fn random_strings_and_cuts_of_valid_text() {
        // xorshift: reproducible without a dependency.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 8] = [b"a", b"  ", "Товар".as_bytes(), "№".as_bytes(), "€".as_bytes(), "😀".as_bytes(), b"\xF4\x8F\xBF\xBF", b"0123456789abcdef"];
        for _ in 0..200_000 {
            let mut s = Vec::new();
            for _ in 0..(rand() % 12) {
                s.extend_from_slice(pieces[(rand() % 8) as usize]);
            }
            agrees(&s);
            if !s.is_empty() {
                // A cut or a flipped byte anywhere, ASCII runs included.
                let at = (rand() as usize) % s.len();
                agrees(&s[..at]);
                agrees(&s[at..]);
                let mut t = s.clone();
                t[at] = (rand() & 0xFF) as u8;
                agrees(&t);
            }
            let noise: Vec<u8> = (0..(rand() % 40)).map(|_| (rand() & 0xFF) as u8).collect();
            agrees(&noise);
        }
    }
}

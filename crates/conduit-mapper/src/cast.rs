//! Casts. Strict: a value converts only when nothing is lost or guessed, otherwise
//! the field gets an error (`invalid_int`, `invalid_decimal`, …) naming the value.
//!
//! Decimals go through `rust_decimal` (96-bit integer, scale ≤ 28), never through a
//! float: `"19.995"` at scale 2 is `"20.00"` (half-up) exactly. A JSON float input
//! (a PHP float) is read from its shortest round-trip text (`0.1` → `"0.1"`), which is
//! what PHP prints with `serialize_precision = -1`.

use std::borrow::Cow;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Number;

use crate::input::Scalar;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Half away from zero: 2.345 → 2.35, -2.345 → -2.35 (PHP `round()`, accounting).
    HalfUp,
    /// Half to even (banker's): 2.345 → 2.34, 2.355 → 2.36.
    HalfEven,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    Int,
    Float,
    Bool,
    String,
    Decimal { scale: u32, rounding: Rounding },
}

pub type CastFailure = (&'static str, &'static str);

const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Casts one scalar (never null: null is handled before casts).
///
/// # Errors
/// `(reason, sentence)`.
pub fn apply(cast: Cast, value: &Scalar<'_>) -> Result<Scalar<'static>, CastFailure> {
    match cast {
        Cast::Int => to_int(value).map(|i| Scalar::Number(i.into())),
        Cast::Float => to_float(value).map(Scalar::Number),
        Cast::Bool => to_bool(value).map(Scalar::Bool),
        Cast::String => {
            // A one-digit integer borrows its text: no allocation (bindings map it to
            // their shared one-character strings).
            if let Scalar::Number(n) = value {
                if let Some(d) = n.as_u64().and_then(|i| usize::try_from(i).ok()).and_then(|i| DIGITS.get(i)) {
                    return Ok(Scalar::Str(Cow::Borrowed(d)));
                }
            }
            to_string(value).map(|s| Scalar::Str(Cow::Owned(s)))
        }
        Cast::Decimal { scale, rounding } => to_decimal(value, scale, rounding).map(|s| Scalar::Str(Cow::Owned(s))),
    }
}

/// A list or object where a scalar was expected.
fn is_container(value: &Scalar<'_>) -> bool {
    matches!(value, Scalar::Json(v) if v.is_array() || v.is_object())
}

/// A `Json` scalar that is not a container, unpacked (a callback may return `"5"`).
fn unpack<'v>(value: &'v Scalar<'_>) -> Cow<'v, Scalar<'v>> {
    match value {
        Scalar::Json(v) if !v.is_array() && !v.is_object() => Cow::Owned(Scalar::of(v.as_ref().as_ref())),
        other => Cow::Borrowed(other),
    }
}

const NOT_SCALAR: CastFailure = ("invalid_type", "is an array, not a scalar");

fn to_int(value: &Scalar<'_>) -> Result<i64, CastFailure> {
    const BAD: CastFailure = ("invalid_int", "is not a whole number that fits 64 bits");
    if is_container(value) {
        return Err(NOT_SCALAR);
    }
    match unpack(value).as_ref() {
        Scalar::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            let f = n.as_f64().ok_or(BAD)?;
            // i64::MAX as f64 rounds up to 2^63, so the upper bound is exclusive.
            if f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
                #[allow(clippy::cast_possible_truncation)]
                return Ok(f as i64);
            }
            Err(BAD)
        }
        Scalar::Str(s) => s.trim().parse::<i64>().map_err(|_| BAD),
        Scalar::Bool(_) => Err(("invalid_type", "is a boolean, not a number")),
        Scalar::Null | Scalar::Json(_) => Err(BAD),
    }
}

fn to_float(value: &Scalar<'_>) -> Result<Number, CastFailure> {
    const BAD: CastFailure = ("invalid_float", "is not a finite number");
    if is_container(value) {
        return Err(NOT_SCALAR);
    }
    let f = match unpack(value).as_ref() {
        Scalar::Number(n) => n.as_f64().ok_or(BAD)?,
        Scalar::Str(s) => s.trim().parse::<f64>().map_err(|_| BAD)?,
        Scalar::Bool(_) => return Err(("invalid_type", "is a boolean, not a number")),
        Scalar::Null | Scalar::Json(_) => return Err(BAD),
    };
    Number::from_f64(f).ok_or(BAD)
}

fn to_bool(value: &Scalar<'_>) -> Result<bool, CastFailure> {
    const BAD: CastFailure = ("invalid_bool", "is not a boolean (true/false, 1/0, \"Y\"/\"N\", \"yes\"/\"no\", \"on\"/\"off\", \"\")");
    if is_container(value) {
        return Err(NOT_SCALAR);
    }
    match unpack(value).as_ref() {
        Scalar::Bool(b) => Ok(*b),
        Scalar::Number(n) => match n.as_i64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(BAD),
        },
        Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "y" | "yes" | "on" => Ok(true),
            "0" | "false" | "n" | "no" | "off" | "" => Ok(false),
            _ => Err(BAD),
        },
        Scalar::Null | Scalar::Json(_) => Err(BAD),
    }
}

fn to_string(value: &Scalar<'_>) -> Result<String, CastFailure> {
    if is_container(value) {
        return Err(NOT_SCALAR);
    }
    match unpack(value).as_ref() {
        Scalar::Str(s) => Ok(s.to_string()),
        // An exact-size string, not one grown by the formatter.
        Scalar::Number(n) => Ok(n.as_i64().map_or_else(|| n.to_string(), |i| itoa::Buffer::new().format(i).to_owned())),
        // PHP's (string) cast.
        Scalar::Bool(true) => Ok("1".into()),
        Scalar::Bool(false) => Ok(String::new()),
        Scalar::Null | Scalar::Json(_) => Ok(String::new()),
    }
}

/// Parses a decimal exactly: integers, JSON numbers, and strings such as `"-12.50"`,
/// `"+3"`, `" 7 "` (no exponent, no thousands separators; `,` is accepted as the
/// decimal separator when there is no `.`, as 1C exports write it).
fn decimal_of(value: &Scalar<'_>) -> Result<Decimal, CastFailure> {
    const BAD: CastFailure = ("invalid_decimal", "is not a decimal number");
    const BIG: CastFailure = ("out_of_range", "has more digits than a decimal holds (28 significant)");
    if is_container(value) {
        return Err(NOT_SCALAR);
    }
    match unpack(value).as_ref() {
        Scalar::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(Decimal::from(i));
            }
            if let Some(u) = n.as_u64() {
                return Ok(Decimal::from(u));
            }
            // Shortest round-trip text of the float; exponent forms need from_scientific.
            let text = n.to_string();
            if text.contains(['e', 'E']) {
                Decimal::from_scientific(&text).map_err(|_| BIG)
            } else {
                Decimal::from_str_exact(&text).map_err(|_| BIG)
            }
        }
        Scalar::Str(s) => {
            let t = s.trim();
            let normalized = if !t.contains('.') && t.matches(',').count() == 1 { t.replace(',', ".") } else { t.to_string() };
            let body = normalized.strip_prefix(['+', '-']).unwrap_or(&normalized);
            let valid = body.chars().all(|c| c.is_ascii_digit() || c == '.')
                && body.matches('.').count() <= 1
                && body.chars().any(|c| c.is_ascii_digit());
            if !valid {
                return Err(BAD);
            }
            // A valid shape that does not fit 96 bits / 28 digits.
            Decimal::from_str_exact(&normalized).map_err(|_| BIG)
        }
        Scalar::Bool(_) => Err(("invalid_type", "is a boolean, not a number")),
        Scalar::Null | Scalar::Json(_) => Err(BAD),
    }
}

fn to_decimal(value: &Scalar<'_>, scale: u32, rounding: Rounding) -> Result<String, CastFailure> {
    let d = decimal_of(value)?;
    let strategy = match rounding {
        Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
    };
    let mut rounded = d.round_dp_with_strategy(scale, strategy);
    // Pad to exactly `scale` digits ("12.5" → "12.50"); rescale cannot lose digits here.
    rounded.rescale(scale);
    if rounded.scale() != scale {
        return Err(("out_of_range", "has too many digits for the requested scale"));
    }
    let text = rounded.to_string();
    // "-0.00" after rounding a tiny negative: money has no negative zero.
    if rounded.is_zero() {
        return Ok(text.trim_start_matches('-').to_string());
    }
    Ok(text)
}

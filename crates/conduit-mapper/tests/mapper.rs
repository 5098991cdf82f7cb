//! The mapper language, operation by operation, with the edge cases: missing, null,
//! wrong type, decimal rounding, DST boundaries, and the error report.

use conduit_mapper::{CallOut, CallOutError, MapError, Mapper, MappingError};
use serde_json::{json, Value};

fn mapper(spec: Value) -> Mapper {
    match Mapper::compile(&spec) {
        Ok(m) => m,
        Err(e) => panic!("spec should compile: {e}"),
    }
}

fn map(spec: Value, record: Value) -> Value {
    match mapper(spec).map(&record) {
        Ok(v) => v,
        Err(e) => panic!("record should map: {e}"),
    }
}

fn errors(spec: Value, record: Value) -> Vec<MappingError> {
    match mapper(spec).map(&record) {
        Ok(v) => panic!("record should fail, got {v}"),
        Err(e) => e.0,
    }
}

fn reasons(errs: &[MappingError]) -> Vec<(String, &'static str)> {
    errs.iter().map(|e| (e.path.clone(), e.reason)).collect()
}

fn spec_error(spec: Value) -> (String, String) {
    match Mapper::compile(&spec) {
        Ok(_) => panic!("spec should be rejected: {spec}"),
        Err(e) => (e.path, e.message),
    }
}

/// One field `f` with options `opts`, applied to each input; `Ok(out)` or `Err(reason)`.
fn field(opts: Value, input: Value) -> Result<Value, &'static str> {
    let m = mapper(json!({"fields": {"f": opts}}));
    match m.map(&json!({ "v": input })) {
        Ok(v) => Ok(v["f"].clone()),
        Err(e) => Err(e.0[0].reason),
    }
}

fn cast(c: &str, input: Value) -> Result<Value, &'static str> {
    field(json!({"from": "v", "cast": c}), input)
}

// ---------------------------------------------------------------------------
// Sources, rename, missing/null, defaults, required

#[test]
fn rename_paths_and_shorthand() {
    let out = map(
        json!({"fields": {"NAME": "title", "CODE": {"from": "meta.code"}, "id": {}, "FIRST_SKU": "items[0].sku", "DOT": "a~1b"}}),
        json!({"id": 7, "title": "T", "meta": {"code": "c-1"}, "items": [{"sku": "S1"}], "a.b": true}),
    );
    assert_eq!(out, json!({"NAME": "T", "CODE": "c-1", "id": 7, "FIRST_SKU": "S1", "DOT": true}));
    // Output order is spec order.
    let keys: Vec<&String> = out.as_object().map(|m| m.keys().collect()).unwrap_or_default();
    assert_eq!(keys, ["NAME", "CODE", "id", "FIRST_SKU", "DOT"]);
}

#[test]
fn missing_null_default_required() {
    let spec = json!({"fields": {
        "a": "a",
        "b": {"from": "b", "default": "dflt"},
        "c": {"from": "c", "required": true},
        "d": {"from": "d", "default": 0, "required": true},
    }});
    assert_eq!(map(spec.clone(), json!({"c": 1})), json!({"a": null, "b": "dflt", "c": 1, "d": 0}));
    assert_eq!(map(spec.clone(), json!({"a": null, "b": null, "c": 0, "d": null})), json!({"a": null, "b": "dflt", "c": 0, "d": 0}));
    let errs = errors(spec.clone(), json!({}));
    assert_eq!(reasons(&errs), [("c".into(), "required")]);
    assert_eq!(errs[0].value, None);
    let errs = errors(spec, json!({"c": null}));
    assert_eq!(errs[0].value.as_deref(), Some("null"));
    // Falsy values are present: "", 0, false are not missing.
    assert_eq!(field(json!({"from": "v", "required": true}), json!("")), Ok(json!("")));
    assert_eq!(field(json!({"from": "v", "required": true}), json!(false)), Ok(json!(false)));
}

#[test]
fn omit_null() {
    let out = map(json!({"omit_null": true, "fields": {"a": "a", "b": "b", "c": {"from": "c", "default": null}}}), json!({"a": 1}));
    assert_eq!(out, json!({"a": 1}));
}

#[test]
fn wildcards() {
    let rec = json!({"items": [{"sku": " a1 "}, {"sku": "B2"}, {"x": 1}, {"sku": null}], "prices": {"base": "10.5", "sale": "9"}});
    let out = map(
        json!({"fields": {
            "SKUS": {"from": "items[*].sku", "trim": true, "case": "upper"},
            "SKUS2": "items.*.sku",
            "PRICES": {"from": "prices.*", "cast": "decimal"},
            "JOINED": {"from": "items[*].sku", "trim": true, "join": ","},
            "NONE": {"from": "nothing[*]", "required": false},
        }}),
        rec,
    );
    assert_eq!(out["SKUS"], json!(["A1", "B2", null]));
    assert_eq!(out["SKUS2"], json!([" a1 ", "B2", null]));
    assert_eq!(out["PRICES"], json!(["10.50", "9.00"]));
    assert_eq!(out["JOINED"], json!("a1,B2"));
    assert_eq!(out["NONE"], json!([]));
    // A required wildcard with no match fails.
    let errs = errors(json!({"fields": {"S": {"from": "items[*].sku", "required": true}}}), json!({"items": []}));
    assert_eq!(reasons(&errs), [("S".into(), "required")]);
    // Errors inside a list name the position.
    let errs = errors(json!({"fields": {"Q": {"from": "q[*]", "cast": "int"}}}), json!({"q": [1, "x", 3, "y"]}));
    assert_eq!(reasons(&errs), [("Q.1".into(), "invalid_int"), ("Q.3".into(), "invalid_int")]);
}

#[test]
fn constants_templates_concat() {
    let out = map(
        json!({"fields": {
            "TYPE": {"const": "product"},
            "OBJ": {"const": {"a": [1]}},
            "FULL": {"template": "{first} {last}"},
            "CITY": {"template": "{{{addr.city}}} #{n}"},
            "NAME": {"concat": ["first", "middle", "last"], "separator": " "},
            "TAGS": {"concat": ["tags[*]", "extra"], "separator": "|"},
        }}),
        json!({"first": "Ivan", "last": "Petrov", "middle": null, "addr": {"city": "Moscow"}, "n": 5, "tags": ["x", "y"], "extra": true}),
    );
    assert_eq!(out["TYPE"], json!("product"));
    assert_eq!(out["OBJ"], json!({"a": [1]}));
    assert_eq!(out["FULL"], json!("Ivan Petrov"));
    assert_eq!(out["CITY"], json!("{Moscow} #5"));
    assert_eq!(out["NAME"], json!("Ivan Petrov"));
    assert_eq!(out["TAGS"], json!("x|y|true"));
    // Missing placeholders are empty; an array placeholder is an error.
    assert_eq!(field(json!({"template": "[{nope}]"}), json!(1)), Ok(json!("[]")));
    assert_eq!(field(json!({"template": "{v}"}), json!([1])), Err("invalid_type"));
}

// ---------------------------------------------------------------------------
// Casts

#[test]
fn int_cast() {
    assert_eq!(cast("int", json!(5)), Ok(json!(5)));
    assert_eq!(cast("int", json!(" -12 ")), Ok(json!(-12)));
    assert_eq!(cast("int", json!(3.0)), Ok(json!(3)));
    assert_eq!(cast("int", json!(3.5)), Err("invalid_int"));
    assert_eq!(cast("int", json!("3.5")), Err("invalid_int"));
    assert_eq!(cast("int", json!("9223372036854775808")), Err("invalid_int"));
    assert_eq!(cast("int", json!(1e30)), Err("invalid_int"));
    assert_eq!(cast("int", json!(true)), Err("invalid_type"));
    assert_eq!(cast("int", json!("")), Err("invalid_int"));
    assert_eq!(cast("int", json!({"a": 1})), Err("invalid_type"));
    assert_eq!(cast("int", json!(null)), Ok(json!(null)), "null is not cast");
}

#[test]
fn float_bool_string_casts() {
    assert_eq!(cast("float", json!("1.5")), Ok(json!(1.5)));
    assert_eq!(cast("float", json!(2)), Ok(json!(2.0)));
    assert_eq!(cast("float", json!("NaN")), Err("invalid_float"));
    assert_eq!(cast("float", json!("inf")), Err("invalid_float"));
    assert_eq!(cast("float", json!("abc")), Err("invalid_float"));
    for (input, expected) in [
        (json!(true), true),
        (json!(0), false),
        (json!(1), true),
        (json!("Y"), true),
        (json!("n"), false),
        (json!(" yes "), true),
        (json!("OFF"), false),
        (json!(""), false),
        (json!("true"), true),
    ] {
        assert_eq!(cast("bool", input.clone()), Ok(json!(expected)), "{input}");
    }
    assert_eq!(cast("bool", json!(2)), Err("invalid_bool"));
    assert_eq!(cast("bool", json!("maybe")), Err("invalid_bool"));
    assert_eq!(cast("string", json!(12)), Ok(json!("12")));
    assert_eq!(cast("string", json!(1.5)), Ok(json!("1.5")));
    assert_eq!(cast("string", json!(true)), Ok(json!("1")));
    assert_eq!(cast("string", json!(false)), Ok(json!("")));
    assert_eq!(cast("string", json!([1])), Ok(json!(["1"])), "lists are cast element-wise");
    assert_eq!(cast("string", json!({"a": 1})), Err("invalid_type"));
}

fn dec(input: Value, scale: u32, rounding: &str) -> Result<Value, &'static str> {
    field(json!({"from": "v", "cast": "decimal", "scale": scale, "rounding": rounding}), input)
}

#[test]
fn decimal_rounding_half_up_vs_half_even() {
    // input, scale, half_up, half_even
    let table = [
        ("2.345", 2, "2.35", "2.34"),
        ("2.355", 2, "2.36", "2.36"),
        ("-2.345", 2, "-2.35", "-2.34"),
        ("19.995", 2, "20.00", "20.00"),
        ("0.125", 2, "0.13", "0.12"),
        ("0.5", 0, "1", "0"),
        ("1.5", 0, "2", "2"),
        ("2.5", 0, "3", "2"),
        ("-0.004", 2, "0.00", "0.00"),
        ("12", 2, "12.00", "12.00"),
        ("12.5", 4, "12.5000", "12.5000"),
        ("1234567890123456789.129", 2, "1234567890123456789.13", "1234567890123456789.13"),
        ("007.10", 2, "7.10", "7.10"),
        ("+3", 1, "3.0", "3.0"),
        ("12,345", 2, "12.35", "12.34"),
    ];
    for (input, scale, up, even) in table {
        assert_eq!(dec(json!(input), scale, "half_up"), Ok(json!(up)), "{input} half_up");
        assert_eq!(dec(json!(input), scale, "half_even"), Ok(json!(even)), "{input} half_even");
    }
}

#[test]
fn decimal_never_through_float() {
    // 1.005 as a float is 1.00499999999999989…; through the float it would round down.
    assert_eq!(dec(json!("1.005"), 2, "half_up"), Ok(json!("1.01")));
    // A JSON float is read from its shortest text, not its binary expansion.
    assert_eq!(dec(json!(1.005), 2, "half_up"), Ok(json!("1.01")));
    assert_eq!(dec(json!(0.1), 2, "half_up"), Ok(json!("0.10")));
    assert_eq!(dec(json!(1e-7), 2, "half_up"), Ok(json!("0.00")));
    assert_eq!(dec(json!(42), 2, "half_up"), Ok(json!("42.00")));
    assert_eq!(dec(json!(u64::MAX), 0, "half_up"), Ok(json!("18446744073709551615")));
    // Default scale is 2, default rounding half-up.
    assert_eq!(field(json!({"from": "v", "cast": "decimal"}), json!("0.005")), Ok(json!("0.01")));
    for bad in [json!("1e5"), json!("12 345"), json!("1.2.3"), json!("abc"), json!("-"), json!("."), json!(""), json!("1,2,3"), json!("1,234.5"), json!("1_000"), json!("0x10")] {
        assert_eq!(dec(bad.clone(), 2, "half_up"), Err("invalid_decimal"), "{bad}");
    }
    assert_eq!(dec(json!(true), 2, "half_up"), Err("invalid_type"));
    assert_eq!(dec(json!("123456789012345678901234567890"), 2, "half_up"), Err("out_of_range"));
    // Scale 28 on a big number does not fit.
    assert_eq!(dec(json!("12345678901"), 28, "half_up"), Err("out_of_range"));
}

// ---------------------------------------------------------------------------
// String operations and value maps

#[test]
fn trim_case_truncate_by_characters() {
    assert_eq!(field(json!({"from": "v", "trim": true}), json!("  hi \n")), Ok(json!("hi")));
    assert_eq!(field(json!({"from": "v", "case": "upper"}), json!("привет ß")), Ok(json!("ПРИВЕТ SS")));
    assert_eq!(field(json!({"from": "v", "case": "lower"}), json!("ÉCOLE")), Ok(json!("école")));
    // 3 characters, not 3 bytes: "При" is 6 bytes.
    assert_eq!(field(json!({"from": "v", "truncate": 3}), json!("Привет")), Ok(json!("При")));
    assert_eq!(field(json!({"from": "v", "truncate": 10}), json!("short")), Ok(json!("short")));
    assert_eq!(field(json!({"from": "v", "truncate": 2}), json!("👍🏽x")), Ok(json!("👍🏽")));
    // Numbers pass through string operations untouched.
    assert_eq!(field(json!({"from": "v", "trim": true, "truncate": 1}), json!(12345)), Ok(json!(12345)));
    assert_eq!(field(json!({"from": "v", "trim": true}), json!({"a": 1})), Err("invalid_type"));
    // trim, then cast, then truncate.
    assert_eq!(field(json!({"from": "v", "trim": true, "cast": "decimal", "truncate": 4}), json!(" 12.345 ")), Ok(json!("12.3")));
}

#[test]
fn value_maps() {
    let spec = json!({"from": "v", "map": {"active": "Y", "archived": "N", "1": "ONE", "true": "T", "0": "Z"}});
    assert_eq!(field(spec.clone(), json!("active")), Ok(json!("Y")));
    assert_eq!(field(spec.clone(), json!(1)), Ok(json!("ONE")));
    assert_eq!(field(spec.clone(), json!(true)), Ok(json!("T")));
    assert_eq!(field(spec.clone(), json!(false)), Ok(json!("Z")), "false falls back to the \"0\" key (PHP array keys)");
    assert_eq!(field(spec.clone(), json!("Active")), Err("unmapped_value"), "strict and case-sensitive by default");
    assert_eq!(field(json!({"from": "v", "map": {"a": 1}, "map_default": "other"}), json!("zzz")), Ok(json!("other")));
    assert_eq!(field(json!({"from": "v", "map": {"a": 1}, "map_keep": true}), json!("zzz")), Ok(json!("zzz")));
    // Case folding before the lookup makes it case-insensitive.
    assert_eq!(field(json!({"from": "v", "case": "lower", "trim": true, "map": {"active": "Y"}}), json!(" ACTIVE ")), Ok(json!("Y")));
    // Map then cast: "Y"/"N" → bool.
    assert_eq!(field(json!({"from": "v", "map": {"Y": true, "N": false}}), json!("N")), Ok(json!(false)));
    // Mapping to null gives null.
    assert_eq!(field(json!({"from": "v", "map": {"x": null}, "cast": "int"}), json!("x")), Ok(json!(null)));
    let errs = errors(json!({"fields": {"S": {"from": "s", "map": {"a": 1}}}}), json!({"s": "b"}));
    assert_eq!(errs[0].value.as_deref(), Some("\"b\""));
    assert!(errs[0].message.contains("known: a"), "{}", errs[0].message);
}

// ---------------------------------------------------------------------------
// Dates

fn date(opts: Value, input: Value) -> Result<Value, &'static str> {
    field(json!({"from": "v", "date": opts}), input)
}

#[test]
fn erp_moscow_to_iso_utc_and_back() {
    let import = json!({"in": "d.m.Y H:i:s", "in_tz": "Europe/Moscow", "out": "iso8601", "out_tz": "UTC"});
    assert_eq!(date(import.clone(), json!("01.03.2024 12:30:00")), Ok(json!("2024-03-01T09:30:00Z")));
    assert_eq!(date(import.clone(), json!("1.3.2024 12:30:00")), Ok(json!("2024-03-01T09:30:00Z")), "unpadded day/month parse");
    let export = json!({"in": "iso8601", "out": "d.m.Y H:i:s", "out_tz": "Europe/Moscow"});
    assert_eq!(date(export.clone(), json!("2024-03-01T09:30:00Z")), Ok(json!("01.03.2024 12:30:00")));
    assert_eq!(date(export.clone(), json!("2024-03-01T10:30:00+01:00")), Ok(json!("01.03.2024 12:30:00")));
    assert_eq!(date(export, json!("2024-03-01T09:30:00.250Z")), Ok(json!("01.03.2024 12:30:00")));
    // Offsets in the output.
    assert_eq!(date(json!({"in": "d.m.Y H:i:s", "in_tz": "Europe/Moscow", "out": "iso8601", "out_tz": "Europe/Moscow"}), json!("01.03.2024 12:30:00")), Ok(json!("2024-03-01T12:30:00+03:00")));
    assert_eq!(date(json!({"in": "d.m.Y H:i:s", "in_tz": "Europe/Moscow", "out": "c", "out_tz": "UTC"}), json!("01.03.2024 12:30:00")), Ok(json!("2024-03-01T09:30:00+00:00")));
    assert_eq!(date(json!({"in": "d.m.Y", "out": "Y-m-d\\TH:i"}), json!("05.01.2024")), Ok(json!("2024-01-05T00:00")));
    assert_eq!(date(json!({"in": "timestamp", "out": "d.m.Y H:i:s", "out_tz": "Europe/Moscow"}), json!(0)), Ok(json!("01.01.1970 03:00:00")));
    assert_eq!(date(json!({"in": "iso8601", "out": "timestamp"}), json!("1970-01-02T00:00:00Z")), Ok(json!(86400)));
    assert_eq!(date(json!({"in": "U", "out": "Y-m-d H:i:s T", "out_tz": "Europe/Moscow"}), json!("0")), Ok(json!("1970-01-01 03:00:00 MSK")));
    assert_eq!(date(json!({"in": "d M Y, g:i A", "out": "iso8601"}), json!("05 Jan 2024, 3:07 PM")), Ok(json!("2024-01-05T15:07:00Z")));
    // ISO without offset is local time in in_tz.
    assert_eq!(date(json!({"in": "iso8601", "in_tz": "Europe/Moscow", "out": "iso8601"}), json!("2024-03-01T12:30:00")), Ok(json!("2024-03-01T09:30:00Z")));
    assert_eq!(date(json!({"in": "iso8601", "in_tz": "Europe/Moscow", "out": "iso8601"}), json!("2024-03-01")), Ok(json!("2024-02-29T21:00:00Z")));
    // Bad input.
    assert_eq!(date(import.clone(), json!("2024-03-01")), Err("invalid_date"));
    assert_eq!(date(import.clone(), json!("32.01.2024 00:00:00")), Err("invalid_date"));
    assert_eq!(date(import.clone(), json!("29.02.2023 00:00:00")), Err("invalid_date"));
    assert_eq!(date(import, json!(12345)), Err("invalid_type"));
}

#[test]
fn dst_gap_and_overlap_europe_berlin() {
    // Spring forward: 2024-03-31 02:00 CET → 03:00 CEST; 02:30 does not exist.
    let to_utc = json!({"in": "Y-m-d H:i:s", "in_tz": "Europe/Berlin", "out": "iso8601"});
    assert_eq!(date(to_utc.clone(), json!("2024-03-31 01:59:59")), Ok(json!("2024-03-31T00:59:59Z")));
    assert_eq!(date(to_utc.clone(), json!("2024-03-31 02:30:00")), Ok(json!("2024-03-31T01:30:00Z")), "gap: shifted forward");
    assert_eq!(date(to_utc.clone(), json!("2024-03-31 03:00:00")), Ok(json!("2024-03-31T01:00:00Z")));
    // …and shown in Berlin time it reads 03:30 CEST (PHP's result).
    let round = json!({"in": "Y-m-d H:i:s", "in_tz": "Europe/Berlin", "out": "Y-m-d H:i:s T", "out_tz": "Europe/Berlin"});
    assert_eq!(date(round.clone(), json!("2024-03-31 02:30:00")), Ok(json!("2024-03-31 03:30:00 CEST")));
    // Fall back: 2024-10-27 03:00 CEST → 02:00 CET; 02:30 happens twice → the later
    // (CET), as PHP 8.2's DateTime does.
    assert_eq!(date(to_utc.clone(), json!("2024-10-27 02:30:00")), Ok(json!("2024-10-27T01:30:00Z")), "overlap: later instant");
    assert_eq!(date(to_utc.clone(), json!("2024-10-27 02:00:00")), Ok(json!("2024-10-27T01:00:00Z")));
    assert_eq!(date(to_utc.clone(), json!("2024-10-27 01:59:59")), Ok(json!("2024-10-26T23:59:59Z")));
    assert_eq!(date(round, json!("2024-10-27 02:30:00")), Ok(json!("2024-10-27 02:30:00 CET")));
    assert_eq!(date(to_utc.clone(), json!("2024-10-27 03:00:00")), Ok(json!("2024-10-27T02:00:00Z")));
    // Strict rule.
    let strict = json!({"in": "Y-m-d H:i:s", "in_tz": "Europe/Berlin", "out": "iso8601", "dst": "error"});
    assert_eq!(date(strict.clone(), json!("2024-03-31 02:30:00")), Err("nonexistent_time"));
    assert_eq!(date(strict.clone(), json!("2024-10-27 02:30:00")), Err("ambiguous_time"));
    assert_eq!(date(strict, json!("2024-10-27 01:59:59")), Ok(json!("2024-10-26T23:59:59Z")));
    // UTC instants on either side of the change, shown in Berlin time.
    let from_utc = json!({"in": "iso8601", "out": "d.m.Y H:i:s", "out_tz": "Europe/Berlin"});
    assert_eq!(date(from_utc.clone(), json!("2024-10-27T00:30:00Z")), Ok(json!("27.10.2024 02:30:00")));
    assert_eq!(date(from_utc, json!("2024-10-27T01:30:00Z")), Ok(json!("27.10.2024 02:30:00")));
    // Moscow has had no DST since 2011: fixed +03:00 in summer and winter.
    let msk = json!({"in": "d.m.Y H:i:s", "in_tz": "Europe/Moscow", "out": "iso8601"});
    assert_eq!(date(msk.clone(), json!("15.07.2024 12:00:00")), Ok(json!("2024-07-15T09:00:00Z")));
    assert_eq!(date(msk, json!("15.01.2024 12:00:00")), Ok(json!("2024-01-15T09:00:00Z")));
}

// ---------------------------------------------------------------------------
// Nested objects and lists

#[test]
fn nested_objects_and_lists() {
    let spec = json!({"fields": {
        "ID": {"from": "id", "cast": "int"},
        "ADDRESS": {"from": "customer.address", "fields": {"CITY": "city", "ZIP": {"from": "zip", "cast": "string"}}},
        "PRICE": {"fields": {"amount": {"from": "price", "cast": "decimal"}, "currency": {"const": "RUB"}}},
        "ITEMS": {"from": "items", "fields": {"SKU": {"from": "sku", "required": true}, "QTY": {"from": "qty", "cast": "int", "default": 1}}},
        "LINES": {"from": "items[*]", "fields": {"S": "sku"}},
    }});
    let out = map(
        spec.clone(),
        json!({"id": "42", "price": 10, "customer": {"address": {"city": "Kazan", "zip": 420000}},
               "items": [{"sku": "A", "qty": "2"}, {"sku": "B"}]}),
    );
    assert_eq!(
        out,
        json!({"ID": 42, "ADDRESS": {"CITY": "Kazan", "ZIP": "420000"}, "PRICE": {"amount": "10.00", "currency": "RUB"},
               "ITEMS": [{"SKU": "A", "QTY": 2}, {"SKU": "B", "QTY": 1}], "LINES": [{"S": "A"}, {"S": "B"}]})
    );
    // Errors deep inside carry the full output path; all of them are listed.
    let errs = errors(spec, json!({"id": "x", "price": "abc", "customer": {"address": "flat"}, "items": [{"qty": "z"}, 5, {"sku": "C", "qty": 1.5}]}));
    assert_eq!(
        reasons(&errs),
        [
            ("ID".to_string(), "invalid_int"),
            ("ADDRESS".to_string(), "invalid_type"),
            ("PRICE.amount".to_string(), "invalid_decimal"),
            ("ITEMS.0.SKU".to_string(), "required"),
            ("ITEMS.0.QTY".to_string(), "invalid_int"),
            ("ITEMS.1".to_string(), "invalid_type"),
            ("ITEMS.2.QTY".to_string(), "invalid_int"),
            ("LINES.1".to_string(), "invalid_type"),
        ]
    );
}

#[test]
fn every_problem_is_reported_with_quoted_cut_values() {
    let long = "x".repeat(500);
    let errs = errors(
        json!({"fields": {"a": {"from": "a", "cast": "int"}, "b": {"from": "b", "required": true}, "c": {"from": "c", "cast": "bool"}, "d": {"from": "d", "cast": "decimal"}}}),
        json!({"a": long, "c": "maybe", "d": "1.2.3"}),
    );
    assert_eq!(reasons(&errs), [("a".into(), "invalid_int"), ("b".into(), "required"), ("c".into(), "invalid_bool"), ("d".into(), "invalid_decimal")]);
    let quoted = errs[0].value.clone().unwrap_or_default();
    assert_eq!(quoted.chars().count(), 101, "100 characters and an ellipsis");
    assert!(quoted.starts_with("\"xxx") && quoted.ends_with('…'));
    assert_eq!(errs[2].value.as_deref(), Some("\"maybe\""));
    // Cutting counts characters: no UTF-8 sequence is split.
    let errs = errors(json!({"fields": {"a": {"from": "a", "cast": "int"}}}), json!({"a": "ж".repeat(300)}));
    assert_eq!(errs[0].value.as_ref().map(|v| v.chars().count()), Some(101));
    let text = errs[0].to_string();
    assert!(text.starts_with("a: \"жжж"), "{text}");
}

// ---------------------------------------------------------------------------
// Callbacks

struct Upper {
    calls: usize,
}

impl CallOut for Upper {
    fn call(&mut self, callback: usize, value: &Value, record: &Value) -> Result<Value, CallOutError> {
        self.calls += 1;
        match (callback, value) {
            (0, Value::String(s)) => Ok(json!(format!("{}-{}", s.to_uppercase(), record["id"]))),
            (0, Value::Null) => Ok(json!("none")),
            (1, _) => Err(CallOutError::Reject("rejected".into())),
            _ => Err(CallOutError::Abort),
        }
    }
}

#[test]
fn callbacks_through_the_hook() {
    let m = mapper(json!({"fields": {
        "a": {"from": "name", "callback": 0, "truncate": 5},
        "b": {"from": "name", "callback": 1},
        "n": {"from": "sub", "fields": {"c": {"from": "x", "callback": 2}}},
    }}));
    assert_eq!(m.callbacks(), 3);
    let mut hook = Upper { calls: 0 };
    match m.map_with(&json!({"id": 7, "name": "abcdef", "sub": {"x": 1}}), &mut hook) {
        Err(MapError::Aborted) => {}
        other => panic!("callback 2 aborts: {other:?}"),
    }
    let m = mapper(json!({"fields": {"a": {"from": "name", "callback": 0}, "b": {"from": "name", "callback": 1}}}));
    match m.map_with(&json!({"id": 7, "name": "ab"}), &mut hook) {
        Err(MapError::Invalid(e)) => assert_eq!(reasons(&e.0), [("b".into(), "callback_failed")]),
        other => panic!("callback 1 rejects: {other:?}"),
    }
    let m = mapper(json!({"fields": {"a": {"from": "name", "callback": 0, "truncate": 4}}}));
    assert_eq!(m.map_with(&json!({"id": 7, "name": "ab"}), &mut hook), Ok(json!({"a": "AB-7"})));
    assert_eq!(m.map_with(&json!({"id": 7}), &mut hook), Ok(json!({"a": "none"})), "missing → null to the callback");
    // Without a hook a callback field is an error, not a panic.
    assert_eq!(m.map(&json!({"name": "x"})).map_err(|e| e.0[0].reason), Err("callback_failed"));
}

// ---------------------------------------------------------------------------
// Both directions

#[test]
fn round_trip_api_to_bitrix_and_back() {
    let import = mapper(json!({"fields": {
        "XML_ID": {"from": "id", "cast": "string", "required": true},
        "NAME": {"from": "title", "trim": true, "truncate": 255, "required": true},
        "CODE": {"from": "slug", "case": "lower"},
        "ACTIVE": {"from": "status", "map": {"active": "Y", "archived": "N"}, "map_default": "N"},
        "PRICE": {"from": "price.amount", "cast": "decimal", "scale": 2},
        "CURRENCY": {"from": "price.currency", "default": "RUB"},
        "TIMESTAMP_X": {"from": "updated_at", "date": {"in": "iso8601", "out": "d.m.Y H:i:s", "out_tz": "Europe/Moscow"}},
        "SKUS": {"from": "variants[*].sku", "join": ","},
    }}));
    let export = mapper(json!({"fields": {
        "id": {"from": "XML_ID", "cast": "int"},
        "title": "NAME",
        "slug": "CODE",
        "status": {"from": "ACTIVE", "map": {"Y": "active", "N": "archived"}},
        "price": {"fields": {"amount": {"from": "PRICE", "cast": "decimal", "scale": 2}, "currency": "CURRENCY"}},
        "updated_at": {"from": "TIMESTAMP_X", "date": {"in": "d.m.Y H:i:s", "in_tz": "Europe/Moscow", "out": "iso8601"}},
    }}));
    let api = json!({"id": 1001, "title": "  Чайник электрический  ", "slug": "Kettle-1", "status": "active",
                     "price": {"amount": "1999.9", "currency": "RUB"}, "updated_at": "2024-07-15T09:00:00Z",
                     "variants": [{"sku": "K1-W"}, {"sku": "K1-B"}]});
    let bitrix = import.map(&api).map_err(|e| e.to_string());
    assert_eq!(
        bitrix,
        Ok(json!({"XML_ID": "1001", "NAME": "Чайник электрический", "CODE": "kettle-1", "ACTIVE": "Y", "PRICE": "1999.90",
                  "CURRENCY": "RUB", "TIMESTAMP_X": "15.07.2024 12:00:00", "SKUS": "K1-W,K1-B"}))
    );
    let back = bitrix.and_then(|b| export.map(&b).map_err(|e| e.to_string()));
    assert_eq!(
        back,
        Ok(json!({"id": 1001, "title": "Чайник электрический", "slug": "kettle-1", "status": "active",
                  "price": {"amount": "1999.90", "currency": "RUB"}, "updated_at": "2024-07-15T09:00:00Z"}))
    );
}

#[test]
fn selector_picks_records() {
    let doc = json!({"data": {"items": [{"a": 1}, {"a": 2}]}, "one": {"a": 3}});
    let sel = |s: &str| conduit_mapper::Path::parse(s).ok().and_then(|p| Mapper::select(&p, &doc).map(|v| v.len()));
    assert_eq!(sel("data.items[*]"), Some(2));
    assert_eq!(sel("data.items"), Some(2));
    assert_eq!(sel("one"), Some(1));
    assert_eq!(sel("nope"), None);
    assert_eq!(sel("nope[*]"), None, "a wildcard over nothing is not an empty list");
    assert_eq!(sel("one.b.*"), None, "nor over a missing key");
    assert_eq!(sel("one.*"), Some(1));
    assert_eq!(sel("one[*]"), Some(1), "[*] over an object: a list of one");
}

#[test]
fn huge_record() {
    let items: Vec<Value> = (0..50_000).map(|i| json!({"sku": format!("S{i}"), "price": format!("{i}.555")})).collect();
    let m = mapper(json!({"fields": {"P": {"from": "items[*].price", "cast": "decimal"}, "L": {"from": "items", "fields": {"s": "sku"}}}}));
    let out = m.map(&json!({"items": items})).map_err(|e| e.to_string());
    let out = match out {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(out["P"][49_999], json!("49999.56"));
    assert_eq!(out["L"].as_array().map(Vec::len), Some(50_000));
}

// ---------------------------------------------------------------------------
// Spec validation

#[test]
fn spec_errors_name_the_spec_path() {
    let cases = [
        (json!([]), "spec"),
        (json!({}), "fields"),
        (json!({"fields": []}), "fields"),
        (json!({"fields": {}}), "fields"),
        (json!({"fields": {"a": "a"}, "extra": 1}), "spec.extra"),
        (json!({"fields": {"price": {"from": "p", "cast": "money"}}}), "fields.price.cast"),
        (json!({"fields": {"price": {"from": "p", "cast": 5}}}), "fields.price.cast"),
        (json!({"fields": {"price": {"from": "p", "frobnicate": true}}}), "fields.price.frobnicate"),
        (json!({"fields": {"price": {"from": "a..b"}}}), "fields.price.from"),
        (json!({"fields": {"price": "a[x]"}}), "fields.price"),
        (json!({"fields": {"price": 5}}), "fields.price"),
        (json!({"fields": {"p": {"from": "p", "const": 1}}}), "fields.p"),
        (json!({"fields": {"p": {"from": "p", "scale": 2}}}), "fields.p.scale"),
        (json!({"fields": {"p": {"from": "p", "cast": "decimal", "scale": 29}}}), "fields.p.scale"),
        (json!({"fields": {"p": {"from": "p", "cast": "decimal", "rounding": "up"}}}), "fields.p.rounding"),
        (json!({"fields": {"p": {"from": "p", "truncate": 0}}}), "fields.p.truncate"),
        (json!({"fields": {"p": {"from": "p", "case": "title"}}}), "fields.p.case"),
        (json!({"fields": {"p": {"from": "p", "map_default": 1}}}), "fields.p.map_default"),
        (json!({"fields": {"p": {"from": "p", "map": ["a"]}}}), "fields.p.map"),
        (json!({"fields": {"p": {"from": "p", "required": "yes"}}}), "fields.p.required"),
        (json!({"fields": {"p": {"template": "{a"}}}), "fields.p.template"),
        (json!({"fields": {"p": {"template": "a}"}}}), "fields.p.template"),
        (json!({"fields": {"p": {"template": "{a..b}"}}}), "fields.p.template"),
        (json!({"fields": {"p": {"concat": []}}}), "fields.p.concat"),
        (json!({"fields": {"p": {"concat": ["a", 1]}}}), "fields.p.concat.1"),
        (json!({"fields": {"p": {"from": "p", "separator": ","}}}), "fields.p.separator"),
        (json!({"fields": {"p": {"from": "p", "date": {"in": "d.m.Y Q"}}}}), "fields.p.date.in"),
        (json!({"fields": {"p": {"from": "p", "date": {"in": "T"}}}}), "fields.p.date.in"),
        (json!({"fields": {"p": {"from": "p", "date": {"in_tz": "Mars/Olympus"}}}}), "fields.p.date.in_tz"),
        (json!({"fields": {"p": {"from": "p", "date": {"zone": "UTC"}}}}), "fields.p.date.zone"),
        (json!({"fields": {"p": {"from": "p", "date": {"dst": "later"}}}}), "fields.p.date.dst"),
        (json!({"fields": {"p": {"from": "p", "date": "d.m.Y"}}}), "fields.p.date"),
        (json!({"fields": {"p": {"from": "p", "fields": {"q": {"cast": "nope"}}}}}), "fields.p.fields.q.cast"),
        (json!({"fields": {"p": {"from": "p", "fields": {"q": "q"}, "cast": "int"}}}), "fields.p.cast"),
        (json!({"fields": {"p": {"const": 1, "fields": {"q": "q"}}}}), "fields.p.fields"),
        (json!({"fields": {"p": {"from": "p", "callback": "strtoupper"}}}), "fields.p.callback"),
        (json!({"fields": {"p": {"from": "p", "map": {"a": 1}, "map_default": 1, "map_keep": true}}}), "fields.p"),
    ];
    for (spec, path) in cases {
        let (got, message) = spec_error(spec.clone());
        assert_eq!(got, path, "{spec}: {message}");
        assert!(!message.is_empty());
    }
    let (_, message) = spec_error(json!({"fields": {"price": {"from": "p", "cast": "money"}}}));
    assert!(message.contains("\"money\"") && message.contains("decimal"), "{message}");
    let depth = (0..40).fold(json!("x"), |inner, _| json!({"from": "x", "fields": {"x": inner}}));
    assert!(Mapper::compile(&json!({"fields": {"x": depth}})).is_err());
}

#[test]
fn root_keys() {
    let keys = |spec: Value| mapper(spec).root_keys();
    assert_eq!(
        keys(json!({"fields": {
            "a": "x.y", "b": {"from": "items[*].sku"}, "c": {"template": "{first} {x.z}"}, "d": {"concat": ["last", "0"]},
            "e": {"const": 1}, "f": {"fields": {"g": "inner"}}, "h": {"from": "sub", "fields": {"i": {"from": "deep", "callback": 0}}}, "b2": "items.0",
        }})),
        Some(vec!["x", "items", "first", "last", "0", "inner", "sub"].into_iter().map(String::from).collect())
    );
    assert_eq!(keys(json!({"fields": {"a": "[*].x"}})), None, "a wildcard root reads everything");
    assert_eq!(keys(json!({"fields": {"a": {"from": "a", "callback": 0}}})), None, "a callback gets the whole record");
    assert_eq!(keys(json!({"fields": {"n": {"fields": {"a": {"from": "a", "callback": 0}}}}})), None, "…also from a same-record sub-spec");
}

#[test]
fn compiled_mapper_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Mapper>();
}

//! Record streams over JSON, NDJSON and XML: selectors, batches, bodies cut at every
//! byte, malformed and truncated input, CommerceML with windows-1251, bounded memory.

use std::io::{Cursor, Read};

use conduit_mapper::stream::{RecordStream, StreamError, StreamFormat};
use conduit_mapper::Mapper;
use serde_json::{json, Value};

/// Hands out at most one byte per read: every chunk boundary is exercised.
struct OneByte<R>(R);

impl<R: Read> Read for OneByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match buf.first_mut() {
            Some(b) => self.0.read(std::slice::from_mut(b)),
            None => Ok(0),
        }
    }
}

/// Fails like a dropped connection after `ok` bytes.
struct DropsAfter {
    data: Cursor<Vec<u8>>,
    ok: u64,
}

impl Read for DropsAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.data.position() >= self.ok {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer"));
        }
        let left = usize::try_from(self.ok - self.data.position()).unwrap_or(usize::MAX);
        let n = buf.len().min(left);
        self.data.read(&mut buf[..n])
    }
}

fn stream(format: StreamFormat, selector: &str, body: impl Into<Vec<u8>>) -> RecordStream {
    match RecordStream::new(format, selector, Cursor::new(body.into())) {
        Ok(s) => s,
        Err(e) => panic!("selector {selector}: {e}"),
    }
}

fn all(mut s: RecordStream, batch: usize) -> Result<Vec<Vec<Value>>, StreamError> {
    let mut batches = Vec::new();
    loop {
        let b = s.next_batch(batch)?;
        if b.is_empty() {
            return Ok(batches);
        }
        batches.push(b);
    }
}

fn flat(s: RecordStream) -> Result<Vec<Value>, StreamError> {
    all(s, 1000).map(|b| b.into_iter().flatten().collect())
}

const JSON_DOC: &str = r#"{"meta": {"skip": [1, {"deep": [2, 3]}], "s": "items[*]"}, "data": {"total": 3, "items": [{"sku": "A", "n": 1}, {"sku": "B", "n": 2}, {"sku": "C", "n": 3}], "after": true}}"#;

#[test]
fn json_selectors() {
    let skus = |sel: &str, doc: &str| flat(stream(StreamFormat::Json, sel, doc)).map(|v| v.iter().map(|r| r["sku"].clone()).collect::<Vec<_>>());
    assert_eq!(skus("data.items[*]", JSON_DOC), Ok(vec![json!("A"), json!("B"), json!("C")]));
    assert_eq!(skus("[*]", r#"[{"sku": 1}, {"sku": 2}]"#), Ok(vec![json!(1), json!(2)]));
    assert_eq!(skus("data.*", r#"{"data": {"x": {"sku": "X"}, "y": {"sku": "Y"}}}"#), Ok(vec![json!("X"), json!("Y")]));
    assert_eq!(skus("one[*]", r#"{"one": {"sku": "O"}}"#), Ok(vec![json!("O")]), "[*] over an object: a stream of one");
    assert_eq!(skus("a.1.items[*]", r#"{"a": [{"items": [{"sku": 0}]}, {"items": [{"sku": 9}]}]}"#), Ok(vec![json!(9)]));
    assert_eq!(skus("data.items[*]", r#"{"data": {"items": []}}"#), Ok(vec![]));
    for (sel, doc) in [("data.items[*]", r#"{"data": {}}"#), ("x[*]", "[]"), ("a.5[*]", r#"{"a": [1]}"#), ("a.*", r#"{"a": 5}"#)] {
        assert_eq!(flat(stream(StreamFormat::Json, sel, doc)).map_err(|e| e.reason), Err("not_found"), "{sel}");
    }
    for bad in ["items", "a[*].b[*]", "a[*].b", "a..b"] {
        assert!(RecordStream::new(StreamFormat::Json, bad, Cursor::new(Vec::new())).is_err(), "{bad}");
    }
}

#[test]
fn json_batches_and_every_chunk_boundary() {
    let batches = all(stream(StreamFormat::Json, "data.items[*]", JSON_DOC), 2).map(|b| b.iter().map(Vec::len).collect::<Vec<_>>());
    assert_eq!(batches, Ok(vec![2, 1]));
    let whole = flat(stream(StreamFormat::Json, "data.items[*]", JSON_DOC));
    let bytewise = RecordStream::new(StreamFormat::Json, "data.items[*]", OneByte(Cursor::new(JSON_DOC.as_bytes().to_vec()))).map_err(|e| e.to_string());
    let bytewise = bytewise.map(|s| flat(s).map_err(|e| e.to_string()));
    assert_eq!(bytewise, Ok(whole.map_err(|e| e.to_string())));
    // Cut at every byte: either a clean prefix of records (only when the cut falls
    // after the array closed) or an error — never a half record.
    for cut in 0..JSON_DOC.len() {
        let result = flat(stream(StreamFormat::Json, "data.items[*]", &JSON_DOC.as_bytes()[..cut]));
        if let Ok(records) = &result {
            assert_eq!(records.len(), 3, "cut at {cut} gave {records:?} without an error");
        }
    }
}

#[test]
fn json_malformed_mid_stream_drops_the_partial_batch() {
    let body = r#"{"items": [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n" 5}, {"n": 6}]}"#;
    let mut s = stream(StreamFormat::Json, "items[*]", body);
    assert_eq!(s.next_batch(2).map(|b| b.len()), Ok(2));
    assert_eq!(s.next_batch(2).map(|b| b.len()), Ok(2));
    let err = s.next_batch(2).err();
    assert_eq!(err.as_ref().map(|e| (e.reason, e.record)), Some(("invalid_json", 5)), "{err:?}");
    assert_eq!(s.delivered(), 4, "record 4 was read but its batch was dropped");
    assert_eq!(s.next_batch(2).err(), err, "the stream stays failed");
    // Truncated body.
    let err = flat(stream(StreamFormat::Json, "items[*]", &body[..30])).err();
    assert_eq!(err.map(|e| (e.reason, e.record)), Some(("invalid_json", 2)));
}

#[test]
fn connection_lost_mid_stream_is_io_with_the_record_index() {
    let body: Vec<u8> = format!("[{}]", (0..100).map(|i| format!(r#"{{"n": {i}}}"#)).collect::<Vec<_>>().join(",")).into_bytes();
    let ok = body.len() as u64 / 2;
    let s = RecordStream::new(StreamFormat::Json, "[*]", DropsAfter { data: Cursor::new(body.clone()), ok }).map_err(|e| e.to_string());
    let err = s.map(|s| flat(s).err());
    match err {
        Ok(Some(e)) => {
            assert_eq!(e.reason, "io", "{e}");
            assert!(e.record > 40 && e.record < 60, "{e}");
        }
        other => panic!("expected an io error, got {other:?}"),
    }
    let nd: Vec<u8> = (0..100).map(|i| format!("{{\"n\": {i}}}\n")).collect::<String>().into_bytes();
    let ok = nd.len() as u64 / 2;
    let s = RecordStream::new(StreamFormat::Ndjson, "", DropsAfter { data: Cursor::new(nd), ok }).map_err(|e| e.to_string());
    assert_eq!(s.map(|s| flat(s).err().map(|e| e.reason)), Ok(Some("io")));
}

#[test]
fn ndjson() {
    let body = "{\"n\": 1}\n\n{\"n\": 2}\r\n  {\"n\": 3}\n";
    assert_eq!(flat(stream(StreamFormat::Ndjson, "", body)), Ok(vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]));
    let bytewise = RecordStream::new(StreamFormat::Ndjson, "[*]", OneByte(Cursor::new(body.as_bytes().to_vec()))).map_err(|e| e.to_string());
    assert_eq!(bytewise.map(|s| flat(s).map(|v| v.len()).map_err(|e| e.to_string())), Ok(Ok(3)));
    let err = flat(stream(StreamFormat::Ndjson, "", "{\"n\": 1}\n{\"n\": 2}\n{oops}\n{\"n\": 4}\n")).err();
    assert_eq!(err.map(|e| (e.reason, e.record)), Some(("invalid_json", 2)));
    let err = flat(stream(StreamFormat::Ndjson, "", "{\"n\": 1}\n{\"n\": ")).err();
    assert_eq!(err.map(|e| (e.reason, e.record)), Some(("invalid_json", 1)));
    assert!(RecordStream::new(StreamFormat::Ndjson, "items[*]", Cursor::new(Vec::new())).is_err());
}

const COMMERCEML: &str = r#"<?xml version="1.0" encoding="windows-1251"?>
<КоммерческаяИнформация ВерсияСхемы="2.05" ДатаФормирования="2024-03-01T12:00:00">
  <Классификатор><Ид>1</Ид></Классификатор>
  <Каталог СодержитТолькоИзменения="false">
    <Ид>cat-1</Ид>
    <Товары>
      <Товар>
        <Ид>a1b2</Ид>
        <Артикул>ЧК-1</Артикул>
        <Наименование>Чайник &quot;Утро&quot; &amp; кружка</Наименование>
        <Описание><![CDATA[<p>Стальной</p>]]></Описание>
        <ЗначенияСвойств>
          <ЗначенияСвойства><Ид>color</Ид><Значение>Белый</Значение></ЗначенияСвойства>
          <ЗначенияСвойства><Ид>size</Ид><Значение>1,7 л</Значение></ЗначенияСвойства>
        </ЗначенияСвойств>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>
        <Пусто/>
      </Товар>
      <Товар>
        <Ид>c3d4</Ид>
        <Наименование>Кружка</Наименование>
        <ЗначенияСвойств>
          <ЗначенияСвойства><Ид>color</Ид><Значение>Синий</Значение></ЗначенияСвойства>
        </ЗначенияСвойств>
      </Товар>
    </Товары>
  </Каталог>
</КоммерческаяИнформация>
"#;

fn cp1251(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

const GOODS: &str = "КоммерческаяИнформация/Каталог/Товары/Товар";

#[test]
fn commerceml_windows_1251() {
    let body = cp1251(COMMERCEML);
    assert!(std::str::from_utf8(&body).is_err(), "really windows-1251 bytes");
    let records = flat(stream(StreamFormat::Xml, GOODS, body.clone()));
    let records = match records {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["Ид"], json!("a1b2"));
    assert_eq!(records[0]["Наименование"], json!("Чайник \"Утро\" & кружка"));
    assert_eq!(records[0]["Описание"], json!("<p>Стальной</p>"));
    assert_eq!(records[0]["ЗначенияСвойств"]["ЗначенияСвойства"][1]["Значение"], json!("1,7 л"));
    assert_eq!(records[0]["БазоваяЕдиница"], json!({"@Код": "796", "@НаименованиеПолное": "Штука", "#text": "шт"}));
    assert_eq!(records[0]["Пусто"], json!(""));
    // One child is an object, two are a list: `[*]` reads both the same way.
    assert!(records[1]["ЗначенияСвойств"]["ЗначенияСвойства"].is_object());
    let mapper = Mapper::compile(&json!({"fields": {
        "XML_ID": {"from": "Ид", "required": true},
        "NAME": {"from": "Наименование", "truncate": 6},
        "COLOR": {"from": "ЗначенияСвойств.ЗначенияСвойства[*].Значение", "join": ", "},
        "UNIT": {"from": "БазоваяЕдиница.@Код", "cast": "int"},
    }}));
    let mapper = match mapper {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    let mapped: Vec<Value> = records.iter().filter_map(|r| mapper.map(r).ok()).collect();
    assert_eq!(
        mapped,
        vec![
            json!({"XML_ID": "a1b2", "NAME": "Чайник", "COLOR": "Белый, 1,7 л", "UNIT": 796}),
            json!({"XML_ID": "c3d4", "NAME": "Кружка", "COLOR": "Синий", "UNIT": null}),
        ]
    );
    // Every chunk boundary, UTF-8 input too.
    let bytewise = RecordStream::new(StreamFormat::Xml, GOODS, OneByte(Cursor::new(body))).map_err(|e| e.to_string());
    assert_eq!(bytewise.map(|s| flat(s).map_err(|e| e.to_string())), Ok(Ok(records.clone())));
    let utf8 = COMMERCEML.replace("windows-1251", "UTF-8");
    assert_eq!(flat(stream(StreamFormat::Xml, GOODS, utf8)), Ok(records));
}

#[test]
fn xml_offers_and_errors() {
    let offers = r#"<КоммерческаяИнформация><ПакетПредложений><Предложения>
        <Предложение><Ид>a1b2</Ид><Цены><Цена><ЦенаЗаЕдиницу>1999.90</ЦенаЗаЕдиницу></Цена></Цены><Количество>5</Количество></Предложение>
        <Предложение><Ид>c3d4</Ид><Количество>0</Количество></Предложение>
        <Предложение><Ид>e5</Ид><Количество>1</Количество></Предложение>
    </Предложения></ПакетПредложений></КоммерческаяИнформация>"#;
    let sel = "КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение";
    let batches = all(stream(StreamFormat::Xml, sel, offers), 2).map(|b| b.iter().map(Vec::len).collect::<Vec<_>>());
    assert_eq!(batches, Ok(vec![2, 1]));
    assert_eq!(flat(stream(StreamFormat::Xml, "a/b", "<a><c/></a>")), Ok(vec![]));
    assert_eq!(flat(stream(StreamFormat::Xml, "/a/b/", "<a><b x='1'/><b>t</b></a>")), Ok(vec![json!({"@x": "1"}), json!("t")]));
    // Malformed mid-stream: the end tag does not match.
    let bad = "<a><b>1</b><b>2</b><b>3</c><b>4</b></a>";
    let mut s = stream(StreamFormat::Xml, "a/b", bad);
    assert_eq!(s.next_batch(2).map(|b| b.len()), Ok(2));
    assert_eq!(s.next_batch(2).err().map(|e| (e.reason, e.record)), Some(("invalid_xml", 2)));
    // Truncated inside a record, and between records.
    assert_eq!(flat(stream(StreamFormat::Xml, "a/b", "<a><b>1</b><b>2")).err().map(|e| (e.reason, e.record)), Some(("invalid_xml", 1)));
    assert_eq!(flat(stream(StreamFormat::Xml, "a/b", "<a><b>1</b>")).err().map(|e| (e.reason, e.record)), Some(("invalid_xml", 1)));
    assert!(RecordStream::new(StreamFormat::Xml, "a//b", Cursor::new(Vec::new())).is_err());
    for cut in 0..offers.len() {
        if !offers.is_char_boundary(cut) {
            continue;
        }
        if let Ok(records) = flat(stream(StreamFormat::Xml, sel, &offers.as_bytes()[..cut])) {
            assert_eq!(records.len(), 3, "cut at {cut}");
        }
    }
}

/// An export generated on the fly, never held whole: the stream's memory is the
/// batch, whatever the body size.
struct Generated {
    next: u64,
    total: u64,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.chunk.len() {
            self.chunk.clear();
            self.pos = 0;
            if self.next == 0 {
                self.chunk.extend_from_slice(b"{\"items\": [");
            }
            if self.next < self.total {
                if self.next > 0 {
                    self.chunk.push(b',');
                }
                self.chunk.extend_from_slice(format!(r#"{{"sku": "S{}", "price": "{}.5", "pad": "{}"}}"#, self.next, self.next, "x".repeat(200)).as_bytes());
                self.next += 1;
            } else if self.next == self.total {
                self.chunk.extend_from_slice(b"]}");
                self.next += 1;
            } else {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn large_generated_export_in_batches() {
    let total = 100_000;
    let mut s = match RecordStream::new(StreamFormat::Json, "items[*]", Generated { next: 0, total, chunk: Vec::new(), pos: 0 }) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mapper = match Mapper::compile(&json!({"fields": {"SKU": "sku", "PRICE": {"from": "price", "cast": "decimal"}}})) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    let mut count = 0u64;
    let mut last = Value::Null;
    loop {
        let batch = match s.next_batch(500) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 500);
        for r in &batch {
            last = mapper.map(r).unwrap_or_default();
            count += 1;
        }
    }
    assert_eq!(count, total);
    assert_eq!(s.delivered(), total);
    assert_eq!(last, json!({"SKU": "S99999", "PRICE": "99999.50"}));
}

#[test]
fn keep_only_decodes_just_the_named_members_and_still_checks_the_rest() {
    let body = r#"{"items":[{"id":1,"big":{"a":[1,2,{"b":"x"}]},"name":"n"},{"id":2},[3]]}"#;
    let mut s = stream(StreamFormat::Json, "items[*]", body);
    s.keep_only(vec!["id".into(), "name".into()]);
    assert_eq!(flat(s).unwrap(), vec![json!({"id":1,"name":"n"}), json!({"id":2}), json!([3])]);

    let bad = r#"{"items":[{"id":1},{"id":2,"skipped":[1,,2]},{"id":3}]}"#;
    let mut s = stream(StreamFormat::Json, "items[*]", bad);
    s.keep_only(vec!["id".into()]);
    let err = flat(s).unwrap_err();
    assert_eq!((err.reason, err.record), ("invalid_json", 1));
}

#[test]
fn xml_keep_only_skips_other_children_and_still_checks_them() {
    let body = r#"<list><r id="1"><a>1</a><big><x>2</x><x>3</x></big><e/><a2>n</a2></r><r><a>2</a></r></list>"#;
    let mut s = stream(StreamFormat::Xml, "list/r", body);
    s.keep_only(vec!["a".into(), "a2".into()]);
    assert_eq!(flat(s), Ok(vec![json!({"@id": "1", "a": "1", "a2": "n"}), json!({"a": "2"})]));
    let bad = r#"<list><r><a>1</a></r><r><a>2</a><big><x>2</y></big></r></list>"#;
    let mut s = stream(StreamFormat::Xml, "list/r", bad);
    s.keep_only(vec!["a".into()]);
    assert_eq!(flat(s).err().map(|e| (e.reason, e.record)), Some(("invalid_xml", 1)));
}

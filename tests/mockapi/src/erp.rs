//! Mock ERP endpoints (issue 12): catalog and offers exports generated on the fly
//! (never held in memory) and an idempotency-aware orders endpoint.
//!
//! - `GET /erp/catalog?n=N` — products `offset..N` (`P00000000`…) as `format=json`
//!   (`{"items":[…]}`, default), `ndjson`, or `xml` (CommerceML `import.xml`,
//!   `encoding=windows-1251` for the 1C variant).
//! - `GET /erp/offers?n=N` — prices and stock: `format=json` (`{"items":[…]}`) or
//!   `xml` (CommerceML `offers.xml`).
//! - Stream faults, any export: `byte_writes=1` (one body byte per write),
//!   `cut_after=K` (RST after K body bytes), `bad_at=I` (record I malformed),
//!   `huge_at=I&huge_bytes=B` (record I has a B-byte description),
//!   `offset=O` (first product of this response; for resuming). `bad_at`/`huge_at`
//!   count from the response's first record.
//! - `POST /erp/orders` — 201 `{"id","number","created":true,"received":<body>}`;
//!   the same `Idempotency-Key` again gets 200 with the same id and
//!   `"created":false`. `GET /erp/orders` lists them.
//!
//! Bodies use chunked transfer encoding so a cut connection is a broken body to
//! the client, not a short complete one.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::http::{percent_decode, Request, Response};

const FLUSH_AT: usize = 64 * 1024;
/// At most this many products per export (a runaway test must not run for hours).
const MAX_N: u64 = 20_000_000;

static ORDERS: Mutex<Option<OrderBook>> = Mutex::new(None);

#[derive(Default)]
struct OrderBook {
    /// By (prefix, idempotency key).
    by_key: HashMap<(String, String), Value>,
    /// (prefix, order)
    list: Vec<(String, Value)>,
}

/// `/erp/…` or `<prefix>/erp/…` (tests put a prefix of their own in front).
pub fn is_erp(path: &str) -> bool {
    split(path).is_some()
}

/// (prefix, route from "/erp/").
fn split(path: &str) -> Option<(&str, &str)> {
    let at = path.find("/erp/")?;
    Some((&path[..at], &path[at..]))
}

/// What the connection loop does afterwards.
pub enum Outcome {
    Done(Response),
    /// The body was streamed: `Some(keep_alive)` when complete, `None` when cut
    /// (the socket is set to reset) or the write failed.
    Streamed(Option<bool>),
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Ndjson,
    Xml,
}

struct Export {
    n: u64,
    offset: u64,
    format: Format,
    cp1251: bool,
    byte_writes: bool,
    cut_after: Option<u64>,
    bad_at: Option<u64>,
    huge_at: Option<u64>,
    huge_bytes: usize,
}

fn params(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

fn num(p: &HashMap<String, String>, name: &str) -> Result<Option<u64>, String> {
    match p.get(name) {
        None => Ok(None),
        Some(v) => v.parse::<u64>().map(Some).map_err(|_| format!("{name} must be a non-negative integer")),
    }
}

fn export_of(req: &Request) -> Result<Export, String> {
    let p = params(&req.query);
    let format = match p.get("format").map(String::as_str) {
        None | Some("json") => Format::Json,
        Some("ndjson") => Format::Ndjson,
        Some("xml") => Format::Xml,
        Some(other) => return Err(format!("unknown format {other:?}")),
    };
    let cp1251 = match p.get("encoding").map(|s| s.to_ascii_lowercase()) {
        None => false,
        Some(e) if e == "utf-8" => false,
        Some(e) if e == "windows-1251" => true,
        Some(e) => return Err(format!("unknown encoding {e:?}")),
    };
    let n = num(&p, "n")?.unwrap_or(10);
    if n > MAX_N {
        return Err(format!("n is at most {MAX_N}"));
    }
    Ok(Export {
        n,
        offset: num(&p, "offset")?.unwrap_or(0),
        format,
        cp1251,
        byte_writes: p.get("byte_writes").is_some_and(|v| v == "1" || v == "true"),
        cut_after: num(&p, "cut_after")?,
        bad_at: num(&p, "bad_at")?,
        huge_at: num(&p, "huge_at")?,
        huge_bytes: usize::try_from(num(&p, "huge_bytes")?.unwrap_or(1 << 20)).unwrap_or(1 << 20),
    })
}

pub async fn handle(stream: &mut TcpStream, req: &Request, close: bool) -> Outcome {
    let (prefix, route) = split(&req.path).unwrap_or(("", ""));
    match (req.method.as_str(), route) {
        ("POST", "/erp/orders") => Outcome::Done(order(req, prefix)),
        ("GET", "/erp/orders") => {
            let book = ORDERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let list: Vec<Value> =
                book.as_ref().map(|b| b.list.iter().filter(|(p, _)| p == prefix).map(|(_, o)| o.clone()).collect()).unwrap_or_default();
            Outcome::Done(Response::json(200, &json!({"items": list})))
        }
        ("GET", "/erp/catalog" | "/erp/offers") => {
            let export = match export_of(req) {
                Ok(e) => e,
                Err(e) => return Outcome::Done(Response::error(400, "bad_export", &e)),
            };
            let offers = route == "/erp/offers";
            if offers && export.format == Format::Ndjson {
                return Outcome::Done(Response::error(400, "bad_export", "offers come as json or xml"));
            }
            match stream_export(stream, &export, offers, close).await {
                Ok(true) => Outcome::Streamed(Some(!close)),
                _ => Outcome::Streamed(None),
            }
        }
        _ => Outcome::Done(Response::error(404, "not_found", "ERP endpoints: GET /erp/catalog, GET /erp/offers, POST /erp/orders")),
    }
}

fn order(req: &Request, prefix: &str) -> Response {
    let received: Value = serde_json::from_slice(&req.body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()));
    let key = req.headers.iter().find(|(n, _)| n == "idempotency-key").map(|(_, v)| v.clone());
    let mut guard = ORDERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let book = guard.get_or_insert_with(OrderBook::default);
    if let Some(k) = &key {
        if let Some(existing) = book.by_key.get(&(prefix.to_string(), k.clone())) {
            let mut v = existing.clone();
            v["created"] = json!(false);
            return Response::json(200, &v);
        }
    }
    let number = book.list.iter().filter(|(p, _)| p == prefix).count() + 1;
    let v = json!({"id": format!("ERP-{number:06}"), "number": number, "created": true,
                   "idempotency_key": key, "received": received});
    book.list.push((prefix.to_string(), v.clone()));
    if let Some(k) = key {
        book.by_key.insert((prefix.to_string(), k), v.clone());
    }
    Response::json(201, &v)
}

/// Writes the export; `Ok(true)` when the whole body went out.
async fn stream_export(stream: &mut TcpStream, ex: &Export, offers: bool, close: bool) -> std::io::Result<bool> {
    let content_type = match ex.format {
        Format::Json => "application/json".to_string(),
        Format::Ndjson => "application/x-ndjson".to_string(),
        Format::Xml => format!("application/xml; charset={}", if ex.cp1251 { "windows-1251" } else { "utf-8" }),
    };
    let mut head = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n");
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    let mut w = ChunkWriter { stream, buf: Vec::with_capacity(FLUSH_AT + 4096), sent: 0, ex };
    let mut text = String::with_capacity(4096);
    text.push_str(&prologue(ex, offers));
    // Products offset..n: `n` is the export's size, `offset` where this response starts.
    for k in 0..ex.n.saturating_sub(ex.offset) {
        let i = ex.offset.saturating_add(k);
        if ex.format == Format::Json && k > 0 {
            text.push(',');
        }
        if offers {
            offer(&mut text, ex, i, k);
        } else {
            product(&mut text, ex, i, k);
        }
        if ex.format == Format::Ndjson {
            text.push('\n');
        }
        if !w.put(&text).await? {
            return Ok(false);
        }
        text.clear();
    }
    text.push_str(&epilogue(ex, offers));
    if !w.put(&text).await? || !w.flush().await? {
        return Ok(false);
    }
    w.stream.write_all(b"0\r\n\r\n").await?;
    Ok(true)
}

struct ChunkWriter<'a> {
    stream: &'a mut TcpStream,
    buf: Vec<u8>,
    sent: u64,
    ex: &'a Export,
}

impl ChunkWriter<'_> {
    /// `Ok(false)`: the cut point was reached and the connection reset.
    async fn put(&mut self, text: &str) -> std::io::Result<bool> {
        if self.ex.cp1251 {
            self.buf.extend(text.chars().map(to_cp1251));
        } else {
            self.buf.extend_from_slice(text.as_bytes());
        }
        if self.buf.len() >= FLUSH_AT || self.ex.byte_writes {
            return self.flush().await;
        }
        Ok(true)
    }

    async fn flush(&mut self) -> std::io::Result<bool> {
        let mut data = std::mem::take(&mut self.buf);
        let mut cut = false;
        if let Some(limit) = self.ex.cut_after {
            let room = usize::try_from(limit.saturating_sub(self.sent)).unwrap_or(usize::MAX);
            if data.len() >= room {
                data.truncate(room);
                cut = true;
            }
        }
        if self.ex.byte_writes {
            for b in &data {
                self.stream.write_all(&[b'1', b'\r', b'\n', *b, b'\r', b'\n']).await?;
            }
        } else if !data.is_empty() {
            let mut out = format!("{:x}\r\n", data.len()).into_bytes();
            out.extend_from_slice(&data);
            out.extend_from_slice(b"\r\n");
            self.stream.write_all(&out).await?;
        }
        self.sent = self.sent.saturating_add(data.len() as u64);
        data.clear();
        self.buf = data;
        if cut {
            self.stream.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = self.stream.set_zero_linger();
            return Ok(false);
        }
        Ok(true)
    }
}

/// Windows-1251 for what the generator writes (ASCII, Cyrillic, Ё/ё, №).
fn to_cp1251(c: char) -> u8 {
    let u = c as u32;
    match u {
        0..=0x7F => u as u8,
        0x0410..=0x044F => (u - 0x0410 + 0xC0) as u8,
        0x0401 => 0xA8,
        0x0451 => 0xB8,
        0x2116 => 0xB9,
        _ => b'?',
    }
}

fn prologue(ex: &Export, offers: bool) -> String {
    match ex.format {
        Format::Json => "{\"items\":[".into(),
        Format::Ndjson => String::new(),
        Format::Xml => {
            let enc = if ex.cp1251 { "windows-1251" } else { "UTF-8" };
            let mut s = format!(
                "<?xml version=\"1.0\" encoding=\"{enc}\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.08\" ДатаФормирования=\"2024-03-01T12:30:00\">\n"
            );
            if offers {
                s.push_str("<ПакетПредложений СодержитТолькоИзменения=\"false\"><Ид>catalog#</Ид><Наименование>Пакет предложений</Наименование><ИдКаталога>catalog</ИдКаталога><ИдКлассификатора>classifier</ИдКлассификатора>\n<ТипыЦен><ТипЦены><Ид>base</Ид><Наименование>Розничная</Наименование><Валюта>RUB</Валюта></ТипЦены></ТипыЦен>\n<Склады><Склад><Ид>main</Ид><Наименование>Основной склад</Наименование></Склад></Склады>\n<Предложения>\n");
            } else {
                s.push_str("<Классификатор><Ид>classifier</Ид><Наименование>Классификатор</Наименование><Группы>");
                for g in 0..20 {
                    let _ = write!(s, "<Группа><Ид>group-{g}</Ид><Наименование>Категория {g}</Наименование></Группа>");
                }
                s.push_str("</Группы></Классификатор>\n<Каталог СодержитТолькоИзменения=\"false\"><Ид>catalog</Ид><ИдКлассификатора>classifier</ИдКлассификатора><Наименование>Каталог товаров</Наименование>\n<Товары>\n");
            }
            s
        }
    }
}

fn epilogue(ex: &Export, offers: bool) -> String {
    match ex.format {
        Format::Json => "]}".into(),
        Format::Ndjson => String::new(),
        Format::Xml if offers => "</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n".into(),
        Format::Xml => "</Товары>\n</Каталог>\n</КоммерческаяИнформация>\n".into(),
    }
}

const COLORS: [&str; 5] = ["красный", "синий", "зелёный", "чёрный", "белый"];
const DESCRIPTION: &str = "Надёжный товар для дома и офиса: прочный корпус, гарантия производителя, \
доставка по всей России. Подходит для ежедневного использования.";

/// Price in kopecks of product `i` (also what the tests and the bench recompute).
fn price_kop(i: u64) -> u64 {
    (i.wrapping_mul(7919) % 1_000_000) + 100
}

fn description(ex: &Export, k: u64) -> String {
    if ex.huge_at == Some(k) {
        let mut s = String::with_capacity(ex.huge_bytes + 16);
        while s.len() < ex.huge_bytes {
            s.push_str("Очень длинное описание. ");
        }
        s
    } else {
        DESCRIPTION.to_string()
    }
}

fn product(s: &mut String, ex: &Export, i: u64, k: u64) {
    let bad = ex.bad_at == Some(k);
    let price = price_kop(i);
    let color = COLORS[(i % 5) as usize];
    let status = if i % 10 == 9 { "archived" } else { "active" };
    let desc = description(ex, k);
    match ex.format {
        Format::Json | Format::Ndjson => {
            if bad {
                let _ = write!(s, "{{\"id\":\"P{i:08}\",\"title\":\"broken");
                s.push_str("\",,}");
                return;
            }
            let _ = write!(
                s,
                "{{\"id\":\"P{i:08}\",\"sku\":\"SKU-{i}\",\"title\":\"Товар №{i}\",\"slug\":\"product-{i}\",\"status\":\"{status}\",\
\"price\":{{\"amount\":\"{}.{:02}\",\"currency\":\"RUB\"}},\"quantity\":{},\"category\":{{\"id\":\"group-{}\",\"name\":\"Категория {}\"}},\
\"brand\":{{\"name\":\"Бренд {}\"}},\"updated_at\":\"2024-03-01T09:30:00Z\",\"description\":\"{desc}\",\
\"attributes\":[{{\"name\":\"Цвет\",\"value\":\"{color}\"}},{{\"name\":\"Вес\",\"value\":\"{} г\"}}],\"barcode\":\"46{:011}\"}}",
                price / 100,
                price % 100,
                i % 50,
                i % 20,
                i % 20,
                i % 7,
                100 + i % 900,
                i
            );
        }
        Format::Xml => {
            let _ = write!(
                s,
                "<Товар><Ид>P{i:08}</Ид><Артикул>SKU-{i}</Артикул><Наименование>Товар №{i}</Наименование>\
<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\">шт</БазоваяЕдиница><Группы><Ид>group-{}</Ид></Группы>\
<Описание>{desc}</Описание><Штрихкод>46{:011}</Штрихкод><ЗначенияСвойств>\
<ЗначенияСвойства><Ид>color</Ид><Значение>{color}</Значение></ЗначенияСвойства>\
<ЗначенияСвойства><Ид>weight</Ид><Значение>{}</Значение></ЗначенияСвойства></ЗначенияСвойств>\
<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>\
<Статус>{status}</Статус>",
                i % 20,
                i,
                100 + i % 900
            );
            s.push_str(if bad { "</Товр>\n" } else { "</Товар>\n" });
        }
    }
}

fn offer(s: &mut String, ex: &Export, i: u64, k: u64) {
    let bad = ex.bad_at == Some(k);
    let price = price_kop(i);
    match ex.format {
        Format::Json | Format::Ndjson => {
            if bad {
                s.push_str("{\"id\":");
                return;
            }
            let _ = write!(
                s,
                "{{\"id\":\"P{i:08}\",\"price\":\"{}.{:02}\",\"currency\":\"RUB\",\"quantity\":{},\"warehouse\":\"main\"}}",
                price / 100,
                price % 100,
                i % 50
            );
        }
        Format::Xml => {
            let _ = write!(
                s,
                "<Предложение><Ид>P{i:08}</Ид><Наименование>Товар №{i}</Наименование><Цены><Цена><Представление>{} RUB за шт</Представление>\
<ИдТипаЦены>base</ИдТипаЦены><ЦенаЗаЕдиницу>{}.{:02}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта><Единица>шт</Единица></Цена></Цены>\
<Количество>{}</Количество><Склад ИдСклада=\"main\" КоличествоНаСкладе=\"{}\"/>",
                price / 100,
                price / 100,
                price % 100,
                i % 50,
                i % 50
            );
            s.push_str(if bad { "</Предложени>\n" } else { "</Предложение>\n" });
        }
    }
}

//! End-to-end tests against the real binary over TCP.

mod common;

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use common::Server;
use serde_json::json;

#[test]
fn echo_default() {
    let s = Server::start();
    let r = s.req(
        "POST",
        "/hello/world?a=1&b=two",
        &[("X-Foo", "bar"), ("X-Foo", "baz")],
        "payload",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    let j = r.json();
    assert_eq!(j["method"], "POST");
    assert_eq!(j["path"], "/hello/world");
    assert_eq!(j["query"], "a=1&b=two");
    assert_eq!(j["headers"]["x-foo"], "bar, baz");
    assert_eq!(j["headers"]["host"], "test");
    assert_eq!(j["body"], "payload");
    assert_eq!(j["connection_id"], 1);
    assert_eq!(j["seq"], 1);
    assert_eq!(r.header("x-mock-seq"), Some("1"));
}

#[test]
fn chunked_request_body_is_decoded() {
    let s = Server::start();
    let mut c = s.connect();
    c.write_raw(b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["body"], "hello world");
}

#[test]
fn status_retry_after_and_custom_headers() {
    let s = Server::start();
    let r = s.req(
        "GET",
        "/x",
        &[
            ("X-Mock-Status", "503"),
            ("X-Mock-Retry-After", "7"),
            ("X-Mock-Header-X-Request-Id", "abc"),
        ],
        "",
    );
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.header("x-request-id"), Some("abc"));
    assert_eq!(r.json()["path"], "/x");

    // Same controls as query parameters; HTTP-date passes through verbatim.
    let r = s.get(
        "/y?mock_status=429&mock_retry_after=Wed,%2021%20Oct%202015%2007:28:00%20GMT&mock_body=hi",
    );
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(r.text(), "hi");

    // Content-Type can be overridden.
    let r = s.req(
        "GET",
        "/z",
        &[
            ("X-Mock-Body", "<p>"),
            ("X-Mock-Header-Content-Type", "text/html"),
        ],
        "",
    );
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.text(), "<p>");

    // A typo in a control is a 400, not a silent default.
    let r = s.req("GET", "/x", &[("X-Mock-Latency", "5")], "");
    assert_eq!(r.status, 400);
    let r = s.req("GET", "/x", &[("X-Mock-Status", "abc")], "");
    assert_eq!(r.status, 400);
}

#[test]
fn body_bytes() {
    let s = Server::start();
    let r = s.req("GET", "/big", &[("X-Mock-Body-Bytes", "300000")], "");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("300000"));
    assert_eq!(r.body.len(), 300_000);
    assert!(r.body.iter().all(|b| *b == b'x'));
}

#[test]
fn scripts_are_consumed_in_order() {
    let s = Server::start();
    s.admin_post(
        "/__admin/script",
        &json!({"path": "/orders/1", "method": "POST", "responses": [
            {"status": 503, "headers": {"Retry-After": "1"}},
            {"status": 201, "json": {"id": 1}},
            {"body": "raw", "headers": {"Content-Type": "text/plain", "X-N": 3}},
        ]}),
    );
    // Other methods and paths (and the query string) don't consume steps.
    assert_eq!(s.get("/orders/1").status, 200);
    assert_eq!(s.req("POST", "/orders/2", &[], "").status, 200);

    let r = s.req("POST", "/orders/1?x=1", &[], "");
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    let r = s.req("POST", "/orders/1", &[("X-Mock-Status", "500")], "");
    assert_eq!(r.status, 201, "step fields beat X-Mock headers");
    assert_eq!(r.json(), json!({"id": 1}));
    let r = s.req("POST", "/orders/1", &[], "");
    assert_eq!(r.text(), "raw");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("x-n"), Some("3"));
    let r = s.req("POST", "/orders/1", &[], "");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["path"], "/orders/1");

    let scripts = s.admin_get("/__admin/scripts");
    assert_eq!(scripts[0]["remaining"], 0);

    // repeat_last, and replacement of the previous script.
    s.admin_post("/__admin/script", &json!({"path": "/orders/1", "responses": [{"status": 500}, {"status": 502}], "repeat_last": true}));
    let got: Vec<u16> = (0..4).map(|_| s.get("/orders/1").status).collect();
    assert_eq!(got, [500, 502, 502, 502]);

    // Unknown step fields are rejected.
    let r = s.req(
        "POST",
        "/__admin/script",
        &[],
        &json!({"path": "/a", "responses": [{"latency": 5}]}).to_string(),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn keep_alive_reuses_connection() {
    let s = Server::start();
    let mut c = s.connect();
    let a = c.send("GET", "/a", &[], "").json();
    let b = c.send("GET", "/b", &[], "").json();
    assert_eq!(a["connection_id"], b["connection_id"]);
    assert_eq!(b["seq"], 2);
    let other = s.get("/c").json();
    assert_ne!(other["connection_id"], a["connection_id"]);

    // Pipelined requests are answered in order.
    c.write_raw(b"GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(c.read_response().unwrap().json()["path"], "/p1");
    assert_eq!(c.read_response().unwrap().json()["path"], "/p2");

    // Connection: close is honoured.
    let r = c.send("GET", "/d", &[("Connection", "close")], "");
    assert_eq!(r.header("connection"), Some("close"));
    let mut buf = [0u8; 1];
    assert_eq!(c.reader.read(&mut buf).unwrap(), 0);
}

#[test]
fn close_after_response_fault() {
    let s = Server::start();
    let mut c = s.connect();
    let r = c.send("GET", "/a", &[("X-Mock-Fault", "close_after_response")], "");
    assert_eq!(r.status, 200);
    let mut buf = [0u8; 1];
    assert_eq!(c.reader.read(&mut buf).unwrap(), 0);
}

#[test]
fn reset_before_headers() {
    let s = Server::start();
    let mut c = s.connect();
    c.write_raw(b"GET /r HTTP/1.1\r\nHost: x\r\nX-Mock-Fault: reset_before_headers\r\n\r\n");
    let mut buf = [0u8; 64];
    match c.stream().read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("expected reset/EOF, got {other:?}"),
    }
    let recs = s.admin_get("/__admin/requests?path_prefix=/r");
    assert_eq!(recs[0]["status"], serde_json::Value::Null);
}

#[test]
fn reset_after_headers() {
    let s = Server::start();
    let mut c = s.connect();
    c.write_raw(b"GET /r HTTP/1.1\r\nHost: x\r\nX-Mock-Fault: reset_after_headers\r\n\r\n");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut c.reader, &mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    let headers = c.read_headers().unwrap();
    assert!(headers.contains(&("content-length".into(), "1000".into())));
    let mut body = Vec::new();
    let res = c.reader.read_to_end(&mut body);
    assert_eq!(body.len(), 10);
    assert!(
        matches!(res, Err(ref e) if e.kind() == ErrorKind::ConnectionReset),
        "{res:?}"
    );
}

#[test]
fn hang_sends_nothing() {
    let s = Server::start();
    let mut c = s.connect();
    c.stream()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    c.write_raw(b"GET /h HTTP/1.1\r\nHost: x\r\nX-Mock-Fault: hang\r\n\r\n");
    let mut buf = [0u8; 1];
    let err = c.stream().read(&mut buf).expect_err("no bytes expected");
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
    let stats = s.admin_get("/__admin/stats");
    assert_eq!(stats["in_flight"], 1);
    drop(c);
    // Once the client gives up, the request completes with status null.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let recs = s.admin_get("/__admin/requests");
        if !recs[0]["completed_at_ms"].is_null() {
            assert!(recs[0]["status"].is_null());
            break;
        }
        assert!(Instant::now() < deadline, "hang never completed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn latency_and_slow_body() {
    let s = Server::start();
    let t = Instant::now();
    assert_eq!(
        s.req("GET", "/l", &[("X-Mock-Latency-Ms", "100")], "")
            .status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(100));

    let mut c = s.connect();
    let t = Instant::now();
    c.write_raw(b"GET /s?mock_slow_body_ms=20&mock_body_bytes=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
    let r = c.read_response().unwrap();
    assert_eq!(r.body.len(), 1000);
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn rate_limit_burst_then_429() {
    let s = Server::start();
    s.admin_post(
        "/__admin/rate_limit",
        &json!({"per_second": 0.5, "burst": 3, "path_prefix": "/api"}),
    );
    let got: Vec<u16> = (0..4).map(|_| s.get("/api/x").status).collect();
    assert_eq!(got, [200, 200, 200, 429]);
    let r = s.get("/api/x");
    assert_eq!(r.status, 429);
    let ra: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&ra), "{ra}");
    assert_eq!(r.json(), json!({"error": "rate_limited"}));
    // Outside the prefix, and admin, are unaffected.
    assert_eq!(s.get("/other").status, 200);
    s.admin_get("/__admin/stats");
    // Rate-limited requests are still recorded, with their status.
    let recs = s.admin_get("/__admin/requests?path_prefix=/api");
    assert_eq!(recs.as_array().unwrap().len(), 5);
    assert_eq!(recs[4]["status"], 429);

    s.admin_post("/__admin/rate_limit", &json!({"per_second": null}));
    assert_eq!(s.get("/api/x").status, 200);
}

#[test]
fn records_filters_and_stats() {
    let s = Server::start();
    s.req("POST", "/a/1?q=1", &[("X-Trace", "t1")], "body-1");
    s.get("/a/2");
    s.get("/b");
    let all = s.admin_get("/__admin/requests");
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 3, "admin requests are not recorded");
    let r0 = &all[0];
    assert_eq!(r0["seq"], 1);
    assert_eq!(r0["method"], "POST");
    assert_eq!(r0["path"], "/a/1");
    assert_eq!(r0["query"], "q=1");
    assert_eq!(r0["headers"]["x-trace"], "t1");
    assert_eq!(r0["body"], "body-1");
    assert_eq!(r0["connection_id"], 1);
    assert_eq!(r0["in_flight"], 1);
    assert_eq!(r0["status"], 200);
    let arrived = r0["arrived_at_ms"].as_f64().unwrap();
    let completed = r0["completed_at_ms"].as_f64().unwrap();
    assert!(arrived > 1.6e12 && completed >= arrived);

    let a = s.admin_get("/__admin/requests?path_prefix=/a");
    assert_eq!(a.as_array().unwrap().len(), 2);
    let since = s.admin_get("/__admin/requests?since_seq=2");
    assert_eq!(since.as_array().unwrap().len(), 1);
    assert_eq!(since[0]["path"], "/b");

    // Concurrency: 5 overlapping slow requests under /conc.
    let addr = s.addr;
    let threads: Vec<_> = (0..5)
        .map(|_| {
            std::thread::spawn(move || {
                common::Conn::new(addr)
                    .send("GET", "/conc", &[("X-Mock-Latency-Ms", "300")], "")
                    .status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    let st = s.admin_get("/__admin/stats?path_prefix=/conc");
    assert_eq!(st["requests"], 5);
    assert_eq!(st["max_in_flight"], 5);
    assert_eq!(st["in_flight"], 0);
    let st = s.admin_get("/__admin/stats?path_prefix=/a");
    assert_eq!(st["max_in_flight"], 1);
    let st = s.admin_get("/__admin/stats");
    assert_eq!(st["requests"], 8);
    assert_eq!(st["max_in_flight"], 5);
    assert!(st["connections_opened"].as_u64().unwrap() >= 8);

    // Reset clears records, counters and scripts; ids keep increasing.
    s.admin_post(
        "/__admin/script",
        &json!({"path": "/b", "responses": [{"status": 500}]}),
    );
    s.admin_post("/__admin/reset", &json!({}));
    let st = s.admin_get("/__admin/stats");
    assert_eq!(st["requests"], 0);
    assert_eq!(
        s.admin_get("/__admin/requests").as_array().unwrap().len(),
        0
    );
    let j = s.get("/b").json();
    assert!(j["seq"].as_u64().unwrap() > 8);
    assert!(j["connection_id"].as_u64().unwrap() > 8);
}

#[test]
fn malformed_request_gets_400_and_server_survives() {
    let s = Server::start();
    let mut c = s.connect();
    c.write_raw(b"THIS IS NOT HTTP\r\n\r\n");
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.header("connection"), Some("close"));

    let mut c = s.connect();
    c.write_raw(b"POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
    assert_eq!(c.read_response().unwrap().status, 400);

    let mut c = s.connect();
    c.write_raw(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    assert_eq!(c.read_response().unwrap().status, 400);

    assert_eq!(s.get("/still-alive").status, 200);
    let r = s.req("POST", "/__admin/script", &[], "{not json");
    assert_eq!(r.status, 400);
    assert_eq!(s.get("/__admin/nope").status, 404);
}

#[test]
fn expect_100_continue() {
    let s = Server::start();
    let mut c = s.connect();
    c.write_raw(
        b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 100);
    c.write_raw(b"abc");
    let r = c.read_response().unwrap();
    assert_eq!(r.json()["body"], "abc");
}

#[test]
fn shutdown_endpoint_exits() {
    let mut s = Server::start();
    let r = s.req("POST", "/__admin/shutdown", &[], "");
    assert_eq!(r.status, 200);
    let st = s.wait_exit(Duration::from_secs(5)).expect("process exited");
    assert!(st.success());
}

#[test]
fn sigterm_exits_cleanly() {
    let mut s = Server::start();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &s.pid().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let st = s.wait_exit(Duration::from_secs(5)).expect("process exited");
    assert!(st.success(), "{st:?}");
}

#[test]
fn many_sequential_and_concurrent_requests() {
    let s = Server::start();
    let mut c = s.connect();
    let t = Instant::now();
    for _ in 0..2000 {
        assert_eq!(c.send("GET", "/seq", &[], "").status, 200);
    }
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());

    let addr = s.addr;
    let threads: Vec<_> = (0..50)
        .map(|_| {
            std::thread::spawn(move || {
                let mut c = common::Conn::new(addr);
                for _ in 0..10 {
                    assert_eq!(
                        c.send("GET", "/par", &[("X-Mock-Latency-Ms", "20")], "")
                            .status,
                        200
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let st = s.admin_get("/__admin/stats?path_prefix=/par");
    assert_eq!(st["requests"], 500);
    assert!(st["max_in_flight"].as_u64().unwrap() > 10);
}

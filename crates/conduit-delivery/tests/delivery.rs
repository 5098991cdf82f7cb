//! `run_deliveries` against the project's mock API (target/{release,debug}/conduit-mockapi,
//! built by `cargo build --workspace`; the test fails, never skips, when it is missing):
//! success, 5xx then success, 429 with Retry-After, 4xx dead-lettered at once,
//! connection resets, an open circuit (jobs released with attempts untouched), and one
//! idempotency key per job across every redelivery, every attempt logged with its job id.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use conduit_http::{ApiClient, ClientConfig};
use conduit_delivery::{push_request, run_deliveries, RunOptions};
use conduit_store::{JobStatus, Queue, RequestLog, Store, StoreOptions};
use serde_json::{json, Value};

struct Mock {
    child: Child,
    addr: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mock() -> Mock {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let binary = ["release", "debug"]
        .iter()
        .map(|p| target.join(p).join("conduit-mockapi"))
        .find(|p| p.exists())
        .expect("conduit-mockapi not built: run `cargo build --release -p conduit-mockapi` (make test does)");
    let mut child = Command::new(binary).args(["--port", "0"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("LISTENING ").expect("mock did not start").to_string();
    Mock { child, addr }
}

impl Mock {
    fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (_, body) = raw.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap()
    }

    fn script(&self, path: &str, responses: Value) {
        self.admin("POST", "/__admin/script", Some(json!({"path": path, "responses": responses})));
    }

    fn keys(&self, prefix: &str) -> Vec<(String, String)> {
        let records = self.admin("GET", &format!("/__admin/requests?path_prefix={prefix}"), None);
        records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["path"].as_str().unwrap().to_string(), r["headers"]["idempotency-key"].as_str().unwrap_or("").to_string()))
            .collect()
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/d.db", dir.path().display()), StoreOptions::default()).unwrap();
    store.migrate().unwrap();
    (dir, store)
}

fn client(mock: &Mock, options: Value, store: &Store) -> ApiClient {
    let config = ClientConfig::from_options(&format!("http://{}", mock.addr), &options).unwrap();
    let mut client = ApiClient::new(config).unwrap();
    client.add_sink(conduit_delivery::attempt_sink(store));
    client
}

fn run(queue: &Queue, client: &ApiClient) -> conduit_delivery::DeliverySummary {
    run_deliveries(queue, client, &RunOptions::from_value(Some(&json!({"concurrency": 8}))).unwrap()).unwrap()
}

#[test]
fn deliveries_are_acked_retried_or_dead_lettered_with_one_key_per_job() {
    let mock = mock();
    let (_dir, store) = store();
    let queue = Queue::new(store.clone(), Some(&json!({"backoff_base_s": 0, "backoff_max_s": 0}))).unwrap();
    // The client retries nothing itself here, so every redelivery is the queue's.
    let client = client(&mock, json!({"retry": {"max_attempts": 1}}), &store);

    let ok: Vec<i64> = (0..10).map(|i| push_request(&queue, "POST", &format!("/d/ok/{i}"), Some(&json!({"json": {"i": i}})), None).unwrap().0.id).collect();
    mock.script("/d/flaky", json!([{"status": 503}, {"status": 502}, {"status": 201}]));
    let flaky = push_request(&queue, "PUT", "/d/flaky", Some(&json!({"idempotency_key": "order-7"})), None).unwrap().0.id;
    mock.script("/d/reset", json!([{"fault": "reset_before_headers"}, {"status": 200}]));
    let reset = push_request(&queue, "POST", "/d/reset", None, None).unwrap().0.id;
    mock.script("/d/busy", json!([{"status": 429, "headers": {"Retry-After": "120"}}]));
    let busy = push_request(&queue, "POST", "/d/busy", None, None).unwrap().0.id;
    let rejected = push_request(&queue, "POST", "/d/rejected", Some(&json!({"query": {"mock_status": "422"}})), None).unwrap().0.id;

    // Backoff 0: failed jobs are due again at once, so the same run redelivers them
    // (flaky: 503, 502, 201; reset: RST, 200) until only the 429 (Retry-After 120 s) waits.
    let first = run(&queue, &client);
    assert_eq!((first.delivered, first.retried, first.failed, first.skipped), (12, 4, 1, 0), "{first:?}");
    assert_eq!(first.queue_errors, 0, "{first:?}");
    let second = run(&queue, &client);
    assert_eq!((second.delivered, second.retried, second.failed), (0, 0, 0), "nothing due: {second:?}");

    for id in ok.iter().chain([&flaky, &reset]) {
        assert_eq!(queue.get(*id).unwrap().unwrap().status, JobStatus::Done, "job {id}");
    }
    let dead = queue.get(rejected).unwrap().unwrap();
    assert_eq!((dead.status, dead.attempts), (JobStatus::Failed, 1), "a 4xx is dead-lettered at once");
    assert!(dead.last_error.as_deref().unwrap().contains("422"), "{:?}", dead.last_error);
    let waiting = queue.get(busy).unwrap().unwrap();
    assert_eq!(waiting.status, JobStatus::Pending);
    assert!(waiting.run_at >= conduit_store::clock::now_ms() + 110_000, "Retry-After: 120 was honoured");

    // One idempotency key per job, on every redelivery.
    let flaky_keys: Vec<String> = mock.keys("/d/flaky").into_iter().map(|(_, k)| k).collect();
    assert_eq!(flaky_keys, vec!["order-7"; 3]);
    let reset_keys: Vec<String> = mock.keys("/d/reset").into_iter().map(|(_, k)| k).collect();
    assert_eq!(reset_keys.len(), 2);
    assert_eq!(reset_keys[0], reset_keys[1]);
    assert_eq!(reset_keys[0].len(), 36, "a generated UUID");

    // Every attempt is in the request log with its job id.
    let log = RequestLog::new(store.clone());
    log.flush().unwrap();
    assert_eq!(log.count(Some(&json!({"job_id": flaky}))).unwrap(), 3);
    assert_eq!(log.count(Some(&json!({"job_id": reset}))).unwrap(), 2);
    assert_eq!(log.count(None).unwrap(), 10 + 3 + 2 + 1 + 1);
}

#[test]
fn an_open_circuit_releases_jobs_without_spending_attempts() {
    let mock = mock();
    let (_dir, store) = store();
    let queue = Queue::new(store.clone(), Some(&json!({"backoff_base_s": 0, "backoff_max_s": 0}))).unwrap();
    let client = client(
        &mock,
        json!({"retry": {"max_attempts": 1}, "circuit_breaker": {"failure_ratio": 0.5, "min_calls": 4, "open_s": 60}}),
        &store,
    );
    let ids: Vec<i64> = (0..40)
        .map(|i| push_request(&queue, "GET", &format!("/c/{i}"), Some(&json!({"query": {"mock_status": "500"}})), None).unwrap().0.id)
        .collect();
    let summary = run_deliveries(&queue, &client, &RunOptions::from_value(Some(&json!({"concurrency": 1}))).unwrap()).unwrap();
    assert!(summary.retried >= 4, "{summary:?}");
    assert!(summary.skipped > 0, "{summary:?}");
    assert_eq!(summary.delivered, 0);
    let mut released = 0;
    for id in &ids {
        let job = queue.get(*id).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Pending);
        if job.last_error.is_none() {
            assert_eq!(job.attempts, 0, "job {id}: released without an attempt");
            released += 1;
        }
    }
    assert!(released as u64 >= summary.skipped);
    assert_eq!(mock.keys("/c/").len() as u64, summary.retried, "nothing was sent for the released jobs");
}

//! One contract, three engines: every test in `contract` runs on SQLite (a temp file),
//! on MariaDB (127.0.0.1:3306, root, empty password — override with
//! `CONDUIT_TEST_MARIADB=mysql://user:pass@host:port`) and on PostgreSQL
//! (127.0.0.1:5432, user postgres, trust auth — override with
//! `CONDUIT_TEST_POSTGRES=postgres://user:pass@host:port`), each in a database of its
//! own that is dropped afterwards. The servers are never skipped: if one is not
//! reachable the fixture tries to start it, and fails loudly if it cannot.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use conduit_store::{FailDefaults, FailOutcome, JobStatus, LogRow, PushItem, Queue, RequestLog, Store, StoreOptions};
use serde_json::{json, Value};

/// The payload builder `Queue::push_request` is given. conduit-delivery passes the
/// HTTP client's request parser (tested there); the store's contract only needs the
/// spec stored and read back, so this one just upper-cases the method and keys it.
fn plain_spec(method: &str, path: &str, request: &Value, _raw: Option<Vec<u8>>) -> conduit_store::Result<conduit_store::DeliverySpec> {
    Ok(conduit_store::DeliverySpec {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        query: Vec::new(),
        headers: Vec::new(),
        json: request.get("json").cloned(),
        form: None,
        body: None,
        body_base64: None,
        idempotency_key: request
            .get("idempotency_key")
            .and_then(Value::as_str)
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string),
        timeout_s: None,
    })
}

mod fixtures {
    use super::*;
    use mysql::prelude::Queryable;

    pub struct Fixture {
        pub store: Store,
        pub dsn: String,
        _guard: Guard,
    }

    pub enum Guard {
        Sqlite(#[allow(dead_code)] tempfile::TempDir),
        MariaDb { admin: String, database: String },
        Postgres { admin: String, database: String },
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            if let Guard::MariaDb { admin, database } = self {
                if let Ok(pool) = mysql::Pool::new(admin.as_str()) {
                    if let Ok(mut conn) = pool.get_conn() {
                        let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS `{database}`"));
                    }
                }
            }
            if let Guard::Postgres { admin, database } = self {
                // FORCE: this process's store connections to it are still pooled.
                if let Ok(mut client) = ::postgres::Client::connect(&format!("{admin}/postgres"), ::postgres::NoTls) {
                    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"));
                }
            }
        }
    }

    pub fn sqlite() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let dsn = format!("sqlite://{}/conduit.db", dir.path().display());
        let store = Store::open(&dsn, StoreOptions::default()).expect("open");
        store.migrate().expect("migrate");
        Fixture { store, dsn, _guard: Guard::Sqlite(dir) }
    }

    fn admin_url() -> String {
        std::env::var("CONDUIT_TEST_MARIADB").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
    }

    fn ensure_mariadb_running(admin: &str) {
        static START: Once = Once::new();
        START.call_once(|| {
            let reachable = || mysql::Pool::new(admin).and_then(|p| p.get_conn().map(|_| ())).is_ok();
            if reachable() {
                return;
            }
            eprintln!("MariaDB not reachable at {admin}: starting the local server");
            let _ = std::process::Command::new("start-stop-daemon")
                .args(["--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd", "--", "--user=mysql"])
                .status();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if reachable() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            panic!("MariaDB is required by these tests and could not be reached or started at {admin}");
        });
    }

    pub fn mariadb() -> Fixture {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url();
        ensure_mariadb_running(&admin);
        let database = format!(
            "conduit_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        );
        let pool = mysql::Pool::new(admin.as_str()).expect("MariaDB admin connection");
        pool.get_conn()
            .and_then(|mut c| c.query_drop(format!("CREATE DATABASE `{database}` CHARACTER SET utf8mb4")))
            .expect("create test database");
        let dsn = format!("{admin}/{database}");
        let store = Store::open(&dsn, StoreOptions::default()).expect("open");
        store.migrate().expect("migrate");
        Fixture { store, dsn, _guard: Guard::MariaDb { admin, database } }
    }

    pub fn postgres_admin_url() -> String {
        std::env::var("CONDUIT_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
    }

    pub fn postgres_admin() -> ::postgres::Client {
        let admin = postgres_admin_url();
        ensure_postgres_running(&admin);
        ::postgres::Client::connect(&format!("{admin}/postgres"), ::postgres::NoTls).expect("PostgreSQL admin connection")
    }

    fn ensure_postgres_running(admin: &str) {
        static START: Once = Once::new();
        START.call_once(|| {
            let reachable = || ::postgres::Client::connect(&format!("{admin}/postgres"), ::postgres::NoTls).is_ok();
            if reachable() {
                return;
            }
            eprintln!("PostgreSQL not reachable at {admin}: starting the local cluster");
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ensure-postgres.sh");
            let _ = std::process::Command::new("bash").arg(script).status();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if reachable() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            panic!("PostgreSQL is required by these tests and could not be reached or started at {admin}");
        });
    }

    /// A database of its own (dropped afterwards), unmigrated.
    pub fn postgres_database() -> (String, Guard) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin = postgres_admin_url();
        let mut client = postgres_admin();
        let database =
            format!("conduit_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), rand_suffix());
        client.batch_execute(&format!("CREATE DATABASE \"{database}\"")).expect("create test database");
        (format!("{admin}/{database}"), Guard::Postgres { admin, database })
    }

    pub fn postgres() -> Fixture {
        let (dsn, guard) = postgres_database();
        let store = Store::open(&dsn, StoreOptions::default()).expect("open");
        store.migrate().expect("migrate");
        Fixture { store, dsn, _guard: guard }
    }

    fn rand_suffix() -> u32 {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        nanos % 100_000
    }
}

fn queue(store: &Store, options: Value) -> Queue {
    Queue::new(store.clone(), Some(&options)).expect("queue")
}

fn no_opts() -> Option<&'static Value> {
    None
}

fn now_ms() -> i64 {
    conduit_store::clock::now_ms()
}

/// Lease recovery runs at most once a second per process and store.
const RECOVERY_WAIT: Duration = Duration::from_millis(1_150);

mod contract {
    use super::*;

    pub fn migrate_is_versioned_and_idempotent(store: &Store, dsn: &str) {
        let latest = conduit_store::migrations::latest_version();
        assert!(latest >= 5, "versions 1-5 exist (jobs, request log, exact keys, shared limits, status list)");
        assert_eq!(store.schema_version().unwrap(), latest);
        assert_eq!(store.migrate().unwrap(), latest);
        // A second store on the same database with another prefix starts empty and
        // upgrades step by step.
        let other = Store::open(dsn, StoreOptions { table_prefix: "b_conduit_".into(), ..StoreOptions::default() }).unwrap();
        assert_eq!(other.schema_version().unwrap(), 0);
        assert_eq!(other.migrate_to(1).unwrap(), 1);
        let q = queue(&other, json!({}));
        q.push("t", &json!({"a": 1}), None).unwrap();
        assert_eq!(other.schema_version().unwrap(), 1);
        assert_eq!(other.migrate_to(2).unwrap(), 2);
        assert_eq!(other.migrate_to(3).unwrap(), 3);
        assert_eq!(other.migrate().unwrap(), latest);
        assert_eq!(other.migrate().unwrap(), latest);
        assert_eq!(q.count(None).unwrap(), 1, "upgrading kept the data");
        // The log table of version 2 exists now.
        assert_eq!(RequestLog::new(other.clone()).count(None).unwrap(), 0);
    }

    pub fn push_claim_ack_round_trip(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let payload = json!({"orderId": 42, "lines": [1, 2.5, "x", null, {"k": true}], "ünï": "çødé"});
        let pushed = q.push("order.export", &payload, None).unwrap();
        assert!(!pushed.deduplicated);
        let job = q.get(pushed.id).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Pending);
        assert_eq!(job.attempts, 0);
        assert_eq!(job.max_attempts, 5);
        assert_eq!(job.payload_value().unwrap(), payload);

        let claimed = q.claim(10, None).unwrap();
        assert_eq!(claimed.len(), 1);
        let job = &claimed[0];
        assert_eq!((job.id, job.status, job.attempts), (pushed.id, JobStatus::Running, 1));
        assert_eq!(job.job_type, "order.export");
        assert!(job.lease_until.unwrap() > now_ms() + 50_000);
        assert!(q.claim(10, None).unwrap().is_empty(), "a leased job is not claimed twice");

        q.ack(job.id, Some(&json!({"erpId": "A-1"}))).unwrap();
        let done = q.get(job.id).unwrap().unwrap();
        assert_eq!(done.status, JobStatus::Done);
        assert_eq!(done.result.as_deref(), Some(r#"{"erpId":"A-1"}"#));
        assert!(done.finished_at.is_some() && done.processing_ms.is_some());
        let err = q.ack(job.id, None).unwrap_err();
        assert!(err.is_conflict() && err.message().contains("it is done, not running"), "{err}");
        let err = q.ack(999_999, None).unwrap_err();
        assert!(err.is_not_found(), "{err}");
    }

    pub fn ack_many_acks_what_is_held_and_names_the_rest(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let ids: Vec<i64> = (0..4).map(|i| q.push("t", &json!(i), Some(&json!({"dedupe_key": format!("k{i}")}))).unwrap().id).collect();
        assert_eq!(q.claim(3, None).unwrap().len(), 3);
        q.delete(ids[2]).unwrap();
        let refused = q.ack_many(&[ids[0], ids[1], ids[2], ids[3], 999_999]).unwrap();
        assert_eq!(refused, vec![ids[2], ids[3], 999_999], "deleted, pending (never claimed) and unknown");
        for id in &ids[..2] {
            let job = q.get(*id).unwrap().unwrap();
            assert_eq!(job.status, JobStatus::Done);
            assert!(job.processing_ms.is_some());
        }
        // Their dedupe keys are free again.
        assert!(!q.push("t", &json!(0), Some(&json!({"dedupe_key": "k0"}))).unwrap().deduplicated);
        assert!(q.ack_many(&[]).unwrap().is_empty());
        assert!(q.ack_many(&[0]).unwrap_err().is_config());
    }

    pub fn dedupe_returns_the_live_job(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let a = q.push("t", &json!(1), Some(&json!({"dedupe_key": "order:42"}))).unwrap();
        let b = q.push("t", &json!(2), Some(&json!({"dedupe_key": "order:42"}))).unwrap();
        assert_eq!(b.id, a.id);
        assert!(b.deduplicated);
        assert_eq!(q.count(None).unwrap(), 1);
        // Still deduplicated while running.
        let claimed = q.claim(1, None).unwrap();
        assert_eq!(q.push("t", &json!(3), Some(&json!({"dedupe_key": "order:42"}))).unwrap().id, a.id);
        // Once done, the key is free again.
        q.ack(claimed[0].id, None).unwrap();
        let c = q.push("t", &json!(4), Some(&json!({"dedupe_key": "order:42"}))).unwrap();
        assert_ne!(c.id, a.id);
        assert!(!c.deduplicated);
        // Keys are exact (case-sensitive).
        assert_ne!(q.push("t", &json!(5), Some(&json!({"dedupe_key": "ORDER:42"}))).unwrap().id, c.id);
        // Within one pushMany.
        let items = vec![
            PushItem { job_type: "t".into(), payload: json!(1), options: Some(json!({"dedupe_key": "k2"})) },
            PushItem { job_type: "t".into(), payload: json!(2), options: Some(json!({"dedupe_key": "k2"})) },
        ];
        let pushed = q.push_many(&items).unwrap();
        assert_eq!(pushed[0].id, pushed[1].id);
        assert!(pushed[1].deduplicated);
    }

    /// Key variants that a padding, case- or accent-blind collation would merge.
    const KEY_VARIANTS: [&str; 6] = ["order:1", "order:1 ", "Order:1", "ORDER:1", "ordér:1", "orde\u{301}r:1"];

    pub fn dedupe_keys_are_exact(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let mut ids = Vec::new();
        for key in KEY_VARIANTS {
            let pushed = q.push("t", &json!(key), Some(&json!({"dedupe_key": key}))).unwrap();
            assert!(!pushed.deduplicated, "{key:?} was merged with an earlier variant");
            ids.push(pushed.id);
        }
        assert_eq!(q.count(None).unwrap(), KEY_VARIANTS.len() as u64, "every variant is its own job");
        for (key, id) in KEY_VARIANTS.iter().zip(&ids) {
            let again = q.push("t", &json!(0), Some(&json!({"dedupe_key": key}))).unwrap();
            assert_eq!((again.id, again.deduplicated), (*id, true), "{key:?}");
            assert_eq!(q.count(Some(&json!({"dedupe_key": key}))).unwrap(), 1, "filter {key:?}");
            assert_eq!(q.get(*id).unwrap().unwrap().dedupe_key.as_deref(), Some(*key), "stored as given");
        }
        // The windowed look-up is exact too.
        let q = queue(store, json!({"dedupe_window_s": 3600}));
        let done = q.push("w", &json!(1), Some(&json!({"dedupe_key": "win"}))).unwrap().id;
        q.claim(100, Some(&json!({"types": ["w"]}))).unwrap();
        q.ack(done, None).unwrap();
        assert_eq!(q.push("w", &json!(2), Some(&json!({"dedupe_key": "win"}))).unwrap().id, done);
        for key in ["win ", "Win", "wín"] {
            assert!(!q.push("w", &json!(3), Some(&json!({"dedupe_key": key}))).unwrap().deduplicated, "{key:?}");
        }
    }

    pub fn group_keys_are_exact(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let ids: Vec<i64> = KEY_VARIANTS
            .iter()
            .map(|key| q.push("t", &json!(key), Some(&json!({"group_key": key}))).unwrap().id)
            .collect();
        // Six different groups: every head is claimable at once.
        let mut claimed: Vec<i64> = q.claim(100, None).unwrap().iter().map(|j| j.id).collect();
        claimed.sort();
        assert_eq!(claimed, ids, "a job waited behind another group's job");
        for key in KEY_VARIANTS {
            assert_eq!(q.count(Some(&json!({"group_key": key}))).unwrap(), 1, "filter {key:?}");
        }
        // 'solo' after 'solo ' (the reported stuck job), with the first one finished.
        let a = q.push("t", &json!(1), Some(&json!({"group_key": "solo "}))).unwrap().id;
        let b = q.push("t", &json!(2), Some(&json!({"group_key": "solo"}))).unwrap().id;
        let mut claimed: Vec<i64> = q.claim(100, None).unwrap().iter().map(|j| j.id).collect();
        claimed.sort();
        assert_eq!(claimed, vec![a, b]);
        for id in ids.iter().chain([&a, &b]) {
            q.ack(*id, None).unwrap();
        }
        let c = q.push("t", &json!(3), Some(&json!({"group_key": "solo"}))).unwrap().id;
        assert_eq!(q.claim(100, None).unwrap().iter().map(|j| j.id).collect::<Vec<_>>(), vec![c]);
    }

    pub fn types_and_error_filter_are_exact(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let ids: Vec<i64> = KEY_VARIANTS.iter().map(|t| q.push(t, &json!(1), None).unwrap().id).collect();
        for (t, id) in KEY_VARIANTS.iter().zip(&ids) {
            assert_eq!(q.count(Some(&json!({"type": t}))).unwrap(), 1, "type filter {t:?}");
            let claimed = q.claim(100, Some(&json!({"types": [t]}))).unwrap();
            assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![*id], "claim types {t:?}");
            assert_eq!(claimed[0].job_type, *t);
        }
        let stats = q.stats().unwrap();
        assert_eq!(stats.by_type.len(), KEY_VARIANTS.len(), "{:?}", stats.by_type);
        // The error filter: an exact substring on both engines.
        for (i, id) in ids.iter().enumerate() {
            q.fail(*id, &format!("E{i}: Café refused"), FailDefaults::default(), Some(&json!({"retry": false}))).unwrap();
        }
        assert_eq!(q.count(Some(&json!({"error": "Café refused"}))).unwrap(), 6);
        assert_eq!(q.count(Some(&json!({"error": "E3: Café"}))).unwrap(), 1);
        for variant in ["café refused", "CAFÉ", "Cafe refused", "Cafe\u{301}", "Café  refused"] {
            assert_eq!(q.count(Some(&json!({"error": variant}))).unwrap(), 0, "error filter {variant:?}");
        }
        assert_eq!(q.count(Some(&json!({"error": "refused"}))).unwrap(), 6);
    }

    pub fn dedupe_window_covers_finished_jobs(store: &Store, _: &str) {
        // Per push.
        let q = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        let a = q.push("hook", &json!(1), Some(&json!({"dedupe_key": "evt:1", "dedupe_window_s": 3600}))).unwrap();
        q.claim(1, None).unwrap();
        q.ack(a.id, None).unwrap();
        let again = q.push("hook", &json!(2), Some(&json!({"dedupe_key": "evt:1", "dedupe_window_s": 3600}))).unwrap();
        assert_eq!((again.id, again.deduplicated), (a.id, true), "a replay after completion is suppressed");
        assert_eq!(q.count(None).unwrap(), 1);
        // Without a window a finished job does not count (the previous behaviour).
        let fresh = q.push("hook", &json!(3), Some(&json!({"dedupe_key": "evt:1"}))).unwrap();
        assert!(!fresh.deduplicated);
        q.delete(fresh.id).unwrap();
        // Outside the window: a new job.
        std::thread::sleep(Duration::from_millis(60));
        let late = q.push("hook", &json!(4), Some(&json!({"dedupe_key": "evt:1", "dedupe_window_s": 0.05}))).unwrap();
        assert!(!late.deduplicated && late.id != a.id);
        q.delete(late.id).unwrap();
        // Failed jobs never suppress: a dead letter can be pushed again.
        let f = q.push("hook", &json!(5), Some(&json!({"dedupe_key": "evt:2", "dedupe_window_s": 3600}))).unwrap();
        q.claim(1, None).unwrap();
        q.fail(f.id, "permanent", FailDefaults::default(), Some(&json!({"retry": false}))).unwrap();
        let retried = q.push("hook", &json!(6), Some(&json!({"dedupe_key": "evt:2", "dedupe_window_s": 3600}))).unwrap();
        assert!(!retried.deduplicated && retried.id != f.id);
        // A queue default applies to every push with a dedupe key; a push may override it.
        let qd = queue(store, json!({"dedupe_window_s": 3600}));
        assert_eq!(qd.options().dedupe_window_ms, 3_600_000);
        assert_eq!(qd.push("hook", &json!(7), Some(&json!({"dedupe_key": "evt:1"}))).unwrap().id, a.id);
        let live = qd.push("hook", &json!(8), Some(&json!({"dedupe_key": "evt:1", "dedupe_window_s": 0}))).unwrap();
        assert!(!live.deduplicated);
        // A live job with the key comes before a finished one.
        assert_eq!(qd.push("hook", &json!(8), Some(&json!({"dedupe_key": "evt:1"}))).unwrap().id, live.id);
        q.delete(live.id).unwrap();
        // pushMany and pushRequest take it too.
        let items = vec![PushItem { job_type: "hook".into(), payload: json!(9), options: Some(json!({"dedupe_key": "evt:1", "dedupe_window_s": 3600})) }];
        assert_eq!(q.push_many(&items).unwrap()[0].id, a.id);
        let d = q.push_request("POST", "/x", Some(&json!({"json": {"a": 1}, "dedupe_key": "req:1"})), None, plain_spec).unwrap().0;
        let claimed = q.claim(100, Some(&json!({"types": [conduit_store::DELIVERY_JOB_TYPE]}))).unwrap();
        assert_eq!(claimed.len(), 1);
        q.ack(d.id, None).unwrap();
        let (again, _) = q.push_request("POST", "/x", Some(&json!({"json": {"a": 1}, "dedupe_key": "req:1", "dedupe_window_s": 60})), None, plain_spec).unwrap();
        assert_eq!(again.id, d.id);
        // Bad values are config errors naming the option.
        for bad in [json!(-1), json!(2_592_001), json!("x"), json!(f64::NAN.to_string())] {
            let err = q.push("hook", &json!(1), Some(&json!({"dedupe_key": "k", "dedupe_window_s": bad}))).unwrap_err();
            assert!(err.is_config() && err.message().contains("dedupe_window_s"), "{err}");
        }
        let err = q.push("hook", &json!(1), Some(&json!({"dedupe_window_s": 10}))).unwrap_err();
        assert!(err.is_config() && err.message().contains("dedupe_key"), "{err}");
        assert!(Queue::new(store.clone(), Some(&json!({"dedupe_window_s": -5}))).is_err());
    }

    pub fn table_prefixes_follow_one_rule(_: &Store, dsn: &str) {
        // Accepted at construction means migrate() and the queue work, on both engines.
        for prefix in ["", "_", "x", "_1", "a1_", "B_conduit_", "Z_____________________________31"] {
            let store = Store::open(dsn, StoreOptions { table_prefix: prefix.into(), ..StoreOptions::default() })
                .unwrap_or_else(|e| panic!("{prefix:?} refused: {e}"));
            store.migrate().unwrap_or_else(|e| panic!("{prefix:?} passed construction but not migrate(): {e}"));
            let q = queue(&store, json!({}));
            let id = q.push("t", &json!(1), Some(&json!({"dedupe_key": "k", "group_key": "g"}))).unwrap().id;
            assert_eq!(q.claim(1, None).unwrap()[0].id, id, "{prefix:?}");
        }
        // Refused at construction, never later, with the option named and the value quoted.
        let long = "a".repeat(33);
        for prefix in ["1x", "9", "0_", "x-y", "x y", "é", "x'", "x`", "x;", long.as_str()] {
            for err in [
                Store::open(dsn, StoreOptions { table_prefix: prefix.into(), ..StoreOptions::default() }).unwrap_err(),
                StoreOptions::from_value(Some(&json!({"table_prefix": prefix}))).unwrap_err(),
            ] {
                assert!(err.is_config(), "{prefix:?}: {err}");
                assert!(err.message().contains("\"table_prefix\"") && err.message().contains(&format!("{:?}", prefix).replace("\\'", "'")), "{prefix:?}: {err}");
            }
        }
    }

    pub fn groups_run_one_at_a_time_in_push_order(store: &Store, _: &str) {
        let q = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        let g1 = q.push("t", &json!("g1"), Some(&json!({"group_key": "order:1", "priority": 5}))).unwrap().id;
        let g2 = q.push("t", &json!("g2"), Some(&json!({"group_key": "order:1", "priority": 100}))).unwrap().id;
        let g3 = q.push("t", &json!("g3"), Some(&json!({"group_key": "order:1"}))).unwrap().id;
        let free = q.push("t", &json!("free"), None).unwrap().id;
        let other = q.push("t", &json!("other"), Some(&json!({"group_key": "order:2"}))).unwrap().id;

        let ids = |jobs: Vec<conduit_store::Job>| -> Vec<i64> {
            let mut v: Vec<i64> = jobs.iter().map(|j| j.id).collect();
            v.sort();
            v
        };
        // Only the head of each group, whatever the priorities.
        assert_eq!(ids(q.claim(10, None).unwrap()), vec![g1, free, other]);
        assert!(q.claim(10, None).unwrap().is_empty(), "g2 waits while g1 runs");
        // A retry keeps the head in front.
        assert!(matches!(q.fail(g1, "boom", FailDefaults::default(), None).unwrap(), FailOutcome::Retrying { .. }));
        assert_eq!(ids(q.claim(10, None).unwrap()), vec![g1]);
        q.ack(g1, None).unwrap();
        assert_eq!(ids(q.claim(10, None).unwrap()), vec![g2]);
        // A dead-lettered head lets the group continue.
        q.fail(g2, "permanent", FailDefaults::default(), Some(&json!({"retry": false}))).unwrap();
        assert_eq!(ids(q.claim(10, None).unwrap()), vec![g3]);
        q.ack(g3, None).unwrap();
        // A retried old job waits behind nothing now and runs again.
        q.retry(g2).unwrap();
        assert_eq!(ids(q.claim(10, None).unwrap()), vec![g2]);
    }

    pub fn priorities_then_due_time(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let low = q.push("t", &json!("low"), Some(&json!({"priority": -5}))).unwrap().id;
        let normal = q.push("t", &json!("normal"), None).unwrap().id;
        let high = q.push("t", &json!("high"), Some(&json!({"priority": 10}))).unwrap().id;
        let normal2 = q.push("t", &json!("normal2"), None).unwrap().id;
        let order: Vec<i64> = q.claim(10, None).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(order, vec![high, normal, normal2, low]);
        let first_two: Vec<i64> = {
            let q2 = queue(store, json!({}));
            let a = q2.push("u", &json!(1), Some(&json!({"priority": 1}))).unwrap().id;
            let _b = q2.push("u", &json!(2), None).unwrap().id;
            let got: Vec<i64> = q2.claim(1, Some(&json!({"types": ["u"]}))).unwrap().iter().map(|j| j.id).collect();
            assert_eq!(got, vec![a]);
            got
        };
        assert_eq!(first_two.len(), 1);
    }

    pub fn delays_and_run_at(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let later = q.push("t", &json!(1), Some(&json!({"delay_s": 0.4}))).unwrap().id;
        let future = q.push("t", &json!(2), Some(&json!({"run_at": (now_ms() as f64) / 1000.0 + 3600.0}))).unwrap().id;
        let past = q.push("t", &json!(3), Some(&json!({"run_at": 1_000_000_000}))).unwrap().id;
        assert_eq!(q.claim(10, None).unwrap().iter().map(|j| j.id).collect::<Vec<_>>(), vec![past]);
        std::thread::sleep(Duration::from_millis(450));
        assert_eq!(q.claim(10, None).unwrap().iter().map(|j| j.id).collect::<Vec<_>>(), vec![later]);
        assert_eq!(q.get(future).unwrap().unwrap().status, JobStatus::Pending);
        let err = q.push("t", &json!(1), Some(&json!({"delay_s": 1, "run_at": 5}))).unwrap_err();
        assert!(err.is_config(), "{err}");
    }

    pub fn backoff_stays_within_bounds(store: &Store, _: &str) {
        // base 50 ms, cap 125 ms: the n-th failure waits in [0, 50], [0, 100], [0, 125], [0, 125] ms.
        let q = queue(store, json!({"max_attempts": 10, "backoff_base_s": 0.05, "backoff_max_s": 0.125}));
        let id = q.push("t", &json!(1), None).unwrap().id;
        for (n, bound) in [50, 100, 125, 125, 125].into_iter().enumerate() {
            let deadline = Instant::now() + Duration::from_secs(5);
            let job = loop {
                if let Some(job) = q.claim(1, Some(&json!({"types": ["t"]}))).unwrap().pop() {
                    break job;
                }
                assert!(Instant::now() < deadline, "job never became due");
                std::thread::sleep(Duration::from_millis(5));
            };
            assert_eq!(job.attempts as usize, n + 1);
            let before = now_ms();
            let outcome = q.fail(id, "x", FailDefaults::default(), None).unwrap();
            let after = now_ms();
            let FailOutcome::Retrying { run_at } = outcome else { panic!("{outcome:?}") };
            assert!(run_at >= before && run_at - after <= bound, "failure {}: delay {} ms > {bound} ms", n + 1, run_at - after);
        }
        // A job-level backoff overrides the queue's.
        let id = q.push("v", &json!(0), Some(&json!({"backoff_base_s": 0, "backoff_max_s": 0}))).unwrap().id;
        q.claim(1, Some(&json!({"types": ["v"]}))).unwrap();
        let before = now_ms();
        match q.fail(id, "x", FailDefaults::default(), None).unwrap() {
            FailOutcome::Retrying { run_at } => assert!(run_at - before <= 5, "{}", run_at - before),
            other => panic!("{other:?}"),
        }
        // A server's Retry-After wins over the backoff; so does the retry_after_s option.
        q.claim(1, Some(&json!({"types": ["v"]}))).unwrap();
        let before = now_ms();
        match q.fail(id, "429", FailDefaults { retryable: true, retry_after_ms: Some(30_000) }, None).unwrap() {
            FailOutcome::Retrying { run_at } => assert!((run_at - before - 30_000).abs() <= 10),
            other => panic!("{other:?}"),
        }
    }

    pub fn dead_letter_and_manual_retry(store: &Store, _: &str) {
        let q = queue(store, json!({"max_attempts": 2, "backoff_base_s": 0, "backoff_max_s": 0}));
        let id = q.push("t", &json!({}), Some(&json!({"dedupe_key": "dl"}))).unwrap().id;
        q.claim(1, None).unwrap();
        assert!(matches!(q.fail(id, "first", FailDefaults::default(), None).unwrap(), FailOutcome::Retrying { .. }));
        q.claim(1, None).unwrap();
        assert_eq!(q.fail(id, "RuntimeException: second", FailDefaults::default(), None).unwrap(), FailOutcome::Failed);
        let job = q.get(id).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Failed);
        assert_eq!(job.attempts, 2);
        assert_eq!(job.last_error.as_deref(), Some("RuntimeException: second"));
        assert!(q.claim(1, None).unwrap().is_empty());
        // The dedupe key is free while the job is dead.
        let other = q.push("t", &json!({}), Some(&json!({"dedupe_key": "dl"}))).unwrap().id;
        assert_ne!(other, id);
        let err = q.retry(id).unwrap_err();
        assert!(err.is_conflict() && err.message().contains(&format!("job {other}")), "{err}");
        q.delete(other).unwrap();
        q.retry(id).unwrap();
        let job = q.get(id).unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Pending, 0));
        assert_eq!(q.claim(1, None).unwrap()[0].id, id);
        // Non-retryable failures skip the remaining attempts.
        let id2 = q.push("t", &json!({}), None).unwrap().id;
        q.ack(id, None).unwrap();
        q.claim(1, None).unwrap();
        assert_eq!(q.fail(id2, "400", FailDefaults { retryable: false, retry_after_ms: None }, None).unwrap(), FailOutcome::Failed);
        let err = q.retry(id).unwrap_err();
        assert!(err.is_conflict() && err.message().contains("it is done, not failed"), "{err}");
        // retryFailed takes them all back.
        assert_eq!(q.retry_failed(Some(&json!({"type": "t"}))).unwrap(), 1);
        assert_eq!(q.count(Some(&json!({"status": "failed"}))).unwrap(), 0);
    }

    pub fn release_does_not_count_an_attempt(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let id = q.push("t", &json!(1), None).unwrap().id;
        q.claim(1, None).unwrap();
        q.release(id, 0.0).unwrap();
        let job = q.get(id).unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Pending, 0));
        let job = &q.claim(1, None).unwrap()[0];
        assert_eq!(job.attempts, 1);
        q.release(id, 60.0).unwrap();
        assert!(q.claim(1, None).unwrap().is_empty());
        assert!(q.get(id).unwrap().unwrap().run_at >= now_ms() + 59_000);
    }

    pub fn expired_leases_are_reclaimed_and_fenced(store: &Store, _: &str) {
        let worker_a = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        let worker_b = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        let id = worker_a.push("t", &json!(1), None).unwrap().id;
        assert_eq!(worker_a.claim(1, Some(&json!({"lease_s": 0.05}))).unwrap().len(), 1);
        std::thread::sleep(RECOVERY_WAIT);
        let again = worker_b.claim(1, None).unwrap();
        assert_eq!(again.len(), 1, "the expired job is claimable again");
        assert_eq!(again[0].attempts, 2, "the expiry counted as an attempt");
        assert_eq!(again[0].last_error.as_deref(), Some("lease expired"));
        // The first worker lost it: its ack is refused, the new owner's goes through.
        let err = worker_a.ack(id, None).unwrap_err();
        assert!(err.is_conflict() && err.message().contains("another worker"), "{err}");
        worker_b.ack(id, None).unwrap();
        // extendLease keeps a job.
        let id2 = worker_a.push("t", &json!(2), None).unwrap().id;
        worker_a.claim(1, Some(&json!({"lease_s": 0.05}))).unwrap();
        let until = worker_a.extend_lease(id2, 60.0).unwrap();
        assert!(until >= now_ms() + 59_000);
        std::thread::sleep(RECOVERY_WAIT);
        assert!(worker_b.claim(1, None).unwrap().is_empty());
        worker_a.ack(id2, None).unwrap();
    }

    pub fn a_job_that_keeps_killing_its_worker_ends_failed(store: &Store, _: &str) {
        let q = queue(store, json!({"max_attempts": 2, "backoff_base_s": 0, "backoff_max_s": 0}));
        let id = q.push("poison", &json!(1), None).unwrap().id;
        for _ in 0..2 {
            assert_eq!(q.claim(1, Some(&json!({"lease_s": 0.05}))).unwrap().len(), 1);
            std::thread::sleep(RECOVERY_WAIT);
        }
        assert!(q.claim(1, None).unwrap().is_empty());
        let job = q.get(id).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Failed);
        assert_eq!(job.attempts, 2);
        assert_eq!(job.last_error.as_deref(), Some("lease expired"));
    }

    pub fn list_count_filter_order_delete_purge(store: &Store, _: &str) {
        let q = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        let a = q.push("a", &json!(1), Some(&json!({"group_key": "g", "dedupe_key": "d1"}))).unwrap().id;
        let b = q.push("b", &json!(2), None).unwrap().id;
        let c = q.push("b", &json!(3), None).unwrap().id;
        for job in q.claim(10, None).unwrap() {
            if job.id == c {
                q.fail(c, "Timeout 100% reached_", FailDefaults::default(), Some(&json!({"retry": false}))).unwrap();
            } else {
                q.ack(job.id, None).unwrap();
            }
        }
        assert_eq!(q.count(None).unwrap(), 3);
        assert_eq!(q.count(Some(&json!({"type": "b"}))).unwrap(), 2);
        assert_eq!(q.count(Some(&json!({"status": ["done", "failed"], "type": ["a", "b"]}))).unwrap(), 3);
        assert_eq!(q.count(Some(&json!({"error": "100%"}))).unwrap(), 1);
        assert_eq!(q.count(Some(&json!({"error": "Timeout"}))).unwrap(), 1);
        assert_eq!(q.count(Some(&json!({"error": "timeout"}))).unwrap(), 0, "exact: case-sensitive");
        assert_eq!(q.count(Some(&json!({"error": "0%_"}))).unwrap(), 0, "wildcards are literal");
        assert_eq!(q.count(Some(&json!({"group_key": "g"}))).unwrap(), 1);
        assert_eq!(q.count(Some(&json!({"dedupe_key": "d1"}))).unwrap(), 1);
        assert_eq!(q.count(Some(&json!({"created_from": (now_ms() / 1000) + 100}))).unwrap(), 0);
        let ids: Vec<i64> = q.list(None, None, 50, 0).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![c, b, a]);
        let ids: Vec<i64> = q.list(None, Some("id asc"), 2, 1).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![b, c]);
        let ids: Vec<i64> = q.list(Some(&json!({"type": "b"})), Some("-type"), 10, 0).unwrap().iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![c, b]);
        assert!(q.list(None, Some("nope"), 10, 0).unwrap_err().is_config());
        assert!(q.list(None, None, 0, 0).unwrap_err().is_config());

        assert!(q.delete(b).unwrap());
        assert!(!q.delete(b).unwrap());
        assert!(q.purge(Some(&json!({"status": "pending"}))).unwrap_err().is_config());
        assert_eq!(q.purge(Some(&json!({"older_than_s": 3600}))).unwrap(), 0, "nothing that old");
        assert_eq!(q.purge(None).unwrap(), 1, "done jobs");
        assert_eq!(q.purge(Some(&json!({"status": ["failed"]}))).unwrap(), 1);
        assert_eq!(q.count(None).unwrap(), 0);
        // A purged group can be used again.
        let g = q.push("a", &json!(1), Some(&json!({"group_key": "g"}))).unwrap().id;
        assert_eq!(q.claim(10, None).unwrap()[0].id, g);
    }

    pub fn stats_count_statuses_types_and_timings(store: &Store, _: &str) {
        let q = queue(store, json!({"backoff_base_s": 0, "backoff_max_s": 0}));
        for i in 0..5 {
            q.push(if i < 3 { "a" } else { "b" }, &json!(i), None).unwrap();
        }
        q.push("a", &json!("later"), Some(&json!({"delay_s": 600}))).unwrap();
        let jobs = q.claim(3, None).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        q.ack(jobs[0].id, None).unwrap();
        q.ack(jobs[1].id, None).unwrap();
        q.fail(jobs[2].id, "x", FailDefaults::default(), Some(&json!({"retry": false}))).unwrap();
        let s = q.stats().unwrap();
        assert_eq!(s.by_status[&JobStatus::Pending], 3);
        assert_eq!(s.by_status[&JobStatus::Running], 0);
        assert_eq!(s.by_status[&JobStatus::Done], 2);
        assert_eq!(s.by_status[&JobStatus::Failed], 1);
        assert_eq!(s.by_type["a"].values().sum::<u64>(), 4);
        assert_eq!(s.by_type["b"][&JobStatus::Pending], 2);
        assert_eq!((s.done_last_hour, s.failed_last_hour), (2, 1));
        assert!(s.avg_processing_ms.unwrap() >= 15.0, "{s:?}");
        assert!(s.p95_processing_ms.unwrap() >= 15.0, "{s:?}");
        assert!(s.oldest_pending_age_ms.unwrap() >= 0);
    }

    pub fn push_many_is_all_or_nothing(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let good = PushItem { job_type: "t".into(), payload: json!(1), options: None };
        let bad = PushItem { job_type: "t".into(), payload: json!(2), options: Some(json!({"priority": "high"})) };
        let err = q.push_many(&[good.clone(), bad]).unwrap_err();
        assert!(err.is_config() && err.message().starts_with("item 1:"), "{err}");
        assert_eq!(q.count(None).unwrap(), 0);
        let ids = q.push_many(&vec![good; 250]).unwrap();
        assert_eq!(ids.len(), 250);
        assert_eq!(q.count(None).unwrap(), 250);
    }

    pub fn push_request_stores_a_delivery_spec(store: &Store, _: &str) {
        let q = queue(store, json!({}));
        let (pushed, spec) = q
            .push_request("post", "/orders", Some(&json!({"json": {"id": 42}, "headers": {"X-Src": "bx"}, "priority": 3})), None, plain_spec)
            .unwrap();
        let (_, keyed) = q.push_request("PUT", "/orders/1", Some(&json!({"idempotency_key": "order-1"})), None, plain_spec).unwrap();
        assert_eq!(keyed.idempotency_key, "order-1");
        let job = q.get(pushed.id).unwrap().unwrap();
        assert_eq!(job.job_type, conduit_store::DELIVERY_JOB_TYPE);
        assert_eq!(job.priority, 3);
        let stored = conduit_store::DeliverySpec::from_payload(&job.payload).unwrap();
        assert_eq!(stored, spec);
        assert_eq!(stored.method, "POST");
        assert_eq!(stored.idempotency_key.len(), 36, "a UUID was generated");
        let err = q.push_request("GET", "/x", Some(&json!({"jsn": 1})), None, plain_spec).unwrap_err();
        assert!(err.is_config() && err.message().contains("allowed options are: query, headers"), "{err}");
    }

    pub fn concurrent_claimers_take_disjoint_jobs(store: &Store, _: &str) {
        const JOBS: usize = 600;
        let producer = queue(store, json!({}));
        let items: Vec<PushItem> = (0..JOBS).map(|i| PushItem { job_type: "c".into(), payload: json!(i), options: None }).collect();
        producer.push_many(&items).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    let q = queue(&store, json!({}));
                    loop {
                        let jobs = q.claim(7, None).unwrap();
                        if jobs.is_empty() {
                            break;
                        }
                        for job in jobs {
                            seen.lock().unwrap().push(job.id);
                            q.ack(job.id, None).unwrap();
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mut seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), JOBS, "every job claimed exactly once");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), JOBS, "no job claimed twice");
        assert_eq!(producer.count(Some(&json!({"status": "done"}))).unwrap(), JOBS as u64);
    }

    pub fn request_log_writes_batches_and_reads_back(store: &Store, _: &str) {
        let log = RequestLog::new(store.clone());
        let t0 = now_ms();
        for i in 0..250 {
            let status = match i % 5 {
                0 => None,
                1 => Some(503),
                2 => Some(404),
                _ => Some(200),
            };
            assert!(log
                .submit(LogRow {
                    created_at: t0 - i,
                    method: if i % 2 == 0 { "GET".into() } else { "POST".into() },
                    url: format!("https://api.example.com/orders/{i}?token=[REDACTED]"),
                    endpoint: format!("/orders/{}", i % 3),
                    status,
                    duration_ms: f64::from(i as i32),
                    attempt: 1,
                    correlation_id: format!("corr-{}", i % 10),
                    job_id: if i % 4 == 0 { Some(i) } else { None },
                    error_class: status.is_none().then(|| "TransportException".into()),
                    error_message: status.is_none().then(|| "connection reset by peer".into()),
                    request_headers: r#"[["Authorization","[REDACTED]"]]"#.into(),
                    request_body: "{}".into(),
                    response_headers: "[]".into(),
                    response_body: "ok".into(),
                })
                .unwrap());
        }
        log.flush().unwrap();
        let w = log.writer_stats();
        assert_eq!((w.accepted, w.written, w.dropped, w.pending), (250, 250, 0, 0), "{w:?}");
        assert!(w.batches >= 3, "batched: {w:?}");
        assert_eq!(log.count(None).unwrap(), 250);
        assert_eq!(log.count(Some(&json!({"status_class": "error"}))).unwrap(), 50);
        assert_eq!(log.count(Some(&json!({"status_class": "5xx"}))).unwrap(), 50);
        assert_eq!(log.count(Some(&json!({"status_class": "2xx"}))).unwrap(), 100);
        assert_eq!(log.count(Some(&json!({"method": "post"}))).unwrap(), 125);
        assert_eq!(log.count(Some(&json!({"endpoint": "/orders/1"}))).unwrap(), 83);
        assert_eq!(log.count(Some(&json!({"correlation_id": "corr-3"}))).unwrap(), 25);
        assert_eq!(log.count(Some(&json!({"job_id": 8}))).unwrap(), 1);
        assert_eq!(log.count(Some(&json!({"error": "reset"}))).unwrap(), 50);
        let page = log.list(Some(&json!({"status": 404})), Some("duration_ms desc"), 5, 0).unwrap();
        assert_eq!(page.len(), 5);
        assert!(page[0].row.duration_ms >= page[1].row.duration_ms);
        let one = log.get(page[0].id).unwrap().unwrap();
        assert_eq!(one, page[0]);
        assert!(log.get(9_999_999).unwrap().is_none());
        let s = log.stats(3600.0).unwrap();
        assert_eq!(s.requests, 250);
        assert_eq!(s.errors, 100);
        assert_eq!(s.endpoints.len(), 3);
        assert!(s.p99_ms.unwrap() >= s.p50_ms.unwrap());
        assert_eq!(log.purge(Some(&json!({"older_than_s": 3600}))).unwrap(), 0);
        assert_eq!(log.purge(Some(&json!({"older_than_s": 0}))).unwrap(), 250);
        assert!(log.purge(None).unwrap_err().is_config());
    }
}

macro_rules! store_contract_tests {
    ($engine:ident, $fixture:path, [$($name:ident),* $(,)?]) => {
        mod $engine {
            $(
                #[test]
                fn $name() {
                    let fx = $fixture();
                    super::contract::$name(&fx.store, &fx.dsn);
                }
            )*
        }
    };
}

macro_rules! all_contract_tests {
    ($engine:ident, $fixture:path) => {
        store_contract_tests!($engine, $fixture, [
            migrate_is_versioned_and_idempotent,
            push_claim_ack_round_trip,
            ack_many_acks_what_is_held_and_names_the_rest,
            dedupe_returns_the_live_job,
            dedupe_keys_are_exact,
            group_keys_are_exact,
            types_and_error_filter_are_exact,
            dedupe_window_covers_finished_jobs,
            table_prefixes_follow_one_rule,
            groups_run_one_at_a_time_in_push_order,
            priorities_then_due_time,
            delays_and_run_at,
            backoff_stays_within_bounds,
            dead_letter_and_manual_retry,
            release_does_not_count_an_attempt,
            expired_leases_are_reclaimed_and_fenced,
            a_job_that_keeps_killing_its_worker_ends_failed,
            list_count_filter_order_delete_purge,
            stats_count_statuses_types_and_timings,
            push_many_is_all_or_nothing,
            push_request_stores_a_delivery_spec,
            concurrent_claimers_take_disjoint_jobs,
            request_log_writes_batches_and_reads_back,
        ]);
    };
}

all_contract_tests!(sqlite, crate::fixtures::sqlite);
all_contract_tests!(mariadb, crate::fixtures::mariadb);
all_contract_tests!(postgres, crate::fixtures::postgres);

#[test]
fn unreachable_databases_are_database_errors_not_panics() {
    let store = Store::open(
        "mysql://root:secret@127.0.0.1:1/nope",
        StoreOptions { connect_timeout_ms: 500, ..StoreOptions::default() },
    )
    .unwrap();
    let q = Queue::new(store.clone(), no_opts()).unwrap();
    let err = q.push("t", &json!(1), None).unwrap_err();
    assert!(err.is_database(), "{err}");
    assert!(err.message().starts_with("cannot push jobs: "), "{err}");
    assert!(!err.message().contains("secret"), "{err}");
    let err = store.migrate().unwrap_err();
    assert!(err.is_database(), "{err}");

    let missing = Store::open("sqlite:///nonexistent-dir/x/conduit.db", StoreOptions::default()).unwrap();
    let err = missing.migrate().unwrap_err();
    assert!(err.is_database() && err.message().contains("open SQLite database"), "{err}");

    let fx = fixtures::sqlite();
    let unmigrated = Store::open(&fx.dsn, StoreOptions { table_prefix: "fresh_".into(), ..StoreOptions::default() }).unwrap();
    let err = Queue::new(unmigrated, no_opts()).unwrap().push("t", &json!(1), None).unwrap_err();
    assert!(err.message().contains("run $store->migrate()"), "{err}");
}

#[test]
fn bad_dsns_and_options_are_config_errors() {
    assert!(Store::open("sqlite://relative.db", StoreOptions::default()).unwrap_err().is_config());
    let err = StoreOptions::from_value(Some(&json!({"table_prefix": "x-y"}))).unwrap_err();
    assert!(err.is_config() && err.message().contains("\"x-y\""), "{err}");
    let err = StoreOptions::from_value(Some(&json!({"pool": 3}))).unwrap_err();
    assert!(err.message().contains("allowed options are: table_prefix"), "{err}");
    let fx = fixtures::sqlite();
    let err = Queue::new(fx.store.clone(), Some(&json!({"lease_s": 0}))).err().unwrap();
    assert!(err.is_config(), "{err}");
    let q = Queue::new(fx.store.clone(), no_opts()).unwrap();
    assert!(q.claim(0, None).unwrap_err().is_config());
    assert!(q.claim(5, Some(&json!({"typos": ["a"]}))).unwrap_err().is_config());
    assert!(q.push("", &json!(1), None).unwrap_err().is_config());
    assert!(q.push("t", &json!(1), Some(&json!({"max_attempts": 0}))).unwrap_err().is_config());
    assert!(q.push("t", &json!(1), Some(&json!({"backoff_base_s": 10, "backoff_max_s": 1}))).unwrap_err().is_config());
    assert!(q.ack(0, None).unwrap_err().is_config());
}

#[test]
fn postgres_errors_are_database_errors_with_the_servers_reason() {
    let store = Store::open(
        "postgres://postgres:secret@127.0.0.1:1/nope",
        StoreOptions { connect_timeout_ms: 500, ..StoreOptions::default() },
    )
    .unwrap();
    let q = Queue::new(store.clone(), no_opts()).unwrap();
    let err = q.push("t", &json!(1), None).unwrap_err();
    assert!(err.is_database() && err.is_transient(), "{err}");
    assert!(err.message().starts_with("cannot push jobs: ") && err.message().contains("Connection refused"), "{err}");
    assert!(!err.message().contains("secret"), "{err}");

    let (dsn, _guard) = fixtures::postgres_database();
    let unmigrated = Store::open(&dsn, StoreOptions::default()).unwrap();
    assert_eq!(unmigrated.schema_version().unwrap(), 0);
    let err = Queue::new(unmigrated.clone(), no_opts()).unwrap().push("t", &json!(1), None).unwrap_err();
    assert!(err.is_database() && !err.is_transient(), "{err}");
    assert!(err.message().contains("run $store->migrate()"), "{err}");
    assert!(err.message().contains("42P01"), "the SQLSTATE is shown: {err}");
    let missing = Store::open(&format!("{dsn}_missing"), StoreOptions::default()).unwrap();
    let err = missing.ping().unwrap_err();
    assert!(err.is_database() && err.message().contains("does not exist"), "{err}");
}

/// The local cluster has `ssl = on` (Debian's snakeoil certificate), so the TLS path
/// is checked live: `require` encrypts (the server's pg_stat_ssl says so) and
/// `verify-full` refuses the self-signed certificate.
#[test]
fn postgres_sslmode_require_encrypts_and_verify_full_checks_the_certificate() {
    let mut admin = fixtures::postgres_admin();
    let ssl_on: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl_on != "on" {
        panic!("this test needs the local PostgreSQL with ssl = on (Debian's default); it is {ssl_on}");
    }
    let (dsn, _guard) = fixtures::postgres_database();
    let database = dsn.rsplit('/').next().unwrap().to_string();
    let store = Store::open(&format!("{dsn}?sslmode=require"), StoreOptions::default()).unwrap();
    store.migrate().unwrap();
    let q = Queue::new(store.clone(), no_opts()).unwrap();
    q.push("t", &json!({"over": "tls"}), None).unwrap();
    let encrypted: i64 = admin
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.application_name = 'conduit' AND s.ssl",
            &[&database],
        )
        .unwrap()
        .get(0);
    assert!(encrypted >= 1, "the store's connection is encrypted");
    let plain: i64 = admin
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.application_name = 'conduit' AND NOT s.ssl",
            &[&database],
        )
        .unwrap()
        .get(0);
    assert_eq!(plain, 0);

    let verified = Store::open(
        &format!("{dsn}?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt"),
        StoreOptions::default(),
    )
    .unwrap();
    let err = verified.ping().unwrap_err();
    assert!(err.is_database(), "{err}");
    assert!(err.message().contains("certificate") || err.message().contains("TLS"), "{err}");
}

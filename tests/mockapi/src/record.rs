//! The request log that tests assert against, plus the request counters
//! (seq, in-flight, max in-flight) that have to move in lock-step with it.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::http::Request;

/// Oldest records are dropped past this, so a long benchmark can't exhaust memory.
pub const MAX_RECORDS: usize = 200_000;
/// Recorded bodies are cut here; the echo still returns the full body.
const MAX_RECORDED_BODY: usize = 64 * 1024;

#[derive(Serialize)]
pub struct Record {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    #[serde(serialize_with = "serialize_pairs")]
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub connection_id: u64,
    pub arrived_at_ms: f64,
    pub completed_at_ms: Option<f64>,
    pub in_flight: u64,
    pub status: Option<u16>,
    /// Position in the global arrive/complete event order. Used for exact
    /// per-prefix concurrency (a sweep over events needs no clock ties).
    #[serde(skip)]
    arrive_ev: u64,
    #[serde(skip)]
    complete_ev: Option<u64>,
}

/// Serialises (name, value) pairs as a JSON object.
pub fn serialize_pairs<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

#[derive(Default)]
struct Inner {
    list: VecDeque<Record>,
    /// Never reset, so a request that was in flight across `/__admin/reset`
    /// can't complete someone else's record.
    next_seq: u64,
    next_ev: u64,
    in_flight: u64,
    max_in_flight: u64,
    requests: u64,
}

#[derive(Default)]
pub struct Records {
    inner: Mutex<Inner>,
}

pub struct Stats {
    pub requests: u64,
    pub max_in_flight: u64,
    pub in_flight: u64,
}

pub fn now_ms() -> f64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    d.as_micros() as f64 / 1000.0
}

impl Records {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the whole mock down with poison.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a request that has just been fully read and counts it as in
    /// flight until the returned guard is dropped.
    pub fn arrive(&self, req: &Request, connection_id: u64) -> InFlight<'_> {
        let body_end = req.body.len().min(MAX_RECORDED_BODY);
        let mut rec = Record {
            seq: 0,
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.joined_headers(),
            body: String::from_utf8_lossy(&req.body[..body_end]).into_owned(),
            connection_id,
            arrived_at_ms: now_ms(),
            completed_at_ms: None,
            in_flight: 0,
            status: None,
            arrive_ev: 0,
            complete_ev: None,
        };
        let mut g = self.lock();
        g.next_seq += 1;
        g.next_ev += 1;
        g.in_flight += 1;
        g.requests += 1;
        g.max_in_flight = g.max_in_flight.max(g.in_flight);
        rec.seq = g.next_seq;
        rec.arrive_ev = g.next_ev;
        rec.in_flight = g.in_flight;
        let seq = rec.seq;
        if g.list.len() >= MAX_RECORDS {
            g.list.pop_front();
        }
        g.list.push_back(rec);
        InFlight {
            records: self,
            seq,
            status: None,
        }
    }

    fn complete(&self, seq: u64, status: Option<u16>) {
        let completed = now_ms();
        let mut g = self.lock();
        g.in_flight = g.in_flight.saturating_sub(1);
        g.next_ev += 1;
        let ev = g.next_ev;
        // Seqs are contiguous in the deque, so the record is found by offset.
        let Some(first) = g.list.front().map(|r| r.seq) else {
            return;
        };
        if seq < first {
            return;
        }
        let Ok(idx) = usize::try_from(seq - first) else {
            return;
        };
        if let Some(r) = g.list.get_mut(idx).filter(|r| r.seq == seq) {
            r.status = status;
            r.completed_at_ms = Some(completed);
            r.complete_ev = Some(ev);
        }
    }

    /// JSON array of records (arrival order) matching the filters.
    pub fn to_json(&self, path_prefix: Option<&str>, since_seq: Option<u64>) -> Vec<u8> {
        let g = self.lock();
        let matching = g.list.iter().filter(|r| {
            since_seq.is_none_or(|s| r.seq > s) && path_prefix.is_none_or(|p| r.path.starts_with(p))
        });
        let mut out = Vec::with_capacity(256 * g.list.len().min(10_000));
        let mut ser = serde_json::Serializer::new(&mut out);
        // Serialising into a Vec cannot fail for these plain types; an empty
        // array is a safe fallback anyway.
        if ser.collect_seq(matching).is_err() {
            return b"[]".to_vec();
        }
        out
    }

    /// Counters since the last reset. With a prefix, computed from the
    /// retained records: max concurrency comes from a sweep over the
    /// arrive/complete event order of matching requests.
    pub fn stats(&self, path_prefix: Option<&str>) -> Stats {
        let g = self.lock();
        let Some(prefix) = path_prefix else {
            return Stats {
                requests: g.requests,
                max_in_flight: g.max_in_flight,
                in_flight: g.in_flight,
            };
        };
        let mut events: Vec<(u64, i64)> = Vec::new();
        let mut requests = 0;
        let mut in_flight = 0;
        for r in g.list.iter().filter(|r| r.path.starts_with(prefix)) {
            requests += 1;
            events.push((r.arrive_ev, 1));
            match r.complete_ev {
                Some(ev) => events.push((ev, -1)),
                None => in_flight += 1,
            }
        }
        drop(g);
        events.sort_unstable();
        let (mut cur, mut max) = (0i64, 0i64);
        for (_, d) in events {
            cur += d;
            max = max.max(cur);
        }
        Stats {
            requests,
            max_in_flight: max as u64,
            in_flight,
        }
    }

    /// Clears the log and counters. `in_flight` is a live gauge, so it stays.
    pub fn reset(&self) {
        let mut g = self.lock();
        g.list.clear();
        g.requests = 0;
        g.max_in_flight = 0;
    }
}

/// Keeps a request counted as in flight; on drop (normal or not) marks its
/// record completed with whatever status was finally sent.
pub struct InFlight<'a> {
    records: &'a Records,
    pub seq: u64,
    /// Set once a response has actually been written; None for faults.
    pub status: Option<u16>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.records.complete(self.seq, self.status);
    }
}

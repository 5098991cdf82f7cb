//! The numbers an admin page and a monitoring check need about a queue.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::job::JobStatus;

/// Snapshot returned by `SyncQueue::stats()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueStats {
    /// Jobs per status (all four statuses present, zero when none).
    pub by_status: BTreeMap<JobStatus, u64>,
    /// Jobs per type and status.
    pub by_type: BTreeMap<String, BTreeMap<JobStatus, u64>>,
    /// How long the longest-waiting due pending job has been waiting past its
    /// `run_at`, in ms; `None` when nothing is due.
    pub oldest_pending_age_ms: Option<i64>,
    /// Jobs that reached `done` / `failed` in the last hour.
    pub done_last_hour: u64,
    pub failed_last_hour: u64,
    /// Processing time (claim to ack) of jobs done in the last hour.
    pub avg_processing_ms: Option<f64>,
    pub p95_processing_ms: Option<f64>,
}

/// The window of the "last hour" figures.
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// What the backends read for `stats()`, before assembly.
pub(crate) struct RawQueueStats {
    /// (status, type, count)
    pub counts: Vec<(String, String, u64)>,
    /// Earliest `run_at` among due pending jobs.
    pub oldest_due_run_at: Option<i64>,
    /// (status, count) of jobs finished in the last hour.
    pub finished_last_hour: Vec<(String, u64)>,
    /// Count and mean of processing times of jobs done in the last hour.
    pub processing_count: u64,
    pub processing_avg: Option<f64>,
    /// The 95th-percentile processing time (nearest rank), if any.
    pub processing_p95: Option<f64>,
}

impl QueueStats {
    pub(crate) fn assemble(raw: RawQueueStats, now: i64) -> Result<Self> {
        let mut stats = QueueStats::default();
        for status in JobStatus::ALL {
            stats.by_status.insert(status, 0);
        }
        for (status, job_type, count) in raw.counts {
            let status = JobStatus::from_db(&status)?;
            *stats.by_status.entry(status).or_default() += count;
            let per_type = stats.by_type.entry(job_type).or_insert_with(|| JobStatus::ALL.iter().map(|s| (*s, 0)).collect());
            *per_type.entry(status).or_default() += count;
        }
        stats.oldest_pending_age_ms = raw.oldest_due_run_at.map(|run_at| (now - run_at).max(0));
        for (status, count) in raw.finished_last_hour {
            match JobStatus::from_db(&status)? {
                JobStatus::Done => stats.done_last_hour += count,
                JobStatus::Failed => stats.failed_last_hour += count,
                _ => {}
            }
        }
        if raw.processing_count > 0 {
            stats.avg_processing_ms = raw.processing_avg;
            stats.p95_processing_ms = raw.processing_p95;
        }
        Ok(stats)
    }
}

/// The 0-based offset of the nearest-rank `q` quantile among `n` sorted samples.
pub(crate) fn quantile_offset(n: u64, q: f64) -> u64 {
    ((q * n as f64).ceil() as u64).clamp(1, n.max(1)) - 1
}

/// The value at quantile `q` (0..=1) of sorted samples, nearest-rank method.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[quantile_offset(sorted.len() as u64, q) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&samples, 0.95), Some(95.0));
        assert_eq!(quantile(&samples, 0.5), Some(50.0));
        assert_eq!(quantile(&samples, 1.0), Some(100.0));
        assert_eq!(quantile(&[7.0], 0.99), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile_offset(20, 0.95), 18);
    }

    #[test]
    fn assembly_fills_every_status() {
        let raw = RawQueueStats {
            counts: vec![("pending".into(), "a".into(), 3), ("failed".into(), "b".into(), 1)],
            oldest_due_run_at: Some(1_000),
            finished_last_hour: vec![("failed".into(), 1)],
            processing_count: 0,
            processing_avg: None,
            processing_p95: None,
        };
        let s = QueueStats::assemble(raw, 4_000).unwrap();
        assert_eq!(s.by_status[&JobStatus::Pending], 3);
        assert_eq!(s.by_status[&JobStatus::Done], 0);
        assert_eq!(s.by_type["b"][&JobStatus::Failed], 1);
        assert_eq!(s.by_type["b"][&JobStatus::Pending], 0);
        assert_eq!(s.oldest_pending_age_ms, Some(3_000));
        assert_eq!(s.failed_last_hour, 1);
    }
}

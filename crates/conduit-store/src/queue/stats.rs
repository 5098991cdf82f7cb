//! The numbers an admin page and a monitoring check need about a queue.

use std::collections::BTreeMap;

use crate::queue::job::JobStatus;

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

/// The value at quantile `q` (0..=1) of sorted samples, nearest-rank method.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&samples, 0.95), Some(95.0));
        assert_eq!(quantile(&samples, 0.5), Some(50.0));
        assert_eq!(quantile(&samples, 1.0), Some(100.0));
        assert_eq!(quantile(&[7.0], 0.99), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}

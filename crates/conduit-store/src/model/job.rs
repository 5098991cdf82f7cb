//! What a job is: its status, its stored row, and what `push` hands the backend.

use std::fmt;

use crate::error::{Error, Result};

/// The four public states of a job. Transitions:
/// `pending → running` (claim), `running → done` (ack), `running → pending` (fail with
/// retry, release, lease expiry with attempts left), `running → failed` (fail without
/// retry, attempts exhausted, lease expired on the last attempt), `failed → pending`
/// (manual retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [JobStatus::Pending, JobStatus::Running, JobStatus::Done, JobStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses a status name as PHP passes it.
    ///
    /// # Errors
    /// `Config` naming the allowed statuses.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "pending" => Ok(JobStatus::Pending),
            "running" => Ok(JobStatus::Running),
            "done" => Ok(JobStatus::Done),
            "failed" => Ok(JobStatus::Failed),
            other => Err(Error::config(format!(
                "unknown job status \"{other}\"; statuses are: pending, running, done, failed"
            ))),
        }
    }

    /// Parses a status read back from the database.
    pub(crate) fn from_db(name: &str) -> Result<Self> {
        Self::parse(name).map_err(|_| Error::corrupt(format!("unknown job status \"{name}\" in the jobs table")))
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored job. Times are milliseconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub job_type: String,
    /// The payload as JSON text (decoded by whoever needs it).
    pub payload: String,
    pub status: JobStatus,
    /// Higher runs first among due jobs.
    pub priority: i32,
    /// Attempts started so far, the running one included.
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub lease_until: Option<i64>,
    pub dedupe_key: Option<String>,
    pub group_key: Option<String>,
    pub backoff_base_ms: i64,
    pub backoff_max_ms: i64,
    pub last_error: Option<String>,
    /// What `ack()` was given, as JSON text.
    pub result: Option<String>,
    /// When the latest attempt started.
    pub started_at: Option<i64>,
    /// When the job reached `done` or `failed`.
    pub finished_at: Option<i64>,
    /// Duration of the final attempt (claim to ack/fail).
    pub processing_ms: Option<i64>,
    /// The claim's fencing token while running.
    pub lease_token: Option<i64>,
}

impl Job {
    /// The payload decoded; a row whose payload is not JSON is reported as corrupt.
    ///
    /// # Errors
    /// `Corrupt` when the stored text is not JSON.
    pub fn payload_value(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.payload)
            .map_err(|e| Error::corrupt(format!("job {} has a payload that is not JSON: {e}", self.id)))
    }
}

/// A job to insert, fully resolved (queue defaults already applied).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub job_type: String,
    pub payload: String,
    pub priority: i32,
    pub max_attempts: u32,
    pub run_at: i64,
    pub dedupe_key: Option<String>,
    /// With a `dedupe_key`: a `done` job with that key finished within this many ms
    /// also suppresses the push (0: only pending/running jobs do). `failed` jobs
    /// never do, so a dead-lettered job can be pushed again.
    pub dedupe_window_ms: i64,
    pub group_key: Option<String>,
    pub backoff_base_ms: i64,
    pub backoff_max_ms: i64,
}

/// What `push` did with one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    pub id: i64,
    /// True when a pending/running job with the same dedupe key (or a `done` one
    /// within the dedupe window) already existed and its id was returned instead of
    /// inserting.
    pub deduplicated: bool,
}

/// How a failure was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back to `pending`, due at `run_at`.
    Retrying { run_at: i64 },
    /// Dead-lettered: `failed` with the error kept.
    Failed,
}

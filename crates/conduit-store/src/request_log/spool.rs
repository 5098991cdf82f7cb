//! The local spool: where request-log records go while the database cannot take
//! them, so a page never waits for a dead database and nothing is lost.
//!
//! One file per process and store: `<dir>/<store hash>-<pid>.jsonl`, one JSON record
//! per line (the [`LogRow`] fields). The writer thread of that process is the only one
//! that appends to it. When the database answers again the writer inserts the file's
//! records in batches and deletes the file; it also takes over the files of *dead*
//! processes of the same store (an FPM worker that was recycled during an outage),
//! under an exclusive `flock` so two processes never replay the same file.
//!
//! The directory is bounded: an append that would take all spool files in it past
//! `max_bytes` is refused and its records are counted as dropped — the only way the
//! request log loses records while the disk works.
//!
//! Settings are process-wide (`conduit.log_spool_dir`, `conduit.log_spool_max_mb`
//! ini entries, set by the PHP extension at startup through [`configure`]).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::model::log::LogRow;

/// A [`LogRow`] as one line of a spool file. Its own type so the file format is
/// fixed here (field names are the table's columns), whatever `LogRow` derives.
#[derive(serde::Serialize, serde::Deserialize)]
struct SpooledRow {
    created_at: i64,
    method: String,
    url: String,
    endpoint: String,
    status: Option<i64>,
    duration_ms: f64,
    attempt: i64,
    correlation_id: String,
    job_id: Option<i64>,
    error_class: Option<String>,
    error_message: Option<String>,
    request_headers: String,
    request_body: String,
    response_headers: String,
    response_body: String,
}

impl From<&LogRow> for SpooledRow {
    fn from(r: &LogRow) -> Self {
        Self {
            created_at: r.created_at,
            method: r.method.clone(),
            url: r.url.clone(),
            endpoint: r.endpoint.clone(),
            status: r.status,
            duration_ms: r.duration_ms,
            attempt: r.attempt,
            correlation_id: r.correlation_id.clone(),
            job_id: r.job_id,
            error_class: r.error_class.clone(),
            error_message: r.error_message.clone(),
            request_headers: r.request_headers.clone(),
            request_body: r.request_body.clone(),
            response_headers: r.response_headers.clone(),
            response_body: r.response_body.clone(),
        }
    }
}

impl From<SpooledRow> for LogRow {
    fn from(r: SpooledRow) -> Self {
        Self {
            created_at: r.created_at,
            method: r.method,
            url: r.url,
            endpoint: r.endpoint,
            status: r.status,
            duration_ms: r.duration_ms,
            attempt: r.attempt,
            correlation_id: r.correlation_id,
            job_id: r.job_id,
            error_class: r.error_class,
            error_message: r.error_message,
            request_headers: r.request_headers,
            request_body: r.request_body,
            response_headers: r.response_headers,
            response_body: r.response_body,
        }
    }
}

fn to_line(row: &LogRow) -> Option<String> {
    serde_json::to_string(&SpooledRow::from(row)).ok()
}

/// Where spool files go and how much room they may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolConfig {
    /// Directory of the spool files; created (mode 0700) on first use.
    pub dir: PathBuf,
    /// Most bytes all spool files in `dir` may take together. 0 disables the spool.
    pub max_bytes: u64,
}

/// Default bound: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

impl Default for SpoolConfig {
    fn default() -> Self {
        Self { dir: std::env::temp_dir().join("conduit-spool"), max_bytes: DEFAULT_MAX_BYTES }
    }
}

static CONFIG: RwLock<Option<SpoolConfig>> = RwLock::new(None);

/// Sets the spool settings of this process (writers started later use them).
pub fn configure(config: SpoolConfig) {
    *CONFIG.write().unwrap_or_else(|p| p.into_inner()) = Some(config);
}

/// The settings in effect.
pub fn config() -> SpoolConfig {
    CONFIG.read().unwrap_or_else(|p| p.into_inner()).clone().unwrap_or_default()
}

/// A stable 64-bit FNV-1a hash (the same in every process and build), naming a
/// store's spool files without putting its DSN (or password) in a file name.
fn store_hash(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// An exclusive, non-blocking `flock` on `file`; released when the file is closed.
fn try_lock(file: &File) -> bool {
    // SAFETY: flock on a descriptor this File owns.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// All rows are in the spool file.
    Stored,
    /// The spool is full (or disabled): the rows were not stored.
    Full,
}

/// One store's spool in this process.
pub struct Spool {
    dir: PathBuf,
    max_bytes: u64,
    /// `<store hash>-`: the prefix of this store's files.
    prefix: String,
    own: PathBuf,
}

impl Spool {
    /// The spool of the store identified by `store_key` (never shown or stored).
    pub fn new(store_key: &str, config: &SpoolConfig) -> Self {
        let prefix = format!("{}-", store_hash(store_key));
        let own = config.dir.join(format!("{prefix}{}.jsonl", std::process::id()));
        Self { dir: config.dir.clone(), max_bytes: config.max_bytes, prefix, own }
    }

    /// This process's file of this store.
    pub fn own_file(&self) -> &Path {
        &self.own
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn used_bytes(&self) -> u64 {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return 0 };
        entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    }

    /// Appends `rows` to this process's file, whole or not at all.
    ///
    /// # Errors
    /// The I/O error when the directory or file cannot be written (the caller keeps
    /// the rows in memory then).
    pub fn append(&self, rows: &[LogRow]) -> std::io::Result<Appended> {
        if rows.is_empty() {
            return Ok(Appended::Stored);
        }
        let mut text = String::new();
        for row in rows {
            // A LogRow holds only strings and numbers: serialising cannot fail.
            if let Some(line) = to_line(row) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        if self.max_bytes == 0 || self.used_bytes().saturating_add(text.len() as u64) > self.max_bytes {
            return Ok(Appended::Full);
        }
        create_private_dir(&self.dir)?;
        let mut file = OpenOptions::new().create(true).append(true).open(&self.own)?;
        // One write of whole lines: a crash leaves at most one partial last line,
        // which replay skips (and counts as dropped).
        file.write_all(text.as_bytes())?;
        Ok(Appended::Stored)
    }

    /// Spool files of this store that this process may replay now: its own, and those
    /// of processes that no longer exist.
    pub fn replayable_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let pid: u32 = name.strip_prefix(&self.prefix)?.strip_suffix(".jsonl")?.parse().ok()?;
                (pid == std::process::id() || !pid_alive(pid)).then(|| e.path())
            })
            .collect();
        files.sort();
        files
    }

    /// Whether any file is waiting for this process.
    pub fn has_replayable(&self) -> bool {
        !self.replayable_files().is_empty()
    }

    /// Inserts the records of `path` through `insert` in batches of `batch_size`,
    /// then deletes the file. Stops at the first batch `insert` cannot write (the
    /// database went away again): the records not yet written are kept in the file.
    /// Returns (records written, unreadable lines skipped, finished).
    pub fn replay_file(
        &self,
        path: &Path,
        batch_size: usize,
        mut insert: impl FnMut(&[LogRow]) -> bool,
    ) -> std::io::Result<(u64, u64, bool)> {
        let file = match OpenOptions::new().read(true).write(true).open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0, true)),
            Err(e) => return Err(e),
        };
        if !try_lock(&file) {
            // Another process is replaying it.
            return Ok((0, 0, false));
        }
        let mut written = 0u64;
        let mut skipped = 0u64;
        let mut lines = BufReader::new(&file).lines();
        let mut batch: Vec<LogRow> = Vec::with_capacity(batch_size);
        let mut rest: Option<String> = None;
        loop {
            let line = lines.next();
            let at_end = line.is_none();
            if let Some(line) = line {
                let line = line?;
                match serde_json::from_str::<SpooledRow>(&line) {
                    Ok(row) => batch.push(row.into()),
                    Err(_) if line.trim().is_empty() => {}
                    Err(_) => skipped += 1,
                }
            }
            if batch.len() >= batch_size.max(1) || (at_end && !batch.is_empty()) {
                if insert(&batch) {
                    written += batch.len() as u64;
                    batch.clear();
                } else {
                    // Keep this batch and everything after it.
                    let mut text = String::new();
                    for row in &batch {
                        if let Some(l) = to_line(row) {
                            text.push_str(&l);
                            text.push('\n');
                        }
                    }
                    for line in lines.by_ref() {
                        let line = line?;
                        text.push_str(&line);
                        text.push('\n');
                    }
                    rest = Some(text);
                    break;
                }
            }
            if at_end {
                break;
            }
        }
        match rest {
            None => {
                std::fs::remove_file(path)?;
                Ok((written, skipped, true))
            }
            Some(text) => {
                // Rewrite in place under the lock: a new file would not carry it.
                file.set_len(0)?;
                (&file).seek(SeekFrom::Start(0))?;
                (&file).write_all(text.as_bytes())?;
                Ok((written, skipped, false))
            }
        }
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: i64) -> LogRow {
        LogRow {
            created_at: i,
            method: "GET".into(),
            url: format!("https://x/{i}"),
            endpoint: "/x".into(),
            status: Some(200),
            duration_ms: 1.5,
            attempt: 1,
            correlation_id: "c".into(),
            job_id: None,
            error_class: None,
            error_message: None,
            request_headers: "[]".into(),
            request_body: String::new(),
            response_headers: "[]".into(),
            response_body: "é\n".into(),
        }
    }

    #[test]
    fn appends_replays_in_batches_and_keeps_what_was_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new("store-key", &SpoolConfig { dir: dir.path().join("s"), max_bytes: 1 << 20 });
        assert_eq!(spool.append(&(1..=5).map(row).collect::<Vec<_>>()).unwrap(), Appended::Stored);
        assert_eq!(spool.replayable_files(), vec![spool.own_file().to_path_buf()]);
        // The database takes the first batch of 2, then goes away.
        let mut calls = 0;
        let mut seen = Vec::new();
        let (written, skipped, done) = spool
            .replay_file(spool.own_file(), 2, |rows| {
                calls += 1;
                if calls > 1 {
                    return false;
                }
                seen.extend(rows.iter().map(|r| r.created_at));
                true
            })
            .unwrap();
        assert_eq!((written, skipped, done), (2, 0, false));
        assert_eq!(seen, vec![1, 2]);
        // Back: the other three, once each, and the file is gone.
        let (written, _, done) = spool
            .replay_file(spool.own_file(), 2, |rows| {
                seen.extend(rows.iter().map(|r| r.created_at));
                true
            })
            .unwrap();
        assert_eq!((written, done), (3, true));
        assert_eq!(seen, vec![1, 2, 3, 4, 5]);
        assert!(!spool.own_file().exists());
    }

    #[test]
    fn a_full_spool_refuses_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new("k", &SpoolConfig { dir: dir.path().to_path_buf(), max_bytes: 600 });
        assert_eq!(spool.append(&[row(1)]).unwrap(), Appended::Stored);
        assert_eq!(spool.append(&(2..=9).map(row).collect::<Vec<_>>()).unwrap(), Appended::Full);
        // A crash mid-write leaves a partial last line.
        let mut f = OpenOptions::new().append(true).open(spool.own_file()).unwrap();
        f.write_all(b"{\"created_at\":3,\"meth").unwrap();
        let (written, skipped, done) = spool.replay_file(spool.own_file(), 10, |_| true).unwrap();
        assert_eq!((written, skipped, done), (1, 1, true));
    }

    #[test]
    fn files_of_dead_processes_are_replayable_live_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let config = SpoolConfig { dir: dir.path().to_path_buf(), max_bytes: 1 << 20 };
        let spool = Spool::new("k", &config);
        let prefix = format!("{}-", store_hash("k"));
        // pid 1 is alive (init); a pid above the kernel's limit cannot be.
        std::fs::write(dir.path().join(format!("{prefix}1.jsonl")), "").unwrap();
        std::fs::write(dir.path().join(format!("{prefix}4194399.jsonl")), "").unwrap();
        std::fs::write(dir.path().join(format!("{}-4194398.jsonl", store_hash("other"))), "").unwrap();
        let files = spool.replayable_files();
        assert_eq!(files, vec![dir.path().join(format!("{prefix}4194399.jsonl"))]);
    }
}

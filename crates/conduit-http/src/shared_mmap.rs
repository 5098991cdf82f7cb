//! `scope => host`: limiter and breaker state in a small memory-mapped file that
//! every PHP process on the machine maps (`MAP_SHARED`), updated lock-free with
//! compare-and-swap on `AtomicU64`s — a process killed mid-update holds nothing.
//!
//! Layout (little-endian native u64s, 64-byte header, then `SLOTS` slots of 32 bytes):
//! header `[magic, version, slot count, 0…]`, slot `[key hash, tat, open_until, 0]`.
//! 4096 slots = 128 KiB + 64 B. A slot is claimed for a key by CAS-ing its hash
//! from 0 (empty) with linear probing; claimed slots are never freed (a target
//! that is no longer used keeps its slot until the file is removed, e.g. at reboot
//! for /dev/shm). Two keys whose 64-bit FNV-1a hashes collide share one slot
//! (one budget) — about 1 in 10^12 for 4096 keys. A full table is an error and the
//! caller falls back to its process-local limiter with a warning.
//!
//! File: `CONDUIT_LIMITS_FILE` if set, else `/dev/shm/conduit-limits-<uid>` when
//! /dev/shm exists, else `<temp dir>/conduit-limits-<uid>`. Created with mode
//! 0666 minus the umask; every process sharing a limit must be able to write it
//! (php-fpm and cron running as the same user, as Bitrix expects).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use memmap2::MmapMut;

use crate::shared::{gcra_step, key_hash, SharedLimitBackend};

const MAGIC: u64 = u64::from_le_bytes(*b"CNDTLIM1");
const VERSION: u64 = 1;
pub const SLOTS: usize = 4096;
const HEADER_WORDS: usize = 8;
const SLOT_WORDS: usize = 4;
pub const FILE_BYTES: usize = (HEADER_WORDS + SLOTS * SLOT_WORDS) * 8;
/// Linear probing gives up after this many slots (the table is then "full").
const MAX_PROBE: usize = 256;

pub struct MmapBackend {
    path: PathBuf,
    map: MmapMut,
}

impl std::fmt::Debug for MmapBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MmapBackend({})", self.path.display())
    }
}

impl MmapBackend {
    /// Maps (creating if needed) the limits file at `path`.
    ///
    /// # Errors
    /// A message when the file cannot be opened or mapped or is not a limits file.
    pub fn open(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o666);
        }
        let file = options.open(path).map_err(|e| format!("cannot open the limits file {shown}: {e}"))?;
        let len = file.metadata().map_err(|e| format!("cannot stat the limits file {shown}: {e}"))?.len();
        if len == 0 {
            // Two processes racing here both extend to the same size: harmless.
            file.set_len(FILE_BYTES as u64).map_err(|e| format!("cannot size the limits file {shown}: {e}"))?;
        } else if len != FILE_BYTES as u64 {
            return Err(format!("{shown} is not a Conduit limits file ({len} bytes, {FILE_BYTES} expected)"));
        }
        // SAFETY: the file is only ever accessed through atomics (here and in other
        // processes); its length is fixed and checked above.
        let map = unsafe { MmapMut::map_mut(&file) }.map_err(|e| format!("cannot map the limits file {shown}: {e}"))?;
        let backend = Self { path: path.to_owned(), map };
        let header = backend.word(0).ok_or("limits file too small")?;
        match header.compare_exchange(0, MAGIC, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                if let (Some(v), Some(n)) = (backend.word(1), backend.word(2)) {
                    v.store(VERSION, Ordering::Release);
                    n.store(SLOTS as u64, Ordering::Release);
                }
            }
            Err(MAGIC) => {}
            Err(_) => return Err(format!("{shown} is not a Conduit limits file (bad magic)")),
        }
        Ok(backend)
    }

    /// The machine-wide default file, opened once per process (a forked child
    /// inherits the shared mapping, which stays shared).
    ///
    /// # Errors
    /// As [`MmapBackend::open`]; the error is remembered for the process.
    pub fn default_shared() -> Result<Arc<dyn SharedLimitBackend>, String> {
        static DEFAULT: OnceLock<Result<Arc<MmapBackend>, String>> = OnceLock::new();
        match DEFAULT.get_or_init(|| Self::open(&default_path()).map(Arc::new)) {
            Ok(b) => Ok(b.clone()),
            Err(e) => Err(e.clone()),
        }
    }

    fn word(&self, index: usize) -> Option<&AtomicU64> {
        let offset = index.checked_mul(8)?;
        if offset.checked_add(8)? > self.map.len() {
            return None;
        }
        // SAFETY: in bounds (checked), 8-aligned (the map is page-aligned, offset a
        // multiple of 8), and the memory lives as long as `self.map`.
        Some(unsafe { &*self.map.as_ptr().add(offset).cast::<AtomicU64>() })
    }

    /// The slot's first word index for `key`, claiming an empty slot if needed.
    fn slot(&self, key: &str) -> Result<usize, String> {
        let hash = key_hash(key);
        let start = (hash % SLOTS as u64) as usize;
        for i in 0..MAX_PROBE {
            let slot = (start + i) % SLOTS;
            let base = HEADER_WORDS + slot * SLOT_WORDS;
            let h = self.word(base).ok_or("slot out of range")?;
            match h.compare_exchange(0, hash, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(base),
                Err(found) if found == hash => return Ok(base),
                Err(_) => continue,
            }
        }
        Err(format!("the limits file {} has no free slot near this key", self.path.display()))
    }

    fn field(&self, key: &str, offset: usize) -> Result<&AtomicU64, String> {
        let base = self.slot(key)?;
        self.word(base + offset).ok_or_else(|| "slot out of range".to_owned())
    }

    /// Claimed slots (for tests and diagnostics).
    pub fn used_slots(&self) -> usize {
        (0..SLOTS)
            .filter(|s| self.word(HEADER_WORDS + s * SLOT_WORDS).is_some_and(|w| w.load(Ordering::Acquire) != 0))
            .count()
    }
}

pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CONDUIT_LIMITS_FILE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    #[cfg(unix)]
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    #[cfg(not(unix))]
    let uid = 0;
    let dir = Path::new("/dev/shm");
    let dir = if dir.is_dir() { dir.to_owned() } else { std::env::temp_dir() };
    dir.join(format!("conduit-limits-{uid}"))
}

impl SharedLimitBackend for MmapBackend {
    fn gcra_acquire(&self, key: &str, emission_ns: u64, tolerance_ns: u64, now_ns: u64) -> Result<Duration, String> {
        let tat = self.field(key, 1)?;
        let mut current = tat.load(Ordering::Acquire);
        loop {
            let (next, wait) = gcra_step(current, emission_ns, tolerance_ns, now_ns);
            match tat.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(wait),
                Err(actual) => current = actual,
            }
        }
    }

    fn breaker_get(&self, key: &str) -> Result<u64, String> {
        Ok(self.field(key, 2)?.load(Ordering::Acquire))
    }

    fn breaker_compare_set(&self, key: &str, expected: u64, new: u64) -> Result<bool, String> {
        Ok(self.field(key, 2)?.compare_exchange(expected, new, Ordering::AcqRel, Ordering::Acquire).is_ok())
    }

    fn breaker_set(&self, key: &str, open_until: u64) -> Result<(), String> {
        self.field(key, 2)?.store(open_until, Ordering::Release);
        Ok(())
    }

    fn describe(&self) -> String {
        format!("host file {}", self.path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("conduit-limits-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn creates_and_reopens_the_table() {
        let path = temp_file("reopen");
        let a = MmapBackend::open(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), FILE_BYTES as u64);
        let (e, t) = crate::shared::gcra_params(10.0, 1).unwrap();
        assert_eq!(a.gcra_acquire("k", e, t, 1_000).unwrap(), Duration::ZERO);
        // A second mapping (another process in real life) sees the booked slot.
        let b = MmapBackend::open(&path).unwrap();
        assert_eq!(b.gcra_acquire("k", e, t, 1_000).unwrap(), Duration::from_millis(100));
        assert_eq!(a.gcra_acquire("other", e, t, 1_000).unwrap(), Duration::ZERO, "keys are independent");
        assert_eq!(b.used_slots(), 2);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rejects_a_foreign_file() {
        let path = temp_file("foreign");
        std::fs::write(&path, b"hello").unwrap();
        assert!(MmapBackend::open(&path).unwrap_err().contains("not a Conduit limits file"));
        std::fs::write(&path, vec![7u8; FILE_BYTES]).unwrap();
        assert!(MmapBackend::open(&path).unwrap_err().contains("bad magic"));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn probing_and_a_full_neighbourhood() {
        let path = temp_file("full");
        let t = MmapBackend::open(&path).unwrap();
        let mut errors = 0;
        for i in 0..SLOTS + 10 {
            if t.slot(&format!("key-{i}")).is_err() {
                errors += 1;
            }
        }
        assert!(errors >= 10, "more keys than slots must fail: {errors}");
        assert!(t.used_slots() > SLOTS - 64, "{}", t.used_slots());
        // A key already placed still finds its slot.
        assert!(t.slot("key-0").is_ok());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn breaker_cas_claims_once() {
        let path = temp_file("breaker");
        let t = MmapBackend::open(&path).unwrap();
        assert_eq!(t.breaker_get("b").unwrap(), 0);
        t.breaker_set("b", 500).unwrap();
        assert!(t.breaker_compare_set("b", 500, 900).unwrap());
        assert!(!t.breaker_compare_set("b", 500, 901).unwrap(), "the probe is claimed once");
        assert_eq!(t.breaker_get("b").unwrap(), 900);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn threads_never_exceed_the_budget() {
        let path = temp_file("threads");
        let t = Arc::new(MmapBackend::open(&path).unwrap());
        let (e, tol) = crate::shared::gcra_params(50.0, 5).unwrap();
        let now = 1_000_000_000_000u64;
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || (0..100).filter(|_| t.gcra_acquire("rl", e, tol, now).unwrap().is_zero()).count())
            })
            .collect();
        let free: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(free, 5, "exactly the burst goes without waiting");
        let _ = std::fs::remove_file(&path);
    }
}

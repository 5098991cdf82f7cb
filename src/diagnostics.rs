//! Diagnostics: where the engine's `tracing` events go.
//!
//! Two ini settings, both `PHP_INI_SYSTEM` (php.ini, `-d`, FPM `php_admin_value`),
//! because the subscriber is installed once per process:
//! - `conduit.log_level`: `off`, `error`, `warn` (default), `info`, `debug`, `trace`;
//! - `conduit.log_target`: `error_log` (default: PHP's error log, wherever
//!   `error_log` points) or an absolute file path (lines appended).
//!
//! Per process, lazily: PHP-FPM forks its workers after module startup and applies
//! a pool's `php_admin_value`s in the worker, so nothing is installed in MINIT. The
//! subscriber is installed at the first request of a process (RINIT), holds no
//! thread, and opens its file on the first line it writes in a process (again in a
//! forked child). Each event is one line, written with one `write` on an `O_APPEND`
//! file, so workers sharing a file never interleave inside a line and nothing is
//! buffered that a crash or a fork could lose or duplicate.
//!
//! PHP's error log may only be written from PHP's own thread (`php_log_err` reads
//! PHP's globals). Events of other threads — the request-log writer — wait in a small
//! bounded queue that the PHP thread drains with its next line and at request end.
//!
//! No secret reaches a line: the crates put only methods, endpoints without query,
//! ids, counts and redactor-scrubbed error text into events, and every line is
//! scrubbed once more here of `scheme://user:password@` userinfo.

use std::cell::Cell;
use std::collections::VecDeque;
use std::ffi::{c_char, c_int, CString};
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

use crate::ini::{on_modify_handler, system_entry};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::{Format, Full, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;

pub const LEVEL_INI: &str = "conduit.log_level";
pub const TARGET_INI: &str = "conduit.log_target";
/// The `conduit.log_target` value meaning PHP's error log.
pub const ERROR_LOG_TARGET: &str = "error_log";
const LEVEL_NAMES: &str = "off, error, warn, info, debug, trace";

static INI: IniEntryDefs<3> = IniEntryDefs::new([
    system_entry(c"conduit.log_level", c"warn", on_level),
    system_entry(c"conduit.log_target", c"error_log", on_target),
    IniEntryDef::end(),
]);

/// Registers the two settings (MINIT). PHP calls the handlers right away with the
/// configured values; an invalid one is refused with a startup warning and the
/// default takes its place.
pub fn register_ini(module_number: i32) {
    IniEntryDef::register(INI.as_slice(), module_number);
}

/// `conduit.log_level`, parsed. The discriminant orders the levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            // PHP's ini parser turns a bare `off` (and `no`, `false`, `none`) into "".
            "off" | "" => Self::Off,
            "error" => Self::Error,
            "warn" => Self::Warn,
            "info" => Self::Info,
            "debug" => Self::Debug,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    fn from_u8(n: u8) -> Self {
        match n {
            0 => Self::Off,
            1 => Self::Error,
            3 => Self::Info,
            4 => Self::Debug,
            5 => Self::Trace,
            _ => Self::Warn,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }

    fn filter(self) -> LevelFilter {
        match self {
            Self::Off => LevelFilter::OFF,
            Self::Error => LevelFilter::ERROR,
            Self::Warn => LevelFilter::WARN,
            Self::Info => LevelFilter::INFO,
            Self::Debug => LevelFilter::DEBUG,
            Self::Trace => LevelFilter::TRACE,
        }
    }
}

/// `conduit.log_target`, parsed: `None` = PHP's error log.
fn parse_target(text: &str) -> Result<Option<PathBuf>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case(ERROR_LOG_TARGET) {
        return Ok(None);
    }
    if !text.starts_with('/') {
        return Err(format!(
            "{TARGET_INI} must be \"{ERROR_LOG_TARGET}\" or an absolute file path, \"{}\" given",
            text.escape_default()
        ));
    }
    Ok(Some(PathBuf::from(text)))
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Warn as u8);
static TARGET: Mutex<Option<PathBuf>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub fn level() -> Level {
    Level::from_u8(LEVEL.load(Ordering::Acquire))
}

/// The target as phpinfo shows it.
pub fn target_description() -> String {
    match lock(&TARGET).as_ref() {
        None => "PHP error log".into(),
        Some(path) => format!("file {}", path.display()),
    }
}

on_modify_handler!(
    /// `conduit.log_level` changed.
    on_level,
    |text| {
        Level::parse(text).ok_or_else(|| {
            format!(
                "{LEVEL_INI}: \"{}\" is not a log level (one of {LEVEL_NAMES}); using the default \"warn\"",
                text.escape_default()
            )
        })
    },
    |level| LEVEL.store(level as u8, Ordering::Release)
);

on_modify_handler!(
    /// `conduit.log_target` changed.
    on_target,
    |text| parse_target(text).map_err(|m| format!("{m}; using the default \"{ERROR_LOG_TARGET}\" (PHP's error log)")),
    |target| *lock(&TARGET) = target
);

thread_local! {
    /// Set on PHP's thread (RINIT); a forked child's thread keeps it.
    static PHP_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// The pid whose first request checked the settings (0 = none yet).
static CHECKED_IN: AtomicU32 = AtomicU32::new(0);
/// Whether this process image has a global subscriber (a forked child inherits it).
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Set at module shutdown: PHP's error log is no longer ours to call.
static PHP_GONE: AtomicBool = AtomicBool::new(false);

/// Installs the subscriber if this process has none and the level is not `off`.
/// Called at every request start (RINIT): one getpid and one atomic load after the first.
pub fn ensure_installed() {
    PHP_THREAD.with(|t| t.set(true));
    let pid = std::process::id();
    if CHECKED_IN.swap(pid, Ordering::AcqRel) == pid {
        return;
    }
    let level = level();
    if level == Level::Off || INSTALLED.load(Ordering::Acquire) {
        // A forked child keeps the parent's subscriber (same settings); its file is
        // reopened by the first line it writes.
        return;
    }
    // Only Conduit's own events: hyper/h2/rustls speak at debug level too.
    let targets = Targets::new().with_target("conduit", level.filter());
    let layer = tracing_subscriber::fmt::layer()
        .event_format(LineFormat { inner: tracing_subscriber::fmt::format().without_time().with_ansi(false) })
        .with_writer(MakeLine);
    let subscriber = tracing_subscriber::registry().with(targets).with(layer);
    if tracing::subscriber::set_global_default(subscriber).is_ok() {
        INSTALLED.store(true, Ordering::Release);
    }
}

/// Whether this process image has installed the subscriber (for phpinfo).
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Acquire)
}

/// Request end (RSHUTDOWN): writes the error-log lines other threads queued.
pub fn request_end() {
    drain_pending();
}

/// Module shutdown: last lines out; from now on error-log lines go to stderr.
pub fn module_shutdown() {
    drain_pending();
    PHP_GONE.store(true, Ordering::Release);
}

/// `<RFC 3339 UTC time> pid=<pid> <LEVEL> <spans>: <target>: <message> <fields>`.
struct LineFormat {
    inner: Format<Full, ()>,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &tracing::Event<'_>) -> std::fmt::Result {
        SystemTime.format_time(&mut writer)?;
        write!(writer, " pid={} ", std::process::id())?;
        self.inner.format_event(ctx, writer, event)
    }
}

struct MakeLine;

impl<'a> MakeWriter<'a> for MakeLine {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(Vec::with_capacity(256))
    }
}

/// Collects one formatted event; delivers it as one line when dropped.
struct LineWriter(Vec<u8>);

impl std::io::Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            deliver(one_line(&self.0));
        }
    }
}

/// One event, one line: inner line breaks escaped (a message can't forge a second
/// event), userinfo passwords masked.
fn one_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            '\0' => line.push_str("\\0"),
            c => line.push(c),
        }
    }
    conduit_http::redact::mask_userinfo_passwords(&line)
}

/// This process's open log file.
struct Output {
    pid: u32,
    file: Option<File>,
}

static OUTPUT: Mutex<Option<Output>> = Mutex::new(None);

/// Error-log lines of non-PHP threads, waiting for PHP's thread.
static PENDING: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
const MAX_PENDING: usize = 1000;
static PENDING_DROPPED: AtomicU64 = AtomicU64::new(0);

fn deliver(line: String) {
    let target = lock(&TARGET).clone();
    if let Some(path) = target {
        match append_to_file(&path, &line) {
            Ok(()) => return,
            Err(note) => {
                // Said once per process, then every line goes to the error log.
                if let Some(note) = note {
                    to_error_log(note);
                }
            }
        }
    }
    to_error_log(line);
}

/// `Err(Some(note))` the first time the file cannot be used in this process,
/// `Err(None)` after that.
fn append_to_file(path: &std::path::Path, line: &str) -> Result<(), Option<String>> {
    let pid = std::process::id();
    let mut output = lock(&OUTPUT);
    if output.as_ref().map(|o| o.pid) != Some(pid) {
        // First line of this process (or of a forked child: the parent's handle
        // stays the parent's business; the child opens its own).
        use std::os::unix::fs::OpenOptionsExt as _;
        let opened = std::fs::OpenOptions::new().create(true).append(true).mode(0o640).open(path);
        let (file, note) = match opened {
            Ok(file) => (Some(file), None),
            Err(e) => (
                None,
                Some(format!(
                    "conduit: cannot open {TARGET_INI} file \"{}\" ({e}); diagnostics go to PHP's error log in pid {pid}",
                    path.display()
                )),
            ),
        };
        if let Some(old) = output.replace(Output { pid, file }) {
            // The inherited File is the parent's; closing our copy of the fd is harmless,
            // but leaking it keeps the rule "a child never tears down parent state".
            std::mem::forget(old);
        }
        if let Some(note) = note {
            return Err(Some(note));
        }
    }
    let Some(file) = output.as_mut().and_then(|o| o.file.as_mut()) else {
        return Err(None);
    };
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    // One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
    file.write_all(&bytes).map_err(|_| None)
}

fn on_php_thread() -> bool {
    PHP_THREAD.with(Cell::get)
}

fn to_error_log(line: String) {
    if PHP_GONE.load(Ordering::Acquire) {
        let _ = writeln!(std::io::stderr(), "{line}");
        return;
    }
    if !on_php_thread() {
        let mut pending = lock(&PENDING);
        if pending.len() >= MAX_PENDING {
            PENDING_DROPPED.fetch_add(1, Ordering::Relaxed);
        } else {
            pending.push_back(line);
        }
        return;
    }
    drain_pending();
    php_log(&line);
}

fn drain_pending() {
    if !on_php_thread() || PHP_GONE.load(Ordering::Acquire) {
        return;
    }
    let lines: Vec<String> = lock(&PENDING).drain(..).collect();
    for line in &lines {
        php_log(line);
    }
    let dropped = PENDING_DROPPED.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        let mut note = String::new();
        let _ = write!(note, "conduit: {dropped} diagnostic lines of background threads dropped (more than {MAX_PENDING} waiting)");
        php_log(&note);
    }
}

extern "C" {
    /// `main/php_log.c`'s error-log writer (`php_log_err` is a macro over it).
    fn php_log_err_with_severity(log_message: *const c_char, syslog_type_int: c_int);
}

/// LOG_NOTICE, what `php_log_err` passes.
const LOG_NOTICE: c_int = 5;

fn php_log(line: &str) {
    // one_line escaped every NUL, so this never fails.
    let Ok(text) = CString::new(line) else { return };
    // SAFETY: called on PHP's thread while the module is loaded; the string is
    // NUL-terminated and outlives the call; PHP copies what it keeps.
    unsafe { php_log_err_with_severity(text.as_ptr(), LOG_NOTICE) };
}

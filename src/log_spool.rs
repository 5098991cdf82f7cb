//! The request-log spool settings (see conduit_store::request_log::spool):
//!
//! - `conduit.log_spool_dir`: the directory of the spool files; empty (default)
//!   means `<system temp dir>/conduit-spool`;
//! - `conduit.log_spool_max_mb`: the most megabytes all spool files in it may take
//!   together (default 64; 0 disables the spool: records then wait in memory while
//!   the database is down, as before).
//!
//! Both `PHP_INI_SYSTEM` (php.ini, `-d`): the spool belongs to the host, not a pool.
//! PHP calls the handlers at registration (MINIT) with the configured values; the
//! writers a process starts later read them.

use std::path::PathBuf;
use std::sync::Mutex;

use conduit_store::request_log::spool::{self, SpoolConfig};
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

use crate::ini::{on_modify_handler, system_entry};

static INI: IniEntryDefs<3> = IniEntryDefs::new([
    system_entry(c"conduit.log_spool_dir", c"", on_dir),
    system_entry(c"conduit.log_spool_max_mb", c"64", on_max_mb),
    IniEntryDef::end(),
]);

/// The settings as the handlers last accepted them.
static CURRENT: Mutex<Option<SpoolConfig>> = Mutex::new(None);

/// Registers the two settings (MINIT).
pub fn register_ini(module_number: i32) {
    IniEntryDef::register(INI.as_slice(), module_number);
}

fn update(change: impl FnOnce(&mut SpoolConfig)) {
    let mut current = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    let config = current.get_or_insert_with(SpoolConfig::default);
    change(config);
    spool::configure(config.clone());
}

/// `conduit.log_spool_dir`: empty or an absolute path.
fn parse_dir(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(SpoolConfig::default().dir);
    }
    let path = PathBuf::from(text);
    if !path.is_absolute() {
        return Err(format!("conduit.log_spool_dir must be an absolute path, got \"{text}\""));
    }
    Ok(path)
}

/// `conduit.log_spool_max_mb`: a whole number of megabytes, 0 to 1,000,000.
fn parse_max_mb(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(mb) if mb <= 1_000_000 => Ok(mb * 1024 * 1024),
        _ => Err(format!("conduit.log_spool_max_mb must be a whole number of megabytes from 0 to 1000000, got \"{}\"", text.trim())),
    }
}

on_modify_handler!(
    /// `conduit.log_spool_dir` changed.
    on_dir,
    |text| parse_dir(text).map_err(|m| format!("{m}; using the default (system temp dir)/conduit-spool")),
    |dir| update(|c| c.dir = dir)
);

on_modify_handler!(
    /// `conduit.log_spool_max_mb` changed.
    on_max_mb,
    |text| parse_max_mb(text).map_err(|m| format!("{m}; using the default 64")),
    |max_bytes| update(|c| c.max_bytes = max_bytes)
);

/// The phpinfo line of the spool.
pub fn describe() -> String {
    let c = spool::config();
    if c.max_bytes == 0 {
        return "disabled (conduit.log_spool_max_mb = 0): records wait in memory while the database is down".into();
    }
    format!("{}, at most {} MB", c.dir.display(), c.max_bytes / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        assert_eq!(parse_dir("").unwrap(), SpoolConfig::default().dir);
        assert_eq!(parse_dir(" /var/spool/conduit ").unwrap(), PathBuf::from("/var/spool/conduit"));
        assert!(parse_dir("relative/dir").unwrap_err().contains("absolute"));
        assert_eq!(parse_max_mb("64").unwrap(), 64 << 20);
        assert_eq!(parse_max_mb("0").unwrap(), 0);
        assert!(parse_max_mb("-1").is_err());
        assert!(parse_max_mb("1.5").is_err());
    }
}

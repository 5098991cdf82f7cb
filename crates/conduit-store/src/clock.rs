//! Wall-clock time in milliseconds since the Unix epoch: the unit of every time
//! column. Each process reads its own clock, so hosts sharing a MariaDB queue need
//! NTP-synchronised clocks (a skew of seconds only shifts leases and delays by as much).

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in ms since the epoch (0 if the clock is before 1970).
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

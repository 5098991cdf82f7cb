//! The model: plain types and pure helpers every layer above shares — jobs and
//! their states ([`job`]), job filters, orders and paging ([`filter`]), queue
//! statistics and quantiles ([`stats`]), request-log rows, filters and statistics
//! ([`log`]), the payload of HTTP delivery jobs ([`delivery`]), and the shape of a
//! retry decision ([`retry`]: the backends ask, the queue's policy answers). No SQL,
//! no retry policy, no I/O: the backends read and write these types, the facades
//! build them from PHP options.

pub mod delivery;
pub mod filter;
pub mod job;
pub mod log;
pub mod retry;
pub mod stats;

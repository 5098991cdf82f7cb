//! Conduit HTTP layer.
pub mod record;

//! Recognises a `Conduit\Store` passed as the ApiClient `log` option.

use std::sync::Arc;

use conduit_http::AttemptSink;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// `Some(sink)` when `value` is a `Conduit\Store`: the client then writes every
/// attempt to that store's request log; `None` for anything else.
pub fn attempt_sink_from_zval(value: &Zval) -> PhpResult<Option<Arc<dyn AttemptSink>>> {
    Ok(crate::store::attempt_sink_of(value))
}

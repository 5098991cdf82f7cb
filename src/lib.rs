//! `conduit` — the PHP extension. This file only declares the binding modules and
//! registers their classes; every binding delegates to the crates in `crates/`.
#![cfg_attr(windows, feature(abi_vectorcall))]
#![allow(non_snake_case)] // PHP parameter names are the Rust names as written ($baseUrl).

// Shared plumbing.
mod convert;
mod diagnostics;
mod exceptions;
mod guard;
mod info;
mod ini;
mod log_spool;
mod php_options;

// One binding module per PHP class family.
mod api_client;
mod mapper;
mod record_stream;
mod request_log;
mod secret_box;
mod store;
mod store_sink;
mod sync_queue;
mod version;
mod webhook;
mod zend_table;
mod zval_record;

use ext_php_rs::prelude::*;

/// The most request end (RSHUTDOWN, Store destruction) waits for the request log.
pub(crate) const REQUEST_END_LOG_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

fn startup(_ty: i32, module_number: i32) -> i32 {
    log_spool::register_ini(module_number);
    diagnostics::register_ini(module_number);
    if let Err(e) = exceptions::register_exception_classes() {
        // No subscriber exists before the first request: say it as a startup error.
        ext_php_rs::error::php_error(
            &ext_php_rs::flags::ErrorType::CoreWarning,
            &format!("conduit: cannot register exception classes: {e}"),
        );
        return 1;
    }
    guard::install();
    0
}

/// At the start of every PHP request: the first one of a process (a PHP-FPM worker,
/// after the fork) installs the diagnostics subscriber.
extern "C" fn request_startup(_ty: i32, _module_number: i32) -> i32 {
    diagnostics::ensure_installed();
    0
}

/// At the end of every PHP request, write the request-log records this process
/// still holds, so a page's log is complete when the page is. The wait is bounded
/// by [`REQUEST_END_LOG_WAIT`]: with the database down the writer puts the records
/// in the local spool at once (well under a millisecond); only a database that hangs
/// mid-statement uses the bound, and then the writer finishes in the background.
extern "C" fn request_shutdown(_ty: i32, _module_number: i32) -> i32 {
    conduit_store::process::flush_all_writers(REQUEST_END_LOG_WAIT);
    // After the flush: its batch events, queued by the writer thread, go out now.
    diagnostics::request_end();
    0
}

extern "C" fn module_shutdown(_ty: i32, _module_number: i32) -> i32 {
    diagnostics::module_shutdown();
    0
}

#[php_module]
#[php(startup = startup)]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .info_function(info::php_module_info)
        .request_startup_function(request_startup)
        .request_shutdown_function(request_shutdown)
        .shutdown_function(module_shutdown)
        .class::<api_client::PhpApiClient>()
        .class::<api_client::PhpResponse>()
        .class::<webhook::PhpWebhookSecurity>()
        .class::<webhook::PhpWebhookEvent>()
        .class::<secret_box::PhpSecretBox>()
        .class::<store::PhpStore>()
        .class::<sync_queue::PhpSyncQueue>()
        .class::<sync_queue::PhpJob>()
        .class::<request_log::PhpRequestLog>()
        .class::<mapper::PhpMapper>()
        .class::<record_stream::PhpRecordStream>()
        .class::<version::PhpVersion>()
}

//! `conduit` — the PHP extension. This file only declares the binding modules and
//! registers their classes; every binding delegates to the crates in `crates/`.
#![cfg_attr(windows, feature(abi_vectorcall))]
#![allow(non_snake_case)] // PHP parameter names are the Rust names as written ($baseUrl).

// Shared plumbing.
mod convert;
mod exceptions;
mod guard;
mod info;
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

use ext_php_rs::prelude::*;

fn startup(_ty: i32, module_number: i32) -> i32 {
    info::register_ini(module_number);
    if let Err(e) = exceptions::register_exception_classes() {
        eprintln!("conduit: cannot register exception classes: {e}");
        return 1;
    }
    guard::install();
    0
}

/// At the end of every PHP request, write the request-log records this process
/// still holds, so a page's log is complete when the page is (bounded wait).
extern "C" fn request_shutdown(_ty: i32, _module_number: i32) -> i32 {
    conduit_store::process::flush_all_writers(std::time::Duration::from_secs(2));
    0
}

#[php_module]
#[php(startup = startup)]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .info_function(info::php_module_info)
        .request_shutdown_function(request_shutdown)
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

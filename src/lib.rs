//! `conduit` — the PHP extension. This file only declares the binding modules and
//! registers their classes; every binding delegates to the crates in `crates/`.
#![cfg_attr(windows, feature(abi_vectorcall))]
#![allow(non_snake_case)] // PHP parameter names are the Rust names as written ($baseUrl).

mod api_client;
mod convert;
mod exceptions;
mod info;
mod php_options;
mod store_sink;
// -- binding modules (one per PHP class family) --
mod secret_box;
mod webhook;
mod request_log;
mod store;
mod sync_queue;
// (bindings: add `mod xyz;` lines here)

use ext_php_rs::prelude::*;

fn startup(_ty: i32, module_number: i32) -> i32 {
    info::register_ini(module_number);
    if let Err(e) = exceptions::register_exception_classes() {
        eprintln!("conduit: cannot register exception classes: {e}");
        return 1;
    }
    0
}

#[php_module]
#[php(startup = startup)]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .info_function(info::php_module_info)
        .class::<api_client::PhpApiClient>()
        .class::<api_client::PhpResponse>()
        .class::<webhook::PhpWebhookSecurity>()
        .class::<webhook::PhpWebhookEvent>()
        .class::<secret_box::PhpSecretBox>()
        .class::<store::PhpStore>()
        .class::<sync_queue::PhpSyncQueue>()
        .class::<sync_queue::PhpJob>()
        .class::<request_log::PhpRequestLog>()
        // (bindings: add `.class::<T>()` lines here)
}

//! `php --ri conduit` and the extension's ini directives.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

pub fn register_ini(_module_number: i32) {}

pub extern "C" fn php_module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("conduit support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_end!();
}

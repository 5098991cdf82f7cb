//! `php --ri conduit`: what an administrator needs to see at a glance.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

extern "C" {
    /// `main/php_ini.c`: the module's ini table (directive, local and master value).
    fn display_ini_entries(module: *mut ModuleEntry);
}

pub extern "C" fn php_module_info(module: *mut ModuleEntry) {
    use crate::version;
    let pools = conduit_http::process::describe();
    info_table_start!();
    info_table_row!("conduit support", "enabled");
    info_table_row!("version", version::VERSION);
    info_table_row!("git commit", version::GIT_COMMIT);
    info_table_row!("build", version::BUILD_PROFILE);
    info_table_row!("rustc", version::RUSTC);
    info_table_row!("built for PHP", format!("{} (API {})", version::PHP_VERSION, version::PHP_API).as_str());
    info_table_row!("HTTP client", "reqwest 0.12 (hyper 1, HTTP/1.1 + HTTP/2)");
    info_table_row!("TLS backend", version::TLS_BACKEND);
    info_table_row!("connection pool", pools.as_str());
    info_table_row!("request log spool", crate::log_spool::describe().replace('\0', "\\0").as_str());
    for writer in conduit_store::process::writers() {
        let st = writer.stats();
        let line = format!(
            "{} written, {} pending, {} dropped ({} because the spool was full), {} spooled, {} replayed from the spool, {} write errors{}",
            st.written,
            st.pending,
            st.dropped,
            st.spool_dropped,
            st.spooled,
            st.replayed,
            st.write_errors,
            if st.unreachable_since_ms.is_some() { " — database unreachable" } else { "" }
        );
        // info_table_row! builds CStrings: a NUL would panic, so none may pass.
        let label = format!("request log {}", writer.label()).replace('\0', "\\0");
        info_table_row!(label.as_str(), line.as_str());
    }
    let diagnostics = format!(
        "level {}, to {}; {}",
        crate::diagnostics::level().as_str(),
        crate::diagnostics::target_description(),
        if crate::diagnostics::installed() { "subscriber installed in this process" } else { "no subscriber in this process" }
    )
    .replace('\0', "\\0");
    info_table_row!("diagnostics", diagnostics.as_str());
    info_table_end!();
    // conduit.log_level and conduit.log_target, as PHP shows every extension's settings.
    // SAFETY: `module` is the entry PHP passed to this info function.
    unsafe { display_ini_entries(module) };
}

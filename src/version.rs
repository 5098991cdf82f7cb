//! `Conduit\Version`: what this build of the extension is, as recorded by build.rs.
//! The same facts appear in `php --ri conduit` (src/info.rs).

use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::boxed::ZBox;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const GIT_COMMIT: &str = env!("CONDUIT_BUILD_GIT_COMMIT");
pub const BUILD_PROFILE: &str = env!("CONDUIT_BUILD_PROFILE");
pub const RUSTC: &str = env!("CONDUIT_BUILD_RUSTC");
pub const TLS_BACKEND: &str = env!("CONDUIT_BUILD_TLS");
pub const PHP_VERSION: &str = env!("CONDUIT_BUILD_PHP_VERSION");
pub const PHP_API: &str = env!("CONDUIT_BUILD_PHP_API");

/// PHP_API as a number; build.rs checked it is all digits.
const fn php_api_number() -> i64 {
    let bytes = PHP_API.as_bytes();
    let mut n: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        n = n * 10 + (bytes[i] - b'0') as i64;
        i += 1;
    }
    n
}

/// Build information; constants only, the class cannot be instantiated.
#[php_class]
#[php(name = "Conduit\\Version")]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct PhpVersion;

#[php_impl]
impl PhpVersion {
    /// Crate version, e.g. "0.1.0" (also `phpversion('conduit')`).
    pub const VERSION: &'static str = VERSION;
    /// Short git commit the build came from, "-dirty" with local changes, or "unknown".
    pub const GIT_COMMIT: &'static str = GIT_COMMIT;
    /// Cargo profile: "release" or "debug".
    pub const BUILD_PROFILE: &'static str = BUILD_PROFILE;
    /// `rustc --version` of the compiler.
    pub const RUSTC: &'static str = RUSTC;
    /// TLS implementation used for HTTPS, e.g. "rustls (ring), system CA store".
    pub const TLS_BACKEND: &'static str = TLS_BACKEND;
    /// PHP version whose headers the extension was built against, e.g. "8.2.36".
    pub const PHP_BUILD_VERSION: &'static str = PHP_VERSION;
    /// PHP API number built against (`php-config --phpapi`), e.g. 20220829.
    pub const PHP_API: i64 = php_api_number();

    /// All of the above as an array (keys: version, git_commit, build_profile, rustc,
    /// tls_backend, php_build_version, php_api).
    pub fn to_array() -> ZBox<ZendHashTable> {
        let mut ht = ZendHashTable::with_capacity(7);
        let _ = ht.insert("version", VERSION);
        let _ = ht.insert("git_commit", GIT_COMMIT);
        let _ = ht.insert("build_profile", BUILD_PROFILE);
        let _ = ht.insert("rustc", RUSTC);
        let _ = ht.insert("tls_backend", TLS_BACKEND);
        let _ = ht.insert("php_build_version", PHP_VERSION);
        let _ = ht.insert("php_api", php_api_number());
        ht
    }
}

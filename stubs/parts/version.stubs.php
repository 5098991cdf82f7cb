<?php
/**
 * IDE stubs for Conduit\Version: what this build of the extension is. The same
 * facts are printed by `php --ri conduit`. Recorded at build time by build.rs;
 * the values below are examples. Docs: docs/install.md.
 */

namespace Conduit;

/**
 * Build information of the loaded extension. Constants only: the class cannot be
 * instantiated.
 */
final class Version
{
    /** Crate version, the same as phpversion('conduit'), e.g. "0.1.0". */
    public const VERSION = '0.1.0';

    /** Short git commit the build came from; "-dirty" with local changes; "unknown" without git. */
    public const GIT_COMMIT = 'unknown';

    /** Cargo profile: "release" or "debug". */
    public const BUILD_PROFILE = 'release';

    /** `rustc --version` of the compiler, e.g. "rustc 1.95.0 (59807616e 2026-04-14)". */
    public const RUSTC = 'rustc';

    /** TLS implementation used for HTTPS, e.g. "rustls (ring), system CA store". */
    public const TLS_BACKEND = 'rustls (ring), system CA store';

    /** PHP version whose headers the extension was built against, e.g. "8.2.36". */
    public const PHP_BUILD_VERSION = '8.2';

    /** PHP API number built against (`php-config --phpapi`); PHP loads the extension only when it matches. */
    public const PHP_API = 20220829;

    /** Not instantiable: `new Version()` throws. */
    private function __construct() {}

    /**
     * All of the above.
     *
     * @return array{version: string, git_commit: string, build_profile: string, rustc: string,
     *     tls_backend: string, php_build_version: string, php_api: int}
     */
    public static function toArray(): array {}
}

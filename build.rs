//! Build facts for `php --ri conduit` and `Conduit\Version` (src/version.rs), and an
//! early, readable stop when PHP is missing or too old.
//!
//! Exposed with `cargo:rustc-env` (read with `env!`):
//!   CONDUIT_BUILD_GIT_COMMIT   short commit, "-dirty" when src/, crates/ or the
//!                              manifests differ from it; "unknown" without git;
//!                              the env var CONDUIT_GIT_COMMIT overrides it
//!   CONDUIT_BUILD_PROFILE      cargo profile ("release", "debug")
//!   CONDUIT_BUILD_RUSTC        `rustc --version` of the compiler used
//!   CONDUIT_BUILD_TLS          TLS backend, read from conduit-http's reqwest features
//!   CONDUIT_BUILD_PHP_VERSION  `php-config --version`
//!   CONDUIT_BUILD_PHP_API      `php-config --phpapi` (e.g. 20220829)
//!
//! Rebuilds: the commit is re-read whenever Rust sources or manifests change (the
//! crate recompiles then anyway) and when HEAD switches branch — not on every commit,
//! which would relink the extension after each docs-only commit. A package or
//! release build that must name its exact commit sets CONDUIT_GIT_COMMIT.
//! No build-dependencies: std only.

use std::path::{Path, PathBuf};
use std::process::{exit, Command};

/// Oldest supported PHP (PHP_VERSION_ID). ext-php-rs 0.16 targets 8.1+.
const MIN_PHP_VERSION_ID: u32 = 80100;
const MIN_PHP_TEXT: &str = "8.1";

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));

    // --- PHP: first, so a missing or old PHP is the first thing the admin reads ----
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    let php_config = std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".to_string());
    let vernum = php_config_value(&php_config, "--vernum");
    let php_version = php_config_value(&php_config, "--version");
    let php_api = php_config_value(&php_config, "--phpapi");
    let id: u32 = vernum.parse().unwrap_or_else(|_| {
        stop(&format!("`{php_config} --vernum` printed {vernum:?}, not a PHP_VERSION_ID such as 80236"))
    });
    if id < MIN_PHP_VERSION_ID {
        stop(&format!(
            "PHP {php_version} is too old: Conduit supports PHP {MIN_PHP_TEXT} and newer \
             (built and tested on Debian 12's PHP 8.2). Found via `{php_config}`; \
             set PHP_CONFIG=/path/to/php-config to build against another PHP."
        ));
    }
    if !php_api.chars().all(|c| c.is_ascii_digit()) || php_api.is_empty() {
        stop(&format!("`{php_config} --phpapi` printed {php_api:?}, not an API number such as 20220829"));
    }
    // php-config's answers change when the PHP dev package is upgraded.
    if let Some(path) = which(&php_config) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    env("CONDUIT_BUILD_PHP_VERSION", &php_version);
    env("CONDUIT_BUILD_PHP_API", &php_api);

    // --- compiler and profile ------------------------------------------------------
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let rustc_version = run(Command::new(&rustc).arg("--version")).unwrap_or_else(|| "unknown".to_string());
    env("CONDUIT_BUILD_RUSTC", &rustc_version);
    env("CONDUIT_BUILD_PROFILE", &std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string()));

    // --- TLS backend: what conduit-http asks reqwest for ----------------------------
    let http_manifest = root.join("crates/conduit-http/Cargo.toml");
    println!("cargo:rerun-if-changed={}", http_manifest.display());
    env("CONDUIT_BUILD_TLS", &tls_backend(&http_manifest, &root.join("Cargo.lock")));

    // --- git commit ------------------------------------------------------------------
    println!("cargo:rerun-if-env-changed=CONDUIT_GIT_COMMIT");
    let commit = match std::env::var("CONDUIT_GIT_COMMIT") {
        Ok(v) if !v.trim().is_empty() => v.trim().to_string(),
        _ => git_commit(&root),
    };
    env("CONDUIT_BUILD_GIT_COMMIT", &commit);
}

fn env(key: &str, value: &str) {
    // One line per value: a newline would end the cargo instruction.
    println!("cargo:rustc-env={key}={}", value.replace(['\n', '\r'], " "));
}

/// Prints a message cargo shows in full, then fails the build.
fn stop(message: &str) -> ! {
    eprintln!();
    eprintln!("==================================================================");
    eprintln!("conduit build: {message}");
    eprintln!("==================================================================");
    eprintln!();
    println!("cargo:warning=conduit build: {message}");
    exit(1);
}

fn php_config_value(php_config: &str, arg: &str) -> String {
    match Command::new(php_config).arg(arg).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => stop(&format!(
            "`{php_config} {arg}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => stop(&format!(
            "cannot run `{php_config}` ({e}). Conduit is built against PHP {MIN_PHP_TEXT}+ \
             development files: on Debian 12 `apt-get install php8.2-dev` (or run \
             `bash scripts/install-deps.sh` as root), or set PHP_CONFIG=/path/to/php-config."
        )),
    }
}

fn run(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(program)).find(|p| p.is_file()))
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    // GIT_OPTIONAL_LOCKS=0: never take .git/index.lock (others commit in this tree).
    run(Command::new("git").arg("-C").arg(root).env("GIT_OPTIONAL_LOCKS", "0").args(args))
}

fn git_commit(root: &Path) -> String {
    let Some(commit) = git(root, &["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_string();
    };
    // Re-read when HEAD moves to another branch or commit by checkout ...
    if let Some(head) = git(root, &["rev-parse", "--path-format=absolute", "--git-path", "HEAD"]) {
        println!("cargo:rerun-if-changed={head}");
    }
    // ... and whenever the crate is recompiled anyway because its sources changed
    // (the extension's src/, each workspace crate's src/ and manifest — not tests/).
    let mut sources = vec!["src".to_string(), "Cargo.toml".into(), "Cargo.lock".into(), "build.rs".into()];
    if let Ok(dirs) = std::fs::read_dir(root.join("crates")) {
        let mut crates: Vec<String> = dirs
            .flatten()
            .filter(|d| d.path().join("Cargo.toml").is_file())
            .map(|d| format!("crates/{}", d.file_name().to_string_lossy()))
            .collect();
        crates.sort();
        for c in crates {
            sources.push(format!("{c}/src"));
            sources.push(format!("{c}/Cargo.toml"));
        }
    }
    for path in &sources {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    let mut args = vec!["diff", "--no-ext-diff", "--quiet", "HEAD", "--"];
    args.extend(sources.iter().map(String::as_str));
    let dirty = !Command::new("git")
        .arg("-C")
        .arg(root)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .args(&args)
        .status()
        .map(|s| s.success())
        .unwrap_or(true);
    if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    }
}

/// "rustls (ring), system CA store" and the like, from the reqwest features that
/// crates/conduit-http/Cargo.toml enables and the crypto provider in Cargo.lock.
fn tls_backend(http_manifest: &Path, lock: &Path) -> String {
    let manifest = std::fs::read_to_string(http_manifest).unwrap_or_default();
    let reqwest = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("reqwest"))
        .unwrap_or("")
        .to_string();
    let lock = std::fs::read_to_string(lock).unwrap_or_default();
    let locked = |name: &str| lock.contains(&format!("name = \"{name}\"\n"));
    if reqwest.contains("rustls") {
        let provider = if locked("aws-lc-rs") && !locked("ring") {
            "aws-lc-rs"
        } else if locked("ring") {
            "ring"
        } else {
            "unknown provider"
        };
        let roots = if reqwest.contains("native-roots") {
            "system CA store"
        } else if reqwest.contains("webpki-roots") {
            "bundled webpki roots"
        } else {
            "no default roots"
        };
        format!("rustls ({provider}), {roots}")
    } else if reqwest.contains("native-tls") || (!reqwest.contains("default-features = false") && !reqwest.is_empty()) {
        "native-tls (OpenSSL), system CA store".to_string()
    } else {
        "unknown".to_string()
    }
}

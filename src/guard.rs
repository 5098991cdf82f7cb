//! Hardening every `Conduit\` class once the engine has registered them.
//!
//! A module's startup hook runs before ext-php-rs registers the module's classes, so
//! [`install`] chains `zend_post_startup_cb` (called once after every MINIT, before
//! the first request; opcache chains it the same way) and [`post_startup`] then:
//!
//! - **guards every instance method.** ext-php-rs answers a method call on an object
//!   made without its constructor (`ReflectionClass::newInstanceWithoutConstructor()`,
//!   a subclass that skips `parent::__construct()`) with a plain `\Exception`, and a
//!   second `__construct()` call on a live object silently replaces its Rust state
//!   (re-pointing every queue or log built on it). Each method's handler is wrapped:
//!   the wrapper checks the object first and throws a `Conduit\ConfigException`
//!   naming the class and method, then calls the original handler. Classes with no
//!   PHP constructor (Job, Response, WebhookEvent) refuse `new` the same way.
//! - **makes `Conduit\Job` read-only:** a job is a snapshot of a row; writing or
//!   unsetting one of its properties is a `ConfigException`, not a plain exception
//!   from a property setter (or a silently changed copy).
//! - **makes the classes the stubs declare `final` final** where the
//!   `#[php(flags = ClassFlags::Final)]` attribute is not on the struct: a user
//!   subclass could otherwise override methods the guards and queues rely on.
//! - **marks secret-carrying parameters `#[\SensitiveParameter]`** (see
//!   [`SENSITIVE`]), so a stack trace shows `SensitiveParameterValue` instead of a
//!   token, key or DSN, and `ReflectionParameter::getAttributes()` lists it.
//!
//! The wrapper costs one read lock and one hash look-up per method call.
//! Everything here runs on PHP's main thread; the extension is NTS.

use std::collections::HashMap;
use std::ffi::{c_int, CStr};
use std::sync::RwLock;

use ext_php_rs::class::RegisteredClass;
use ext_php_rs::ffi::{zend_execute_data, zend_function, zend_object, zend_string, zval};
use ext_php_rs::types::ZendClassObject;
use ext_php_rs::zend::ClassEntry;

use crate::exceptions::config_error;

extern "C" {
    // Zend/zend.h: `ZEND_API zend_result (*zend_post_startup_cb)(void);`, exported by
    // every SAPI binary. SUCCESS is 0.
    static mut zend_post_startup_cb: Option<unsafe extern "C" fn() -> c_int>;
}

/// The callback that was installed before ours (opcache's, say), called after ours.
static mut PREVIOUS_POST_STARTUP: Option<unsafe extern "C" fn() -> c_int> = None;

/// Called from MINIT: run [`post_startup`] once the classes exist.
pub fn install() {
    // SAFETY: MINIT runs single-threaded, before any request; the engine reads the
    // pointer after every module's MINIT.
    unsafe {
        let current = std::ptr::addr_of!(zend_post_startup_cb).read();
        let ours: unsafe extern "C" fn() -> c_int = post_startup;
        if !current.is_some_and(|f| std::ptr::fn_addr_eq(f, ours)) {
            std::ptr::addr_of_mut!(PREVIOUS_POST_STARTUP).write(current);
            std::ptr::addr_of_mut!(zend_post_startup_cb).write(Some(post_startup));
        }
    }
}

unsafe extern "C" fn post_startup() -> c_int {
    harden();
    // SAFETY: written once in `install`, during MINIT.
    match unsafe { std::ptr::addr_of!(PREVIOUS_POST_STARTUP).read() } {
        Some(previous) => unsafe { previous() },
        None => 0,
    }
}

/// Parameters that can carry a secret, by class, method (lower case) and name.
pub const SENSITIVE: &[(&str, &str, &[&str])] = &[
    ("Conduit\\ApiClient", "__construct", &["baseUrl", "options"]),
    ("Conduit\\ApiClient", "request", &["options"]),
    ("Conduit\\ApiClient", "send", &["options"]),
    ("Conduit\\ApiClient", "sendmany", &["requests", "options"]),
    ("Conduit\\ApiClient", "stream", &["options"]),
    ("Conduit\\SyncQueue", "pushrequest", &["options"]),
    ("Conduit\\RequestLog", "record", &["entry", "options"]),
    ("Conduit\\Store", "__construct", &["dsn"]),
    ("Conduit\\SecretBox", "__construct", &["keyring"]),
    ("Conduit\\SecretBox", "encrypt", &["plain"]),
    ("Conduit\\WebhookSecurity", "__construct", &["config"]),
];

/// Marks `T` final, as stubs/conduit.stubs.php declares it (tests/stubs/check-stubs.php
/// compares finality, so a class missing from [`harden`]'s list fails that check).
fn make_final<T: RegisteredClass>() {
    let metadata = T::get_metadata();
    if !metadata.has_ce() {
        return;
    }
    // SAFETY: the engine's class entry, patched during startup before any request and
    // while no other thread runs; the engine reads the flag when a class declaration
    // names this one as its parent.
    unsafe {
        let ce = std::ptr::from_ref(metadata.ce()).cast_mut();
        (*ce).ce_flags |= ext_php_rs::ffi::ZEND_ACC_FINAL;
    }
}

fn harden() {
    use crate::{api_client, mapper, record_stream, request_log, secret_box, store, sync_queue, webhook};
    make_final::<webhook::PhpWebhookSecurity>();
    make_final::<webhook::PhpWebhookEvent>();
    make_final::<secret_box::PhpSecretBox>();
    make_final::<store::PhpStore>();
    make_final::<sync_queue::PhpSyncQueue>();
    make_final::<sync_queue::PhpJob>();
    make_final::<request_log::PhpRequestLog>();
    make_final::<record_stream::PhpRecordStream>();
    make_final::<crate::version::PhpVersion>();
    guard_class::<api_client::PhpApiClient>(None);
    guard_class::<api_client::PhpResponse>(Some("responses come from ApiClient::send(), request() and sendMany()"));
    guard_class::<webhook::PhpWebhookSecurity>(None);
    guard_class::<webhook::PhpWebhookEvent>(Some("events come from WebhookSecurity::verify()"));
    guard_class::<secret_box::PhpSecretBox>(None);
    guard_class::<store::PhpStore>(None);
    guard_class::<sync_queue::PhpSyncQueue>(None);
    guard_class::<sync_queue::PhpJob>(Some("jobs come from SyncQueue::claim(), get() and list()"));
    guard_class::<request_log::PhpRequestLog>(None);
    guard_class::<mapper::PhpMapper>(None);
    guard_class::<record_stream::PhpRecordStream>(Some("streams come from ApiClient::stream()"));
    read_only::<sync_queue::PhpJob>();
}

// ---------------------------------------------------------------------------
// Method guards
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Guard {
    original: unsafe extern "C" fn(*mut zend_execute_data, *mut zval),
    class: &'static str,
    /// True when `this` is a constructed object of the class.
    ready: unsafe fn(*mut zend_object) -> bool,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    /// `__construct` of a class built with `new`.
    Constructor,
    /// `__construct` of a class whose objects only the extension creates; the hint
    /// says where they come from.
    NotConstructible(&'static str),
    Method,
}

/// scope → function name → its guard. Not keyed by the `zend_function*`: a user
/// subclass inherits a *copy* of each internal method, which keeps the scope and the
/// name of the original. Keyed by the name's *bytes*, not its address: opcache's
/// post-startup (chained after ours) moves every function name into shared memory as
/// a new interned string, so an address recorded here would no longer match.
type GuardTable = HashMap<usize, HashMap<Box<[u8]>, Guard>>;
static GUARDS: RwLock<Option<GuardTable>> = RwLock::new(None);

/// The scope of a function, as the outer key of [`GUARDS`].
unsafe fn scope_key(function: *const zend_function) -> usize {
    // SAFETY: a live function.
    unsafe { (*function).common.scope as usize }
}

/// The bytes of a function's name, the inner key of [`GUARDS`].
unsafe fn name_bytes<'a>(function: *const zend_function) -> &'a [u8] {
    // SAFETY: a live function; its name is a live zend_string.
    unsafe {
        (*function)
            .common
            .function_name
            .as_ref()
            .map_or(&[][..], |s| std::slice::from_raw_parts(s.val.as_ptr().cast::<u8>(), s.len))
    }
}

unsafe fn ready<T: RegisteredClass>(object: *mut zend_object) -> bool {
    // SAFETY: the engine passes a live object (or null).
    unsafe { object.as_ref() }.and_then(ZendClassObject::<T>::from_zend_obj).is_some()
}

fn functions(ce: &ClassEntry) -> Vec<*mut zend_function> {
    let mut out = Vec::new();
    for (_, entry) in ce.function_table.iter() {
        // SAFETY: function tables hold IS_PTR zvals with a `zend_function*`.
        if let Some(function) = unsafe { entry.ptr::<zend_function>() } {
            out.push(function);
        }
    }
    out
}

/// Wraps the instance methods of `T` and marks its sensitive parameters.
fn guard_class<T: RegisteredClass>(not_constructible: Option<&'static str>) {
    let metadata = T::get_metadata();
    if !metadata.has_ce() {
        return;
    }
    let ce = metadata.ce();
    for (class, method, params) in SENSITIVE {
        if *class == T::CLASS_NAME {
            for param in *params {
                if let Some(offset) = parameter_offset(ce, method, param) {
                    crate::php_options::mark_sensitive_parameter(ce, method, offset);
                }
            }
        }
    }
    let mut guards = GUARDS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let guards = guards.get_or_insert_with(HashMap::new);
    for function in functions(ce) {
        // SAFETY: internal functions of an internal class, alive as long as the class.
        unsafe {
            let internal = &mut (*function).internal_function;
            if u32::from(internal.type_) != ext_php_rs::ffi::ZEND_INTERNAL_FUNCTION
                || internal.fn_flags & ext_php_rs::ffi::ZEND_ACC_STATIC != 0
                || !std::ptr::eq(internal.scope.cast_const(), std::ptr::from_ref(ce).cast())
            {
                continue;
            }
            let Some(original) = internal.handler else { continue };
            let wrapper: unsafe extern "C" fn(*mut zend_execute_data, *mut zval) = guarded;
            if std::ptr::fn_addr_eq(original, wrapper) {
                continue;
            }
            let name = zend_str(internal.function_name);
            let kind = match (name.eq_ignore_ascii_case("__construct"), not_constructible) {
                (true, Some(hint)) => Kind::NotConstructible(hint),
                (true, None) => Kind::Constructor,
                (false, _) => Kind::Method,
            };
            guards
                .entry(scope_key(function))
                .or_default()
                .insert(name_bytes(function).into(), Guard { original, class: T::CLASS_NAME, ready: ready::<T>, kind });
            internal.handler = Some(guarded);
        }
    }
}

unsafe fn zend_str<'a>(s: *const zend_string) -> &'a str {
    // SAFETY: a live zend_string (function names are persistent).
    unsafe { s.as_ref() }
        .and_then(|s| {
            let bytes = unsafe { std::slice::from_raw_parts(s.val.as_ptr().cast::<u8>(), s.len) };
            std::str::from_utf8(bytes).ok()
        })
        .unwrap_or("")
}

unsafe extern "C" fn guarded(execute_data: *mut zend_execute_data, return_value: *mut zval) {
    // SAFETY: the engine calls handlers with a live frame.
    let Some(ex) = (unsafe { execute_data.as_mut() }) else { return };
    let function = ex.func;
    // SAFETY: `func` is the running function.
    let (scope, name) = unsafe { (scope_key(function), name_bytes(function)) };
    let guard = GUARDS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .and_then(|g| g.get(&scope)?.get(name).copied());
    let Some(guard) = guard else {
        config_error("Conduit: this method is not available (the extension was restarted).").throw();
        return;
    };
    // SAFETY: `func` is the running function; `This` holds the object for methods.
    let method = unsafe { zend_str((*function).common.function_name) };
    let object = ex.This.object_mut().map_or(std::ptr::null_mut(), std::ptr::from_mut);
    let ready = unsafe { (guard.ready)(object) };
    let class = guard.class;
    let refusal = match guard.kind {
        Kind::NotConstructible(hint) => {
            Some(format!("{class} cannot be created with new or __construct(): {hint}."))
        }
        Kind::Constructor if ready => Some(format!(
            "{class}::__construct() was already called on this object; construct a new {class} instead of \
             re-initialising a live one (objects built on it would silently change)."
        )),
        Kind::Method if !ready => Some(format!(
            "{class}::{method}() called on an object that was not constructed (made without its constructor, \
             or a subclass skipped parent::__construct()); create it with new {class}(...)."
        )),
        _ => None,
    };
    match refusal {
        Some(message) => {
            config_error(message).throw();
        }
        // SAFETY: the original handler with the frame the engine gave us.
        None => unsafe { (guard.original)(execute_data, return_value) },
    }
}

// ---------------------------------------------------------------------------
// Read-only objects
// ---------------------------------------------------------------------------

fn read_only<T: RegisteredClass>() {
    let handlers = T::get_metadata().handlers();
    // SAFETY: the class's handler table, shared by all its objects; patched during
    // startup, before any object exists and while no other thread runs.
    unsafe {
        let handlers = std::ptr::from_ref(handlers).cast_mut();
        (*handlers).write_property = Some(refuse_write);
        (*handlers).unset_property = Some(refuse_unset);
        // NULL makes the engine fall back to read + write (so `$job->id++` and
        // `$job->x[] = 1` reach `refuse_write` too).
        (*handlers).get_property_ptr_ptr = Some(no_property_ptr);
    }
}

unsafe fn class_name(object: *mut zend_object) -> String {
    // SAFETY: a live object with a live class entry.
    unsafe { object.as_ref().and_then(|o| o.ce.as_ref()).map(|ce| zend_str(ce.name).to_owned()) }
        .unwrap_or_else(|| "Conduit\\Job".into())
}

unsafe extern "C" fn refuse_write(
    object: *mut zend_object,
    member: *mut zend_string,
    value: *mut zval,
    _cache_slot: *mut *mut std::ffi::c_void,
) -> *mut zval {
    // SAFETY: the engine passes a live object and property name.
    let (class, name) = unsafe { (class_name(object), zend_str(member)) };
    config_error(format!(
        "{class} is a read-only snapshot of a job: ${name} cannot be written; change jobs through SyncQueue."
    ))
    .throw();
    value
}

unsafe extern "C" fn refuse_unset(object: *mut zend_object, member: *mut zend_string, _cache_slot: *mut *mut std::ffi::c_void) {
    // SAFETY: as above.
    let (class, name) = unsafe { (class_name(object), zend_str(member)) };
    config_error(format!("{class} is a read-only snapshot of a job: ${name} cannot be unset.")).throw();
}

unsafe extern "C" fn no_property_ptr(
    _object: *mut zend_object,
    _member: *mut zend_string,
    _type: c_int,
    _cache_slot: *mut *mut std::ffi::c_void,
) -> *mut zval {
    std::ptr::null_mut()
}

// ---------------------------------------------------------------------------
// #[\SensitiveParameter]
// ---------------------------------------------------------------------------

/// The 0-based position of parameter `name` of `class::method`, from its arg info.
fn parameter_offset(ce: &ClassEntry, method: &str, name: &str) -> Option<u32> {
    let entry = ce.function_table.get(method)?;
    // SAFETY: IS_PTR zval holding the method's `zend_function*`.
    let function = unsafe { entry.ptr::<zend_function>() }?;
    // SAFETY: an internal function: `arg_info` has `num_args` entries with C names.
    unsafe {
        let internal = &(*function).internal_function;
        if internal.arg_info.is_null() {
            return None;
        }
        (0..internal.num_args).find(|i| {
            let info = &*internal.arg_info.add(*i as usize);
            !info.name.is_null() && CStr::from_ptr(info.name).to_bytes() == name.as_bytes()
        })
    }
}

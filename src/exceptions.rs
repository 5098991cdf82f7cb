//! The `Conduit\` exception tree, registered with `ClassBuilder` at module startup.
//!
//! Why not `#[php_class]` exceptions: a Rust-backed exception object is created by
//! ext-php-rs' own `create_object`, which skips `\Exception`'s, so PHP would see an
//! empty file, line 0 and no trace (ext-php-rs issue #203). Classes built here keep
//! `\Exception`'s object handler, so `ZendObject::new(ce)` captures PHP's real file,
//! line and trace, and PHP code can `new` and extend them like any exception.
//!
//! Extra data (status code, reason, …) lives in protected properties with getters.
//! Every binding turns its core error into a [`ConduitThrow`] and returns it as
//! `Err(PhpException)`; nothing else in the extension builds exception objects.

use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::{ClassFlags, DataType, MethodFlags, PropertyFlags};
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ce, ClassEntry, ExecuteData, ExecutorGlobals};

/// Every exception class the extension throws. The discriminant indexes [`CLASS_ENTRIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionClass {
    /// `Conduit\ConduitException` — the marker interface (never thrown itself).
    Conduit = 0,
    Config,
    Api,
    RateLimit,
    Transport,
    Timeout,
    CircuitOpen,
    Signature,
    Queue,
    Crypto,
    Mapping,
}

const CLASS_COUNT: usize = 11;

#[allow(clippy::declare_interior_mutable_const)]
const NULL_CE: AtomicPtr<ClassEntry> = AtomicPtr::new(std::ptr::null_mut());
static CLASS_ENTRIES: [AtomicPtr<ClassEntry>; CLASS_COUNT] = [NULL_CE; CLASS_COUNT];

impl ExceptionClass {
    pub const fn php_name(self) -> &'static str {
        match self {
            Self::Conduit => "Conduit\\ConduitException",
            Self::Config => "Conduit\\ConfigException",
            Self::Api => "Conduit\\ApiException",
            Self::RateLimit => "Conduit\\RateLimitException",
            Self::Transport => "Conduit\\TransportException",
            Self::Timeout => "Conduit\\TimeoutException",
            Self::CircuitOpen => "Conduit\\CircuitOpenException",
            Self::Signature => "Conduit\\SignatureException",
            Self::Queue => "Conduit\\QueueException",
            Self::Crypto => "Conduit\\CryptoException",
            Self::Mapping => "Conduit\\MappingException",
        }
    }

    /// The registered class entry; `None` before startup registered it.
    pub fn class_entry(self) -> Option<&'static ClassEntry> {
        let ptr = CLASS_ENTRIES[self as usize].load(Ordering::Acquire);
        // SAFETY: the pointer was handed to us by the engine at registration and class
        // entries of internal classes live until the process ends.
        unsafe { ptr.as_ref() }
    }
}

/// An exception to throw: class, message and the protected properties to fill.
pub struct ConduitThrow {
    class: ExceptionClass,
    message: String,
    code: i64,
    properties: Vec<(&'static str, Zval)>,
}

impl ConduitThrow {
    pub fn new(class: ExceptionClass, message: impl Into<String>) -> Self {
        Self { class, message: message.into(), code: 0, properties: Vec::new() }
    }

    pub fn code(mut self, code: i64) -> Self {
        self.code = code;
        self
    }

    /// Sets a protected property; values that cannot become a zval are skipped
    /// (the property keeps its declared default).
    pub fn with(mut self, name: &'static str, value: impl IntoZval) -> Self {
        if let Ok(zv) = value.into_zval(false) {
            self.properties.push((name, zv));
        }
        self
    }

    fn into_object(self) -> Option<Zval> {
        let ce = self.class.class_entry()?;
        // `\Exception`'s create_object runs here and records file, line and trace.
        let mut obj = ZendObject::new(ce);
        obj.try_call_method("__construct", vec![&self.message, &self.code]).ok()?;
        // Protected properties can only be written from the class's own scope.
        let previous_scope = {
            let mut globals = ExecutorGlobals::get_mut();
            std::mem::replace(&mut globals.fake_scope, std::ptr::from_ref(ce).cast_mut())
        };
        for (name, value) in self.properties {
            // Declared properties only: a binding may attach a field the class does
            // not have (`attempts` on a ConfigException), and a dynamic property is
            // a deprecation notice on PHP 8.2.
            if ce.properties_info.get(name).is_some() {
                let _ = obj.set_property(name, value);
            }
        }
        ExecutorGlobals::get_mut().fake_scope = previous_scope;
        obj.into_zval(false).ok()
    }
}

impl ConduitThrow {
    /// The exception object itself, for APIs that return failures instead of
    /// throwing them (`sendMany`).
    pub fn into_exception_zval(self) -> Zval {
        self.into_object().unwrap_or_default()
    }
}

impl From<ConduitThrow> for PhpException {
    fn from(throw: ConduitThrow) -> Self {
        let message = throw.message.clone();
        match throw.into_object() {
            Some(object) => PhpException::from_message(message).with_object(object),
            // Only reachable if startup failed to register the classes.
            None => PhpException::from_message(message),
        }
    }
}

/// Shorthand for the most common throw: a `ConfigException` naming the bad option.
pub fn config_error(message: impl Into<String>) -> PhpException {
    ConduitThrow::new(ExceptionClass::Config, message).into()
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

macro_rules! class_entry_getter {
    ($fn_name:ident, $class:expr) => {
        fn $fn_name() -> &'static ClassEntry {
            // Registration order guarantees the parent exists before a child needs it.
            $class.class_entry().unwrap_or_else(|| ce::exception())
        }
    };
}
class_entry_getter!(conduit_interface_ce, ExceptionClass::Conduit);
class_entry_getter!(api_ce, ExceptionClass::Api);
class_entry_getter!(transport_ce, ExceptionClass::Transport);

// SPL's classes have no getter in ext-php-rs and the class table can't be searched
// during MINIT; SPL is compiled into PHP and exports its class entries (PHPAPI).
extern "C" {
    static spl_ce_RuntimeException: *mut ClassEntry;
    static spl_ce_InvalidArgumentException: *mut ClassEntry;
}
fn runtime_exception_ce() -> &'static ClassEntry {
    // SAFETY: set by SPL's MINIT, which runs before any shared extension's.
    unsafe { spl_ce_RuntimeException.as_ref() }.unwrap_or_else(ce::exception)
}
fn invalid_argument_ce() -> &'static ClassEntry {
    // SAFETY: as above.
    unsafe { spl_ce_InvalidArgumentException.as_ref() }.unwrap_or_else(ce::exception)
}

/// Protected property with a typed default, for `ClassBuilder::property`.
fn property(name: &str, ty: DataType, nullable: bool, default: fn() -> Zval, stub: &str) -> ClassProperty {
    ClassProperty {
        name: name.into(),
        flags: PropertyFlags::Protected,
        default: Some(Box::new(move || Ok(default()))),
        docs: &[],
        ty: Some(ty),
        nullable,
        readonly: false,
        default_stub: Some(stub.into()),
    }
}

fn zv_long_zero() -> Zval {
    let mut zv = Zval::new();
    zv.set_long(0);
    zv
}
fn zv_null() -> Zval {
    let mut zv = Zval::new();
    zv.set_null();
    zv
}
// Defaults of internal classes must not be refcounted: interned string, shared empty array.
fn zv_empty_string() -> Zval {
    let mut zv = Zval::new();
    if zv.set_interned_string("", true).is_err() {
        zv.set_null();
    }
    zv
}
fn zv_empty_array() -> Zval {
    ext_php_rs::types::ZendEmptyArray.into_zval(true).unwrap_or_else(|_| Zval::new())
}

macro_rules! property_getter {
    ($fn_name:ident, $prop:literal) => {
        extern "C" fn $fn_name(ex: &mut ExecuteData, retval: &mut Zval) {
            let value = ex
                .get_self()
                .and_then(|obj| obj.get_property::<&Zval>($prop).ok().map(Zval::shallow_clone));
            match value {
                Some(v) => *retval = v,
                None => retval.set_null(),
            }
        }
    };
}
property_getter!(get_status_code, "statusCode");
property_getter!(get_response_body, "responseBody");
property_getter!(get_response_headers, "responseHeaders");
property_getter!(get_attempts, "attempts");
property_getter!(get_retry_after, "retryAfter");
property_getter!(get_records_delivered, "recordsDelivered");
property_getter!(get_reason, "reason");
property_getter!(get_http_status, "httpStatus");
property_getter!(get_errors, "errors");

fn getter(name: &str, handler: extern "C" fn(&mut ExecuteData, &mut Zval), ty: DataType, nullable: bool) -> (FunctionBuilder<'static>, MethodFlags) {
    (FunctionBuilder::new(name, handler).returns(ty, false, nullable), MethodFlags::Public)
}

fn store_ce(class: ExceptionClass) -> fn(&'static mut ClassEntry, ext_php_rs::args::ArgInfoTables) {
    // A fn pointer cannot capture `class`, so dispatch through a small table.
    macro_rules! storer {
        ($idx:expr) => {{
            fn store(ce: &'static mut ClassEntry, arg_info: ext_php_rs::args::ArgInfoTables) {
                CLASS_ENTRIES[$idx].store(std::ptr::from_mut(ce), Ordering::Release);
                // The engine keeps pointers into the arg-info tables for the process lifetime.
                std::mem::forget(arg_info);
            }
            store
        }};
    }
    match class {
        ExceptionClass::Conduit => storer!(0),
        ExceptionClass::Config => storer!(1),
        ExceptionClass::Api => storer!(2),
        ExceptionClass::RateLimit => storer!(3),
        ExceptionClass::Transport => storer!(4),
        ExceptionClass::Timeout => storer!(5),
        ExceptionClass::CircuitOpen => storer!(6),
        ExceptionClass::Signature => storer!(7),
        ExceptionClass::Queue => storer!(8),
        ExceptionClass::Crypto => storer!(9),
        ExceptionClass::Mapping => storer!(10),
    }
}

fn builder(class: ExceptionClass, parent: ext_php_rs::class::ClassEntryInfo) -> ClassBuilder {
    ClassBuilder::new(class.php_name())
        .extends(parent)
        .implements((conduit_interface_ce, "\\Conduit\\ConduitException"))
        .registration(store_ce(class))
}

fn with_methods(mut b: ClassBuilder, methods: Vec<(FunctionBuilder<'static>, MethodFlags)>) -> ClassBuilder {
    for (m, flags) in methods {
        b = b.method(m, flags);
    }
    b
}

/// Registers the whole tree. Called once from module startup.
pub fn register_exception_classes() -> ext_php_rs::error::Result<()> {
    use ExceptionClass as C;

    ClassBuilder::new(C::Conduit.php_name())
        .flags(ClassFlags::Interface)
        .registration(store_ce(C::Conduit))
        .register()?;

    builder(C::Config, (invalid_argument_ce, "\\InvalidArgumentException")).register()?;

    let api = builder(C::Api, (runtime_exception_ce, "\\RuntimeException"))
        .property(property("statusCode", DataType::Long, false, zv_long_zero, "0"))
        .property(property("responseBody", DataType::String, false, zv_empty_string, "''"))
        .property(property("responseHeaders", DataType::Array, false, zv_empty_array, "[]"))
        .property(property("attempts", DataType::Long, false, zv_long_zero, "0"));
    with_methods(
        api,
        vec![
            getter("getStatusCode", get_status_code, DataType::Long, false),
            getter("getResponseBody", get_response_body, DataType::String, false),
            getter("getResponseHeaders", get_response_headers, DataType::Array, false),
            getter("getAttempts", get_attempts, DataType::Long, false),
        ],
    )
    .register()?;

    with_methods(
        ClassBuilder::new(C::RateLimit.php_name())
            .extends((api_ce, "\\Conduit\\ApiException"))
            .registration(store_ce(C::RateLimit))
            .property(property("retryAfter", DataType::Double, true, zv_null, "null")),
        vec![getter("getRetryAfter", get_retry_after, DataType::Double, true)],
    )
    .register()?;

    with_methods(
        builder(C::Transport, (runtime_exception_ce, "\\RuntimeException"))
            .property(property("attempts", DataType::Long, false, zv_long_zero, "0"))
            .property(property("recordsDelivered", DataType::Long, true, zv_null, "null")),
        vec![
            getter("getAttempts", get_attempts, DataType::Long, false),
            getter("getRecordsDelivered", get_records_delivered, DataType::Long, true),
        ],
    )
    .register()?;

    ClassBuilder::new(C::Timeout.php_name())
        .extends((transport_ce, "\\Conduit\\TransportException"))
        .registration(store_ce(C::Timeout))
        .register()?;

    with_methods(
        builder(C::CircuitOpen, (runtime_exception_ce, "\\RuntimeException"))
            .property(property("retryAfter", DataType::Double, true, zv_null, "null")),
        vec![getter("getRetryAfter", get_retry_after, DataType::Double, true)],
    )
    .register()?;

    with_methods(
        builder(C::Signature, (runtime_exception_ce, "\\RuntimeException"))
            .property(property("reason", DataType::String, false, zv_empty_string, "''"))
            .property(property("httpStatus", DataType::Long, false, zv_long_zero, "0")),
        vec![
            getter("getReason", get_reason, DataType::String, false),
            getter("getHttpStatus", get_http_status, DataType::Long, false),
        ],
    )
    .register()?;

    builder(C::Queue, (runtime_exception_ce, "\\RuntimeException")).register()?;

    with_methods(
        builder(C::Crypto, (runtime_exception_ce, "\\RuntimeException"))
            .property(property("reason", DataType::String, false, zv_empty_string, "''")),
        vec![getter("getReason", get_reason, DataType::String, false)],
    )
    .register()?;

    with_methods(
        builder(C::Mapping, (runtime_exception_ce, "\\RuntimeException"))
            .property(property("errors", DataType::Array, false, zv_empty_array, "[]")),
        vec![getter("getErrors", get_errors, DataType::Array, false)],
    )
    .register()?;

    Ok(())
}

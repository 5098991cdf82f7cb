//! `Conduit\SecretBox`: key-ring conversion and error mapping over
//! `conduit_security::secret_box`; all cryptography lives there.

use std::path::Path;

use conduit_security::secret_box::{self, CryptoError, KeyRing, KeySource, SecretBox};
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::webhook::config_exception;
use crate::php_options::{
    entries, opt_string, reject_unknown, sentence, type_name,
    Bytes, Key, StringReturn,
};

/// Options of `new SecretBox([...])`.
const OPTIONS: &[&str] = &["keys", "primary"];
/// Options of one entry of `keys`: exactly one of them.
const KEY_OPTIONS: &[&str] = &["key", "key_file", "site_secret"];

/// Encrypts settings at rest (AES-256-GCM under a key ring).
#[php_class]
#[php(name = "Conduit\\SecretBox")]
// Final: a subclass could skip the constructor and leave the Rust object unset.
#[php(flags = ClassFlags::Final)]
pub struct PhpSecretBox(SecretBox);

#[php_impl]
impl PhpSecretBox {
    pub fn __construct(keyring: &ZendHashTable) -> PhpResult<Self> {
        key_ring_from_options(keyring).map(|ring| Self(SecretBox::new(ring)))
    }

    /// `cdt1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>` under the primary key.
    #[php(defaults(aad = "\"\""))]
    pub fn encrypt(&self, plain: Bytes<'_>, aad: Bytes<'_>) -> PhpResult<String> {
        self.0.encrypt(plain.0, aad.0).map_err(crypto_exception)
    }

    /// The plaintext of a value encrypted under any key of the ring.
    #[php(defaults(aad = "\"\""))]
    pub fn decrypt(&self, cipher: Bytes<'_>, aad: Bytes<'_>) -> PhpResult<StringReturn> {
        let plain = self.0.decrypt(cipher.0, aad.0).map_err(crypto_exception)?;
        Ok(StringReturn::from_bytes(&plain))
    }

    /// Whether a value has the SecretBox format (says nothing about the key).
    pub fn is_encrypted(&self, value: Bytes<'_>) -> bool {
        SecretBox::is_encrypted(value.0)
    }

    /// Re-encrypts under the primary key; a value already under it comes back unchanged.
    #[php(defaults(aad = "\"\""))]
    pub fn rotate(&self, cipher: Bytes<'_>, aad: Bytes<'_>) -> PhpResult<String> {
        self.0.rotate(cipher.0, aad.0).map_err(crypto_exception)
    }

    /// The id of the key new values are encrypted with.
    pub fn primary_key_id(&self) -> String {
        self.0.primary_key_id().to_owned()
    }

    /// Every key id in the ring.
    pub fn key_ids(&self) -> Vec<String> {
        self.0.key_ids().into_iter().map(str::to_owned).collect()
    }

    /// A fresh random key: base64 of 32 bytes, for a key file or the `key` option.
    pub fn generate_key() -> PhpResult<StringReturn> {
        let key = secret_box::generate_key().map_err(|e| -> PhpException {
            ConduitThrow::new(
                ExceptionClass::Crypto,
                format!("The operating system's random generator failed: {e}."),
            )
            .with("reason", "random_unavailable")
            .into()
        })?;
        Ok(StringReturn::from_bytes(key.as_bytes()))
    }
}

/// `['keys' => ['id' => ['key' => b64] | ['key_file' => path] | ['site_secret' => s] | b64], 'primary' => 'id']`
fn key_ring_from_options(options: &ZendHashTable) -> PhpResult<KeyRing> {
    reject_unknown(options, OPTIONS, "Conduit\\SecretBox")?;
    let Some(keys) = options.get("keys") else {
        return Err(config_error(
            "Option \"keys\" is required: ['<key id>' => ['key' => base64] | ['key_file' => path] | ['site_secret' => secret], …].",
        ));
    };
    let Some(keys) = keys.array() else {
        return Err(config_error(format!(
            "Option \"keys\" must be an array keyed by key id, {} given.",
            type_name(keys)
        )));
    };
    let mut builder = KeyRing::builder();
    for (key, entry) in entries(keys) {
        // PHP stores the key '2024' as the integer 2024: integer keys are ids too.
        let id = match &key {
            Key::Str(bytes) => bytes.clone(),
            Key::Int(n) => n.to_string().into_bytes(),
        };
        // Checked before anything names it: a key pasted where the id goes must not
        // come back in a message.
        if !secret_box::valid_key_id(&id) {
            return Err(config_error(sentence(&format!(
                "{} (the id is not shown: it may be key material)",
                secret_box::invalid_key_id_message(&id)
            ))));
        }
        let id = String::from_utf8(id).unwrap_or_default();
        let id = id.as_str();
        builder = builder.key(id, key_source(id, entry)?);
    }
    if let Some(primary) = opt_string(options, "primary")? {
        builder = builder.primary(&primary);
    }
    builder.build().map_err(config_exception)
}

/// One entry of `keys`. Secret values are never quoted back; paths are.
fn key_source<'a>(id: &str, entry: &'a Zval) -> PhpResult<KeySource<'a>> {
    // Shorthand: 'k1' => 'base64…'.
    if let Some(text) = entry.zend_str() {
        return Ok(KeySource::Base64(text.as_bytes()));
    }
    let Some(fields) = entry.array() else {
        return Err(config_error(format!(
            "Key \"{id}\" must be ['key' => base64], ['key_file' => path] or ['site_secret' => secret], {} given.",
            type_name(entry)
        )));
    };
    reject_unknown(fields, KEY_OPTIONS, &format!("key \"{id}\""))?;
    let given: Vec<(&str, &Zval)> = KEY_OPTIONS
        .iter()
        .filter_map(|name| fields.get(*name).map(|value| (*name, value)))
        .collect();
    let [(source, value)] = given.as_slice() else {
        let names: Vec<&str> = given.iter().map(|(name, _)| *name).collect();
        return Err(config_error(format!(
            "Key \"{id}\" must have exactly one of key, key_file, site_secret; {} given.",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(" and ")
            }
        )));
    };
    let Some(text) = value.zend_str().map(|s| s.as_bytes()) else {
        return Err(config_error(format!(
            "Key \"{id}\": \"{source}\" must be a string, {} given.",
            type_name(value)
        )));
    };
    Ok(match *source {
        "key" => KeySource::Base64(text),
        "site_secret" => KeySource::SiteSecret(text),
        _ => {
            let path = std::str::from_utf8(text).map_err(|_| {
                config_error(format!(
                    "Key \"{id}\": \"key_file\" must be a UTF-8 path: {} bytes that are not UTF-8 given (not shown).",
                    text.len()
                ))
            })?;
            KeySource::File(Path::new(path))
        }
    })
}

fn crypto_exception(error: CryptoError) -> PhpException {
    ConduitThrow::new(ExceptionClass::Crypto, sentence(error.message()))
        .with("reason", error.reason().as_str())
        .into()
}

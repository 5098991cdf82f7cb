//! The engine's arrays read and built without the general-purpose iterator and
//! type accessors of ext-php-rs, for the mapper's per-record loop (`mapMany` on a
//! large list spends more in per-element bookkeeping than in mapping otherwise).
//!
//! Layout facts used here (Zend/zend_types.h, zend_hash.h of PHP 8.x): a packed
//! array (`HASH_FLAG_PACKED`) stores its values as plain zvals in `arPacked`, key =
//! position; any other array stores `Bucket`s in `arData` (`key` null for an
//! integer key `h`); deleted slots hold `IS_UNDEF`; only the first `nNumUsed`
//! slots are in use.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::ffi;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};

/// `HASH_FLAG_PACKED` (Zend/zend_hash.h).
const HASH_FLAG_PACKED: u32 = 1 << 2;

/// A zval's type byte (`Z_TYPE`).
#[inline]
pub fn type_of(zv: &Zval) -> u8 {
    // SAFETY: every zval's `u1.v.type_` is initialised.
    unsafe { zv.u1.v.type_ }
}

/// The value a reference points at, or `zv` itself (`ZVAL_DEREF`).
#[inline]
pub fn deref(zv: &Zval) -> &Zval {
    if u32::from(type_of(zv)) == ffi::IS_REFERENCE {
        // SAFETY: an `IS_REFERENCE` zval points at a live `zend_reference`, whose
        // value lives as long as the reference does (at least as long as `zv`).
        unsafe { &(*zv.value.ref_).val }
    } else {
        zv
    }
}

/// The key of an array entry.
pub enum EntryKey<'a> {
    Int(i64),
    Str(&'a ZendStr),
}

/// The entries of `ht` in order, holes skipped.
pub fn entries(ht: &ZendHashTable) -> Entries<'_> {
    // SAFETY: reading the flags of a live table.
    let packed = unsafe { ht.u.flags } & HASH_FLAG_PACKED != 0;
    Entries { ht, pos: 0, packed }
}

pub struct Entries<'a> {
    ht: &'a ZendHashTable,
    pos: u32,
    packed: bool,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (EntryKey<'a>, &'a Zval);

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.ht.nNumUsed {
            let i = self.pos;
            self.pos += 1;
            let at = i as usize;
            if self.packed {
                // SAFETY: `i < nNumUsed`, so slot `i` of the packed store is in use
                // (possibly a hole, checked below); the table outlives `'a`.
                let zv = unsafe { &*self.ht.__bindgen_anon_1.arPacked.add(at) };
                if u32::from(type_of(zv)) != ffi::IS_UNDEF {
                    return Some((EntryKey::Int(i64::from(i)), zv));
                }
            } else {
                // SAFETY: as above, for a bucket of a hash.
                let b = unsafe { &*self.ht.__bindgen_anon_1.arData.add(at) };
                if u32::from(type_of(&b.val)) != ffi::IS_UNDEF {
                    let key = if b.key.is_null() {
                        // An integer key is stored as its bits (`zend_ulong`).
                        EntryKey::Int(b.h as i64)
                    } else {
                        // SAFETY: a live key string of the table.
                        EntryKey::Str(unsafe { &*b.key.cast::<ZendStr>() })
                    };
                    return Some((key, &b.val));
                }
            }
        }
        None
    }
}

extern "C" {
    /// Zend/zend_string.h (`ZEND_API`): computes and stores the string's hash.
    pub(crate) fn zend_string_hash_func(s: *mut ffi::zend_string) -> ffi::zend_ulong;
    // Zend/zend_hash.h, `ZEND_API` (`ZEND_FASTCALL` is the C convention on x86-64
    // and aarch64): allocate the store of a table made by `_zend_new_array`.
    fn zend_hash_real_init_mixed(ht: *mut ffi::HashTable);
    fn zend_hash_real_init_packed(ht: *mut ffi::HashTable);
    fn zend_hash_next_index_insert_new(ht: *mut ffi::HashTable, data: *mut Zval) -> *mut Zval;
}

/// `IS_STR_INTERNED` (Zend/zend_types.h: the same bit as `GC_IMMUTABLE`).
const IS_STR_INTERNED: u32 = ffi::GC_IMMUTABLE;

/// A new string-keyed table of a known size, filled by appending keys it does not
/// hold yet: what the engine's own `_zend_hash_append_ex` (Zend/zend_hash.h, an
/// inline function, so not callable from here) does, without the lookup, resize
/// check and call of `zend_hash_add_new`.
pub struct MixedBuilder {
    table: ZBox<ZendHashTable>,
}

/// A new table for `size` elements, its store allocated by `init` as a hash or a
/// packed list.
fn new_table(size: u32, init: unsafe extern "C" fn(*mut ffi::HashTable)) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::with_capacity(size);
    // SAFETY: a new, uninitialised table of ours.
    unsafe { init(&mut *table) };
    table
}

/// A finished table as a PHP array value.
pub fn array_zval(table: ZBox<ZendHashTable>) -> Zval {
    let mut zv = Zval::new();
    zv.set_hashtable(table);
    zv
}

impl MixedBuilder {
    pub fn new(size: u32) -> Self {
        Self { table: new_table(size, zend_hash_real_init_mixed) }
    }

    /// Adds `key` → `value`. The caller guarantees `key` is not in the table yet
    /// (a second entry with the same key would shadow the first). A table already
    /// at its size, or a key that is not interned (its refcount and the table's
    /// flags would change), goes through the engine's `zend_hash_add_new`.
    pub fn append(&mut self, key: &ZendStr, value: Zval) {
        let ht: &mut ZendHashTable = &mut self.table;
        // SAFETY: reading the header of a live string.
        let interned = unsafe { key.gc.u.type_info } & IS_STR_INTERNED != 0;
        if !interned || ht.nNumUsed >= ht.nTableSize {
            let mut value = std::mem::ManuallyDrop::new(value);
            // SAFETY: a live table without this key; the engine takes the value
            // over (ours is not dropped) and addrefs a non-interned key.
            unsafe { ffi::zend_hash_add_new(ht, std::ptr::from_ref(key).cast_mut(), std::ptr::from_mut::<Zval>(&mut value)) };
            return;
        }
        // SAFETY: the table is initialised as a hash (`new`), holds fewer than
        // `nTableSize` buckets, and is ours alone; an interned key is permanent,
        // already hashed and not refcounted. The steps are those of
        // `_zend_hash_append_ex`: fill the next bucket, link it into the chain of
        // its hash slot, count it.
        unsafe {
            let idx = ht.nNumUsed;
            ht.nNumUsed += 1;
            let bucket = &mut *ht.__bindgen_anon_1.arData.add(idx as usize);
            std::ptr::write(&mut bucket.val, value);
            bucket.key = std::ptr::from_ref(key).cast_mut();
            bucket.h = key.h;
            // `HT_HASH(ht, nIndex)`: the slot array sits just below `arData`,
            // indexed by the (negative) `h | nTableMask` read as a signed number.
            let slot_index = (bucket.h as u32 | ht.nTableMask) as i32;
            let slot = ht.__bindgen_anon_1.arHash.offset(slot_index as isize);
            bucket.val.u2.next = *slot;
            *slot = idx;
            ht.nNumOfElements += 1;
        }
    }

    pub fn into_zval(self) -> Zval {
        array_zval(self.table)
    }
}

/// A new list (keys 0, 1, 2…) of a known size, filled in order as the engine's
/// `ZEND_HASH_FILL_PACKED` macros do, the counts kept current after every value so
/// the table can be freed at any point.
pub struct ListBuilder {
    table: ZBox<ZendHashTable>,
}

impl ListBuilder {
    pub fn new(size: u32) -> Self {
        Self { table: new_table(size, zend_hash_real_init_packed) }
    }

    pub fn push(&mut self, value: Zval) {
        let ht: &mut ZendHashTable = &mut self.table;
        let idx = ht.nNumUsed;
        if idx >= ht.nTableSize {
            let mut value = std::mem::ManuallyDrop::new(value);
            // SAFETY: a live packed table; the engine grows it and takes the value.
            unsafe { zend_hash_next_index_insert_new(ht, std::ptr::from_mut::<Zval>(&mut value)) };
            return;
        }
        // SAFETY: a packed table of ours with room at `idx`.
        unsafe { std::ptr::write(ht.__bindgen_anon_1.arPacked.add(idx as usize), value) };
        ht.nNumUsed = idx + 1;
        ht.nNumOfElements = idx + 1;
        ht.nNextFreeElement = i64::from(idx) + 1;
    }

    pub fn into_zval(self) -> Zval {
        array_zval(self.table)
    }
}

/// Whether `ht` is a list stored packed without holes: its keys are exactly its
/// positions 0, 1, 2….
pub fn is_dense_list(ht: &ZendHashTable) -> bool {
    // SAFETY: reading the flags of a live table.
    let packed = unsafe { ht.u.flags } & HASH_FLAG_PACKED != 0;
    packed && ht.nNumUsed == ht.nNumOfElements
}

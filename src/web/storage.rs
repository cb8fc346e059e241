//! Where the record is kept: localStorage (the `Storage` gloo-storage's `raw()` finds, written by
//! `bridge.js`'s `setItem`), mirrored in a first-party cookie for the site's server, with an
//! in-memory fallback when storage is blocked.

use gloo_storage::{LocalStorage, Storage};
use std::cell::{Cell, RefCell};

/// The localStorage key of the encoded record.
pub const KEY: &str = "consent-gate";

/// What this page keeps in memory: a plain static, not a `thread_local!` (less code; wasm32
/// without atomics has one thread).
struct Memory {
    /// The record for this page's life when neither localStorage nor cookies work.
    value: RefCell<Option<String>>,
    /// Whether the last write to localStorage failed (blocked, or full).
    local_failed: Cell<bool>,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
unsafe impl Sync for Memory {}

static MEMORY: Memory = Memory { value: RefCell::new(None), local_failed: Cell::new(false) };

/// localStorage, if the browser lets us use it. gloo's `LocalStorage::raw()` (vendored: one read of
/// `window.localStorage`) throws when storage is blocked, so `bridge.js` asks first (catching what
/// it throws).
fn local() -> Option<web_sys::Storage> {
    super::bridge::run(super::bridge::Act::HasLocalStorage, "", "").then(LocalStorage::raw)
}

/// The browser refused access to a store (blocked storage, cookies off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocked;

/// The value under [`KEY`] in localStorage; `None` when there is none or storage is blocked.
/// Read by `bridge.js` (`read`, as the log queue and the pending withdrawals are): no `getItem`
/// binding with its catching glue, nor an import taking the key.
pub fn local_get() -> Option<String> {
    super::bridge::get(super::bridge::Read::Record)
}

/// Stores `value` in localStorage; false when storage is blocked or full.
pub fn local_set(value: &str) -> bool {
    // When storage is full, the old record goes before the second try: kept, it would outlast
    // this newer decision (a grant running on after a refusal). At worst nothing is stored and
    // the visitor is asked again. It goes through `bridge.js`'s `store` (an empty value deletes),
    // as the log queue's removal does: no `removeItem` binding with its catching glue. The
    // writes are `bridge.js`'s `setItem`, which catches: no catching `set_item` of web-sys's.
    use super::bridge::set_item;
    let ok = local().is_some_and(|s| {
        set_item(&s, KEY, value) || {
            super::bridge::store(KEY, "");
            set_item(&s, KEY, value)
        }
    });
    MEMORY.local_failed.set(!ok);
    ok
}

/// The whole `document.cookie` string; `Err` when cookies are blocked.
pub fn cookies() -> Result<String, Blocked> {
    super::bridge::get(super::bridge::Read::Cookies).ok_or(Blocked)
}

/// Assigns `document.cookie`; false when it throws (a blocked cookie is dropped silently).
pub fn set_cookie(assignment: &str) -> bool {
    super::bridge::run(super::bridge::Act::SetCookie, assignment, "")
}

/// The in-memory copy where it stands for localStorage: when this page's last write there failed.
/// Otherwise localStorage is current, also when another tab wrote it under an earlier clock.
pub fn memory_instead_of_local() -> Option<String> {
    if MEMORY.local_failed.get() {
        MEMORY.value.borrow().clone()
    } else {
        None
    }
}

/// Keeps a copy in memory (always done, so a blocked storage never loses a choice on this page).
/// True when there was none yet: the page's first choice (no copy of the old one made to tell).
pub fn memory_set(value: &str) -> bool {
    MEMORY.value.replace(Some(value.to_owned())).is_none()
}

//! # consent-gate
//!
//! A consent manager compiled to WebAssembly. It renders a site's privacy notice and opt-out
//! controls, reads Do Not Track and Global Privacy Control, and loads Google Analytics and Google
//! Ads only when the visitor's stored choices allow it, keeping Google Consent Mode v2 in step.
//!
//! Module map:
//! - [`core`]: pure Rust, no browser: configuration, the consent record and its encoding,
//!   signals, and every decision. Tested natively.
//! - `web` (wasm32 only): the browser layer that carries out what `core` decides.
//! - `api` (wasm32 only): the `#[wasm_bindgen]` surface; errors become JS errors only there.
#![deny(missing_docs)]

pub mod core;

// Single-threaded wasm: lol_alloc's free list is much smaller than dlmalloc and still frees.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without atomics has one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The browser layer (public only for the wasm-bindgen tests in `tests/web.rs`).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub mod api;

//! A cache hint. A search bounds hundreds of candidates whose sketches lie
//! scattered over the index, and most of a bound's time is the wait for
//! them; it knows its candidates in advance, so it asks for their lines a
//! few candidates ahead.
//!
//! With the allocator's options (`allocator`), the only `unsafe` in the crate:
//! stable Rust offers a prefetch only as a target intrinsic, marked unsafe
//! though it reads nothing. It takes a reference, so the line it names is
//! always live memory.

/// Ask for the cache line holding `x`; a no-op on targets without a hint.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn prefetch<T: ?Sized>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch neither reads nor writes memory and cannot fault;
    // the pointer comes from a reference.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(x).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

//! The allocator of the `vetter` binary and the speed bench: mimalloc 2.
//! A search allocates small buffers (probe keys, prepared words,
//! explanations); under glibc, malloc and free took 7% of its
//! instructions, under mimalloc 3.5%. (mimalloc 3 was as fast but took
//! 50 MB more at the peak on the full lists.)

pub use mimalloc::MiMalloc;

/// mimalloc's number for its `purge_delay` option (`mi_option_e` in
/// mimalloc.h; the same in mimalloc 2 and 3).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep freed memory mapped instead of returning it to the system a
/// moment later: a batch frees and takes again the same few megabytes
/// query after query, and each return made the next query fault its
/// pages in again. On the full lists, six alternating runs of 10,000
/// queries on one core (mimalloc 3): median 7,705 -> 8,722 queries/s.
/// Peak memory rises a little (what is kept is reused).
///
/// # Safety
///
/// Call before any other thread exists: mimalloc's options are plain
/// globals, written without synchronisation.
#[allow(unsafe_code)]
pub unsafe fn keep_freed_memory() {
    // SAFETY: the caller guarantees no other thread runs yet.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// The value of mimalloc's `purge_delay` option, in milliseconds (-1:
/// never).
#[allow(unsafe_code)]
pub fn purge_delay() -> std::ffi::c_long {
    // SAFETY: reads one option; writes happen only before threads start.
    unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_read_is_the_purge_delay() {
        // mimalloc 2 purges after 10 ms unless told otherwise: the
        // option numbered `PURGE_DELAY` is that one.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(super::purge_delay(), 10);
        }
    }
}

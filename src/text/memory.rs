//! Keeping freed memory for reuse.
//!
//! A layout of a long document allocates hundreds of megabytes' worth of small and large
//! blocks and drops the previous layout when it is rebuilt (a resize, a zoom). With
//! glibc's defaults, large blocks are fresh `mmap`s and freed memory goes back to the
//! kernel, so every rebuild touches new pages: `perf` put 11 % of `layout_1mb` in page
//! faults, and the bench runs 20–25 % faster with the settings below (docs/BENCHMARKS.md).
//! The app calls [`keep_freed_memory`] once at start; the benchmarks do too, so they
//! measure what the app does. Elsewhere it does nothing.

/// Asks the allocator to keep freed memory (glibc only): blocks up to 32 MiB come from
/// the heap instead of their own `mmap`, and up to 1 GiB of free heap is kept instead
/// of being returned to the kernel. Resident memory then stays at its peak instead of
/// shrinking after a layout is dropped.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

/// Gives the free heap back to the kernel (glibc `malloc_trim`): called when a project
/// is closed, so that memory kept for re-layouts of a large project does not stay
/// resident under the next, smaller one. Elsewhere it does nothing.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

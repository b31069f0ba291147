//! How the process uses its allocator: every allocation of 128 KiB or more is mapped on its
//! own, so that freeing it gives the memory back to the system at once.
//!
//! Left alone, glibc raises the size it maps from to the largest block freed so far (up to
//! 32 MiB); after the first large answer is freed, the crawl's page-sized buffers (answer
//! bodies, parsed pages) come from the heap instead, and the holes they leave between
//! long-lived graph objects stay resident: 14 MB of the `huge` collect's peak (257 → 243 MB)
//! (`cargo bench --bench collect`). No well-kept crate wraps `mallopt` safely, so this file
//! holds the crate's one `unsafe` call.

/// Fixes the size from which glibc maps allocations on their own; call it first thing in
/// the process. Whether the allocator took the setting (`false` off glibc, where nothing is
/// done).
#[allow(unsafe_code)]
pub fn return_large_allocations_when_freed() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// The size from which allocations are mapped on their own (glibc's own default,
        /// fixed).
        const MAPPED_FROM_BYTES: i32 = 128 * 1024;
        // SAFETY: `mallopt` only sets an allocator parameter, which glibc allows at any time
        // and from any thread; it takes two integers and touches no memory of ours.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM_BYTES) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_setting() {
        assert!(super::return_large_allocations_when_freed());
    }
}

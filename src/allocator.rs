//! The allocator the command line runs on: mimalloc, asked for plain blocks wherever a plain
//! block is aligned enough. The gate allocates many small, short-lived values per message;
//! mimalloc serves them faster than the system allocator (README, Performance).
//!
//! The `mimalloc` crate asks for every block with `mi_malloc_aligned`. Its version 3 serves
//! such a request on the plain path only when the block size is a power of two, so most
//! requests (a 24-byte string, a 40-byte member, a 2 KiB buffer) take a slower path that
//! also rounds the block up. Every mimalloc block is aligned to 8 bytes (block sizes are
//! multiples of 8, pages start 16-aligned), and a request for a multiple of 16 bytes gets a
//! block size that is a multiple of 16; so a request aligned to at most 16 whose size is a
//! multiple of its alignment gets a block from `mi_malloc` that meets it. Others still go
//! through the aligned calls.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc, with plain calls for naturally aligned requests.
pub struct MiMalloc;

/// The largest alignment a plain block is sure to have, for a size that is a multiple of it.
const PLAIN_ALIGNMENT: usize = 16;

/// Whether a plain block of `size` bytes meets `align`.
fn plain(size: usize, align: usize) -> bool {
    align <= PLAIN_ALIGNMENT && size.is_multiple_of(align)
}

/// A new block for `layout`: from `plain_call` where a plain block meets it, from
/// `aligned_call` otherwise (the allocating and the zeroing pair alike).
///
/// # Safety
/// `layout` has a nonzero size, as `GlobalAlloc` promises its methods.
#[inline(always)]
unsafe fn new_block(
    layout: Layout,
    plain_call: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_call: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    let (size, align) = (layout.size(), layout.align());
    // SAFETY: a request of nonzero size (the caller's promise), aligned as asked.
    unsafe {
        if plain(size, align) {
            plain_call(size).cast()
        } else {
            aligned_call(size, align).cast()
        }
    }
}

// SAFETY: each method hands mimalloc a request it serves (a plain one only where `plain`
// holds, above) and frees or resizes only blocks mimalloc gave out, which `mi_free` and
// `mi_realloc` take whichever call made them.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: GlobalAlloc's callers pass a nonzero size.
        unsafe { new_block(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { new_block(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        // SAFETY: `ptr` came from mimalloc; the new block is aligned as the old one had to be.
        unsafe {
            if plain(new_size, align) {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, align).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to a few pages' worth of small blocks, at every alignment up to a page:
    /// each block is aligned as asked, holds what was written, and keeps it when resized.
    #[test]
    fn every_block_is_aligned_as_asked_and_keeps_its_bytes_when_resized() {
        let sizes = (1..=1100).chain([2048, 4000, 4096, 70_000, 1 << 20]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: a nonzero size; each block is written within its size, resized
                // with its own layout, and freed once.
                unsafe {
                    let block = MiMalloc.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "size {size}, align {align}");
                    let pattern = |at: usize| (at % 251) as u8;
                    for at in 0..size {
                        block.add(at).write(pattern(at));
                    }
                    let grown = MiMalloc.realloc(block, layout, size * 2 + 8);
                    assert_eq!(grown as usize % align, 0, "grown {size}, align {align}");
                    assert!((0..size).all(|at| grown.add(at).read() == pattern(at)));
                    MiMalloc.dealloc(
                        grown,
                        Layout::from_size_align_unchecked(size * 2 + 8, align),
                    );
                    let zeroed = MiMalloc.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size}, align {align}");
                    assert!((0..size).all(|at| zeroed.add(at).read() == 0));
                    MiMalloc.dealloc(zeroed, layout);
                }
            }
        }
    }
}

#pragma once
// libtorch's CPU tensors through a cache of large blocks. Model calls allocate the same large temporaries on every
// call; glibc hands blocks above its mmap threshold (at most 32 MiB, and any block too big for a worker thread's
// arena) back to the kernel on free, so every call page-faults them in again, zero-filled: 25-45% of CPU time.
// The cache maps its blocks itself, so that those no call asks for any more (a video's memory bank filling up
// changes the sizes of every frame's temporaries) really return to the system instead of to malloc's arenas.
namespace sam2 {

// Makes the cache libtorch's CPU allocator for the whole process; later calls do nothing.
void install_caching_cpu_allocator();

}  // namespace sam2

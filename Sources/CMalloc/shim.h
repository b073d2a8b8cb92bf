#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's malloc tuning, which the Glibc module does not bring in.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

static inline int cmalloc_map_allocations_from(int bytes) {
#ifdef M_MMAP_THRESHOLD
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
    return 0;
#endif
}
#endif

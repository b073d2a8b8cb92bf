import CMalloc

/// How the process's large buffers are allocated.
package enum LargeAllocations {
    /// Allocations from 128 KiB up (a DescribeInstances page of 1,000 instances
    /// is megabytes) each get their own mapping, handed back to the system
    /// when freed. glibc otherwise raises that threshold to the size of the
    /// first large buffer freed, serves the next ones from the heap, and keeps
    /// them: a sweep's peak RSS then holds two pages instead of one.
    package static func returnToTheSystemWhenFreed() {
        _ = cmalloc_map_allocations_from(128 << 10)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// How a role's glibc malloc is set before it starts its threads, so that what a role
/// frees is reused or returned instead of kept beside what it allocates next.
///
/// - **Two arenas.** glibc gives a thread that finds the arenas busy an arena of its own,
///   up to eight per core, and an arena keeps what is freed in it for its own later
///   allocations. A role's threads (Swift's pool, the Kafka enqueue queue, librdkafka's
///   and libcurl's threads) allocate the same batches at different times, so its memory
///   became the sum of every arena's peak.
/// - **Blocks of 128 KiB and more are mapped, always.** glibc starts there but raises the
///   threshold to the size of each mapped block freed, up to 32 MiB, after which a page of
///   CRM records, a send's array or a fetch response is carved from the heap, and the
///   heap keeps the holes they leave. Fixed, such blocks go back to the system when freed.
///
/// The roles set both themselves, so a role started any way (the image, `make run`, the
/// bench, a customer's own unit) gets them. Measured with the scale profile at 2,000,000
/// contacts and eight-page sends, both roles with two arenas already (they were set from
/// the environment before): the fixed threshold took the writer's peak from 154 to
/// 138 MB and the reader's from 151 / 142 to 149 / 131 MB (initial / second load), at
/// the same speed (docs/performance.md, "Scale").
public enum MallocTuning {
    /// Arenas a role may use unless `MALLOC_ARENA_MAX` says otherwise.
    public static let arenas: Int32 = 2
    /// Blocks from this size on are mapped, unless `MALLOC_MMAP_THRESHOLD_` says otherwise.
    public static let mapThreshold: Int32 = 128 * 1024

    /// Applies both settings; an operator's `MALLOC_ARENA_MAX` or `MALLOC_MMAP_THRESHOLD_`
    /// wins over its own (glibc reads them itself). Returns whether glibc took every
    /// setting it was given; elsewhere than glibc, nothing is set.
    @discardableResult
    public static func apply(arenas: Int32 = arenas, mapThreshold: Int32 = mapThreshold) -> Bool {
        #if canImport(Glibc)
        guard let mallopt = glibcMallopt() else { return false }
        var taken = true
        if getenv("MALLOC_ARENA_MAX") == nil { taken = mallopt(arenaMax, arenas) == 1 && taken }
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { taken = mallopt(mmapThreshold, mapThreshold) == 1 && taken }
        return taken
        #else
        return false
        #endif
    }

    #if canImport(Glibc)
    /// `M_ARENA_MAX` and `M_MMAP_THRESHOLD` of glibc's `<malloc.h>`, which Swift's Glibc
    /// module does not import.
    private static let arenaMax: Int32 = -8
    private static let mmapThreshold: Int32 = -3

    /// glibc's `mallopt`, looked up in the process; nil on a C library without it.
    private static func glibcMallopt() -> (@convention(c) (Int32, Int32) -> Int32)? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }
    #endif
}

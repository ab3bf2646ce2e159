/// Hands freed heap back to the system. Called once an apply's temporaries (the YAML, the plan, the old
/// config) are gone: for a million records they are several times what is served.
enum MemoryRelease {
    static func trim() {
        #if os(Linux)
        _ = releaseFreeMemory(0)
        #endif
    }
}

#if os(Linux)
/// glibc's malloc_trim(3), which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func releaseFreeMemory(_ pad: Int) -> Int32
#endif

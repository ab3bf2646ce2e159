#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOneQuery(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`: hand it to libFuzzer's driver.
@_cdecl("AuthorityFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzzOneInput)
}
#else
import Foundation

/// Replays saved inputs (files, or every file of a directory) through the fuzz target's checks.
@main
struct Replay {
    static func main() throws {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            let url = URL(fileURLWithPath: argument)
            // Asked of a plain file, contentsOfDirectory answers an empty list on Linux rather than throwing.
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue ? try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) : [url]
            for file in files {
                let data = try Data(contentsOf: file)
                data.withUnsafeBytes { fuzzOneQuery($0) }
                count += 1
            }
        }
        print("replayed \(count) inputs: no failed check")
    }
}
#endif

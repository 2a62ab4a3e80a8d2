// The entry points every fuzz target shares: this one file is compiled into each target through a
// symlink in the target's folder (SwiftPM shares no sources between executables). The target
// itself defines only `fuzzOne(_ bytes: [UInt8])`.
//  - Built by tools/fuzz.sh (-sanitize=fuzzer -DWANGGE_FUZZ): libFuzzer's `main` calls
//    `LLVMFuzzerTestOneInput` for each input.
//  - A plain `swift build` makes a replayer: `fuzz-TARGET FILE...` runs each file through `fuzzOne`.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !WANGGE_FUZZ
@main enum Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            fuzzOne(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("ok \(path)")
        }
    }
}
#endif

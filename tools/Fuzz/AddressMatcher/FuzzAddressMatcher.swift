// libFuzzer target: the address normaliser and matcher. The bytes (decoded as UTF-8, invalid
// sequences replaced) go through AddressMatcher.geocode and .explain and the result's JSON/CSV
// lines. The gazetteer is built once from boundaries/ and cached as SQLite:
//   WANGGE_FUZZ_GAZETTEER  the cache (default .build-fuzz/gazetteer.sqlite; built when missing)
//   WANGGE_BOUNDARIES      the boundaries directory to build it from (default boundaries)
// Entry points (libFuzzer's, and `fuzz-address FILE...` as a replayer): ../Shared/FuzzEntry.swift.
import Foundation
import WanggeGazetteer
import WanggeStore

let matcher: AddressMatcher = {
    let env = ProcessInfo.processInfo.environment
    let cache = env["WANGGE_FUZZ_GAZETTEER"] ?? ".build-fuzz/gazetteer.sqlite"
    let boundaries = env["WANGGE_BOUNDARIES"] ?? "boundaries"
    do {
        if FileManager.default.fileExists(atPath: cache) {
            return AddressMatcher(gazetteer: try Gazetteer.read(from: cache))
        }
        FileHandle.standardError.write(Data("fuzz-address: building the gazetteer from \(boundaries) into \(cache)\n".utf8))
        let g = try GazetteerBuilder.build(boundaries: boundaries, grids: nil)
        try g.write(to: cache)
        return AddressMatcher(gazetteer: g)
    } catch {
        fatalError("fuzz-address: no gazetteer (\(cache), \(boundaries)): \(error)")
    }
}()

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let r = matcher.geocode(text)
    _ = r.jsonLine
    _ = r.csvLine
    _ = matcher.explain(text)
}

@_cdecl("LLVMFuzzerInitialize")
public func LLVMFuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = matcher.gazetteer.villages.count  // build/load before the first timed input
    return 0
}

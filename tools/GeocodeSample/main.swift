// geocode-sample: seeded messy intake addresses with ground truth (TSV) for tools/bench_geocode.py.
//   geocode-sample [--gazetteer out/gazetteer.sqlite] [--count 20000] [--seed 20260511] [--out FILE]
import Foundation
import WanggeGazetteer
import WanggeStore

var gazetteerPath = "out/gazetteer.sqlite", count = 20000, seed: UInt64 = 20260511, out: String?
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--gazetteer": gazetteerPath = args.next()!
    case "--count": count = Int(args.next()!)!
    case "--seed": seed = UInt64(args.next()!)!
    case "--out": out = args.next()!
    default: FileHandle.standardError.write("unknown argument \(a)\n".data(using: .utf8)!); exit(2)
    }
}
do {
    var gen = IntakeGenerator(gazetteer: try Gazetteer.read(from: gazetteerPath), seed: seed)
    let lines = [IntakeSample.tsvHeader] + gen.samples(count).map(\.tsvLine)
    let text = lines.joined(separator: "\n") + "\n"
    if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
} catch {
    FileHandle.standardError.write("geocode-sample: \(error)\n".data(using: .utf8)!)
    exit(1)
}

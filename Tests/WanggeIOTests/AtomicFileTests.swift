import Foundation
import Testing
@testable import WanggeIO

/// A fresh directory per test, removed afterwards.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "wangge-io-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    func contents(_ name: String) -> String? { FileManager.default.contents(atPath: file(name)).map { String(decoding: $0, as: UTF8.self) } }
    func entries() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] }
}

@Suite struct AtomicFileTests {
    @Test func replacesWholeFileAndLeavesNoTemporary() throws {
        let dir = Scratch()
        try AtomicFile.write(Array("old\n".utf8), to: dir.file("a.csv"))
        try AtomicFile.write(Array("new content\n".utf8), to: dir.file("a.csv"))
        #expect(dir.contents("a.csv") == "new content\n")
        #expect(dir.entries() == ["a.csv"])
    }

    /// A new database another process made meanwhile is kept: commitIfAbsent links, never renames over.
    @Test func commitIfAbsentNeverReplacesAndLeavesNoTemporary() throws {
        let dir = Scratch()
        let first = try StagedFile(target: dir.file("s.sqlite"))
        try Data("first".utf8).write(to: URL(fileURLWithPath: first.temporaryPath))
        let second = try StagedFile(target: dir.file("s.sqlite"))
        try Data("second".utf8).write(to: URL(fileURLWithPath: second.temporaryPath))
        #expect(try first.commitIfAbsent())
        #expect(dir.entries() == [FilePath.name(of: second.temporaryPath), "s.sqlite"].sorted())
        #expect(try second.commitIfAbsent() == false)
        #expect(dir.contents("s.sqlite") == "first")
        #expect(dir.entries() == ["s.sqlite"])
    }

    @Test func abandonedWriterLeavesTheOldFileAndNoTemporary() throws {
        let dir = Scratch()
        try AtomicFile.write(Array("previous".utf8), to: dir.file("out.csv"))
        do {
            let w = try AtomicWriter(path: dir.file("out.csv"))
            try w.write("half of a new fi")
            try w.flush()
            #expect(dir.entries().count == 2)  // the temporary file exists while writing
        }
        #expect(dir.contents("out.csv") == "previous")
        #expect(dir.entries() == ["out.csv"])
    }

    @Test func keepsTheModeOfTheFileItReplaces() throws {
        let dir = Scratch()
        try AtomicFile.write(Array("x".utf8), to: dir.file("m"))
        chmod(dir.file("m"), 0o600)
        try AtomicFile.write(Array("y".utf8), to: dir.file("m"))
        var s = stat()
        stat(dir.file("m"), &s)
        #expect(s.st_mode & 0o777 == 0o600)
    }

    @Test func errorsNameTheFileAndTheFix() throws {
        let dir = Scratch()
        #expect(throws: IOError.self) { try AtomicFile.write([1], to: dir.file("missing/x.csv")) }
        do { try AtomicFile.write([1], to: dir.file("missing/x.csv")) } catch {
            #expect(error.description.contains("missing/x.csv"))
            #expect(error.description.contains("does not exist"))
        }
        do { try AtomicFile.write([1], to: dir.path) } catch {
            #expect(error.code == EISDIR)
            #expect(error.description.contains("directory"))
        }
        #expect(dir.entries() == [])
    }

    @Test func fullDeviceIsAnErrorNotACrash() throws {
        guard access("/dev/full", W_OK) == 0 else { return }
        let w = try AtomicWriter(path: "/dev/full")
        try w.write([UInt8](repeating: 0x41, count: 10))
        #expect(throws: IOError.self) { try w.commit() }
        do { try AtomicWriter(path: "/dev/full").commit() } catch { Issue.record("empty write to /dev/full must succeed: \(error)") }
        let w2 = try AtomicWriter(path: "/dev/full")
        try w2.write([1, 2, 3])
        do { try w2.commit() } catch { #expect(error.code == ENOSPC); #expect(error.description.contains("no space left")) }
    }

    @Test func staleTemporaryOfADeadProcessIsRemovedOnTheNextWrite() throws {
        let dir = Scratch()
        // A PID that cannot be running (above pid_max's ceiling of 2^22).
        let stale = dir.file(".g.geojson.wangge-tmp-4194399-12345")
        let legacy = dir.file(".g.geojson.tmp-4194398-1")
        let live = dir.file(".g.geojson.wangge-tmp-\(getpid())-7")
        for p in [stale, stale + "-journal", legacy, live] { _ = FileManager.default.createFile(atPath: p, contents: Data([1])) }
        try AtomicFile.write(Array("{}".utf8), to: dir.file("g.geojson"))
        #expect(dir.entries() == [".g.geojson.wangge-tmp-\(getpid())-7", "g.geojson"])
    }
}

@Suite struct AtomicFileSetTests {
    @Test func commitsAllFilesTogether() throws {
        let dir = Scratch()
        let set = try AtomicFileSet(directory: dir.file("out/nested"))
        try set.write("a.txt", Array("A".utf8))
        try set.write("b.txt", Array("B".utf8))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out/nested")))?.filter { !$0.hasPrefix(".") } == [])
        try set.commit()
        #expect(dir.contents("out/nested/a.txt") == "A")
        #expect(dir.contents("out/nested/b.txt") == "B")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out/nested")).sorted() == ["a.txt", "b.txt"])
    }

    @Test func anUncommittedSetLeavesThePreviousOne() throws {
        let dir = Scratch()
        try AtomicFile.write(Array("old A".utf8), to: dir.file("a.txt"))
        do {
            let set = try AtomicFileSet(directory: dir.path)
            try set.write("a.txt", Array("new A".utf8))
            try set.write("b.txt", Array("new B".utf8))
        }
        #expect(dir.entries() == ["a.txt"])
        #expect(dir.contents("a.txt") == "old A")
    }

    @Test func aCommitCutShortIsFinishedByTheNextReaderOrWriter() throws {
        // What a process killed between its renames leaves: the journal, one file renamed, one staged.
        let dir = Scratch()
        try AtomicFile.write(Array("old A".utf8), to: dir.file("a.txt"))
        try AtomicFile.write(Array("old B".utf8), to: dir.file("b.txt"))
        try AtomicFile.write(Array("new A".utf8), to: dir.file("a.txt"))
        try AtomicFile.write(Array("new B".utf8), to: dir.file(".b.txt.wangge-tmp-4194397-1"))
        try AtomicFile.write(Array(".a.txt.wangge-tmp-4194397-0\ta.txt\n.b.txt.wangge-tmp-4194397-1\tb.txt\n".utf8),
                             to: dir.file(".wangge-commit"))
        #expect(String(decoding: try InputFile.read(dir.file("b.txt")), as: UTF8.self) == "new B")
        #expect(dir.entries() == ["a.txt", "b.txt"])
    }

    @Test func aFileInPlaceOfTheDirectoryIsAClearError() throws {
        let dir = Scratch()
        _ = FileManager.default.createFile(atPath: dir.file("out"), contents: Data())
        do { _ = try AtomicFileSet(directory: dir.file("out")); Issue.record("expected an error") } catch {
            #expect(error.description.contains("not a directory"))
        }
    }
}

@Suite struct InputFileTests {
    @Test func readsPipesAndRefusesDirectories() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let payload = Array(repeating: Array("经度,纬度\n".utf8), count: 10_000).flatMap { $0 }
        let writeEnd = fds[1]
        let writer = Thread {
            payload.withUnsafeBytes { raw in var off = 0; while off < raw.count { off += write(writeEnd, raw.baseAddress! + off, raw.count - off) } }
            close(writeEnd)
        }
        writer.start()
        let bytes = try InputFile.read("/dev/fd/\(fds[0])")
        close(fds[0])
        #expect(bytes == payload)
        do { _ = try InputFile.read(NSTemporaryDirectory()); Issue.record("expected an error") } catch {
            #expect(error.code == EISDIR)
        }
    }

    @Test func lineReaderSplitsCRLFDropsBOMAndCapsLines() throws {
        let dir = Scratch()
        try AtomicFile.write(CSV.byteOrderMark + Array("a\r\nb\n\nc".utf8), to: dir.file("l.txt"))
        var reader = LineReader(try InputFile(path: dir.file("l.txt")))
        var lines: [String] = []
        while let l = try reader.next() { lines.append(String(decoding: l, as: UTF8.self)) }
        #expect(lines == ["a", "b", "", "c"])
        try AtomicFile.write(Array("short\n".utf8) + [UInt8](repeating: 0x41, count: 5000), to: dir.file("long.txt"))
        var capped = LineReader(try InputFile(path: dir.file("long.txt")), maxLineBytes: 1000)
        _ = try capped.next()
        do { _ = try capped.next(); Issue.record("expected an error") } catch {
            #expect(error.description.contains("line 2 is longer than 1000 bytes"))
        }
    }

    @Test func sameFileIsRecognisedThroughAnotherSpelling() throws {
        let dir = Scratch()
        try AtomicFile.write([1], to: dir.file("x.csv"))
        #expect(FileIdentity.same(dir.file("x.csv"), dir.path + "/./x.csv"))
        #expect(FileIdentity.same(dir.file("new.svg"), dir.path + "/../" + FilePath.name(of: dir.path) + "/new.svg"))
        #expect(!FileIdentity.same(dir.file("x.csv"), dir.file("y.csv")))
        #expect(!FileIdentity.same("-", "-"))
        #expect(throws: IOError.self) { try FileIdentity.checkDistinct(output: ("--out", dir.file("x.csv")), from: [("--in", dir.path + "//x.csv")]) }
    }
}

@Suite struct TextFormatTests {
    @Test func csvQuotingRoundTrips() {
        let values = ["plain", "a,b", "say \"hi\"", "line\nbreak", "", "沙湾区,沫江街道"]
        let line = CSV.record(values)
        #expect(line == "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",,\"沙湾区,沫江街道\"")
        #expect(CSV.fields(Array(line.utf8)) == values)
    }

    @Test func openQuoteIsReported() {
        let bytes = Array("a,\"b,c".utf8)
        var ranges: [Range<Int>] = []
        let closed = bytes.withUnsafeBufferPointer { CSV.splitFields($0, 0, $0.count, into: &ranges) }
        #expect(!closed)
    }

    @Test func jsonEscapingMatchesFoundation() throws {
        let s = "q\"b\\s\n\r\t\u{08}\u{0C}\u{01}沙湾"
        let ours = JSONText.quoted(s)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(ours)]".utf8)) as! [String]
        #expect(decoded == [s])
        #expect(JSONText.quoted(nil) == "null")
    }
}

@Suite struct DeviceTargetTests {
    @Test func aDatabaseCannotReplaceADevice() {
        guard access("/dev/null", W_OK) == 0 else { return }
        do { _ = try StagedFile(target: "/dev/null"); Issue.record("expected an error") } catch {
            #expect(error.description.contains("not a regular file"))
        }
        var s = stat()
        stat("/dev/null", &s)
        #expect((s.st_mode & S_IFMT) == S_IFCHR)
    }
}

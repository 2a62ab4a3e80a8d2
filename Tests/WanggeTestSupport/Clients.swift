// What tests share: running the real clients they check our files with (GDAL's ogrinfo and
// ogr2ogr, headless Chromium). A missing client fails the test naming the Debian package
// (tools/ensure-test-clients.sh installs them; `make test` runs it).
import Foundation

/// A real client (GDAL, Chromium) that is missing or failed: the message names the package.
public struct ClientError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Finds `tool` on PATH (plus the usual system directories).
public func which(_ tool: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/local/bin"
    for dir in path.split(separator: ":") {
        let p = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// Runs a real client; throws (failing the test) with the package to install when it is missing.
@discardableResult
public func run(_ tool: String, package: String, _ arguments: [String], stdin: Data? = nil,
         executable: String? = nil) throws -> (status: Int32, out: Data, err: String) {
    guard let exe = executable.flatMap({ FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }) ?? (executable == nil ? which(tool) : nil) else {
        throw ClientError(description: "\(tool) is not installed: install the Debian package \(package) (tools/ensure-test-clients.sh, run by `make test`)")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = arguments
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    if stdin != nil { p.standardInput = inPipe }
    try p.run()
    // Read both pipes concurrently with writing stdin, so large outputs cannot dead-lock.
    nonisolated(unsafe) var out = Data(), err = Data()
    let group = DispatchGroup()
    group.enter(); DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter(); DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if let stdin {
        inPipe.fileHandleForWriting.write(stdin)
        try inPipe.fileHandleForWriting.close()
    }
    p.waitUntilExit()
    group.wait()
    return (p.terminationStatus, out, String(decoding: err, as: UTF8.self))
}

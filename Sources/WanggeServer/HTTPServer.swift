// `wangge serve`: the API (API.swift) over HTTP/1.1 on Hummingbird. Requests are logged one line
// each (method, path, status, milliseconds) through swift-log; SIGTERM and SIGINT stop accepting,
// let requests in flight finish, and return (Hummingbird's service group).
import Foundation
import Hummingbird
import Logging
import NIOCore

public enum WanggeServer {
    /// The most bytes of a request body read (a batch of 10,000 addresses fits easily).
    public static let maxBodyBytes = 8 << 20

    /// Serves `api` on `host`:`port` until SIGTERM/SIGINT. `started` gets the port bound (useful
    /// with port 0, which lets the system choose).
    public static func run(api: API, host: String, port: Int, logger: Logger,
                           started: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let responder = APIResponder(api: api, logger: logger)
        let app = Application(responder: responder,
                              configuration: .init(address: .hostname(host, port: port), serverName: "wangge"),
                              onServerRunning: { channel in started(channel.localAddress?.port ?? port) },
                              logger: logger)
        try await app.runService()
    }
}

/// A request's context with the peer's address (for the audit log and the login throttle).
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Carries each HTTP request to `API.handle`, and its answer back.
struct APIResponder: HTTPResponder {
    typealias Context = PeerRequestContext
    let api: API
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        var request = request
        var body: [UInt8] = []
        if request.method == .post || request.method == .put || request.method == .patch {
            do {
                var buffer = try await request.collectBody(upTo: WanggeServer.maxBodyBytes)
                body = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch {
                return Self.response(.error(413, "the request body is over \(WanggeServer.maxBodyBytes >> 20) MiB"))
            }
        }
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters where query[String(k)] == nil { query[String(k)] = String(v) }
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil { headers[field.name.canonicalName] = field.value }
        // The password hash takes a tenth of a second: run the API off the cooperative pool so a
        // login never stalls the event loops' other requests.
        let api = self.api, apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path, query: query, body: body,
                                                     headers: headers, peer: context.peer)
        let answer = await withCheckedContinuation { c in DispatchQueue.global().async { c.resume(returning: api.handle(apiRequest)) } }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(answer.status)",
            "ms": "\(String(format: "%.1f", ms))",
        ])
        return Self.response(answer)
    }

    static func response(_ a: APIResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = a.contentType
        headers[.cacheControl] = "no-store"
        // Answers are what they say they are: never sniffed into HTML, never framed by another site.
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY")] + a.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: a.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
    }
}

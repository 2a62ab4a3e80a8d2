import ArgumentParser
import Foundation
import WanggeKit

/// `wangge login`: a session with a running `wangge serve`, kept for `wangge case add --server`.
struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a running `wangge serve`; the session is kept for `case add --server` (docs/API.md).",
        discussion: "The token is saved in $XDG_CONFIG_HOME/wangge/session.json (or ~/.config/wangge/session.json), readable by you only.")
    @Option(help: "The server, e.g. http://127.0.0.1:8080.") var server: String
    @Option(help: "The account's login name.") var name: String
    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordStdin = false
    @Option(help: "Where to keep the session (default: ~/.config/wangge/session.json).") var session: String?

    func run() throws {
        let password = try readPassword(fromStandardInput: passwordStdin, prompt: "Password for \(name) at \(server): ", confirm: false)
        guard let path = session ?? DeskSession.defaultPath else { throw ValidationError("no HOME: give --session FILE") }
        let (token, expires) = try RemoteDesk.login(server: server, name: name, password: password)
        try DeskSession(server: server, name: name, token: token, expiresAt: expires).save(path)
        print("logged in to \(server) as \(name) until \(expires); session in \(path)")
    }
}

import ArgumentParser
import Foundation
import WanggeKit
import WanggeServer

// `wangge user`: the server's accounts. All logic is in WanggeServer's UserDesk and WanggeStore's
// AccountStore; this reads options and the password.

extension AccountRole: ExpressibleByArgument {}

struct UserOptions: ParsableArguments {
    @Option(help: "The server's data directory (its accounts.sqlite, and grids.geojson for grid units).") var data = "data"
    @Option(help: "Directory with the district's layers (township and village codes).") var boundaries = "boundaries"

    func desk() throws -> UserDesk {
        let who = ProcessInfo.processInfo.environment["USER"] ?? "operator"
        return try UserDesk(data: data, boundaries: boundaries, operatorName: "cli:\(who)")
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Accounts of `wangge serve`: add, list, disable, enable (docs/API.md).",
        subcommands: [Add.self, List.self, Disable.self, Enable.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from standard input or asked for, never taken as an option.",
            discussion: """
                Roles and units: district (no unit), township (township code), village (village or \
                community code), grid (grid code of the current plan), department (the department's \
                name, as cases carry it in their category). Passwords: at least 8 characters.
                """)
        @OptionGroup var options: UserOptions
        @Argument(help: "The login name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "What the account works as.") var role: AccountRole
        @Option(help: "Its unit: township, village or grid code, or department name (none for the district).") var unit: String?
        @Option(name: .customLong("display-name"), help: "The name shown (default: the login name).") var displayName: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() throws {
            let password = try readPassword(fromStandardInput: passwordStdin, prompt: "Password for \(name): ", confirm: true)
            let account = try options.desk().add(name: name, displayName: displayName, role: role, unit: unit, password: password)
            print("added \(account.name): \(account.role.rawValue)\(account.unit.map { " of \($0)" } ?? "")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts (name, display name, role, unit, state).")
        @OptionGroup var options: UserOptions
        func run() throws { print(try options.desk().table(), terminator: "") }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account; its sessions end at once.")
        @OptionGroup var options: UserOptions
        @Argument(help: "The login name.") var name: String
        func run() throws {
            try options.desk().setDisabled(name, true)
            print("disabled \(name)")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @OptionGroup var options: UserOptions
        @Argument(help: "The login name.") var name: String
        func run() throws {
            try options.desk().setDisabled(name, false)
            print("enabled \(name)")
        }
    }
}

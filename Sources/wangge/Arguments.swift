import ArgumentParser
import Foundation
import WanggeKit

// Options with fixed values are enums of the library: ArgumentParser lists the values in --help
// and refuses anything else with the list, so no command checks strings by hand.

/// `--method`: the library's `ApportionmentMethod`, spelt as the literature does.
enum MethodArgument: String, CaseIterable, ExpressibleByArgument {
    case huntingtonHill = "huntington-hill"
    case webster

    var method: ApportionmentMethod {
        switch self {
        case .huntingtonHill: .huntingtonHill
        case .webster: .webster
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension GeocodeFormat: ExpressibleByArgument {}
extension BatchEncoding: ExpressibleByArgument {}
extension ExportCRS: ExpressibleByArgument {}
extension MapColouring: ExpressibleByArgument {}

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf8", "utf-8": self = .utf8
        case "gb18030", "gbk", "gb2312": self = .gb18030
        default: return nil
        }
    }
    public static var allValueStrings: [String] { ["utf8", "gb18030"] }
}

/// A password from the first line of standard input (`--password-stdin`), or asked on the
/// terminal (`confirm`: twice, and they must agree) — never taken as an option.
func readPassword(fromStandardInput: Bool, prompt: String, confirm: Bool) throws -> String {
    if fromStandardInput {
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("--password-stdin: standard input is empty") }
        return line
    }
    guard isatty(0) == 1 else { throw ValidationError("no terminal to ask the password on: pipe it with --password-stdin") }
    guard let first = getpass(prompt).map({ String(cString: $0) }) else { throw ValidationError("no password") }
    if confirm {
        guard let second = getpass("Again: ").map({ String(cString: $0) }), first == second else { throw ValidationError("the two passwords differ") }
    }
    return first
}

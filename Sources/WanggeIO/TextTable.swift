// Plain text tables for the terminal: columns padded to their widest cell, CJK counted double.

/// A plain text table with columns padded to their widest cell (CJK characters count double).
public struct TextTable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && ($1.properties.isIdeographic || $1.value >= 0xFF00) ? 2 : 1) }
    }

    public func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { TextTable.width($0[c]) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - TextTable.width(s))
                return c == 0 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n") + "\n"
    }
}

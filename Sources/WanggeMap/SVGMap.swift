import Foundation
import WanggeGeometry

/// A static map drawn as SVG from geometry in a projected (metric) CRS: layers of styled
/// polygons, lines, points and labels, north up, with a scale bar. Output is deterministic: the
/// same layers give the same bytes.
public struct SVGMap {
    public struct Style: Sendable {
        public var fill: String?
        public var fillOpacity: Double
        public var stroke: String?
        public var strokeWidth: Double
        public var radius: Double

        public init(fill: String? = nil, fillOpacity: Double = 1, stroke: String? = nil, strokeWidth: Double = 1, radius: Double = 2) {
            self.fill = fill
            self.fillOpacity = fillOpacity
            self.stroke = stroke
            self.strokeWidth = strokeWidth
            self.radius = radius
        }
    }

    public struct Label: Sendable {
        public var text: String
        public var at: Coordinate
        public var size: Double
        public var weight: String

        public init(_ text: String, at: Coordinate, size: Double = 12, weight: String = "normal") {
            self.text = text
            self.at = at
            self.size = size
            self.weight = weight
        }
    }

    public let extent: Envelope
    public let width: Double
    public let margin: Double
    private var body: [String] = []

    /// - Parameters: extent: the area to draw, in map units (metres); width: picture width in px.
    public init(extent: Envelope, width: Double = 1000, margin: Double = 20) {
        self.extent = extent
        self.width = width
        self.margin = margin
    }

    var scale: Double { (width - 2 * margin) / extent.width }
    public var height: Double { extent.height * scale + 2 * margin }

    func px(_ c: Coordinate) -> String {
        fmt(margin + (c.x - extent.minX) * scale) + "," + fmt(margin + (extent.maxY - c.y) * scale)
    }

    func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    func attributes(_ s: Style) -> String {
        var a = "fill=\"\(s.fill ?? "none")\""
        if s.fill != nil && s.fillOpacity < 1 { a += " fill-opacity=\"\(String(format: "%.2f", s.fillOpacity))\"" }
        if let stroke = s.stroke { a += " stroke=\"\(stroke)\" stroke-width=\"\(String(format: "%.2f", s.strokeWidth))\" stroke-linejoin=\"round\"" }
        return a
    }

    func path(_ g: Geometry) -> String {
        var d = ""
        // Vertices closer than half a pixel to the last one drawn cannot be seen: they are
        // skipped (the last vertex of a ring always stays), which keeps pictures of dense
        // boundaries small.
        let minimum = 0.5 / scale
        func ring(_ r: [Coordinate], close: Bool) {
            guard let first = r.first else { return }
            d += "M" + px(first)
            var last = first
            for (k, c) in r.enumerated().dropFirst() {
                if k < r.count - 1 && abs(c.x - last.x) < minimum && abs(c.y - last.y) < minimum { continue }
                d += "L" + px(c)
                last = c
            }
            if close { d += "Z" }
        }
        switch g {
        case .lineString(let l): ring(l, close: false)
        case .multiLineString(let ls): ls.forEach { ring($0, close: false) }
        case .polygon(let p): p.rings.forEach { ring($0, close: true) }
        case .multiPolygon(let ps): ps.forEach { $0.rings.forEach { ring($0, close: true) } }
        case .geometryCollection(let gs): gs.forEach { d += path($0) }
        case .point, .multiPoint: break
        }
        return d
    }

    /// Adds a group of geometries drawn with one style; `titles` (same count) become hover text.
    public mutating func layer(_ name: String, _ geometries: [Geometry], style: Style, titles: [String]? = nil) {
        var out = "<g id=\"\(escape(name))\">"
        for (k, g) in geometries.enumerated() {
            let title = titles.map { "<title>\(escape($0[k]))</title>" } ?? ""
            switch g {
            case .point(let c):
                let p = px(c).split(separator: ",")
                out += "<circle cx=\"\(p[0])\" cy=\"\(p[1])\" r=\"\(fmt(style.radius))\" \(attributes(style))>\(title)</circle>"
            case .multiPoint(let cs):
                for c in cs {
                    let p = px(c).split(separator: ",")
                    out += "<circle cx=\"\(p[0])\" cy=\"\(p[1])\" r=\"\(fmt(style.radius))\" \(attributes(style))/>"
                }
            default:
                out += "<path d=\"\(path(g))\" fill-rule=\"evenodd\" \(attributes(style))>\(title)</path>"
            }
        }
        body.append(out + "</g>")
    }

    /// Text labels with a white halo so they read over any fill.
    public mutating func labels(_ name: String, _ labels: [Label], color: String = "#222") {
        var out = "<g id=\"\(escape(name))\" font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\" text-anchor=\"middle\">"
        for l in labels {
            let p = px(l.at).split(separator: ",")
            out += "<text x=\"\(p[0])\" y=\"\(p[1])\" font-size=\"\(fmt(l.size))\" font-weight=\"\(l.weight)\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(escape(l.text))</text>"
        }
        body.append(out + "</g>")
    }

    /// The finished document: title, the layers in the order added, a scale bar and north arrow.
    public func render(title: String, legend: [(String, Style)] = []) -> String {
        let h = height
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(h))\" viewBox=\"0 0 \(fmt(width)) \(fmt(h))\">\n"
        svg += "<title>\(escape(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fbfaf6\"/>\n"
        svg += body.joined(separator: "\n") + "\n"
        // Scale bar: a round number of kilometres about a fifth of the width.
        let targetMetres = extent.width / 5
        let km = [1.0, 2, 5, 10, 20, 50].last { $0 * 1000 <= targetMetres } ?? 1
        let barPx = km * 1000 * scale
        let y = h - margin - 8
        svg += "<g font-family=\"sans-serif\" font-size=\"12\" fill=\"#222\"><rect x=\"\(fmt(margin))\" y=\"\(fmt(y))\" width=\"\(fmt(barPx))\" height=\"5\" fill=\"#222\"/>"
        svg += "<text x=\"\(fmt(margin))\" y=\"\(fmt(y - 4))\">0</text><text x=\"\(fmt(margin + barPx))\" y=\"\(fmt(y - 4))\" text-anchor=\"middle\">\(Int(km)) km</text>"
        svg += "<text x=\"\(fmt(width - margin - 10))\" y=\"\(fmt(margin + 16))\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">N</text>"
        svg += "<path d=\"M\(fmt(width - margin - 10)),\(fmt(margin + 20))l-6,16h12z\" fill=\"#222\"/></g>\n"
        if !legend.isEmpty {
            svg += "<g font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\" font-size=\"12\" fill=\"#222\">"
            for (k, (name, style)) in legend.enumerated() {
                let ly = margin + Double(k) * 18
                svg += "<rect x=\"\(fmt(margin))\" y=\"\(fmt(ly))\" width=\"14\" height=\"12\" \(attributes(style))/>"
                svg += "<text x=\"\(fmt(margin + 20))\" y=\"\(fmt(ly + 11))\">\(escape(name))</text>"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>\n"
    }

    /// A point inside the largest polygon of `g`, for a label: the centre of the envelope when
    /// inside, else the middle of the widest horizontal chord through it.
    public static func labelPoint(_ g: Geometry) -> Coordinate {
        guard let p = g.polygons.max(by: { abs(Ring.signedArea($0.exterior)) < abs(Ring.signedArea($1.exterior)) }),
              let e = Geometry.polygon(p).envelope else { return Coordinate(0, 0) }
        var best = Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2)
        var bestWidth = -1.0
        for step in 1..<8 {
            let y = e.minY + e.height * Double(step) / 8
            var xs: [Double] = []
            for ring in p.rings where ring.count > 1 {
                for i in 1..<ring.count {
                    let a = ring[i - 1], b = ring[i]
                    if (a.y > y) != (b.y > y) { xs.append(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y)) }
                }
            }
            xs.sort()
            var i = 0
            while i + 1 < xs.count {
                let w = xs[i + 1] - xs[i]
                // Prefer chords near the vertical middle.
                let score = w * (1 - abs(Double(step) - 4) / 8)
                if score > bestWidth { bestWidth = score; best = Coordinate((xs[i] + xs[i + 1]) / 2, y) }
                i += 2
            }
        }
        return best
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

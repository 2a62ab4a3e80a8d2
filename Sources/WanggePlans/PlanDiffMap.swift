// The diff as a planner looks at it: a map of the area that changed — grids added, reshaped and
// removed, the blocks that changed grid, the old and the new grid lines, the addresses and
// incidents that move —
// with the villages around for context, a legend and a scale bar. SVG on its own, or in an HTML
// page with the summary; nothing is fetched.
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeMap

public struct PlanDiffMap {
    /// The colours of the map, also its legend.
    public enum Colour {
        public static let unchanged = "#ffffff"
        public static let reshaped = "#fdd49e"
        public static let added = "#a1d99b"
        public static let movedBlock = "#6baed6"
        public static let oldLine = "#d7301f"
        public static let newLine = "#111111"
        public static let address = "#6a3d9a"
        public static let incident = "#01665e"
    }

    public let diff: PlanDiff
    public let before: Plan
    public let after: Plan
    public let boundaries: DistrictBoundaries
    /// Address positions by id (the records `PlanDiff` names in `addressesMoved`).
    public let addressPositions: [String: Coordinate]
    /// Incident positions by id (those in `incidentsMoved`).
    public let incidentPositions: [String: Coordinate]

    public init(diff: PlanDiff, before: Plan, after: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers) {
        self.diff = diff
        self.before = before
        self.after = after
        self.boundaries = boundaries
        let moved = Set(diff.addressesMoved.map(\.id))
        var positions: [String: Coordinate] = [:]
        for r in layers.addresses where moved.contains(r.id) { positions[r.id] = r.position }
        addressPositions = positions
        let movedIncidents = Set(diff.incidentsMoved.map(\.id))
        var incidents: [String: Coordinate] = [:]
        for i in layers.incidents where movedIncidents.contains(i.id) { incidents[i.id] = i.position }
        incidentPositions = incidents
    }

    /// The map as SVG, titled `title` (e.g. "version 3 → version 5").
    public func svg(title: String, width: Double = 1200) throws -> String {
        let t = try CoordinateTransform(from: .wgs84, to: boundaries.profile.metricCRS)
        func metric(_ f: Feature) throws -> Geometry? { try f.geometry.map { try t.transform($0) } }
        let named = Set(diff.gridsNamed)
        let added = Set(diff.added), removed = Set(diff.removed)
        let movedBlocks = Set(diff.blocksMoved.map(\.id))

        // The area to draw: every changed grid, before and after, with a margin; the whole
        // district when nothing changed.
        let beforeChanged = try before.grids.features.filter { named.contains(Plan.gridCode($0)) }
            .compactMap { f in try metric(f).map { (Plan.gridCode(f), $0) } }
        let afterChanged = try after.grids.features.filter { named.contains(Plan.gridCode($0)) }
            .compactMap { f in try metric(f).map { (Plan.gridCode(f), $0) } }
        let area = Self.area(around: (beforeChanged + afterChanged).map(\.1), else: try t.transform(boundaries.outline))
        func near(_ g: Geometry) -> Bool { g.envelope.map { $0.intersects(area) } ?? false }

        var map = SVGMap(extent: area, width: width, margin: 24)
        let villages = try boundaries.villages.map { ($0, try t.transform($0.geometry)) }.filter { near($0.1) }
        map.layer("villages-ground", villages.map(\.1), style: .init(fill: "#f2efe6"))

        // Today's grids in the area: white when unchanged, orange when reshaped, green when new.
        var unchanged: [Geometry] = [], reshaped: [Geometry] = [], new: [Geometry] = []
        var reshapedTitles: [String] = [], newTitles: [String] = []
        for f in after.grids.features {
            let code = Plan.gridCode(f)
            guard let g = try metric(f), near(g) else { continue }
            if added.contains(code) { new.append(g); newTitles.append("\(code) \(f.string("name") ?? "") — added") }
            else if named.contains(code) { reshaped.append(g); reshapedTitles.append("\(code) \(f.string("name") ?? "") — reshaped") }
            else { unchanged.append(g) }
        }
        map.layer("grids-unchanged", unchanged, style: .init(fill: Colour.unchanged, stroke: "#bbbbbb", strokeWidth: 0.5))
        map.layer("grids-reshaped", reshaped, style: .init(fill: Colour.reshaped), titles: reshapedTitles)
        map.layer("grids-added", new, style: .init(fill: Colour.added), titles: newTitles)

        // Blocks that changed grid, drawn in their new grid.
        var blocks: [Geometry] = [], blockTitles: [String] = []
        let moveOf = Dictionary(diff.blocksMoved.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for f in after.blocks.features where movedBlocks.contains(Plan.blockID(f)) {
            guard let g = try metric(f), let m = moveOf[Plan.blockID(f)] else { continue }
            blocks.append(g)
            blockTitles.append("block \(m.id): \(m.from) → \(m.to)")
        }
        map.layer("blocks-moved", blocks, style: .init(fill: Colour.movedBlock, fillOpacity: 0.75, stroke: Colour.movedBlock, strokeWidth: 0.3),
                  titles: blockTitles)

        // The lines: the old ones of every grid named (red), the new ones over them (black).
        let removedTitles = beforeChanged.map { removed.contains($0.0) ? "\($0.0) — removed" : "\($0.0) before" }
        map.layer("village-lines", villages.map(\.1), style: .init(stroke: "#888888", strokeWidth: 0.6))
        map.layer("old-grid-lines", beforeChanged.map(\.1), style: .init(stroke: Colour.oldLine, strokeWidth: 2.2), titles: removedTitles)
        map.layer("new-grid-lines", afterChanged.map(\.1), style: .init(stroke: Colour.newLine, strokeWidth: 1))

        // Addresses that change grid.
        var points: [Geometry] = []
        for m in diff.addressesMoved {
            guard let p = addressPositions[m.id] else { continue }
            points.append(.point(try t.transform(p)))
        }
        map.layer("addresses-moved", points, style: .init(fill: Colour.address, radius: 1.6))
        // Incidents over them, larger and dark teal (red is the old lines): fewer, each one a case.
        let incidentPoints = try diff.incidentsMoved.compactMap { m in try incidentPositions[m.id].map { Geometry.point(try t.transform($0)) } }
        map.layer("incidents-moved", incidentPoints, style: .init(fill: Colour.incident, radius: 2.4),
                  titles: diff.incidentsMoved.filter { incidentPositions[$0.id] != nil }.map { "incident \($0.id): \($0.from) → \($0.to)" })

        // Labels: the grids named (their code's last three digits are the grid's number in its
        // village), and the villages.
        var labels: [SVGMap.Label] = []
        for (code, g) in afterChanged { labels.append(SVGMap.Label(String(code.suffix(3)), at: SVGMap.labelPoint(g), size: 13, weight: "bold")) }
        for (code, g) in beforeChanged where removed.contains(code) {
            labels.append(SVGMap.Label(String(code.suffix(3)) + " ✕", at: SVGMap.labelPoint(g), size: 13, weight: "bold"))
        }
        map.labels("village-labels", villages.map { v, g in SVGMap.Label(v.name, at: SVGMap.labelPoint(g), size: 11) }, color: "#555555")
        map.labels("grid-labels", labels)

        return map.render(title: "网格方案对比 plan diff: \(title)", legend: legend)
    }

    /// The envelope of `geometries` (of `fallback` when there are none) with a margin.
    static func area(around geometries: [Geometry], else fallback: Geometry) -> Envelope {
        var extent: Envelope? = nil
        for g in geometries {
            guard let e = g.envelope else { continue }
            if extent == nil { extent = e } else { extent!.expand(toInclude: e) }
        }
        let area = extent ?? fallback.envelope ?? Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        let pad = max(area.width, area.height) * 0.15 + 100
        return Envelope(minX: area.minX - pad, minY: area.minY - pad, maxX: area.maxX + pad, maxY: area.maxY + pad)
    }

    /// What each colour and line means, with the diff's counts.
    var legend: [(String, SVGMap.Style)] {
        [
            ("新增网格 grid added (\(diff.added.count))", .init(fill: Colour.added, stroke: "#888888", strokeWidth: 0.5)),
            ("调整网格 grid reshaped (\(diff.changed.count))", .init(fill: Colour.reshaped, stroke: "#888888", strokeWidth: 0.5)),
            ("撤销网格 grid removed (\(diff.removed.count)): old line", .init(stroke: Colour.oldLine, strokeWidth: 2.2)),
            ("换网格的地块 block changing grid (\(diff.blocksMoved.count))", .init(fill: Colour.movedBlock, stroke: "#888888", strokeWidth: 0.5)),
            ("原网格线 old grid line", .init(stroke: Colour.oldLine, strokeWidth: 2.2)),
            ("新网格线 new grid line", .init(stroke: Colour.newLine, strokeWidth: 1)),
            ("换网格的地址 address changing grid (\(diff.addressesMoved.count), \(diff.householdsMoved) 户)", .init(fill: Colour.address)),
            ("换网格的事件 incident changing grid (\(diff.incidentsMoved.count))", .init(fill: Colour.incident)),
        ]
    }

    /// The SVG in a page with the diff's summary (the terminal text) beneath it.
    public func html(title: String, before: String, after: String) throws -> String {
        let svg = try self.svg(title: title)
        let text = diff.text(before: before, after: after, limit: 50)
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head><meta charset="utf-8"><title>\(escape("网格方案对比 plan diff: " + title))</title>
            <style>body{margin:16px;background:#fbfaf6;font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif}svg{max-width:100%;height:auto;border:1px solid #ccc}pre{font-size:13px;white-space:pre-wrap}</style>
            </head>
            <body>
            <h1 style="font-size:18px">\(escape("网格方案对比 plan diff: " + title))</h1>
            \(svg)
            <pre>\(escape(text))</pre>
            </body>
            </html>

            """
    }
}

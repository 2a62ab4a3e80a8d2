import Testing
import WanggeGeometry
@testable import WanggeMap

@Suite struct SVGMapTests {
    let square = Geometry.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1000, 0), Coordinate(1000, 1000), Coordinate(0, 1000), Coordinate(0, 0)]))

    @Test func polygonsAreDrawnNorthUpInPixelSpace() {
        var map = SVGMap(extent: Envelope(minX: 0, minY: 0, maxX: 2000, maxY: 1000), width: 220, margin: 10)
        map.layer("squares", [square], style: .init(fill: "#f00", stroke: "#000"), titles: ["A <1>"])
        let svg = map.render(title: "t")
        // 0.1 px per metre: (0,0) → (10, 110), (1000,1000) → (110, 10); y grows downward.
        #expect(svg.contains("d=\"M10,110L110,110L110,10L10,10L10,110Z\""))
        #expect(svg.contains("<title>A &lt;1&gt;</title>"))
        #expect(map.height == 120)
    }

    @Test func scaleBarUsesARoundDistanceAndOutputIsStable() {
        var a = SVGMap(extent: Envelope(minX: 0, minY: 0, maxX: 30000, maxY: 30000), width: 1000)
        a.layer("s", [square], style: .init(fill: "#0f0"))
        let first = a.render(title: "x")
        #expect(first.contains(">5 km</text>"))
        #expect(first == a.render(title: "x"))
    }
}

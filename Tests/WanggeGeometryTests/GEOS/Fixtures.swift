@testable import WanggeGeometry

/// SplitMix64: a tiny seeded generator so random fixtures are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func square(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> Polygon {
    Polygon(exterior: [Coordinate(minX, minY), Coordinate(maxX, minY), Coordinate(maxX, maxY),
                       Coordinate(minX, maxY), Coordinate(minX, minY)])
}

/// One value of every kind, including holes and every empty form `Geometry` can express.
let canonicalValues: [Geometry] = [
    .point(Coordinate(1.5, -2.25)),
    .multiPoint([Coordinate(0, 0), Coordinate(1, 1)]),
    .multiPoint([]),
    .lineString([Coordinate(0, 0), Coordinate(1, 1), Coordinate(2, 0)]),
    .lineString([]),
    .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 2)]]),
    .multiLineString([]),
    .polygon(square(0, 0, 10, 10)),
    .polygon(Polygon(exterior: square(0, 0, 10, 10).exterior, holes: [square(2, 2, 4, 4).exterior, square(6, 6, 8, 8).exterior])),
    .polygon(Polygon(exterior: [])),
    .multiPolygon([square(0, 0, 1, 1), Polygon(exterior: square(5, 5, 9, 9).exterior, holes: [square(6, 6, 7, 7).exterior])]),
    .multiPolygon([]),
    .geometryCollection([.point(Coordinate(1, 2)), .lineString([Coordinate(0, 0), Coordinate(3, 4)]), .polygon(square(0, 0, 1, 1))]),
    .geometryCollection([]),
]

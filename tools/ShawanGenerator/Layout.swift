import WanggeGeometry

/// The synthetic layout's fixed choices. Positions are WGS-84 lon/lat, chosen to be plausible for
/// Shawan (the Dadu River crossing south-west → north-east, the urban core of 沙湾镇 and 沫江街道
/// on it); they are not survey data.
enum Layout {
    /// The Dadu River's course, beyond the district at both ends so it enters and leaves it.
    static let daduCourse: [Coordinate] = [
        Coordinate(103.380, 29.300), Coordinate(103.425, 29.322), Coordinate(103.450, 29.330),
        Coordinate(103.478, 29.342), Coordinate(103.505, 29.366), Coordinate(103.530, 29.392),
        Coordinate(103.552, 29.408), Coordinate(103.575, 29.428), Coordinate(103.600, 29.446),
        Coordinate(103.628, 29.460), Coordinate(103.660, 29.474), Coordinate(103.700, 29.492),
        Coordinate(103.760, 29.520),
    ]
    /// River surface at the upstream and downstream ends of the course, metres above sea level.
    static let daduHeadElevation = 480.0
    static let daduMouthElevation = 360.0

    struct Seat {
        let township: String
        let position: Coordinate
        /// Relative land area of the township (rural mountain townships are large).
        let areaWeight: Double
        /// Radius of the built-up area around the seat, metres.
        let townRadius: Double
    }

    /// Township seats (town halls). 沙湾镇 and 沫江街道 form the urban core on the river.
    static let seats: [Seat] = [
        Seat(township: "沙湾镇", position: Coordinate(103.546, 29.400), areaWeight: 0.8, townRadius: 1500),
        Seat(township: "沫江街道", position: Coordinate(103.558, 29.416), areaWeight: 0.25, townRadius: 1200),
        Seat(township: "嘉农镇", position: Coordinate(103.640, 29.462), areaWeight: 1.0, townRadius: 800),
        Seat(township: "踏水镇", position: Coordinate(103.590, 29.442), areaWeight: 0.7, townRadius: 600),
        Seat(township: "太平镇", position: Coordinate(103.512, 29.371), areaWeight: 1.2, townRadius: 600),
        Seat(township: "葫芦镇", position: Coordinate(103.480, 29.348), areaWeight: 1.0, townRadius: 600),
        Seat(township: "龚嘴镇", position: Coordinate(103.445, 29.318), areaWeight: 0.6, townRadius: 600),
        Seat(township: "范店乡", position: Coordinate(103.495, 29.420), areaWeight: 0.7, townRadius: 400),
        Seat(township: "碧山乡", position: Coordinate(103.585, 29.490), areaWeight: 1.0, townRadius: 400),
        Seat(township: "福禄镇", position: Coordinate(103.620, 29.360), areaWeight: 1.3, townRadius: 600),
        Seat(township: "牛石镇", position: Coordinate(103.690, 29.318), areaWeight: 1.0, townRadius: 500),
        Seat(township: "谭坝乡", position: Coordinate(103.545, 29.305), areaWeight: 0.9, townRadius: 400),
        Seat(township: "铜茨乡", position: Coordinate(103.585, 29.268), areaWeight: 0.8, townRadius: 400),
        Seat(township: "轸溪乡", position: Coordinate(103.615, 29.218), areaWeight: 0.8, townRadius: 400),
    ]
}

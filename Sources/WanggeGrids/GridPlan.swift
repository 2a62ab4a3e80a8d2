import WanggeWorkload
import WanggeCRS
import WanggeGeometry
import WanggePartition

/// How much work each thing in a block is: by default the hours of the workload model
/// (`PartitionOptions.workloadModel`, `Figures.hours`); households only (`.households`) is the
/// rule Chinese districts have used; the other figures are available with a weight (docs/PARTITION.md).
public struct WorkloadWeights: Sendable, Equatable {
    public var households: Double
    public var residents: Double
    /// Elderly living alone, disabled, low-income households and key persons, counted together.
    public var flagged: Double
    public var incidents: Double
    public var addresses: Double
    /// Hours a week under the workload model.
    public var hours: Double

    public init(households: Double = 1, residents: Double = 0, flagged: Double = 0, incidents: Double = 0, addresses: Double = 0,
                hours: Double = 0) {
        self.households = households
        self.residents = residents
        self.flagged = flagged
        self.incidents = incidents
        self.addresses = addresses
        self.hours = hours
    }

    /// The workload model's hours (the default).
    public static let modelHours = WorkloadWeights(households: 0, hours: 1)
    /// Households only.
    public static let households = WorkloadWeights()

    func load(_ f: Figures) -> Double {
        households * Double(f.households) + residents * Double(f.residents) + flagged * Double(f.flagged)
            + incidents * Double(f.incidents) + addresses * Double(f.addresses) + hours * f.hours
    }
}

/// What lies in a block or grid.
public struct Figures: Sendable, Equatable {
    public var addresses = 0
    public var households = 0
    public var residents = 0
    public var flagged = 0
    public var incidents = 0
    /// Hours a week under the workload model, patrol shared out to the addresses (additive; the
    /// exact figure of a grid is `wangge report`'s).
    public var hours = 0.0

    public init() {}

    static func + (a: Figures, b: Figures) -> Figures {
        var s = a
        s.addresses += b.addresses; s.households += b.households; s.residents += b.residents
        s.flagged += b.flagged; s.incidents += b.incidents; s.hours += b.hours
        return s
    }
}

public struct PartitionOptions: Sendable {
    public enum GridCount: Sendable, Equatable {
        /// This many grids in the district, shared out by the divisor method (at least one each).
        case total(Int)
        /// Each village gets max(1, round(workload / load)) grids.
        case loadPerGrid(Double)
    }

    /// nil: the district's own plan (`grids` in district.geojson, `DistrictProfile.defaultGridCount`).
    public var gridCount: GridCount?
    public var method: ApportionmentMethod = .huntingtonHill
    public var seed: UInt64 = 1
    /// Every grid within ±tolerance of its village's mean workload, where blocks allow.
    public var tolerance = 0.10
    public var weights = WorkloadWeights.modelHours
    /// The model behind `Figures.hours`.
    public var workloadModel = WorkloadModel.standard
    public var rules = BlockRules.seed
    /// Most blocks one village may have split when they are too coarse to balance.
    public var maxRefinements = 30
    /// Seeded restarts of the regionalizer per village, best kept. 32 rather than the
    /// optimiser's default 8: on Shawan's blocks it lifts mean Polsby–Popper from 0.443 to
    /// 0.451 (above spopt's SKATER and Region-K-means) for ~20 ms in all (docs/compare/).
    public var restarts = 32

    public init() {}
}

/// One block: a face of a village cut by its lines (metric CRS).
public struct Block: Sendable {
    /// The village code and a 4-digit sequence, e.g. "511111100201-0007".
    public var id: String
    public var villageCode: String
    public var polygon: Polygon
    public var area: Double
    public var perimeter: Double
    public var figures: Figures
    public var workload: Double
    /// True when the block is a piece of a block Wangge split to balance its village.
    public var refined: Bool
    /// Index into `GridPlan.grids`.
    public var grid: Int
}

/// One grid: one grid worker's area (metric CRS).
public struct Grid: Sendable {
    /// 15 digits: the village's 12-digit code + a 3-digit sequence, west → east.
    public var code: String
    /// e.g. "绥山社区第2网格".
    public var name: String
    public var villageCode: String
    public var village: String
    public var townshipCode: String
    public var township: String
    public var polygon: Polygon
    public var figures: Figures
    public var workload: Double
    public var area: Double
    public var perimeter: Double
    public var polsbyPopper: Double
    public var blockCount: Int
}

/// How one village came out.
public struct VillageOutcome: Sendable {
    public var code: String
    public var name: String
    public var township: String
    public var kind: String
    public var blocks: Int
    public var grids: Int
    public var meanWorkload: Double
    public var maxWorkload: Double
    public var maxOverMean: Double
    public var coefficientOfVariation: Double
    public var meanPolsbyPopper: Double
    /// Every grid within ±tolerance of the village mean (trivially true for one grid).
    public var balanced: Bool
    /// Blocks split to make balance possible.
    public var refinements: Int
    /// Of those, the splits drawn as a straight line because no lower-order line divided the block.
    public var straightCuts: Int
    /// Why balance was impossible, when it was.
    public var note: String?
    /// The final block graph: shared edges between this village's blocks (indices in the order
    /// the blocks appear in `GridPlan.blocks`), with shared length in metres. Empty for a
    /// village with one grid, whose graph is never built.
    public var edges: [(a: Int, b: Int, length: Double)] = []
}

/// A whole district's grids, their blocks, and the figures that judge the plan.
public struct GridPlan: Sendable {
    public var blocks: [Block]
    public var grids: [Grid]
    public var villages: [VillageOutcome]
    /// Internal grid boundary (between grids of one village) by the line it lies on, metres.
    public var internalBoundary: [(category: String, metres: Double)]
    public var tolerance: Double
    public var options: PartitionOptions
    /// Where the plan was measured and built (the district's metric CRS); set by the planner.
    public var metricCRS: CRS = .wgs84
    /// Addresses or incidents whose village code matched no village, or that fell in no block
    /// of their village (placed in its nearest block).
    public var unplacedPoints: Int
    /// Each village's outline as read (WGS-84) and as projected (metric), part by part: the
    /// writer puts grid vertices that lie on a village edge back onto the WGS-84 edge.
    public var villageOutlines: [String: (wgs84: [Polygon], metric: [Polygon])] = [:]

    /// Share of internal grid-boundary length on a street, river, ridge, area or courtyard edge.
    public var naturalShare: Double {
        let total = internalBoundary.reduce(0) { $0 + $1.metres }
        return total > 0 ? naturalMetres / total : 1
    }

    /// The same share, leaving out the cuts made to refine blocks that were too coarse.
    public var naturalShareOutsideRefinements: Double {
        let total = internalBoundary.filter { $0.category != LineCategory.refinement.rawValue }.reduce(0) { $0 + $1.metres }
        return total > 0 ? naturalMetres / total : 1
    }

    private var naturalMetres: Double {
        internalBoundary.filter { $0.category != LineCategory.refinement.rawValue && $0.category != "other" }
            .reduce(0) { $0 + $1.metres }
    }
}

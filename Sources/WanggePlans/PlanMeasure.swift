// A plan's grids indexed for the point rule and measured, kept by whoever built them first: `plan
// import` builds both for its own check and figures, and its diff and summary would otherwise build
// them again from the same grid layer (each a transform of every vertex and a run over every address).
import WanggeAssign
import WanggeCRS
import WanggeGeoJSON
import WanggeWorkload

public struct PlanMeasure: Sendable {
    /// The grids' index (`GridSet`) and the point rule over it.
    public let locator: GridLocator
    /// Every grid's figures (code order) under `model`, when they were computed.
    public let figures: [GridFigures]?
    public let model: WorkloadModel

    public init(locator: GridLocator, figures: [GridFigures]?, model: WorkloadModel) {
        self.locator = locator
        self.figures = figures
        self.model = model
    }

    /// The locator when it indexes exactly `grids` (see `GridSet.indexes`), else nil.
    public func locator(for grids: FeatureCollection, metricCRS: CRS) -> GridLocator? {
        locator.gridSet.indexes(grids, metricCRS: metricCRS) ? locator : nil
    }

    /// The figures when they are `grids`' under `model`, else nil.
    public func figures(for grids: FeatureCollection, metricCRS: CRS, model: WorkloadModel) -> [GridFigures]? {
        guard let figures, model == self.model, locator(for: grids, metricCRS: metricCRS) != nil else { return nil }
        return figures
    }
}

extension PlanMeasure {
    /// `measure` when it serves `grids`, else a locator built for them (without figures).
    static func locator(_ measure: PlanMeasure?, for grids: FeatureCollection, metricCRS: CRS) throws -> GridLocator {
        if let l = measure?.locator(for: grids, metricCRS: metricCRS) { return l }
        return try GridLocator(GridSet(collection: grids, metricCRS: metricCRS))
    }
}

// WanggeKit: the library product. It re-exports the modules below it so that one
// `import WanggeKit` gives the geometry values, GEOS operations, GeoJSON and coordinate systems.
@_exported import WanggeIO
@_exported import WanggeGeometry
@_exported import WanggeCRS
@_exported import WanggeGeoJSON
@_exported import WanggeDistrict
@_exported import WanggeMap
@_exported import WanggePartition
@_exported import WanggeGrids
@_exported import WanggeStore
@_exported import WanggeExport
@_exported import WanggeAssign
@_exported import WanggeGazetteer
@_exported import WanggeWorkload
@_exported import WanggeStaffing
@_exported import WanggeTeam
@_exported import WanggeCases
@_exported import WanggeCaseDesk
@_exported import WanggePlans
@_exported import WanggeAccounts

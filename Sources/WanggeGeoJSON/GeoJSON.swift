// GeoJSON (RFC 7946) reading and writing.
//
//   GeoJSONReader().read(contentsOf:) → GeoJSONDocument (FeatureCollection, Feature or Geometry),
//     validating as it parses; the first problem throws a GeoJSONError naming file, feature
//     index and id, line and message.
//   GeoJSONWriter().write(_:toFile:) → RFC 7946 output (right-hand rule, fixed decimals, stable
//     member order, one feature per line), written atomically.
//   JSONValue.parse(_:) → ordered JSON for properties and foreign members.
//
// Positions with an altitude are accepted but only x and y are kept (`Coordinate` is 2-D).
import WanggeGeometry

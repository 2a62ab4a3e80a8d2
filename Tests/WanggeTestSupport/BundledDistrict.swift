// The bundled district's metric CRS, as its boundaries/district.geojson gives it: tests that
// check figures against references computed outside Wangge (Shapely + pyproj in
// tools/reference/outline_area.py) name it directly. The library itself reads it from the
// district's profile and knows no district.
import WanggeCRS

extension CRS {
    /// Shawan's `metric_crs`: a transverse Mercator on GRS80 centred on 103.6°E (what
    /// `CRS.localTransverseMercator` derives from its outline).
    public static let shawanMetricDefinition =
        "+proj=tmerc +lat_0=0 +lon_0=103.6 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"
    public static let shawanMetric = CRS.proj(shawanMetricDefinition)
}

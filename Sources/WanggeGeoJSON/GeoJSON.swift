// GeoJSON (RFC 7946) reading and writing.
import WanggeGeometry

// Coordinate reference systems: PROJ transforms plus GCJ-02 / BD-09.
import WanggeGeometry

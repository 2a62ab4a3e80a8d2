import Foundation
import Testing
import WanggeCases
@testable import WanggeCaseDesk
import WanggeCRS
import WanggeGazetteer
import WanggeGeometry

@Suite(.serialized) struct CaseIntakeTests {
    static let intake: CaseIntake = {
        do {
            let g = try GazetteerBuilder.build(boundaries: Bundled.boundaries, grids: Bundled.gridFile)
            return CaseIntake(grids: Bundled.grids, matcher: AddressMatcher(gazetteer: g))
        } catch { fatalError("\(error)") }
    }()

    @Test func anAddressIsGeocodedAndGivenItsGrid() throws {
        let p = try Self.intake.locate(address: "四川省乐山市沙湾区沫江街道文昌巷317号")
        #expect(p.placement.villageCode == "511111001001" && p.placement.gridCode == "511111001001001" && p.placement.townshipCode == "511111001")
        #expect(Bundled.grids.covers(gridCode: p.placement.gridCode, lon: p.location.lon ?? 0, lat: p.location.lat ?? 0))
    }

    @Test func coordinatesInGCJ02LandWhereTheirWGS84TwinsDo() throws {
        // The house above, in WGS-84, and the same point as a phone map (GCJ-02) gives it.
        let wgs = Coordinate(x: 103.5456277, y: 29.4112789)
        let gcj = try CoordinateTransform(from: .wgs84, to: .gcj02).transform(wgs)
        #expect(abs(gcj.x - wgs.x) > 0.001)  // hundreds of metres apart as numbers
        let a = try Self.intake.locate(x: wgs.x, y: wgs.y, crs: .wgs84)
        let b = try Self.intake.locate(x: gcj.x, y: gcj.y, crs: .gcj02)
        #expect(a.placement == b.placement)
        #expect(abs((b.location.lon ?? 0) - wgs.x) < 1e-6)
        #expect(b.location.givenCRS == "\(CRS.gcj02)" && b.location.givenX == gcj.x)
        do { _ = try Self.intake.locate(x: 104.5, y: 29.41, crs: .wgs84); Issue.record("a point 70 km away was placed") } catch {
            #expect(error.kind == .location && error.message.contains("outside"))
        }
    }

    @Test func anAmbiguousAddressIsRefusedUnlessOneIsChosen() throws {
        do { _ = try Self.intake.locate(address: "草坝"); Issue.record("an ambiguous address was placed") } catch {
            #expect(error.kind == .location && error.message.contains("ambiguous") && error.message.contains("1. ") && error.message.contains("2. "))
        }
        let matcher = try #require(Self.intake.matcher)
        let candidates = matcher.geocode("草坝").candidates
        let second = try #require(candidates.indices.dropFirst().first { candidates[$0].villageCode != nil })
        let picked = try Self.intake.locate(address: "草坝", pick: second + 1)
        #expect(picked.placement.villageCode == candidates[second].villageCode)
        let byVillage = try Self.intake.locate(address: "草坝", village: candidates[second].villageCode)
        #expect(byVillage.placement == picked.placement)
        #expect(throws: CaseError.self) { try Self.intake.locate(address: "草坝", pick: 99) }
    }

    @Test func outsideAndUnknownAddressesAreRefused() {
        do { _ = try Self.intake.locate(address: "峨眉山市符溪镇"); Issue.record("placed") } catch {
            #expect(error.kind == .location && error.message.contains("outside"))
        }
        do { _ = try Self.intake.locate(address: "火星基地一号"); Issue.record("placed") } catch {
            #expect(error.kind == .location)
        }
    }
}

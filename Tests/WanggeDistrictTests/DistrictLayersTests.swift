import Foundation
import Testing
@testable import WanggeDistrict

@Suite struct DistrictLayersTests {
    let header = "id,lon,lat,village_code,households,residents,elderly_alone,disabled,low_income,key_persons\n"

    @Test func addressRowsParseWithQuotedFieldsAndFlagsSummed() throws {
        let csv = header + "A1,103.5,29.4,511111100201,2,5,1,1,0,1\n\"A,2\",103.6,29.3,511111100202,1,1,0,0,1,0\r\n"
        let rows = try AddressTable.parse(Array(csv.utf8), file: "t.csv")
        #expect(rows.count == 2)
        #expect(rows[0].flagged == 3 && rows[0].households == 2 && rows[0].residents == 5)
        #expect(rows[1].id == "A,2" && rows[1].position.x == 103.6 && rows[1].flagged == 1)
    }

    @Test func fieldsAreTheSameQuotedOrNotEmptyOrLast() throws {
        let plain = "A3,103.7,29.2,511111100203,4,,0,1,0,\n"
        let quoted = "\"A3\",\"103.7\",29.2,\"511111100203\",4,\"\",0,1,0,\"\"\r\n"
        let rows = try AddressTable.parse(Array((header + plain + quoted).utf8), file: "t.csv")
        let fields = rows.map { "\($0.id) \($0.position) \($0.villageCode) \($0.households) \($0.residents) \($0.flagged)" }
        #expect(rows.count == 2 && fields[0] == fields[1])
        #expect(rows[0].id == "A3" && rows[0].villageCode == "511111100203" && rows[0].households == 4)
        #expect(rows[0].residents == 0 && rows[0].disabled == 1 && rows[0].keyPersons == 0)
        // A short row: the columns it lacks count 0, as empty ones do.
        #expect(try AddressTable.parse(Array((header + "A4,103.7,29.2,511111100203,4\n").utf8), file: "t.csv")[0].residents == 0)
    }

    @Test func badRowsAreNamedByFileAndLine() {
        #expect {
            _ = try AddressTable.parse(Array((header + "A1,103.5,29.4,X,2,5,0,0,0,0\nA2,abc,29.4,X,1,1,0,0,0,0\n").utf8), file: "t.csv")
        } throws: { String(describing: $0).contains("t.csv: line 3: lon/lat") }
        #expect {
            _ = try AddressTable.parse(Array((header + "A1,103.5,29.4,X,-2,5,0,0,0,0\n").utf8), file: "t.csv")
        } throws: { String(describing: $0).contains("line 2: households is \"-2\"") }
        #expect {
            _ = try AddressTable.parse(Array("id,lon,lat\nA1,1,2\n".utf8), file: "t.csv")
        } throws: { String(describing: $0).contains("the header has no \"village_code\" column") }
    }

    @Test func theBundledLayersLoad() throws {
        let layers = try DistrictLayers.load(directory: BundledBoundariesTests.dir)
        #expect(layers.addresses.count > 55_000)
        #expect(layers.incidents.count == 6610)
        #expect(Set(layers.lines.map(\.kind)).isSuperset(of: ["river", "ridge", "街", "巷", "乡道"]))
        #expect(layers.areas.contains { $0.kind == "industrial_park" })
    }
}

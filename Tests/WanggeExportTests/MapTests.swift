import Foundation
import Testing
import WanggeAssign
import WanggeGeoJSON
import WanggeIO
@testable import WanggeExport

/// `wangge map`: the HTML page is self-contained, and headless Chromium draws every grid.
@Suite(.serialized) struct MapTests {
    static func write(_ colouring: MapColouring) throws -> String {
        let map = try DistrictMap(Fixture.input, colouring: colouring)
        let path = (Fixture.temporaryDirectory("map-\(colouring.rawValue)") as NSString).appendingPathComponent("map.html")
        try Data(map.html().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func htmlIsSelfContained() throws {
        let html = try DistrictMap(Fixture.input).html()
        // The only URL is the SVG namespace; no scripts, styles, images or tiles fetched.
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") }, "\(urls)")
        #expect(!html.contains("<script src") && !html.contains("<link") && !html.contains("<img") && !html.contains("@import"))
        #expect(html.components(separatedBy: "class=\"grid\"").count - 1 == 204)
        #expect(html.components(separatedBy: "class=\"village\"").count - 1 == 148)
        #expect(html.components(separatedBy: "class=\"township\"").count - 1 == 14)
    }

    /// `wangge map` writes the page from one byte buffer: the same page as the String path, with
    /// `extra` right before its end, and the SVG in it once.
    @Test func thePageAsBytesIsThePageAsText() throws {
        let map = try DistrictMap(Fixture.input)
        let extra = "<p id=\"extra\">附加</p>"
        let page = String(decoding: map.htmlBytes(extra: extra), as: UTF8.self)
        #expect(page == DistrictMap.adding(extra, to: map.html()))
        #expect(page.hasSuffix(extra + "</body>\n</html>"))
        #expect(!page.contains("%SVG%") && page.components(separatedBy: "<svg id=\"map\"").count == 2)
        #expect(map.htmlBytes() == Array(map.html().utf8))
    }

    /// The planner's map carries the lines grids follow, each layer with every line of its files.
    @Test func theLinesGridsFollowAreLayers() throws {
        let html = try DistrictMap(Fixture.input).html()
        func count(_ group: String) -> Int {
            let start = html.range(of: "<g id=\"\(group)\"")!.upperBound
            return String(html[start...]).components(separatedBy: "</g>")[0].components(separatedBy: "class=\"line\"").count - 1
        }
        let kinds = Fixture.input.layers.lines.map(\.kind)
        #expect(count("rivers") == kinds.filter { ["river", "stream", "gully"].contains($0) }.count && count("rivers") > 0)
        #expect(count("ridges") == kinds.filter { $0 == "ridge" }.count && count("ridges") > 0)
        #expect(count("streets") == kinds.filter { ["街", "巷", "乡道"].contains($0) }.count && count("streets") > 0)
        #expect(count("courtyards") == kinds.filter { $0 == "courtyard" }.count && count("courtyards") > 0)
        #expect(html.contains("data-layer=\"courtyards\">"))   // a box, not ticked at first
        #expect(html.contains("id=\"scale\"") && html.contains("data-mpu="))
    }

    /// In the real browser: at the whole-district view and zoomed to a village, no two visible
    /// labels overlap; a street's name finds the street; the scale bar says a round length.
    @Test func chromiumShowsNoLabelOverAnotherAndFindsStreets() throws {
        let street = Fixture.input.layers.lines.first { $0.kind == "街" && ($0.name ?? "").count >= 3 }!.name!
        // A probe the page runs after it settles: overlaps among visible labels, written into the DOM.
        let probe = """
            <script>
            setTimeout(function(){
              function overlaps(){
                var rs=[];document.querySelectorAll(".labels text").forEach(function(t){
                  if(getComputedStyle(t).visibility==="hidden"||getComputedStyle(t.parentNode).display==="none")return;
                  var r=t.getBoundingClientRect();if(r.width)rs.push(r);});
                var n=0;for(var i=0;i<rs.length;i++)for(var j=i+1;j<rs.length;j++){var a=rs[i],b=rs[j];
                  if(a.left<b.right&&a.right>b.left&&a.top<b.bottom&&a.bottom>b.top)n++;}
                return [rs.length,n];
              }
              var whole=overlaps();
              var found=wanggeSearch(\(JSONText.quoted(street)));wanggeDeclutter();
              var zoomed=overlaps();
              var out=document.createElement("pre");out.id="probe";
              out.textContent=JSON.stringify({whole:whole,zoomed:zoomed,status:document.getElementById("status").textContent,scale:document.getElementById("scaletext").textContent});
              document.body.appendChild(out);
            },300);
            </script>
            """
        let path = (Fixture.temporaryDirectory("map-probe") as NSString).appendingPathComponent("map.html")
        try Data(try DistrictMap(Fixture.input).html(extra: probe).utf8).write(to: URL(fileURLWithPath: path))
        let dom = try run("chromium", package: "chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                                                            "--virtual-time-budget=5000", "--dump-dom", "file://" + path])
        let text = String(decoding: dom.out, as: UTF8.self)
        guard let start = text.range(of: "<pre id=\"probe\">"), let end = text[start.upperBound...].range(of: "</pre>") else {
            Issue.record("the probe did not run: \(text.suffix(300))"); return
        }
        let json = String(text[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
        let o = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let whole = o["whole"] as! [Int], zoomed = o["zoomed"] as! [Int]
        #expect(whole[0] >= 14 && whole[1] == 0, "\(o)")       // at least the townships, none over another
        #expect(zoomed[0] > whole[0] && zoomed[1] == 0, "\(o)") // zoomed in: more labels, still none over another
        #expect((o["status"] as! String).contains("街巷/河流 lines"), "\(o)")
        let scale = o["scale"] as! String
        #expect(scale.hasSuffix(" km") || scale.hasSuffix(" m"), "\(o)")
    }

    /// Each grid gets its own colour; Chromium's screenshot must contain all 204 of them.
    @Test func chromiumDrawsAll204Grids() throws {
        let path = try Self.write(.grid)
        let image = try screenshot("file://" + path, width: 2400, height: 2000, name: "grid")
        let histogram = image.histogram()
        let colours = (0..<204).map { rgb(DistrictMap.distinctColour($0)) }
        #expect(Set(colours).count == 204)
        let missing = colours.enumerated().filter { (histogram[$0.element] ?? 0) < 3 }
        #expect(missing.isEmpty, "grids not visible: \(missing.map { Fixture.input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }[$0.offset].string("code") ?? "" })")
        // And the DOM Chromium built holds the 204 grid paths.
        let dom = try run("chromium", package: "chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + path])
        #expect(String(decoding: dom.out, as: UTF8.self).components(separatedBy: "class=\"grid\"").count - 1 == 204)
    }

    @Test func workloadColoursFillTheDistrict() throws {
        let path = try Self.write(.workload)
        let image = try screenshot("file://" + path, width: 1400, height: 1100, name: "workload")
        let histogram = image.histogram()
        let classes = DistrictMap.workloadPalette.map { histogram[rgb($0)] ?? 0 }
        #expect(classes.allSatisfy { $0 > 500 }, "\(classes)")
        // Painted: at least a quarter of the window is grid colour (the district covers about a
        // third of a 1400×1100 window; outlines, labels and the panel take the rest).
        #expect(classes.reduce(0, +) > image.pixels.count / 4, "\(classes.reduce(0, +)) of \(image.pixels.count)")
        // Chinese labels render with a CJK font (glyph pixels in dark text colour exist).
        #expect((histogram[0x222222] ?? 0) > 200)
    }

    @Test func searchZoomsToAGridAndOutlinesIt() throws {
        let path = try Self.write(.workload)
        let code = Fixture.input.grids.features.map { $0.string("code")! }.sorted()[0]
        let whole = try screenshot("file://" + path, width: 1000, height: 800, name: "whole")
        let found = try screenshot("file://" + path + "#" + code, width: 1000, height: 800, name: "found")
        let blue = rgb("#0050ff")
        #expect((whole.histogram()[blue] ?? 0) == 0)
        #expect((found.histogram()[blue] ?? 0) > 200)
    }

    /// The README's picture is what `wangge partition` draws for the bundled plan today.
    @Test func readmePictureIsUpToDate() throws {
        let root = URL(fileURLWithPath: Fixture.boundaries).deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("docs/grids.svg"), encoding: .utf8)
        #expect(committed == (try DistrictMap(Fixture.input).svg()), "docs/grids.svg is stale: run tools/readme-map.sh")
    }

    @Test func staticSVGHasEveryGridAndALegend() throws {
        let svg = try DistrictMap(Fixture.input).svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<path d=").count - 1 >= 204)   // grids + villages + townships + outline
        for c in DistrictMap.workloadPalette { #expect(svg.contains("fill=\"\(c)\"")) }
        #expect(try DistrictMap(Fixture.input).svg() == svg)
    }

    /// Colouring by one part of the hours: five classes by quintile of that part, each grid in
    /// the class its own recomputed `hours_<part>` falls in.
    @Test(arguments: [MapColouring.households, .flagged, .incidents, .patrol, .upkeep])
    func colourByPart(_ colouring: MapColouring) throws {
        let map = try DistrictMap(Fixture.input, colouring: colouring)
        #expect(map.breaks.count == 4 && map.breaks == map.breaks.sorted())
        #expect(map.legend.count == 5 && map.legend.allSatisfy { $0.0.hasSuffix("小时/周") })
        let grids = Fixture.input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        for (k, g) in grids.enumerated() {
            let v = try #require(g.double(colouring.property!))
            let expected = DistrictMap.workloadPalette[map.breaks.firstIndex { v < $0 } ?? 4]
            #expect(map.colour(k) == expected)
        }
        #expect(Set(grids.indices.map(map.colour)).count == 5)
    }

    /// Hours of work per staff-hour: the recomputed workload over the staff hours the grid file
    /// carries (`wangge staff --grids-out`), in quintiles; a grid without staff hours is grey.
    @Test func colourByHoursPerStaffHour() throws {
        var grids = Fixture.input.grids
        grids.features.sort { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        for k in grids.features.indices.dropFirst() {
            GridWorker.set(GridWorker(id: "P\(k)", name: "网格员\(k)", phone: "1380000\(1000 + k)"),
                           staffHours: Double(40 + (k * 37) % 120), on: &grids.features[k])
        }
        // A stale workload in the file is not what the map classes: it recomputes.
        grids.features[1][property: "workload"] = .number(JSONNumber(9999.0))
        let input = try ExportInput(boundaries: Fixture.input.boundaries, layers: Fixture.input.layers, grids: grids, blocks: nil)
        let map = try DistrictMap(input, colouring: .staffRatio)
        #expect(map.colour(0) == DistrictMap.noValueColour)
        #expect(map.legend.count == 6 && map.legend.last?.1 == DistrictMap.noValueColour)
        #expect(!map.legend.contains { $0.0.contains("小时/周") })
        let features = input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        let ratios = features.dropFirst().map { $0.double("workload")! / GridWorker.staffHours($0)! }
        #expect(features[1].double("workload")! < 200)
        #expect(map.breaks.count == 4 && map.breaks == map.breaks.sorted())
        #expect(map.breaks.allSatisfy { $0 >= ratios.min()! && $0 <= ratios.max()! })
        for (k, r) in zip(1..., ratios) {
            #expect(map.colour(k) == DistrictMap.workloadPalette[map.breaks.firstIndex { r < $0 } ?? 4])
        }
        // The popup names the worker and the phone.
        let html = map.html()
        #expect(html.contains("data-worker=\"网格员1\" data-phone=\"13800001001\""))
    }

    /// Open and overdue cases per grid (from the case store, through `settingCaseCounts`): five
    /// classes by quintile, counted in 件, shown in the popups.
    @Test(arguments: [MapColouring.casesOpen, .casesOverdue])
    func colourByCases(_ colouring: MapColouring) throws {
        let codes = Fixture.input.grids.features.compactMap { $0.string("code") }.sorted()
        var counts: [String: (open: Int, overdue: Int)] = [:]
        for (k, code) in codes.enumerated() where k % 3 != 0 { counts[code] = (open: k % 17 + 1, overdue: k % 5) }
        let input = Fixture.input.settingCaseCounts(counts)
        let map = try DistrictMap(input, colouring: colouring)
        #expect(map.legend.count == 5 && map.legend.allSatisfy { $0.0.hasSuffix("件") })
        let grids = input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        for (k, g) in grids.enumerated() {
            let c = counts[g.string("code")!] ?? (0, 0)
            let v = Double(colouring == .casesOpen ? c.open : c.overdue)
            #expect(map.colour(k) == DistrictMap.workloadPalette[map.breaks.firstIndex { v < $0 } ?? 4])
        }
        #expect(map.html().contains("data-open=\"\(counts[codes[1]]!.open)\" data-overdue=\"\(counts[codes[1]]!.overdue)\""))
    }
}

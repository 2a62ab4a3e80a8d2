import Foundation
import WanggeCRS
import WanggeAssign
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeMap

/// How grids are coloured on a map.
public enum MapColouring: String, Sendable, CaseIterable {
    /// Five classes of workload (quintiles of the grids' hours a week), yellow → red.
    case workload
    /// Five classes of one part of the hours (quintiles of `hours_<part>`).
    case households, flagged, incidents, patrol, upkeep
    /// Five classes of hours of work per hour of staff (workload ÷ staff_hours, as `wangge staff
    /// --grids-out` writes them); grids without staff hours grey.
    case staffRatio = "staff-ratio"
    /// Five classes of open cases, or of overdue open cases, per grid (`cases_open`,
    /// `cases_overdue`, set by `ExportInput.settingCaseCounts` from the case store).
    case casesOpen = "cases-open", casesOverdue = "cases-overdue"
    /// One colour per township.
    case township
    /// A distinct colour per grid (for checking that every grid is drawn, pixel by pixel).
    case grid

    /// The grid property a quantity colouring classes (nil for township and grid).
    public var property: String? {
        switch self {
        case .workload: return "workload"
        case .households, .flagged, .incidents, .patrol, .upkeep: return "hours_" + rawValue
        case .casesOpen: return ExportInput.openCasesKey
        case .casesOverdue: return ExportInput.overdueCasesKey
        case .staffRatio, .township, .grid: return nil
        }
    }

    /// The number a quantity colouring classes grid `f` by; nil when the grid has none (no staff).
    func value(_ f: Feature) -> Double? {
        switch self {
        case .staffRatio:
            guard let staff = GridWorker.staffHours(f) else { return nil }
            return (f.double("workload") ?? 0) / staff
        case .township, .grid: return nil
        default: return f.double(property!) ?? 0
        }
    }

    /// The legend's heading.
    var heading: String {
        switch self {
        case .workload: return "工作量（小时/周）"
        case .households: return "入户走访（小时/周）"
        case .flagged: return "重点人群走访（小时/周）"
        case .incidents: return "事件处置（小时/周）"
        case .patrol: return "巡查（小时/周）"
        case .upkeep: return "基础信息维护（小时/周）"
        case .staffRatio: return "每人时工作量（工作小时 ÷ 人员小时）"
        case .casesOpen: return "在办事件（件）"
        case .casesOverdue: return "超期事件（件）"
        case .township: return "按街道/乡镇着色"
        case .grid: return "每个网格一色"
        }
    }
}

/// Maps of a district and its grids, drawn in the Shawan metric CRS: a self-contained HTML page
/// (inline SVG, plain JavaScript, no network) and a static SVG via `SVGMap`.
public struct DistrictMap {
    public static let workloadPalette = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    /// The fill of a grid a quantity colouring has no number for (no staff on it).
    public static let noValueColour = "#cccccc"
    public static let townshipPalette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                                         "#ff9da7", "#9c755f", "#bab0ac", "#8cd17d", "#b6992d", "#86bcb6", "#d37295"]

    public let input: ExportInput
    public let colouring: MapColouring
    /// Grid features sorted by code, each with its metric geometry.
    let grids: [(feature: Feature, metric: Geometry)]
    let outline: Geometry
    let townships: [(Township, Geometry)]
    let villages: [(Village, Geometry)]
    /// The lines grids are drawn along (rivers, ridges, streets), in the metric CRS.
    let lines: [(NamedLine, [Coordinate])]
    public let extent: Envelope
    /// Workload class breaks (upper bounds of classes 1–4).
    public let breaks: [Double]

    public init(_ input: ExportInput, colouring: MapColouring = .workload) throws {
        self.input = input
        self.colouring = colouring
        let t = try CoordinateTransform(from: .wgs84, to: input.boundaries.profile.metricCRS)
        outline = try t.transform(input.boundaries.outline)
        townships = try input.boundaries.townships.map { ($0, try t.transform($0.geometry)) }
        villages = try input.boundaries.villages.map { ($0, try t.transform($0.geometry)) }
        lines = try input.layers.lines.map { ($0, try t.transform($0.line)) }
        grids = try input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
            .compactMap { f in try f.geometry.map { (f, try t.transform($0)) } }
        var e = outline.envelope ?? Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        for g in grids { if let ge = g.metric.envelope { e.expand(toInclude: ge) } }
        extent = e
        let loads = grids.compactMap { colouring.value($0.feature) }.sorted()
        breaks = loads.isEmpty ? [] : (1..<5).map { loads[min(loads.count - 1, loads.count * $0 / 5)] }
    }

    /// The fill of grid `k`.
    public func colour(_ k: Int) -> String {
        let f = grids[k].feature
        switch colouring {
        case .workload, .households, .flagged, .incidents, .patrol, .upkeep, .staffRatio, .casesOpen, .casesOverdue:
            guard let w = colouring.value(f), breaks.count == 4 else { return Self.noValueColour }
            return Self.workloadPalette[breaks.firstIndex { w < $0 } ?? 4]
        case .township:
            let code = String((f.string("village_code") ?? "").prefix(9))
            let i = input.boundaries.townships.firstIndex { $0.code == code } ?? 0
            return Self.townshipPalette[i % Self.townshipPalette.count]
        case .grid:
            return Self.distinctColour(k)
        }
    }

    /// Colour `k` of a set of distinct, well-separated colours (no near-white, no near-black).
    public static func distinctColour(_ k: Int) -> String {
        // 6 × 6 × 6 levels from 40 to 215: 216 colours, enough for 204 grids; shuffled by a
        // multiplier coprime to 216 so neighbours (consecutive codes) differ strongly.
        let i = (k * 97) % 216
        let levels = [40, 75, 110, 145, 180, 215]
        return String(format: "#%02x%02x%02x", levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
    }

    public var legend: [(String, String)] {
        switch colouring {
        case .workload, .households, .flagged, .incidents, .patrol, .upkeep, .staffRatio, .casesOpen, .casesOverdue:
            let ratio = colouring == .staffRatio
            let b = breaks.map { ratio ? String(format: "%.2f", $0) : String(Int($0.rounded())) }
            let unit = ratio ? "" : colouring == .casesOpen || colouring == .casesOverdue ? " 件" : " 小时/周"
            let unstaffed = grids.contains { colouring.value($0.feature) == nil }
                ? [("无人员 no staff hours", Self.noValueColour)] : []
            guard b.count == 4 else { return unstaffed }
            return [("< \(b[0])\(unit)", Self.workloadPalette[0]), ("\(b[0])–\(b[1])\(unit)", Self.workloadPalette[1]),
                    ("\(b[1])–\(b[2])\(unit)", Self.workloadPalette[2]), ("\(b[2])–\(b[3])\(unit)", Self.workloadPalette[3]),
                    ("≥ \(b[3])\(unit)", Self.workloadPalette[4])] + unstaffed
        case .township:
            return input.boundaries.townships.enumerated().map { ($1.name, Self.townshipPalette[$0 % Self.townshipPalette.count]) }
        case .grid:
            return []
        }
    }

    var title: String { "\(input.boundaries.name) \(grids.count) 个网格" }

    // MARK: Static SVG

    /// A static SVG (north up, scale bar, legend) through `SVGMap`.
    public func svg(width: Double = 1200) -> String {
        var map = SVGMap(extent: extent, width: width, margin: 24)
        var classes: [String: [Geometry]] = [:]
        var order: [String] = []
        for k in grids.indices {
            let c = colour(k)
            if classes[c] == nil { order.append(c) }
            classes[c, default: []].append(grids[k].metric)
        }
        for (i, c) in order.enumerated() {
            map.layer("grids-\(i)", classes[c]!, style: .init(fill: c, stroke: "#ffffff", strokeWidth: 0.4))
        }
        map.layer("villages", villages.map(\.1), style: .init(stroke: "#555555", strokeWidth: 0.6))
        map.layer("townships", townships.map(\.1), style: .init(stroke: "#222222", strokeWidth: 1.4))
        map.layer("district", [outline], style: .init(stroke: "#000000", strokeWidth: 2))
        map.labels("township-labels", townships.map { t, g in SVGMap.Label(t.name, at: SVGMap.labelPoint(g), size: 15, weight: "bold") })
        return map.render(title: title, legend: legend.map { ($0.0, SVGMap.Style(fill: $0.1, stroke: "#888888", strokeWidth: 0.5)) })
    }

    // MARK: HTML

    struct Projection {
        let extent: Envelope
        let width: Double
        let margin: Double
        var scale: Double { (width - 2 * margin) / extent.width }
        var height: Double { extent.height * scale + 2 * margin }
        func x(_ c: Coordinate) -> Double { margin + (c.x - extent.minX) * scale }
        func y(_ c: Coordinate) -> Double { margin + (extent.maxY - c.y) * scale }
        /// Hundredths, in integers: the same text as "%.2f" (whole numbers without decimals), at a
        /// fraction of String(format:)'s cost — a map writes a few hundred thousand of them.
        func fmt(_ v: Double) -> String {
            let n = Int((v * 100).rounded())
            if n % 100 == 0 { return String(n / 100) }
            let a = n.magnitude, cents = a % 100
            return (n < 0 ? "-" : "") + String(a / 100) + (cents < 10 ? ".0" : ".") + String(cents)
        }
        func path(_ g: Geometry) -> String {
            var d = ""
            for p in g.polygons {
                for ring in p.rings where !ring.isEmpty {
                    d += "M" + fmt(x(ring[0])) + "," + fmt(y(ring[0]))
                    for c in ring.dropFirst().dropLast() { d += "L" + fmt(x(c)) + "," + fmt(y(c)) }
                    d += "Z"
                }
            }
            return d
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The whole page: inline SVG, CSS and JavaScript; nothing is fetched.
    /// The page; `extra` (HTML: a panel, a script) goes at the end of its body — the intake desk
    /// of `wangge serve` adds itself so. The map's script exposes `wanggeSearch(q)`.
    public func html(extra: String = "") -> String {
        String(decoding: htmlBytes(extra: extra), as: UTF8.self)
    }

    /// `html(extra:)` as UTF-8, built in one buffer: on a big grid file the page is hundreds of
    /// megabytes, and a String grown piece by piece, the template's replacements and the final
    /// conversion to bytes each held another copy of it.
    public func htmlBytes(extra: String = "") -> [UInt8] {
        var legendHTML = ""
        for (name, colour) in legend {
            legendHTML += "<div><i style=\"background:\(colour)\"></i>\(Self.escape(name))</div>"
        }
        let template = Self.page
            .replacingOccurrences(of: "%TITLE%", with: Self.escape(title))
            .replacingOccurrences(of: "%LEGENDTITLE%", with: colouring.heading)
            .replacingOccurrences(of: "%LEGEND%", with: legendHTML)
        // The SVG is written straight into the page where the template says %SVG%.
        var page: [UInt8] = []
        for (i, piece) in template.components(separatedBy: "%SVG%").enumerated() {
            if i > 0 { appendSVG(to: &page) }
            page.append(contentsOf: piece.utf8)
        }
        let end = Array(Self.pageEnd.utf8)
        if !extra.isEmpty, page.count >= end.count, page[(page.count - end.count)...].elementsEqual(end) {
            page.insert(contentsOf: extra.utf8, at: page.count - end.count)
        }
        return page
    }

    /// The page's inline SVG map.
    private func appendSVG(to svg: inout [UInt8]) {
        let pr = Projection(extent: extent, width: 1000, margin: 10)
        let w = pr.fmt(pr.width), h = pr.fmt(pr.height)
        func put(_ s: String) { svg.append(contentsOf: s.utf8) }
        // data-mpu: metres per SVG unit, for the scale bar.
        put("<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" data-width=\"\(w)\" data-height=\"\(h)\" data-mpu=\"\(1 / pr.scale)\">\n")
        put("<path id=\"district\" d=\"\(pr.path(outline))\" fill=\"#f2efe6\" stroke=\"none\"/>\n<g id=\"grids\">\n")
        for (k, g) in grids.enumerated() {
            let f = g.feature
            func attr(_ key: String) -> String {
                switch f.properties?[key] {
                case .string(let s)?: Self.escape(s)
                case .number(let n)?: n.text
                default: ""
                }
            }
            put("<path class=\"grid\" d=\"\(pr.path(g.metric))\" fill=\"\(colour(k))\" data-code=\"\(attr("code"))\" data-name=\"\(attr("name"))\" data-village=\"\(attr("village"))\" data-township=\"\(attr("township"))\" data-households=\"\(attr("households"))\" data-residents=\"\(attr("residents"))\" data-workload=\"\(attr("workload"))\" data-worker=\"\(attr("worker"))\" data-phone=\"\(attr("worker_phone"))\" data-staff=\"\(attr("staff_hours"))\" data-open=\"\(attr(ExportInput.openCasesKey))\" data-overdue=\"\(attr(ExportInput.overdueCasesKey))\"/>\n")
        }
        put("</g>\n" + linesHTML(pr) + "<g id=\"villages\" fill=\"none\" stroke=\"#555\" stroke-width=\"0.7\">\n")
        for (v, g) in villages {
            put("<path class=\"village\" d=\"\(pr.path(g))\" data-code=\"\(v.code)\" data-name=\"\(Self.escape(v.name))\"/>\n")
        }
        put("</g>\n<g id=\"townships\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.6\">\n")
        for (t, g) in townships { put("<path class=\"township\" d=\"\(pr.path(g))\" data-code=\"\(t.code)\" data-name=\"\(Self.escape(t.name))\"/>\n") }
        put("</g>\n<path id=\"outline\" d=\"\(pr.path(outline))\" fill=\"none\" stroke=\"#000\" stroke-width=\"2.4\"/>\n<g id=\"hits\" fill=\"none\" stroke=\"#0050ff\" stroke-width=\"3\" pointer-events=\"none\"></g>\n")
        put("<g id=\"glabels\" class=\"labels\" font-size=\"2.2\">\n")
        for g in grids {
            let c = SVGMap.labelPoint(g.metric)
            let name = g.feature.string("name") ?? ""
            let short = name.range(of: "第").map { String(name[$0.lowerBound...]).replacingOccurrences(of: "网格", with: "") } ?? (g.feature.string("code") ?? "")
            put("<text x=\"\(pr.fmt(pr.x(c)))\" y=\"\(pr.fmt(pr.y(c)))\">\(Self.escape(short))</text>\n")
        }
        put("</g>\n<g id=\"vlabels\" class=\"labels\" font-size=\"6.5\">\n")
        for (v, g) in villages {
            let c = SVGMap.labelPoint(g)
            put("<text x=\"\(pr.fmt(pr.x(c)))\" y=\"\(pr.fmt(pr.y(c)))\">\(Self.escape(v.name))</text>\n")
        }
        put("</g>\n<g id=\"tlabels\" class=\"labels\" font-size=\"15\">\n")
        for (t, g) in townships {
            let c = SVGMap.labelPoint(g)
            put("<text x=\"\(pr.fmt(pr.x(c)))\" y=\"\(pr.fmt(pr.y(c)))\" font-weight=\"bold\">\(Self.escape(t.name))</text>\n")
        }
        put("</g>\n</svg>")
    }

    /// `page` (an `html()` page) with `extra` at the end of its body: several pages from one map
    /// drawn once (the server's intake desk and lights board).
    public static func adding(_ extra: String, to page: String) -> String {
        // The page ends with its closing tags; searching 5 MB of text for them took a fifth of
        // the server's start.
        guard !extra.isEmpty, page.hasSuffix(pageEnd) else { return page }
        return String(page.dropLast(pageEnd.count)) + extra + pageEnd
    }

    /// How a page ends; `extra` goes right before it.
    static let pageEnd = "</body>\n</html>"

    /// The lines grids follow, as switchable layers: rivers (with streams and gullies), ridges,
    /// streets, and courtyard edges (off at first). Vertices closer than the page's 0.01-unit
    /// precision are dropped.
    func linesHTML(_ pr: Projection) -> String {
        let groups: [(id: String, kinds: Set<String>, style: String)] = [
            ("rivers", ["river", "stream", "gully"], "stroke=\"#3f7fca\" stroke-width=\"1\""),
            ("ridges", ["ridge"], "stroke=\"#a0703a\" stroke-width=\"0.7\" stroke-dasharray=\"5 3\""),
            ("streets", ["街", "巷", "乡道"], "stroke=\"#6d6d6d\" stroke-width=\"1.1\""),
            // Off until asked for: the lines refinement cuts along (paths.geojson), dense in towns.
            ("courtyards", ["courtyard"], "stroke=\"#b07a3c\" stroke-width=\"0.5\" stroke-dasharray=\"2 2\""),
        ]
        var out = "<g id=\"lines\" fill=\"none\" pointer-events=\"none\">\n"
        for group in groups {
            out += "<g id=\"\(group.id)\" \(group.style)>\n"
            for (line, metric) in lines where group.kinds.contains(line.kind) {
                var d = "", last = ""
                for c in metric {
                    let p = pr.fmt(pr.x(c)) + "," + pr.fmt(pr.y(c))
                    if p == last { continue }
                    d += (d.isEmpty ? "M" : "L") + p
                    last = p
                }
                out += "<path class=\"line\" data-kind=\"\(Self.escape(line.kind))\" data-name=\"\(Self.escape(line.name ?? ""))\" d=\"\(d)\"/>\n"
            }
            out += "</g>\n"
        }
        return out + "</g>\n"
    }

    static let page = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE%</title>
<style>
html,body{margin:0;height:100%;overflow:hidden;background:#fbfaf6;font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif}
#map{position:absolute;inset:0;width:100%;height:100%;cursor:grab;user-select:none}
#map.drag{cursor:grabbing}
#map path{vector-effect:non-scaling-stroke}
#map .grid{stroke:#fff;stroke-width:0.5}
#map .grid:hover{stroke:#000;stroke-width:2}
#map .labels text{text-anchor:middle;dominant-baseline:middle;fill:#222;stroke:#fff;stroke-width:0.25em;paint-order:stroke;pointer-events:none}
#map #glabels,#map #vlabels{display:none}
#map.z2 #vlabels{display:inline}
#map.z5 #glabels{display:inline}
#panel{position:absolute;left:10px;top:10px;background:rgba(255,255,255,.92);padding:8px 10px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:13px}
#panel h1{font-size:15px;margin:0 0 6px}
#legend div{margin:2px 0}
#legend i{display:inline-block;width:14px;height:11px;margin-right:6px;border:1px solid #888;vertical-align:middle}
#tip{position:absolute;display:none;pointer-events:none;background:rgba(255,255,255,.96);border:1px solid #888;padding:5px 8px;font-size:12px;border-radius:4px;white-space:nowrap}
#status{color:#555;margin-top:4px;min-height:1em}
#layers label{margin-right:8px;white-space:nowrap}
#map #ridges{display:none}
#map.z2 #ridges.on{display:inline}
#scale{position:absolute;left:12px;bottom:12px;font-size:12px;color:#222;background:rgba(255,255,255,.8);padding:2px 6px;border-radius:3px}
#scalebar{height:5px;background:#222;margin-top:2px}
</style>
</head>
<body>
%SVG%
<div id="panel">
<h1>%TITLE%</h1>
<form id="search"><input id="q" type="search" placeholder="网格编码、村/社区、乡镇或街巷名" size="24"> <button>查找</button> <button type="button" id="reset">全图</button></form>
<div id="layers"><label><input type="checkbox" data-layer="rivers" checked>河流</label><label><input type="checkbox" data-layer="ridges" checked>山脊</label><label><input type="checkbox" data-layer="streets" checked>街巷</label><label><input type="checkbox" data-layer="courtyards">院落界</label></div>
<div id="status"></div>
<div id="legend"><b>%LEGENDTITLE%</b>%LEGEND%</div>
</div>
<div id="tip"></div>
<div id="scale"><span id="scaletext"></span><div id="scalebar"></div></div>
<script>
(function(){
"use strict";
var svg=document.getElementById("map"),tip=document.getElementById("tip"),status=document.getElementById("status");
var tl=document.getElementById("tlabels"),vl=document.getElementById("vlabels"),gl=document.getElementById("glabels");
var W=+svg.dataset.width,H=+svg.dataset.height,view={x:0,y:0,w:W,h:H};
function apply(){
  svg.setAttribute("viewBox",view.x+" "+view.y+" "+view.w+" "+view.h);
  var z=W/view.w;svg.classList.toggle("z2",z>=2);svg.classList.toggle("z5",z>=5);
  // Labels keep a readable size on screen: townships grow slowly, villages and grids stay put.
  tl.setAttribute("font-size",(15/Math.sqrt(Math.max(z,1))).toFixed(3));
  vl.setAttribute("font-size",(13/Math.max(z,2)).toFixed(3));
  gl.setAttribute("font-size",(11/Math.max(z,5)).toFixed(3));
  scale();schedule();
}
// The scale bar: a round length near 120 px at the present zoom.
var mpu=+svg.dataset.mpu,scaletext=document.getElementById("scaletext"),scalebar=document.getElementById("scalebar");
function scale(){
  var k=Math.min(svg.clientWidth/view.w,svg.clientHeight/view.h);if(!(k>0))return;
  var mpp=mpu/k,steps=[10,20,50,100,200,500,1000,2000,5000,10000,20000,50000],len=10;
  steps.forEach(function(s){if(s<=mpp*120)len=s;});
  scalebar.style.width=(len/mpp).toFixed(1)+"px";scaletext.textContent=len>=1000?(len/1000)+" km":len+" m";
}
// No label over another: townships first, then villages, then grids; a label that would
// overlap one already placed is hidden until the zoom makes room for it.
function declutter(){
  var kept=[];
  [tl,vl,gl].forEach(function(g){
    var shown=getComputedStyle(g).display!=="none";
    Array.prototype.forEach.call(g.children,function(t){
      t.style.visibility="";if(!shown)return;
      var r=t.getBoundingClientRect();if(!r.width)return;
      for(var i=0;i<kept.length;i++){var k=kept[i];if(r.left<k.right&&r.right>k.left&&r.top<k.bottom&&r.bottom>k.top){t.style.visibility="hidden";return;}}
      kept.push(r);
    });
  });
}
var pending=false;
function schedule(){if(pending)return;pending=true;requestAnimationFrame(function(){pending=false;declutter();});}
window.wanggeDeclutter=declutter;
Array.prototype.forEach.call(document.querySelectorAll("#layers input"),function(box){
  var g=document.getElementById(box.dataset.layer);
  function set(){if(box.dataset.layer==="ridges"){g.classList.toggle("on",box.checked);}else{g.style.display=box.checked?"":"none";}}
  box.addEventListener("change",set);set();
});
function toMap(cx,cy){var p=svg.createSVGPoint();p.x=cx;p.y=cy;return p.matrixTransform(svg.getScreenCTM().inverse());}
svg.addEventListener("wheel",function(e){
  e.preventDefault();var p=toMap(e.clientX,e.clientY),f=Math.pow(1.0015,e.deltaY);
  var w=Math.min(W*2,Math.max(W/200,view.w*f)),k=w/view.w;
  view={x:p.x-(p.x-view.x)*k,y:p.y-(p.y-view.y)*k,w:w,h:view.h*k};apply();
},{passive:false});
var drag=null;
svg.addEventListener("pointerdown",function(e){drag={x:e.clientX,y:e.clientY,v:Object.assign({},view)};svg.classList.add("drag");svg.setPointerCapture(e.pointerId);});
svg.addEventListener("pointermove",function(e){
  if(drag){var m=svg.getScreenCTM(),s=m?m.a:1;view.x=drag.v.x-(e.clientX-drag.x)/s;view.y=drag.v.y-(e.clientY-drag.y)/s;apply();return;}
  var t=e.target;
  if(t.classList&&t.classList.contains("grid")){
    var d=t.dataset;
    tip.innerHTML="<b>"+esc(d.code)+"</b> "+esc(d.name)+"<br>"+esc(d.township)+" · "+esc(d.village)+
      "<br>户数 households: "+esc(d.households)+"　人口 residents: "+esc(d.residents)+
      "<br>工作量 hours/week: "+esc(d.workload)+(d.staff?"　人员 staff hours: "+esc(d.staff):"")+
      "<br>网格员 worker: "+(d.worker?esc(d.worker)+(d.phone?" ☎ "+esc(d.phone):""):"（未指派 unassigned）")+
      (d.open?"<br>在办事件 open cases: "+esc(d.open)+"　超期 overdue: "+esc(d.overdue):"");
    tip.style.display="block";tip.style.left=(e.clientX+14)+"px";tip.style.top=(e.clientY+14)+"px";
  }else{tip.style.display="none";}
});
svg.addEventListener("pointerup",function(){drag=null;svg.classList.remove("drag");});
svg.addEventListener("pointerleave",function(){tip.style.display="none";});
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;"}[c];});}
var hits=document.getElementById("hits");
function clear(){hits.textContent="";}
function zoomTo(nodes){
  var b=null;nodes.forEach(function(n){var r=n.getBBox();b=b?{x0:Math.min(b.x0,r.x),y0:Math.min(b.y0,r.y),x1:Math.max(b.x1,r.x+r.width),y1:Math.max(b.y1,r.y+r.height)}:{x0:r.x,y0:r.y,x1:r.x+r.width,y1:r.y+r.height};});
  var pad=Math.max(b.x1-b.x0,b.y1-b.y0)*0.25+2;view={x:b.x0-pad,y:b.y0-pad,w:b.x1-b.x0+2*pad,h:b.y1-b.y0+2*pad};
  var r=W/H;if(view.w/view.h<r){var nw=view.h*r;view.x-=(nw-view.w)/2;view.w=nw;}else{var nh=view.w/r;view.y-=(nh-view.h)/2;view.h=nh;}
  apply();
}
function search(q){
  clear();q=q.trim();if(!q){status.textContent="";return 0;}
  var grids=Array.prototype.filter.call(svg.querySelectorAll(".grid"),function(n){return n.dataset.code===q||n.dataset.code.indexOf(q)===0&&q.length>=12||n.dataset.village.indexOf(q)>=0||n.dataset.name.indexOf(q)>=0;});
  var villages=Array.prototype.filter.call(svg.querySelectorAll(".village"),function(n){return n.dataset.name.indexOf(q)>=0||n.dataset.code===q;});
  var townships=Array.prototype.filter.call(svg.querySelectorAll(".township"),function(n){return n.dataset.name.indexOf(q)>=0||n.dataset.code===q;});
  var lines=Array.prototype.filter.call(svg.querySelectorAll(".line"),function(n){return n.dataset.name&&n.dataset.name.indexOf(q)>=0;});
  var all=grids.concat(villages,townships,lines);
  if(!all.length){status.textContent="未找到 not found: "+q;return 0;}
  all.forEach(function(n){var c=document.createElementNS("http://www.w3.org/2000/svg","path");c.setAttribute("d",n.getAttribute("d"));c.setAttribute("class","hit");hits.appendChild(c);});zoomTo(all);
  status.textContent=grids.length+" 个网格 grids, "+villages.length+" 个村/社区 villages"+(townships.length?", "+townships.length+" 个乡镇 townships":"")+(lines.length?", "+lines.length+" 条街巷/河流 lines":"");
  return grids.length;
}
window.wanggeSearch=search;
document.getElementById("search").addEventListener("submit",function(e){e.preventDefault();search(document.getElementById("q").value);});
document.getElementById("reset").addEventListener("click",function(){clear();view={x:0,y:0,w:W,h:H};apply();status.textContent="";});
if(location.hash.length>1){document.getElementById("q").value=decodeURIComponent(location.hash.slice(1));search(document.getElementById("q").value);}
apply();declutter();
})();
</script>
</body>
</html>
"""#
}

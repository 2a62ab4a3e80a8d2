// `/plan`: the planner's page, as redistricting tools work (Districtr, Dave's Redistricting):
// pick a village, pick a grid as the brush, paint blocks into it; each grid's households and
// hours and the village's balance change as you paint; lock grids; undo and redo; Save sends the
// painted moves as one edit (POST /api/v1/plan/edits), which the server checks as the CLI does
// — its refusal is shown with every reason. The history lists the versions, each with its diff.
// Plain HTML, SVG and JavaScript served by the server itself; nothing fetched from elsewhere.
import WanggeDistrict
import WanggeGeoJSON

enum PlanPage {
    /// The page with the district's townships and their villages (codes and names) in it.
    static func html(_ district: DistrictBoundaries) -> String {
        let towns: [JSONValue] = district.townships.sorted { $0.code < $1.code }.map { t in
            .object(["code": .string(t.code), "name": .string(t.name),
                     "villages": .array(district.villages.filter { $0.townshipCode == t.code }.sorted { $0.code < $1.code }
                        .map { .object(["code": .string($0.code), "name": .string($0.name)]) })])
        }
        // Inside a <script>: "</" must not close it.
        let townsJSON = JSONValue.array(towns).jsonText.replacingOccurrences(of: "</", with: "<\\/")
        return template
            .replacingOccurrences(of: "%FORM%", with: PageSession.form)
            .replacingOccurrences(of: "%SCRIPT%", with: PageSession.script)
            .replacingOccurrences(of: "%DISTRICT%", with: district.name)
            .replacingOccurrences(of: "%TOWNS%", with: townsJSON)
    }

    static let template = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>网格规划 · %DISTRICT%</title>
<style>
body{margin:10px;font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:13px;background:#fbfaf6}
h1{font-size:18px;margin:0 0 6px}h1 small{font-weight:normal;color:#555;font-size:13px}
#pick{margin:4px 0}#pick select{margin-right:8px}
#main{display:flex;gap:10px;align-items:flex-start}
#map{flex:1 1 auto;min-width:300px;height:70vh;background:#fff;border:1px solid #ccc;touch-action:none;user-select:none}
#map path.block{stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke;cursor:crosshair}
#map path.block.locked{cursor:not-allowed;stroke:#333;stroke-dasharray:2 2}
#map path.block.moved{stroke:#000;stroke-width:1.6}
#side{flex:0 0 420px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #ddd;padding:3px 5px;text-align:right}
th{background:#f0ede4;font-weight:normal;color:#444}th:nth-child(2),td:nth-child(2){text-align:left}
#grids tr{cursor:pointer}#grids tr.selected{outline:2px solid #000}
#grids i.sw{display:inline-block;width:14px;height:14px;border-radius:2px;vertical-align:middle}
td.out{color:#b00020;font-weight:bold}td.in{color:#1a7f37}
#tools{margin:6px 0}#tools input{width:16em}
#status{margin:6px 0;min-height:1.3em;white-space:pre-line}#status[data-state=refused]{color:#b00020}#status[data-state=saved]{color:#1a7f37}
#balance{margin:4px 0;font-weight:bold}
#history{list-style:none;padding:0;margin:4px 0;max-height:24vh;overflow:auto;background:#fff;border:1px solid #ddd}
#history li{padding:2px 5px;border-bottom:1px solid #eee;cursor:pointer}#history li.current{font-weight:bold}
#diff{white-space:pre-line;color:#333;margin:4px 0}
</style>
</head>
<body>
<h1>网格规划 · %DISTRICT% <small id="who"></small></h1>
%FORM%
<div id="pick" hidden><label>乡镇 <select id="township"></select></label><label>村/社区 <select id="village"></select></label></div>
<div id="main">
<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 700" preserveAspectRatio="xMidYMid meet"></svg>
<div id="side">
<div id="balance"></div>
<table id="grids"><thead><tr><th></th><th>网格</th><th>图斑</th><th>户数</th><th>小时/周</th><th>偏差</th><th>锁</th></tr></thead><tbody></tbody></table>
<div id="tools"><button type="button" id="undo" disabled>↶ 撤销 undo</button> <button type="button" id="redo" disabled>↷ 重做 redo</button>
<button type="button" id="save" disabled>保存 save</button><br><input id="message" placeholder="说明 message (可选)"></div>
<div id="status" data-state="login"></div>
<h2 style="font-size:14px;margin:8px 0 2px">版本 history</h2>
<ul id="history"></ul>
<div id="diff"></div>
</div>
</div>
%SCRIPT%
<script>
(function(){
  "use strict";
  var towns=%TOWNS%;
  var esc=wangge.esc,svg=document.getElementById("map"),status=document.getElementById("status");
  var palette=["#1f77b4","#ff7f0e","#2ca02c","#d62728","#9467bd","#8c564b","#e377c2","#7f7f7f","#bcbd22","#17becf","#393b79","#637939","#8c6d31","#843c39","#7b4173"];
  var data=null,orig={},cur={},nb={},hours={},hh={},colour={},undo=[],redo=[],sel=null,stroke=null,me=null;
  var P=window.planner={};
  function say(text,state){status.textContent=text;status.dataset.state=state;}
  // --- choosing a village, within the account's unit (the server decides; this only narrows the lists)
  function fillTowns(){
    var ts=towns.filter(function(t){return me.role==="district"||(me.role==="township"&&t.code===me.unit)||(me.role==="village"&&t.villages.some(function(v){return v.code===me.unit;}));});
    var sel=document.getElementById("township");
    sel.innerHTML=ts.map(function(t){return "<option value=\""+esc(t.code)+"\">"+esc(t.name)+"</option>";}).join("");
    fillVillages();
  }
  function fillVillages(){
    var t=towns.filter(function(t){return t.code===document.getElementById("township").value;})[0];
    var vs=t?t.villages.filter(function(v){return me.role!=="village"||v.code===me.unit;}):[];
    document.getElementById("village").innerHTML=vs.map(function(v){return "<option value=\""+esc(v.code)+"\">"+esc(v.name)+"</option>";}).join("");
    if(vs.length)load(vs[0].code);
  }
  document.getElementById("township").addEventListener("change",fillVillages);
  document.getElementById("village").addEventListener("change",function(e){load(e.target.value);});
  P.open=function(village){
    var t=towns.filter(function(t){return t.villages.some(function(v){return v.code===village;});})[0];
    if(t){document.getElementById("township").value=t.code;}
    var vs=t?t.villages:[];document.getElementById("village").innerHTML=vs.map(function(v){return "<option value=\""+esc(v.code)+"\">"+esc(v.name)+"</option>";}).join("");
    document.getElementById("village").value=village;return load(village);
  };
  function load(code){
    say("…","loading");
    return wangge.call("GET","/api/v1/plan/villages/"+encodeURIComponent(code)).then(function(x){
      if(!x.ok){if(x.status!==401)say(x.body.error||("HTTP "+x.status),"refused");return;}
      data=x.body;orig={};cur={};nb={};hours={};hh={};colour={};undo=[];redo=[];sel=null;
      data.grids.forEach(function(g,i){colour[g.code]=palette[i%palette.length];});
      data.blocks.features.forEach(function(f){var p=f.properties;orig[p.id]=cur[p.id]=p.grid_code;nb[p.id]=p.neighbours;hours[p.id]=p.hours;hh[p.id]=p.households;});
      draw();figures();history();
      say(data.village.name+"：版本 "+data.version+"，"+data.blocks.features.length+" 个图斑。"+(data.editable?"选一个网格作画笔，在图上点击或拖过图斑。":"（只读 read only）"),"ready");
    });
  }
  // --- drawing: blocks as SVG paths, lon scaled by cos(lat) so shapes are true
  function draw(){
    var minx=1e9,miny=1e9,maxx=-1e9,maxy=-1e9;
    function each(g,f){(g.type==="Polygon"?[g.coordinates]:g.coordinates).forEach(function(poly){poly.forEach(function(ring){ring.forEach(f);});});}
    data.blocks.features.forEach(function(b){each(b.geometry,function(c){minx=Math.min(minx,c[0]);maxx=Math.max(maxx,c[0]);miny=Math.min(miny,c[1]);maxy=Math.max(maxy,c[1]);});});
    var k=Math.cos((miny+maxy)/2*Math.PI/180),w=(maxx-minx)*k||1e-9,h=(maxy-miny)||1e-9,s=Math.min(980/w,680/h);
    function pt(c){return ((c[0]-minx)*k*s+10).toFixed(1)+","+((maxy-c[1])*s+10).toFixed(1);}
    var out=[];
    data.blocks.features.forEach(function(b){
      var d="";(b.geometry.type==="Polygon"?[b.geometry.coordinates]:b.geometry.coordinates).forEach(function(poly){poly.forEach(function(ring){d+="M"+ring.map(pt).join("L")+"Z";});});
      out.push("<path class=\"block\" data-id=\""+esc(b.properties.id)+"\" d=\""+d+"\" fill-rule=\"evenodd\"><title>"+esc(b.properties.id)+"  "+b.properties.households+" 户, "+b.properties.hours+" h</title></path>");
    });
    svg.innerHTML=out.join("");
    recolour();
  }
  function recolour(){
    Array.prototype.forEach.call(svg.querySelectorAll("path.block"),function(p){
      var id=p.dataset.id,g=cur[id];p.setAttribute("fill",colour[g]||"#ccc");p.dataset.grid=g;
      p.classList.toggle("moved",g!==orig[id]);p.classList.toggle("locked",locked(g));
    });
  }
  function locked(g){return data.locks.indexOf(g)>=0;}
  // --- the figures, re-added from the blocks as they are painted
  function figures(){
    var sum={},hs={},n={};data.grids.forEach(function(g){sum[g.code]=0;hs[g.code]=0;n[g.code]=0;});
    Object.keys(cur).forEach(function(id){var g=cur[id];sum[g]+=hours[id];hs[g]+=hh[id];n[g]+=1;});
    var codes=data.grids.map(function(g){return g.code;}),mean=codes.reduce(function(a,c){return a+sum[c];},0)/codes.length,tol=data.village.tolerance,inside=0;
    var tb=document.querySelector("#grids tbody");tb.textContent="";
    data.grids.forEach(function(g){
      var dev=mean>0?(sum[g.code]-mean)/mean:0,ok=Math.abs(dev)<=tol+1e-9;if(ok)inside++;
      var tr=document.createElement("tr");tr.dataset.code=g.code;tr.dataset.within=ok;if(g.code===sel)tr.className="selected";
      tr.innerHTML="<td><i class=\"sw\" style=\"background:"+colour[g.code]+"\"></i></td><td>"+esc(g.name)+"<br><small>"+esc(g.code)+"</small></td><td class=\"blocks\">"+n[g.code]+
        "</td><td class=\"households\">"+hs[g.code]+"</td><td class=\"hours\">"+sum[g.code].toFixed(1)+"</td><td class=\"deviation "+(ok?"in":"out")+"\">"+(dev>=0?"+":"")+(dev*100).toFixed(1)+"%</td>"+
        "<td><button type=\"button\" class=\"lock\" data-code=\""+esc(g.code)+"\""+(data.editable?"":" disabled")+">"+(locked(g.code)?"🔒 解锁":"锁定")+"</button></td>";
      tb.appendChild(tr);
    });
    var b=document.getElementById("balance");
    b.textContent="村均 "+mean.toFixed(1)+" 小时/周，±"+Math.round(tol*100)+"% 以内："+inside+"/"+codes.length+" 个网格";
    b.dataset.within=inside;b.dataset.grids=codes.length;
    document.getElementById("undo").disabled=!undo.length;document.getElementById("redo").disabled=!redo.length;
    document.getElementById("save").disabled=!undo.length||!data.editable;
    recolour();
  }
  document.querySelector("#grids tbody").addEventListener("click",function(e){
    var lb=e.target.closest("button.lock");if(lb){lockGrid(lb.dataset.code);return;}
    var tr=e.target.closest("tr[data-code]");if(!tr)return;sel=tr.dataset.code;figures();
    say("画笔 brush："+sel+"（只能涂给相邻网格 neighbouring blocks only）","ready");
  });
  // --- the brush: the client's checks are for speed; the server's validation is the judge
  function why(id,to){
    var from=cur[id];
    if(locked(from))return from+" 已锁定 is locked";
    if(locked(to))return to+" 已锁定 is locked";
    if(!nb[id].some(function(n){return cur[n]===to;}))return id+" 与 "+to+" 不相邻 shares no edge with "+to;
    var rest=Object.keys(cur).filter(function(b){return cur[b]===from&&b!==id;});
    if(!rest.length)return from+" 将没有图斑 would be left with no block";
    var seen={},stack=[rest[0]];seen[rest[0]]=true;
    while(stack.length){var v=stack.pop();nb[v].forEach(function(n){if(!seen[n]&&n!==id&&cur[n]===from){seen[n]=true;stack.push(n);}});}
    if(rest.some(function(b){return !seen[b];}))return from+" 将被分成几块 would fall into pieces";
    return null;
  }
  function paint(id){
    if(!data||!data.editable||!sel||!stroke||cur[id]===sel)return;
    var w=why(id,sel);if(w){say("不能涂 "+id+"："+w,"refused");return;}
    stroke.push({id:id,from:cur[id],to:sel});cur[id]=sel;figures();
    say(id+" → "+sel,"painting");
  }
  function endStroke(){if(stroke&&stroke.length){undo.push(stroke);redo=[];figures();}stroke=null;}
  svg.addEventListener("mousedown",function(e){
    var p=e.target.closest("path.block");if(!p)return;e.preventDefault();
    if(!sel){sel=cur[p.dataset.id];figures();say("画笔 brush："+sel,"ready");return;}
    stroke=[];paint(p.dataset.id);
  });
  svg.addEventListener("mouseover",function(e){var p=e.target.closest("path.block");if(p&&stroke&&(e.buttons&1))paint(p.dataset.id);});
  document.addEventListener("mouseup",endStroke);
  document.getElementById("undo").addEventListener("click",function(){
    var s=undo.pop();if(!s)return;for(var i=s.length-1;i>=0;i--)cur[s[i].id]=s[i].from;redo.push(s);figures();say("撤销 undone: "+s.length+" 个图斑","ready");
  });
  document.getElementById("redo").addEventListener("click",function(){
    var s=redo.pop();if(!s)return;s.forEach(function(m){cur[m.id]=m.to;});undo.push(s);figures();say("重做 redone: "+s.length+" 个图斑","ready");
  });
  // --- saving: every painted move in order, one request, one version (or every reason why not)
  document.getElementById("save").addEventListener("click",function(){
    var edits=[];undo.forEach(function(s){s.forEach(function(m){edits.push({op:"move",blocks:[m.id],to:m.to});});});
    if(!edits.length)return;
    say("保存中 saving…","saving");
    wangge.call("POST","/api/v1/plan/edits",{edits:edits,message:document.getElementById("message").value,base_version:data.version}).then(function(x){
      if(!x.ok){say("未保存 not saved ("+x.status+")：\n"+(x.body.reasons?x.body.reasons.map(function(r){return "• "+r;}).join("\n"):(x.body.error||"")),"refused");return;}
      var v=x.body.version;document.getElementById("message").value="";
      load(data.village.code).then(function(){say("已保存 saved：版本 "+v.version+"，"+x.body.blocks_moved.length+" 个图斑换了网格","saved");showDiff(v.version);});
    });
  });
  function lockGrid(code){
    if(undo.length){say("先保存或撤销涂改 save or undo the painting first","refused");return;}
    var op=locked(code)?"unlock":"lock";
    wangge.call("POST","/api/v1/plan/edits",{edits:[{op:op,grids:[code]}],base_version:data.version}).then(function(x){
      if(!x.ok){say((x.body.reasons||[x.body.error||("HTTP "+x.status)]).join("\n"),"refused");return;}
      load(data.village.code).then(function(){say((op==="lock"?"已锁定 locked ":"已解锁 unlocked ")+code+"：版本 "+x.body.version.version,"saved");});
    });
  }
  // --- history: the versions, and each one's diff against its parent on a click
  function history(){
    return wangge.call("GET","/api/v1/plan/versions").then(function(x){
      if(!x.ok)return;var ul=document.getElementById("history");ul.textContent="";
      x.body.versions.slice().reverse().forEach(function(v){
        var li=document.createElement("li");li.dataset.version=v.version;if(v.version===x.body.current)li.className="current";
        li.textContent="v"+v.version+(v.parent?" ← "+v.parent:"")+"  "+v.time.replace("T"," ").slice(0,16)+"  "+v.author+"  "+v.action+"："+v.message;
        ul.appendChild(li);
      });
    });
  }
  document.getElementById("history").addEventListener("click",function(e){var li=e.target.closest("li[data-version]");if(li)showDiff(Number(li.dataset.version));});
  function showDiff(v){
    var box=document.getElementById("diff");box.dataset.version=v;box.textContent="v"+v+"：…";
    if(v<=1){box.textContent="v1：初始方案 the initial plan";return;}
    wangge.call("GET","/api/v1/plan/diff?to="+v).then(function(x){
      if(!x.ok){box.textContent=x.body.error||("HTTP "+x.status);return;}
      var d=x.body,lines=["v"+d.from+" → v"+d.to+"："+(d.empty?"（范围内）无变化 no change in your area":d.blocks_moved.length+" 个图斑、"+d.addresses_moved+" 个地址（"+d.households_moved+" 户）换了网格")];
      d.blocks_moved.slice(0,12).forEach(function(m){lines.push("  "+m.id+"  "+m.from+" → "+m.to);});
      d.villages.forEach(function(vc){lines.push(vc.name+"：网格 "+vc.grids_before+" → "+vc.grids_after+"，"+vc.hours_before+" → "+vc.hours_after+" 小时/周");});
      box.textContent=lines.join("\n");box.dataset.ready="true";
    });
  }
  wangge.start(function(account){
    me=account;document.getElementById("who").textContent=me.display_name||me.name;
    if(me.role==="grid"||me.role==="department"){say("网格规划只对区、乡镇和村/社区账号开放 the plan is for district, township and village accounts","refused");return;}
    document.getElementById("pick").hidden=false;fillTowns();
  });
})();
</script>
</body>
</html>
"""#
}

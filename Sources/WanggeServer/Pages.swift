// The pages beside the intake desk: `/cases`, a worker's or station's cases (accept, resolve,
// escalate … with a note), and `/board`, the supervisor's lights board (counts by township and
// department, the map coloured by open or overdue cases). Plain HTML and JavaScript served by the
// server itself, nothing fetched from elsewhere; every figure comes from the API with the
// caller's session, so a page shows only what its account may see (the server decides).

/// Login and API calls shared by the pages: `wangge.start(ready)` asks /api/v1/me, shows the
/// login form on 401 and calls `ready(account)` once logged in; `wangge.call(method, path, body)`
/// answers `{status, ok, body}` and sends the session's CSRF token with every change.
enum PageSession {
    static let form = #"""
<form id="login" hidden><input id="login-name" placeholder="用户名 name" autocomplete="username" size="12"> <input id="login-password" type="password" placeholder="密码 password" autocomplete="current-password" size="12"> <button>登录 log in</button> <span id="login-error"></span></form>
"""#

    static let script = #"""
<script>
var wangge=(function(){
  "use strict";
  var csrf=null,me=null,ready=function(){};
  var form=document.getElementById("login"),err=document.getElementById("login-error");
  function call(method,path,body){
    var h={};if(body!==undefined)h["Content-Type"]="application/json";if(csrf&&method!=="GET")h["X-CSRF-Token"]=csrf;
    return fetch(path,{method:method,headers:h,body:body===undefined?undefined:JSON.stringify(body),credentials:"same-origin"})
      .then(function(r){return r.text().then(function(t){var b;try{b=t?JSON.parse(t):{};}catch(e){b={error:t};}
        if(r.status===401){form.hidden=false;}return {status:r.status,ok:r.ok,body:b};});});
  }
  function start(f){
    ready=f;
    call("GET","/api/v1/me").then(function(x){
      if(x.status===401)return;
      if(!x.ok){err.textContent=x.body.error||("HTTP "+x.status);return;}
      csrf=x.body.csrf_token;me=x.body.account;form.hidden=true;ready(me);
    });
  }
  form.addEventListener("submit",function(e){
    e.preventDefault();
    call("POST","/api/v1/login",{name:document.getElementById("login-name").value,password:document.getElementById("login-password").value}).then(function(x){
      if(!x.ok){err.textContent=x.body.error||"登录失败 login failed";return;}
      csrf=x.body.csrf_token;me=x.body.account;form.hidden=true;err.textContent="";ready(me);
    });
  });
  function esc(s){return String(s==null?"":s).replace(/[&<>"']/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c];});}
  return {call:call,start:start,esc:esc};
})();
</script>
"""#

    static let lightsCSS = "i.light{display:inline-block;width:12px;height:12px;border-radius:50%;vertical-align:middle}"
        + "i.light.green{background:#1a7f37}i.light.yellow{background:#e0a800}i.light.red{background:#c00020}i.light.parked{background:#999}"
}

/// `/cases`: the account's open cases, each with the steps a worker or station takes.
enum CasesPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>我的事件 · 网格</title>
<style>
body{margin:12px;font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:14px;background:#fbfaf6}
h1{font-size:18px;margin:0 0 8px}h1 small{font-weight:normal;color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0ede4;font-weight:normal;color:#444}
td.actions{white-space:nowrap}td.actions input{width:9em}
#status{margin:6px 0;min-height:1.2em}#status[data-state=refused]{color:#b00020}
%LIGHTS%
</style>
</head>
<body>
<h1>我的事件 <small id="who"></small></h1>
%FORM%
<div id="status" data-state="login"></div>
<table id="cases"><thead><tr><th>灯</th><th>编号</th><th>类型</th><th>地址 / 描述</th><th>网格</th><th>状态</th><th>层级</th><th>期限</th><th>办理</th></tr></thead><tbody></tbody></table>
%SCRIPT%
<script>
(function(){
  "use strict";
  var tbody=document.querySelector("#cases tbody"),status=document.getElementById("status"),esc=wangge.esc;
  // The steps offered by status; the server decides whether this account may take them.
  var steps={reported:["accept"],returned:["accept"],escalated:["accept"],accepted:["resolve","escalate","extend","return"],parked:["accept"]};
  var words={accept:"受理",resolve:"办结",escalate:"上报",extend:"延期24小时",return:"回退"};
  var statusWords={reported:"待受理",accepted:"办理中",escalated:"已上报",returned:"已回退",parked:"挂账"};
  var levelWords={grid:"网格",village:"村/社区",township:"乡镇",district:"区",department:"部门"};
  function load(){
    return wangge.call("GET","/api/v1/cases?open=true&limit=10000").then(function(x){
      if(!x.ok){if(x.status!==401){status.dataset.state="refused";status.textContent=x.body.error||("HTTP "+x.status);}return;}
      render(x.body.cases||[]);
    });
  }
  function render(cs){
    tbody.textContent="";
    cs.forEach(function(c){
      var tr=document.createElement("tr");tr.dataset.id=c.id;tr.dataset.status=c.status;tr.dataset.light=c.light;
      var buttons=(steps[c.status]||[]).map(function(a){return "<button type=\"button\" data-action=\""+a+"\">"+words[a]+"</button>";}).join(" ");
      tr.innerHTML="<td><i class=\"light "+esc(c.light)+"\" title=\""+esc(c.light)+"\"></i></td><td>"+esc(c.id)+"</td><td>"+esc(c.type)+(c.category?"<br><small>"+esc(c.category)+"</small>":"")+
        "</td><td>"+esc(c.address||"")+(c.description?"<br><small>"+esc(c.description)+"</small>":"")+"</td><td>"+esc(c.grid_code)+
        "</td><td>"+esc(statusWords[c.status]||c.status)+"</td><td>"+esc(levelWords[c.level]||c.level)+"</td><td>"+esc(c.deadline.replace("T"," ").slice(0,16))+
        "</td><td class=\"actions\"><input class=\"note\" placeholder=\"说明 note\"> "+buttons+"</td>";
      tbody.appendChild(tr);
    });
    if(status.dataset.state!=="done"&&status.dataset.state!=="refused"){status.dataset.state="ready";status.textContent=cs.length+" 件在办";}
  }
  tbody.addEventListener("click",function(e){
    var b=e.target.closest("button[data-action]");if(!b)return;
    var tr=b.closest("tr"),action=b.dataset.action,body={note:tr.querySelector(".note").value};
    if(action==="extend")body.hours=24;
    wangge.call("POST","/api/v1/cases/"+encodeURIComponent(tr.dataset.id)+"/"+action,body).then(function(x){
      if(!x.ok){status.dataset.state="refused";status.textContent=tr.dataset.id+"："+(x.body.error||("HTTP "+x.status));return;}
      status.dataset.state="done";status.textContent=tr.dataset.id+"："+words[action]+" ✓ "+(statusWords[x.body.case.status]||x.body.case.status)+"，"+(levelWords[x.body.case.level]||x.body.case.level);
      load();
    });
  });
  wangge.start(function(me){
    document.getElementById("who").textContent=me.display_name||me.name;status.dataset.state="loading";status.textContent="…";load();
  });
})();
</script>
</body>
</html>
"""#
        .replacingOccurrences(of: "%FORM%", with: PageSession.form)
        .replacingOccurrences(of: "%SCRIPT%", with: PageSession.script)
        .replacingOccurrences(of: "%LIGHTS%", with: PageSession.lightsCSS)
}

/// `/board`: the lights board on the district map (the public map, without workers' names).
enum BoardPage {
    static let panel = #"""
<div id="board">
<h2>督办 · 红黄绿灯 <small id="who"></small></h2>
%FORM%
<div id="colour"><label><input type="radio" name="colour" value="open" checked>在办</label> <label><input type="radio" name="colour" value="red">超期</label></div>
<div id="board-status" data-state="login"></div>
<table id="townships"><thead><tr><th>乡镇</th><th>绿</th><th>黄</th><th>红</th><th>挂账</th></tr></thead><tbody></tbody></table>
<table id="departments"><thead><tr><th>部门</th><th>绿</th><th>黄</th><th>红</th><th>挂账</th></tr></thead><tbody></tbody></table>
</div>
<style>
#board{position:absolute;right:10px;top:10px;width:330px;max-height:calc(100% - 40px);overflow:auto;background:rgba(255,255,255,.95);padding:8px 10px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:13px}
#board h2{font-size:15px;margin:0 0 6px}#board h2 small{font-weight:normal;color:#555}
#board table{border-collapse:collapse;width:100%;margin-top:6px}#board th,#board td{border-bottom:1px solid #ddd;padding:2px 4px;text-align:right}
#board th:first-child,#board td:first-child{text-align:left}
#board td.red{color:#c00020;font-weight:bold}#board td.yellow{color:#a07800}
</style>
%SCRIPT%
<script>
(function(){
  "use strict";
  var esc=wangge.esc,status=document.getElementById("board-status"),report=null;
  var names={};Array.prototype.forEach.call(document.querySelectorAll(".township"),function(t){names[t.dataset.code]=t.dataset.name;});
  var palette=["#eeeeee","#fee5d9","#fcae91","#fb6a4a","#cb181d"],bounds=[1,2,4,7];
  function cls(n){if(!n)return 0;for(var i=0;i<bounds.length;i++)if(n<bounds[i])return i;return 4;}
  function rows(id,groups,label){
    var tb=document.querySelector("#"+id+" tbody");tb.textContent="";
    groups.forEach(function(g){var l=g.lights,tr=document.createElement("tr");tr.dataset.code=g.code;
      tr.innerHTML="<td>"+esc(label(g.code))+"</td><td>"+l.green+"</td><td class=\"yellow\">"+l.yellow+"</td><td class=\"red\">"+l.red+"</td><td>"+l.parked+"</td>";tb.appendChild(tr);});
  }
  function paint(){
    if(!report)return;
    var mode=document.querySelector("input[name=colour]:checked").value,by={};
    report.grids.forEach(function(g){var l=g.lights;by[g.code]=mode==="red"?l.red:l.total;});
    Array.prototype.forEach.call(document.querySelectorAll(".grid"),function(p){var n=by[p.dataset.code]||0;p.setAttribute("fill",palette[cls(n)]);p.dataset.cases=n;});
    var legend=document.getElementById("legend"),title=mode==="red"?"超期事件（件）":"在办事件（件）";
    legend.innerHTML="<b>"+title+"</b>"+["0","1","2–3","4–6","≥ 7"].map(function(t,i){return "<div><i style=\"background:"+palette[i]+"\"></i>"+t+"</div>";}).join("");
  }
  function load(){
    wangge.call("GET","/api/v1/cases/report?open=true").then(function(x){
      if(!x.ok){if(x.status!==401){status.dataset.state="refused";status.textContent=x.body.error||("HTTP "+x.status);}return;}
      report=x.body;
      rows("townships",report.townships,function(c){return names[c]||c;});
      rows("departments",report.departments,function(c){return c;});
      status.dataset.state="ready";status.textContent="在办 "+report.total.total+" 件，超期 "+report.total.red+" 件（"+report.now.replace("T"," ").slice(0,16)+"）";
      paint();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=colour]"),function(r){r.addEventListener("change",paint);});
  wangge.start(function(me){document.getElementById("who").textContent=me.display_name||me.name;load();});
})();
</script>
"""#
        .replacingOccurrences(of: "%FORM%", with: PageSession.form)
        .replacingOccurrences(of: "%SCRIPT%", with: PageSession.script)
}

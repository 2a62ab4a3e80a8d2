// The intake desk's page at `/`: the district map of `wangge map` (offline, no CDN) with a panel
// that sends an address to /api/v1/geocode and shows the answer — township, village, grid, its
// worker, confidence — and outlines the grid on the map; an ambiguous address lists its
// candidates with the reason for each, and picking one asks again with that village named.
// `/?q=ADDRESS` asks at once (a link from another system; the browser tests use it). The API
// needs a session: without one the panel shows the login form (data-status="login"), logs in
// through /api/v1/login (the session cookie, HttpOnly; the CSRF token kept in memory for any
// change the page makes) and then asks again. A located address can be registered as a case (POST
// /api/v1/cases with the session's CSRF token): the answer shows its id, grid, worker and deadline.
enum IntakePage {
    static let panel = #"""
<div id="intake">
<h2>接件 · 地址定位 intake</h2>
<form id="ask"><input id="address" type="search" placeholder="来电地址，如：踏水镇公坪村3组44号" size="30" autocomplete="off"> <button>定位</button></form>
<form id="login" hidden><input id="login-name" placeholder="用户名 name" autocomplete="username" size="12"> <input id="login-password" type="password" placeholder="密码 password" autocomplete="current-password" size="12"> <button>登录 log in</button></form>
<div id="answer" data-status="" data-grid=""></div>
<ol id="candidates"></ol>
<form id="register" hidden>
<b>登记事件 register the case</b><br>
<select id="case-type"><option value="problem">问题 problem</option><option value="dispute">矛盾纠纷 dispute</option><option value="errand">代办 errand</option><option value="department_matter">部门事项 department matter</option></select>
<input id="case-category" placeholder="类别，如：邻里纠纷" size="14"><br>
<textarea id="case-description" rows="2" cols="36" placeholder="群众反映的情况 what the resident reports"></textarea><br>
<button>登记 register</button>
</form>
<div id="registered" data-case=""></div>
</div>
<style>
#intake{position:absolute;right:10px;top:10px;width:330px;background:rgba(255,255,255,.95);padding:8px 10px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:13px}
#intake h2{font-size:15px;margin:0 0 6px}
#answer{margin-top:6px;line-height:1.5}
#answer .matched{color:#1a7f37}#answer .ambiguous{color:#b35900}#answer .outside,#answer .not_found{color:#b00020}
#candidates button{font-size:12px;margin:2px 0;text-align:left}
#register{margin-top:8px;padding-top:6px;border-top:1px solid #ddd}#register select,#register input,#register textarea{font-size:12px;margin:2px 0}
#registered{margin-top:6px;line-height:1.5}#registered.refused{color:#b00020}
</style>
<script>
(function(){
  var answer=document.getElementById("answer"),list=document.getElementById("candidates"),input=document.getElementById("address");
  function esc(s){return String(s==null?"":s).replace(/[&<>"]/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;"}[c];});}
  var words={matched:"已定位 matched",ambiguous:"有歧义，请选择 ambiguous — pick one",outside:"不在本区 outside the district",not_found:"未找到 not found"};
  var located=null,register=document.getElementById("register"),registered=document.getElementById("registered");
  function show(r,q){
    answer.dataset.status=r.status;answer.dataset.grid=r.grid||"";list.textContent="";
    // Only a located address can be registered; the server locates it again, as it always does.
    located=r.status==="matched"?{address:q,village:r.village_code}:null;register.hidden=!located;
    registered.textContent="";registered.className="";registered.dataset.case="";
    var h="<b class=\""+esc(r.status)+"\">"+esc(words[r.status]||r.status)+"</b>";
    if(r.township)h+="<br>"+esc(r.township)+(r.village?" · "+esc(r.village):"");
    if(r.grid)h+="<br>网格 grid: <b>"+esc(r.grid)+"</b>";
    if(r.grid_worker)h+="<br>网格员 worker: "+esc(r.grid_worker.name)+(r.grid_worker.phone?" ☎ "+esc(r.grid_worker.phone):"");
    if(r.outside)h+="<br>属于 belongs to: "+esc(r.outside);
    if(r.level)h+="<br>精度 level: "+esc(r.level)+"　置信度 confidence: "+esc(r.confidence);
    (r.warnings||[]).forEach(function(w){h+="<br>⚠ "+esc(w);});
    answer.innerHTML=h;
    if(r.grid&&window.wanggeSearch)window.wanggeSearch(r.grid);
    else if(r.village_code&&window.wanggeSearch)window.wanggeSearch(r.village_code);
    (r.candidates||[]).forEach(function(c){
      var li=document.createElement("li"),b=document.createElement("button");
      b.type="button";b.textContent=(c.township||"")+(c.village||c.name)+(c.evidence?" — "+c.evidence:"");
      b.addEventListener("click",function(){ask((c.township||"")+(c.village||c.name)+" "+input.value);});
      li.appendChild(b);list.appendChild(li);
    });
  }
  var loginForm=document.getElementById("login"),pending=null,csrf=null;
  function needLogin(q){pending=q;loginForm.hidden=false;answer.dataset.status="login";answer.textContent="请先登录 log in first";}
  loginForm.addEventListener("submit",function(e){
    e.preventDefault();
    fetch("/api/v1/login",{method:"POST",headers:{"Content-Type":"application/json"},
      body:JSON.stringify({name:document.getElementById("login-name").value,password:document.getElementById("login-password").value})})
    .then(function(r){return r.json().then(function(b){return {ok:r.ok,b:b};});}).then(function(x){
      if(!x.ok){answer.dataset.status="login";answer.textContent=x.b.error||"登录失败 login failed";return;}
      csrf=x.b.csrf_token;loginForm.hidden=true;answer.textContent="";if(pending)ask(pending);
    });
  });
  function ask(q){
    q=q.trim();if(!q)return;answer.textContent="…";
    fetch("/api/v1/geocode?q="+encodeURIComponent(q)).then(function(r){if(r.status===401){needLogin(q);return null;}return r.json();}).then(function(r){
      if(!r)return;
      if(r.error){answer.dataset.status="error";answer.textContent=r.error;}else show(r,q);
    }).catch(function(e){answer.dataset.status="error";answer.textContent="服务器无响应 no answer: "+e;});
  }
  document.getElementById("ask").addEventListener("submit",function(e){e.preventDefault();ask(input.value);});
  register.addEventListener("submit",function(e){
    e.preventDefault();if(!located)return;
    var body={type:document.getElementById("case-type").value,category:document.getElementById("case-category").value,
      description:document.getElementById("case-description").value,address:located.address};
    if(located.village)body.village=located.village;
    var h={"Content-Type":"application/json"};if(csrf)h["X-CSRF-Token"]=csrf;
    fetch("/api/v1/cases",{method:"POST",headers:h,body:JSON.stringify(body)}).then(function(r){return r.json().then(function(b){return {status:r.status,b:b};});}).then(function(x){
      if(x.status===401){needLogin(located.address);return;}
      if(x.status!==201){registered.className="refused";registered.textContent=x.b.error||("HTTP "+x.status);return;}
      var c=x.b;registered.dataset.case=c.id;register.hidden=true;
      registered.innerHTML="<b>已登记 "+esc(c.id)+"</b><br>网格 grid: "+esc(c.grid_code)+(c.grid_worker?"　网格员 worker: "+esc(c.grid_worker):"")+
        "<br>期限 deadline: "+esc(String(c.deadline).replace("T"," ").slice(0,16))+"　灯 light: "+esc(c.light);
    }).catch(function(e){registered.className="refused";registered.textContent="服务器无响应 no answer: "+e;});
  });
  // A session from before (the cookie): learn its CSRF token, needed to register a case.
  fetch("/api/v1/me").then(function(r){return r.ok?r.json():null;}).then(function(m){if(m&&m.csrf_token)csrf=m.csrf_token;}).catch(function(){});
  var q=new URLSearchParams(location.search).get("q");
  if(q){input.value=q;ask(q);}
})();
</script>
"""#
}

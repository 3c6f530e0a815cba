// The Workflows page: keeps the table fresh, runs Edit/Start/Stop, draws the charts
// and lists the latest rejects. The API token is asked once and kept in this
// browser's localStorage; a ?token=… in the address is stored, then removed from it.
(function () {
  "use strict";
  var TOKEN_KEY = "crmbridge.apiToken";
  var refreshMs = (parseInt(document.body.dataset.refreshSeconds, 10) || 5) * 1000;
  var editing = null;

  function $(id) { return document.getElementById(id); }
  function token() { try { return localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; } }
  function setToken(value) { try { if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY); } catch (e) {} }

  (function tokenFromAddress() {
    var url = new URL(window.location.href);
    var given = url.searchParams.get("token");
    if (given) {
      setToken(given);
      url.searchParams.delete("token");
      history.replaceState(null, "", url.pathname + (url.search || "") + url.hash);
    }
  })();

  function showTokenForm(message) {
    $("token-form").hidden = false;
    $("forget-token").hidden = true;
    if (message) $("token-message").textContent = message;
  }

  function banner(text, kind) {
    var el = $("banner");
    el.textContent = text || "";
    el.className = "banner" + (kind === "error" ? " error" : "");
    el.hidden = !text;
  }

  function api(method, path, body) {
    var headers = { "Authorization": "Bearer " + token() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
          if (response.status === 401) {
            setToken("");
            showTokenForm("The token was refused. Enter the current CRMBRIDGE_API_TOKEN.");
          }
          return { status: response.status, ok: response.ok, data: data };
        });
      });
  }

  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009"); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function row(w) {
    var running = w.desiredState === "running";
    var versions = el("td", { className: "versions", text: "running " + (w.runningVersion == null ? "–" : w.runningVersion) + " · edited " + w.editedVersion });
    if (w.pendingChanges) versions.appendChild(el("span", { className: "pending", text: "edits pending" }));
    var statusCell = el("td", {}, [
      el("span", { className: "status " + w.status.toLowerCase(), text: w.status }),
      el("div", { className: "reason muted", text: w.status === "FAILED" ? "" : (w.statusReason || "") }),
      // A failed workflow shows its cause as the error; a running one's reason may be its
      // live roles' last error: shown once. (The cause of a FAILED workflow was hidden
      // here when it was also its reason, which is how the API reports it.)
      el("div", { className: "error", text: (w.lastError && (w.status === "FAILED" || w.lastError !== w.statusReason)) ? w.lastError : "" })
    ]);
    var backlog = el("td", { className: "num backlog", text: grouped(w.backlog) });
    if (w.backlogError) backlog.appendChild(el("div", { className: "error", text: w.backlogError }));
    return el("tr", { "data-workflow": w.name }, [
      el("td", { className: "name", text: w.name }),
      statusCell,
      backlog,
      versions,
      el("td", { className: "chart", "data-field": "chart" }, [el("span", { className: "muted", text: "—" })]),
      el("td", { className: "actions" }, [
        el("button", { type: "button", "data-action": "edit", text: "Edit" }),
        el("button", { type: "button", "data-action": running ? "stop" : "start", text: running ? "Stop" : "Start" })
      ])
    ]);
  }

  var SVG = "http://www.w3.org/2000/svg";
  function chart(points) {
    var width = 220, height = 46, pad = 3;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", width); svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "img");
    var base = document.createElementNS(SVG, "line");
    base.setAttribute("x1", 0); base.setAttribute("x2", width); base.setAttribute("y1", height - pad); base.setAttribute("y2", height - pad);
    base.setAttribute("stroke", "#e3e6ec"); svg.appendChild(base);
    if (!points.length) return svg;
    // The time axis ends at the latest sample and spans the history, at least 5 minutes:
    // a young history grows from the right like a strip chart.
    var t1 = Date.parse(points[points.length - 1].time);
    var span = Math.max(t1 - Date.parse(points[0].time), 300000);
    var t0 = t1 - span;
    function line(values, color) {
      var max = Math.max.apply(null, values.concat([1]));
      var path = values.map(function (v, i) {
        var x = pad + (width - 2 * pad) * (Date.parse(points[i].time) - t0) / span;
        var y = height - pad - (height - 2 * pad) * (v / max);
        return x.toFixed(1) + "," + y.toFixed(1);
      }).join(" ");
      var poly = document.createElementNS(SVG, "polyline");
      poly.setAttribute("points", path); poly.setAttribute("fill", "none");
      poly.setAttribute("stroke", color); poly.setAttribute("stroke-width", "1.8");
      svg.appendChild(poly);
      return max;
    }
    var backlogs = points.map(function (p) { return p.backlog; });
    var rates = points.map(function (p) { return p.writtenPerSecond; });
    line(rates, "#137a3e");
    line(backlogs, "#2456c9");
    var last = points[points.length - 1];
    var title = document.createElementNS(SVG, "title");
    title.textContent = "backlog " + last.backlog + ", " + last.writtenPerSecond.toFixed(1) + " records/s (max backlog " + Math.max.apply(null, backlogs) + ")";
    svg.appendChild(title);
    return svg;
  }

  function drawCharts(names) {
    names.forEach(function (name) {
      api("GET", "/api/workflows/" + name + "/history").then(function (r) {
        if (!r.ok || !r.data) return;
        var cell = document.querySelector('tr[data-workflow="' + name + '"] td.chart');
        if (!cell) return;
        cell.textContent = "";
        cell.appendChild(chart(r.data.points || []));
        var points = r.data.points || [];
        var last = points.slice(-1)[0];
        if (!last) return;
        var peakRate = Math.max.apply(null, points.map(function (p) { return p.writtenPerSecond; }));
        var peakBacklog = Math.max.apply(null, points.map(function (p) { return p.backlog; }));
        cell.appendChild(el("div", { className: "muted", text:
          last.writtenPerSecond.toFixed(1) + " rec/s · peak " + peakRate.toFixed(0) + " rec/s · max backlog " + grouped(peakBacklog) }));
      });
    });
  }

  function drawRejects(items) {
    var body = $("reject-rows");
    body.textContent = "";
    if (!items.length) { body.appendChild(el("tr", {}, [el("td", { colspan: "6", className: "muted", text: "No rejects." })])); return; }
    items.forEach(function (r) {
      body.appendChild(el("tr", {}, [
        el("td", { text: r.createdAt ? new Date(r.createdAt).toLocaleString() : "" }),
        el("td", { text: r.workflow }), el("td", { text: r.entity || "" }), el("td", { text: r.recordId || "" }),
        el("td", { className: "code", text: r.code }), el("td", { text: r.message })
      ]));
    });
  }

  function refresh() {
    if (!token()) { showTokenForm(); return; }
    $("token-form").hidden = true;
    $("forget-token").hidden = false;
    api("GET", "/api/workflows").then(function (r) {
      if (r.status === 401) return;
      if (!r.ok) { banner((r.data && r.data.error) || "The control service did not answer.", "error"); return; }
      var body = $("workflow-rows");
      body.textContent = "";
      r.data.forEach(function (w) { body.appendChild(row(w)); });
      $("updated").textContent = "Updated " + new Date().toLocaleTimeString();
      drawCharts(r.data.map(function (w) { return w.name; }));
    }).catch(function () { banner("The control service is not reachable; retrying.", "error"); });
    api("GET", "/api/rejects?limit=15").then(function (r) { if (r.ok) drawRejects(r.data); });
  }

  function act(name, action) {
    if (action === "edit") { openEditor(name); return; }
    api("POST", "/api/workflows/" + name + "/" + action).then(function (r) {
      if (!r.ok) { banner((r.data && r.data.error) || (action + " failed"), "error"); return; }
      if (r.data.warning) banner(r.data.warning, "warn");
      else if (r.data.message) banner(r.data.message, "info");
      else banner("");
      refresh();
    });
  }

  function openEditor(name) {
    api("GET", "/api/workflows/" + name + "/config").then(function (r) {
      if (!r.ok) { banner((r.data && r.data.error) || "Could not load the configuration.", "error"); return; }
      editing = name;
      $("editor").hidden = false;
      $("editor-name").textContent = name;
      $("editor-version").textContent = "version " + r.data.version + (r.data.runningVersion == null ? "" : " (running " + r.data.runningVersion + ")");
      $("editor-text").value = r.data.config;
      $("editor-problems").textContent = "";
      $("editor-message").textContent = "";
      $("editor").scrollIntoView({ behavior: "smooth" });
    });
  }

  function saveEditor() {
    if (!editing) return;
    var problems = $("editor-problems");
    problems.textContent = "";
    api("PUT", "/api/workflows/" + editing + "/config", { config: $("editor-text").value }).then(function (r) {
      if (r.ok) {
        $("editor-message").textContent = r.data.message || "Saved.";
        $("editor-version").textContent = "version " + r.data.version;
        // Saved, but not checked against the CRM (it did not answer): say so.
        (r.data.warnings || []).forEach(function (w) { problems.appendChild(el("li", { text: "warning: " + w })); });
        refresh();
        return;
      }
      $("editor-message").textContent = (r.data && r.data.error) || "Not saved.";
      ((r.data && r.data.problems) || []).forEach(function (p) {
        var item = el("li", {}, [el("code", { text: (p.line ? "line " + p.line + " " : "") + (p.path || "(document)") }), document.createTextNode(": " + p.message)]);
        problems.appendChild(item);
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#workflow-rows button[data-action]");
    if (!button) return;
    var name = button.closest("tr").dataset.workflow;
    if (!token()) { showTokenForm("Actions need the API token."); return; }
    act(name, button.dataset.action);
  });
  $("editor-save").addEventListener("click", saveEditor);
  $("editor-cancel").addEventListener("click", function () { editing = null; $("editor").hidden = true; });
  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    setToken($("token-input").value.trim());
    $("token-input").value = "";
    refresh();
  });
  $("forget-token").addEventListener("click", function () { setToken(""); showTokenForm("Token forgotten."); });

  // Without a token: the server-rendered rows of the page itself, fetched again.
  function refreshPublic() {
    fetch("/", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var rows = fresh.getElementById("workflow-rows");
      if (rows) $("workflow-rows").replaceWith(document.importNode(rows, true));
      $("updated").textContent = "Updated " + new Date().toLocaleTimeString();
    }).catch(function () { banner("The control service is not reachable; retrying.", "error"); });
  }

  refresh();
  setInterval(function () {
    if (token()) refresh();
    else refreshPublic();
  }, refreshMs);
})();

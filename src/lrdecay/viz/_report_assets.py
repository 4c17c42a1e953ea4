"""The stylesheet and the chart script that :mod:`lrdecay.viz.report` inlines in its page.

The script is hand-written (no library, nothing fetched): it reads the page's
``<script type="application/json" id="lrdecay-data">`` (``{"steps": [...], "series": [{"name",
"color", "values"}]}``, ``null`` for a value that is not finite), draws the curves on a
``<canvas>``, shows every curve's value at the step under the pointer in ``#chart-tooltip``
(the step in ``data-step``, each value in ``data-value``), zooms into a dragged step range or
with the wheel, resets on a double click or the "reset zoom" button, and hides or shows a curve
when its legend button is pressed. Text is set with ``textContent`` only, never parsed as HTML.
"""

__all__ = ["CHART_JS", "CSS"]

CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --rule: #d8dee4; --card: #fff;
  --bg: #f6f8fa; --code: #f3f4f6; --accent: #1f6fb5; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui,
  -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer, .wide { max-width: 1720px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 18px 0 8px; }
header p { color: var(--muted); margin: 4px 0; max-width: 980px; }
nav { margin: 14px 0 8px; display: flex; flex-wrap: wrap; gap: 6px; }
nav a { font-size: 13px; padding: 2px 9px; border: 1px solid var(--rule); border-radius: 12px;
  background: var(--card); color: var(--ink); text-decoration: none; }
nav a:hover { border-color: var(--accent); color: var(--accent); }
.panel { background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
  padding: 12px 16px; }
#chart { position: relative; user-select: none; }
#chart-canvas { display: block; cursor: crosshair; }
#chart-tooltip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.96);
  border: 1px solid var(--rule); border-radius: 4px; padding: 4px 8px; font-size: 12.5px;
  white-space: nowrap; box-shadow: 0 1px 4px rgba(0,0,0,0.12); z-index: 2; }
.tip-step { color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; vertical-align: baseline; }
.chart-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 8px;
  font-size: 13px; color: var(--muted); }
#chart-legend { display: contents; }
.chart-bar button { font: inherit; font-size: 13px; border: 1px solid var(--rule);
  border-radius: 12px; background: var(--card); color: var(--ink); padding: 1px 9px;
  cursor: pointer; }
.chart-bar button[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; }
table.facts { border-collapse: collapse; width: 100%; font-size: 13.5px; }
table.facts th, table.facts td { text-align: right; padding: 4px 10px;
  border-bottom: 1px solid var(--rule); font-variant-numeric: tabular-nums; }
table.facts th:first-child, table.facts td:first-child { text-align: left; }
table.facts th { color: var(--muted); font-weight: 600; }
.facts-wrap { overflow-x: auto; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px;
  padding-top: 12px; padding-bottom: 24px; }
.card { background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
  padding: 14px 16px 12px; min-width: 0; }
.card h3 { font-size: 17px; margin: 0 0 8px; }
.card h3 a { color: inherit; text-decoration: none; }
.card h3 .n { color: var(--muted); font-weight: normal; margin-right: 6px; }
.card img { display: block; width: 100%; height: auto; border: 1px solid #eef0f2;
  border-radius: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 10px 0 0;
  font-size: 13.5px; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px; }
code { background: var(--code); padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 8px 10px; border-radius: 4px; margin: 0;
  overflow-x: auto; line-height: 1.35; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin-top: 4px; }
summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
.formula { display: inline-flex; align-items: center; flex-wrap: wrap; gap: 2px; }
.formula svg { fill: currentColor; }
table.cases { border-collapse: collapse; border-left: 2px solid var(--ink);
  border-radius: 10px; margin: 0 4px; }
table.cases td { padding: 1px 8px; vertical-align: middle; }
ul.symbols { margin: 0; padding: 0; list-style: none; }
ul.symbols li { display: inline-block; margin-right: 14px; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
"""
"""The page's stylesheet."""

CHART_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lrdecay-data").textContent);
  var xs = data.steps, series = data.series;
  var box = document.getElementById("chart");
  var canvas = document.getElementById("chart-canvas");
  var tip = document.getElementById("chart-tooltip");
  var ctx = canvas.getContext("2d");
  var M = { l: 70, r: 18, t: 14, b: 38 };
  var full = [xs[0], xs[xs.length - 1]];
  if (full[1] <= full[0]) { full = [full[0] - 0.5, full[1] + 0.5]; }
  var view = full.slice(), hidden = {}, hover = -1, drag = null, W = 0, H = 0, yr = [0, 1];

  function fmtStep(v) { return Math.round(v).toLocaleString("en-US"); }
  function fmtVal(v) {
    if (v === null || v === undefined) { return "none"; }
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e6)) { return v.toExponential(6).replace(/\.?0+e/, "e"); }
    return String(Number(v.toPrecision(7)));
  }
  function ticks(lo, hi, n) {
    var span = hi - lo, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (f) { return f * mag; })
      .filter(function (s) { return s >= raw; })[0];
    var out = [], v = Math.ceil(lo / step) * step;
    for (; v <= hi + step * 1e-9; v += step) { out.push(Math.abs(v) < step * 1e-9 ? 0 : v); }
    return out;
  }
  function lower(x) {  // first index with xs[i] >= x
    var a = 0, b = xs.length;
    while (a < b) { var m = (a + b) >> 1; if (xs[m] < x) { a = m + 1; } else { b = m; } }
    return a;
  }
  function sx(x) { return M.l + (x - view[0]) / (view[1] - view[0]) * (W - M.l - M.r); }
  function ix(px) { return view[0] + (px - M.l) / (W - M.l - M.r) * (view[1] - view[0]); }
  function sy(y) { return H - M.b - (y - yr[0]) / (yr[1] - yr[0]) * (H - M.t - M.b); }
  function fitY() {
    var a = Math.max(0, lower(view[0]) - 1), b = Math.min(xs.length, lower(view[1]) + 1);
    var lo = Infinity, hi = -Infinity;
    series.forEach(function (s, k) {
      if (hidden[k]) { return; }
      for (var i = a; i < b; i++) {
        var v = s.values[i];
        if (v !== null) { if (v < lo) { lo = v; } if (v > hi) { hi = v; } }
      }
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (lo >= 0 && view[0] === full[0] && view[1] === full[1]) { lo = 0; }
    var span = hi - lo || Math.abs(hi) || 1;
    yr = [lo - (lo === 0 ? 0 : 0.04 * span), hi + 0.08 * span];
  }
  function draw() {
    var dpr = window.devicePixelRatio || 1, rect = box.getBoundingClientRect();
    W = Math.max(240, Math.floor(rect.width)); H = 380;
    canvas.width = W * dpr; canvas.height = H * dpr;
    canvas.style.width = W + "px"; canvas.style.height = H + "px";
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, W, H);
    fitY();
    ctx.font = "12px system-ui, sans-serif"; ctx.lineWidth = 1;
    ticks(yr[0], yr[1], 6).forEach(function (v) {
      var y = Math.round(sy(v)) + 0.5;
      ctx.strokeStyle = "#e8e8e8"; ctx.beginPath();
      ctx.moveTo(M.l, y); ctx.lineTo(W - M.r, y); ctx.stroke();
      ctx.fillStyle = "#262626"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
      ctx.fillText(fmtVal(v), M.l - 6, y);
    });
    var xn = Math.max(2, Math.floor((W - M.l - M.r) / 110));
    ticks(view[0], view[1], xn).forEach(function (v) {
      var x = Math.round(sx(v)) + 0.5;
      ctx.strokeStyle = "#e8e8e8"; ctx.beginPath();
      ctx.moveTo(x, M.t); ctx.lineTo(x, H - M.b); ctx.stroke();
      ctx.fillStyle = "#262626"; ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.fillText(fmtStep(v), x, H - M.b + 6);
    });
    ctx.fillStyle = "#6b6b6b"; ctx.textAlign = "center";
    ctx.fillText("step", (M.l + W - M.r) / 2, H - 16);
    ctx.strokeStyle = "#b8b8b8"; ctx.beginPath();
    ctx.moveTo(M.l + 0.5, M.t); ctx.lineTo(M.l + 0.5, H - M.b + 0.5);
    ctx.lineTo(W - M.r, H - M.b + 0.5); ctx.stroke();
    ctx.save(); ctx.beginPath(); ctx.rect(M.l, M.t, W - M.l - M.r, H - M.t - M.b); ctx.clip();
    var a = Math.max(0, lower(view[0]) - 1), b = Math.min(xs.length, lower(view[1]) + 1);
    ctx.lineWidth = 2; ctx.lineJoin = "round";
    series.forEach(function (s, k) {
      if (hidden[k]) { return; }
      ctx.strokeStyle = s.color; ctx.beginPath();
      var pen = false;
      for (var i = a; i < b; i++) {
        var v = s.values[i];
        if (v === null) { pen = false; continue; }
        if (pen) { ctx.lineTo(sx(xs[i]), sy(v)); } else {
          ctx.moveTo(sx(xs[i]), sy(v)); pen = true;
        }
      }
      ctx.stroke();
    });
    if (hover >= 0) {
      var hx = Math.round(sx(xs[hover])) + 0.5;
      ctx.strokeStyle = "#6b6b6b"; ctx.lineWidth = 1; ctx.beginPath();
      ctx.moveTo(hx, M.t); ctx.lineTo(hx, H - M.b); ctx.stroke();
      series.forEach(function (s, k) {
        var v = s.values[hover];
        if (hidden[k] || v === null) { return; }
        ctx.fillStyle = s.color; ctx.beginPath();
        ctx.arc(sx(xs[hover]), sy(v), 4, 0, 7); ctx.fill();
      });
    }
    if (drag && drag.moved) {
      ctx.fillStyle = "rgba(31,111,181,0.12)";
      ctx.fillRect(Math.min(drag.x0, drag.x1), M.t, Math.abs(drag.x1 - drag.x0), H - M.t - M.b);
    }
    ctx.restore();
  }
  function px(event) {
    var r = canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }
  function showTip(i, p) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    var head = document.createElement("div");
    head.className = "tip-step"; head.textContent = "step " + fmtStep(xs[i]);
    head.setAttribute("data-step", String(xs[i])); tip.appendChild(head);
    series.forEach(function (s, k) {
      if (hidden[k]) { return; }
      var row = document.createElement("div"), sw = document.createElement("span");
      var name = document.createElement("span"), val = document.createElement("b");
      row.className = "tip-row"; sw.className = "swatch"; sw.style.background = s.color;
      name.textContent = s.name + ": "; val.textContent = fmtVal(s.values[i]);
      val.setAttribute("data-value", s.values[i] === null ? "" : String(s.values[i]));
      row.appendChild(sw); row.appendChild(name); row.appendChild(val); tip.appendChild(row);
    });
    tip.hidden = false;
    var left = p[0] + 14, top = Math.max(0, p[1] - 10);
    if (left + tip.offsetWidth > W) { left = Math.max(0, p[0] - 14 - tip.offsetWidth); }
    tip.style.left = left + "px"; tip.style.top = top + "px";
  }
  canvas.addEventListener("mousemove", function (event) {
    var p = px(event);
    if (drag) {
      drag.x1 = Math.max(M.l, Math.min(W - M.r, p[0]));
      drag.moved = Math.abs(drag.x1 - drag.x0) > 3;
    }
    if (p[0] < M.l || p[0] > W - M.r) { hover = -1; tip.hidden = true; draw(); return; }
    var x = ix(p[0]), i = Math.min(xs.length - 1, lower(x));
    if (i > 0 && x - xs[i - 1] < xs[i] - x) { i -= 1; }
    hover = i; draw(); showTip(i, p);
  });
  canvas.addEventListener("mouseleave", function () {
    hover = -1; drag = null; tip.hidden = true; draw();
  });
  canvas.addEventListener("mousedown", function (event) {
    var p = px(event); drag = { x0: p[0], x1: p[0], moved: false }; event.preventDefault();
  });
  window.addEventListener("mouseup", function () {
    if (drag && drag.moved) {
      var a = ix(Math.min(drag.x0, drag.x1)), b = ix(Math.max(drag.x0, drag.x1));
      if (b - a >= 1) { view = [a, b]; }
    }
    drag = null; draw();
  });
  function reset() { view = full.slice(); draw(); }
  canvas.addEventListener("dblclick", reset);
  document.getElementById("chart-reset").addEventListener("click", reset);
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    var x = ix(px(event)[0]), f = event.deltaY < 0 ? 0.8 : 1.25;
    var a = x - (x - view[0]) * f, b = x + (view[1] - x) * f;
    if (b - a < 2) { return; }
    view = [Math.max(full[0], a), Math.min(full[1], b)]; draw();
  }, { passive: false });
  var buttons = document.querySelectorAll("#chart-legend button");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var k = Number(button.getAttribute("data-series"));
      hidden[k] = !hidden[k];
      button.setAttribute("aria-pressed", hidden[k] ? "false" : "true"); draw();
    });
  });
  window.addEventListener("resize", draw);
  draw();
  box.setAttribute("data-ready", "true");
})();
"""
"""The chart's script (ES5, no dependencies)."""

// tfvpc serve: the page. No framework, no build step, no network but this server's own /api.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { picture: null, findings: [], zoom: 1, timer: null, vpc: "", edits: [], applied: [], rulesOf: "", lastPacket: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(path, payload) {
  const init = { headers: { Accept: "application/json" } };
  if (payload !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(payload);
  }
  const r = await fetch(path, init);
  const body = await r.json();
  if (!r.ok) throw Object.assign(new Error(body.error || r.statusText), { help: body.help });
  return body;
}

// ---- the picture -------------------------------------------------------------------------

function svgRoot() { return $("#canvas svg"); }

// The drawn elements that stand for an address: itself, or what it acts on (a route table's
// subnets, a group's instances), narrowed to `within` (a trace's path) when that leaves some.
function drawn(address, within) {
  const root = svgRoot();
  if (!root || !address) return [];
  const own = root.querySelectorAll(`g[data-address="${CSS.escape(address)}"]`);
  if (own.length) return [...own];
  let names = (state.picture && state.picture.anchors[address]) || [];
  if (within && within.size) {
    const narrowed = names.filter((n) => within.has(n));
    if (narrowed.length) names = narrowed;
  }
  return names.flatMap((n) => [...root.querySelectorAll(`g[data-address="${CSS.escape(n)}"]`)]);
}

async function loadPicture(vpc) {
  state.vpc = vpc || "";
  const q = state.vpc ? `?vpc=${encodeURIComponent(state.vpc)}` : "";
  const p = await api(`/api/picture${q}`);
  state.picture = p.picture;
  $("#input").textContent = p.input;
  $("#canvas").innerHTML = p.svg;
  const select = $("#vpc-select");
  if (select.options.length === 1) {
    for (const v of p.vpcs) select.append(el("option", { value: v, text: v }));
  }
  select.value = state.vpc;
  const places = $("#places");
  places.innerHTML = "";
  const seen = new Set(["internet"]);
  places.append(el("option", { value: "internet" }));
  for (const n of p.picture.nodes) {
    if (n.address && !seen.has(n.address) && n.kind !== "vpc") {
      seen.add(n.address);
      places.append(el("option", { value: n.address }));
    }
  }
  for (const g of svgRoot().querySelectorAll("g[data-address]")) {
    g.addEventListener("click", () => pick(g));
  }
  const editables = $("#editables");
  editables.innerHTML = "";
  for (const a of Object.keys(p.picture.anchors).filter(isEditable)) editables.append(el("option", { value: a }));
  applyZoom();
  drawBadges();
}

// A click on the picture: a collapsed VPC zooms in; anything else fills From, then To.
function pick(g) {
  const address = g.getAttribute("data-address");
  if (state.picture.collapsed && g.getAttribute("data-kind") === "vpc") {
    loadPicture(address);
    return;
  }
  if (g.getAttribute("data-kind") === "vpc" || g.classList.contains("edge")) return;
  const from = $("#from"), to = $("#to");
  if (!from.value || (from.value && to.value)) { from.value = address; to.value = ""; } else { to.value = address; }
}

function applyZoom() {
  const svg = svgRoot();
  if (svg) svg.style.transform = `scale(${state.zoom})`;
}

// ---- findings ------------------------------------------------------------------------------

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };

function drawBadges() {
  const root = svgRoot();
  if (!root) return;
  root.querySelectorAll(".badge").forEach((b) => b.remove());
  const counts = new Map();
  for (const f of state.findings) {
    for (const g of findingElements(f)) {
      const c = counts.get(g) || { n: 0, sev: "note" };
      c.n += 1;
      if (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[c.sev]) c.sev = f.severity;
      counts.set(g, c);
    }
  }
  const ns = "http://www.w3.org/2000/svg";
  for (const [g, c] of counts) {
    const rect = g.querySelector("rect");
    if (!rect) continue;
    const x = +rect.getAttribute("x") + +rect.getAttribute("width") - 4;
    const y = +rect.getAttribute("y") + 4;
    const badge = document.createElementNS(ns, "g");
    badge.setAttribute("class", `badge sev-${c.sev}`);
    const circle = document.createElementNS(ns, "circle");
    circle.setAttribute("cx", x); circle.setAttribute("cy", y); circle.setAttribute("r", 9);
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", x); text.setAttribute("y", y + 3.5); text.setAttribute("text-anchor", "middle");
    text.textContent = String(c.n);
    badge.append(circle, text);
    badge.addEventListener("click", (ev) => { ev.stopPropagation(); openFinding(g.getAttribute("data-address")); });
    g.append(badge);
  }
}

async function loadFindings(given) {
  const section = $("#findings");
  let report = given;
  if (!report) {
    try { report = await api("/api/findings"); } catch (e) {
      section.replaceChildren(el("h2", { text: "Findings" }), el("p", { class: "error", text: e.message }));
      return;
    }
  }
  state.findings = report.findings || [];
  const s = report.summary || {};
  const by = (s.findings) || {};
  $("#summary").textContent =
    `${s.vpcs ?? 0} VPCs · ${s.subnets ?? 0} subnets · ${by.error ?? 0} errors · ${by.warning ?? 0} warnings · ${by.note ?? 0} notes`;
  const list = el("ul");
  state.findings.forEach((f, i) => {
    const count = f.affected && f.affected.count > 1 ? ` (×${f.affected.count})` : "";
    const more = el("div", { class: "more" });
    if (f.help) more.append(el("div", { text: `fix: ${f.help}` }));
    if (f.location) more.append(el("div", { class: "muted", text: `${f.location.file}:${f.location.line}` }));
    if (f.trace && f.trace.hops.length) {
      const ol = el("ol", { class: "hops" });
      for (const h of f.trace.hops) ol.append(el("li", { class: `shown d-${h.passes === false ? "deny" : "allow"}`, text: `${h.address || ""} ${h.message}` }));
      more.append(ol);
    }
    const li = el("li", { class: `sev-${f.severity}`, "data-index": String(i) },
      el("span", { class: "rule", text: `${f.severity} ${f.rule}${count}` }), el("div", { text: f.message }), more);
    li.addEventListener("click", () => focusFinding(i));
    list.append(li);
  });
  section.replaceChildren(el("h2", { text: `Findings (${state.findings.length})` }),
    state.findings.length ? list : el("p", { class: "muted", text: "no findings" }));
  drawBadges();
}

// Where a (grouped) finding shows: every member's resource, drawn or anchored.
function findingElements(f) {
  const addresses = new Set([f.resources[0]]);
  for (const m of (f.affected && f.affected.members) || []) addresses.add(m.address);
  const out = new Set();
  for (const a of addresses) for (const g of drawn(a)) out.add(g);
  return [...out];
}

function focusFinding(i) {
  const f = state.findings[i];
  document.querySelectorAll("#findings li").forEach((li) => li.classList.toggle("open", li.dataset.index === String(i) && !li.classList.contains("open")));
  clearMarks();
  for (const g of findingElements(f)) g.classList.add("finding-focus");
  for (const r of f.resources.slice(1)) for (const g of drawn(r)) g.classList.add("finding-focus");
  if (f.trace) {
    for (const h of f.trace.hops) {
      for (const g of drawn(h.address)) g.classList.add(h.passes === false ? "hop-deny" : "hop-allow");
    }
  }
}

function openFinding(address) {
  const i = state.findings.findIndex((f) => findingElements(f).some((g) => g.getAttribute("data-address") === address));
  if (i >= 0) {
    focusFinding(i);
    const li = document.querySelector(`#findings li[data-index="${i}"]`);
    if (li) li.scrollIntoView({ block: "nearest" });
  }
}

// ---- send a packet -------------------------------------------------------------------------

function clearMarks() {
  if (state.timer) { clearTimeout(state.timer); state.timer = null; }
  const root = svgRoot();
  if (!root) return;
  root.querySelectorAll(".hop-current,.hop-allow,.hop-deny,.hop-undetermined,.finding-focus").forEach((g) =>
    g.classList.remove("hop-current", "hop-allow", "hop-deny", "hop-undetermined", "finding-focus"));
  root.querySelectorAll(".packet").forEach((p) => p.remove());
}

function decisionClass(d) {
  if (d === "deny") return "hop-deny";
  if (d === "undetermined") return "hop-undetermined";
  return "hop-allow";
}

function center(g) {
  const r = g.querySelector("rect");
  return [+r.getAttribute("x") + +r.getAttribute("width") / 2, +r.getAttribute("y") + +r.getAttribute("height") / 2];
}

function renderTrace(report) {
  const result = $("#result");
  const v = report.verdict;
  const log = [];
  const sections = [el("h2", { text: "Trace" }),
    el("div", {}, el("span", { class: `verdict ${v}`, text: v }), ` ${report.source} → ${report.destination} (${report.flow.protocol}${report.flow.ports ? " " + report.flow.ports : ""}, ${report.flow.family})`)];
  if (report.reason) sections.push(el("p", { class: v === "unreachable" ? "error" : "", text: report.reason }));
  const legs = [["forward", report.forward || []], ["return", report["return"] || []]];
  for (const [name, hops] of legs) {
    if (!hops.length) continue;
    sections.push(el("div", { class: "leg", text: name === "forward" ? "forward leg" : "return leg" }));
    const ol = el("ol", { class: "hops" });
    for (const h of hops) {
      const li = el("li", { class: `d-${h.decision}`, "data-resource": h.resource || "" }, el("span", { class: "stage", text: h.stage }), " ",
        el("span", { class: "dec", text: h.decision }), ` ${h.resource}`);
      if (isEditable(h.resource)) {
        const b = el("button", { type: "button", class: "small edit-hop", title: `what if: edit the rules of ${h.resource}`, text: "edit" });
        b.addEventListener("click", () => showRules(h.resource));
        li.append(" ", b);
      }
      li.append(el("span", { class: "why", text: h.reason }));
      ol.append(li);
      log.push({ hop: h, li });
    }
    sections.push(ol);
  }
  for (const n of report.notes || []) sections.push(el("p", { class: "muted", text: `note: ${n}` }));
  result.replaceChildren(...sections);
  renderBill(report.bill);
  animate(report, log);
}

function renderBill(bill) {
  const section = $("#bill");
  if (!bill) { section.replaceChildren(); return; }
  const rows = (bill.lines || []).map((l) => el("tr", {},
    el("td", { text: `${l.item}${l.resource ? " (" + l.resource + ")" : ""}` }),
    el("td", { class: "n", text: [l.usd_per_gb != null ? `$${l.usd_per_gb.toFixed(3)}/GB` : "", l.usd_per_hour != null ? `$${l.usd_per_hour.toFixed(3)}/h` : ""].filter(Boolean).join(" + ") })));
  const total = bill.usd_per_month != null ? `$${bill.usd_per_month.toFixed(2)} per month at ${bill.gb_per_month} GB` : `$${(bill.usd_per_gb || 0).toFixed(3)} per GB`;
  section.replaceChildren(el("h2", { text: "Bill of this path" }),
    rows.length ? el("table", { class: "bill" }, ...rows) : el("p", { class: "muted", text: "no charge on this path" }),
    el("p", { text: total }), el("p", { class: "muted", text: `${bill.price_region} list prices of ${bill.price_date}` }));
}

// Lights each hop in turn (forward leg, then the return), moving a dot from box to box.
function animate(report, log) {
  clearMarks();
  const root = svgRoot();
  const within = new Set([...(report.path || []), report.source, report.destination]);
  const ns = "http://www.w3.org/2000/svg";
  let dot = null;
  if (root) {
    dot = document.createElementNS(ns, "circle");
    dot.setAttribute("class", "packet"); dot.setAttribute("r", 7); dot.setAttribute("cx", 0); dot.setAttribute("cy", 0);
    dot.style.opacity = "0";
    root.append(dot);
  }
  let i = 0;
  let previous = [];
  const step = () => {
    previous.forEach((g) => g.classList.remove("hop-current"));
    if (i >= log.length) { state.timer = null; document.body.dataset.traced = report.verdict; return; }
    const { hop, li } = log[i++];
    li.classList.add("shown");
    const targets = drawn(hop.resource, within);
    for (const g of targets) g.classList.add("hop-current", decisionClass(hop.decision));
    if (dot && targets.length) {
      const [x, y] = center(targets[0]);
      dot.style.opacity = "1";
      dot.style.transform = `translate(${x}px, ${y}px)`;
    }
    previous = targets;
    if (!document.body.dataset.fast) state.timer = setTimeout(step, 450);
  };
  if (document.body.dataset.fast) {
    // Tests and `#…&fast`: every hop at once, the last one left current.
    while (i < log.length) step();
    const last = previous;
    step();
    last.forEach((g) => g.classList.add("hop-current"));
  } else {
    step();
  }
}

async function send(ev) {
  if (ev) ev.preventDefault();
  const form = new FormData($("#packet"));
  const q = new URLSearchParams();
  for (const [k, v] of form.entries()) if (String(v).trim()) q.set(k, String(v).trim());
  const proto = q.get("protocol");
  if (proto === "icmp" || proto === "icmpv6" || proto === "all") q.delete("port");
  if (proto !== "icmp" && proto !== "icmpv6") q.delete("icmp_type");
  history.replaceState(null, "", `#${q}`);
  state.lastPacket = q.toString();
  try {
    renderTrace(await api(`/api/trace?${q}`));
  } catch (e) {
    clearMarks();
    $("#result").replaceChildren(el("h2", { text: "Trace" }), el("p", { class: "error", text: e.message }),
      e.help ? el("p", { class: "muted", text: e.help }) : "");
    $("#bill").replaceChildren();
    document.body.dataset.traced = "error";
  }
}

function protocolChanged() {
  const p = $("#protocol").value;
  $("#port-label").hidden = !(p === "tcp" || p === "udp");
  $("#icmp-label").hidden = !(p === "icmp" || p === "icmpv6");
}

// ---- what if -------------------------------------------------------------------------------

// The resources whose rules the page edits: security groups, network ACLs, route tables.
function isEditable(address) {
  return /(^|\.)aws_(default_)?(security_group|network_acl|route_table)\.[^:]*$/.test(address || "");
}

async function showRules(address) {
  $("#rules-of").value = address;
  state.rulesOf = address;
  const box = $("#rules");
  let r;
  try { r = await api(`/api/rules?of=${encodeURIComponent(address)}`); } catch (e) {
    box.replaceChildren(el("p", { class: "error", text: e.message }));
    $("#edit-form").hidden = true;
    return;
  }
  const list = el("ul");
  for (const rule of r.rules) {
    const change = el("button", { type: "button", class: "small", text: "change" });
    change.addEventListener("click", () => editForm(r.kind, address, rule));
    const remove = el("button", { type: "button", class: "small danger", text: "remove" });
    remove.addEventListener("click", () => applyEdit({ op: "remove", rule: rule.rule }));
    list.append(el("li", { "data-rule": JSON.stringify(rule.rule) }, el("span", { class: "text", text: rule.text }), change, remove));
  }
  const add = el("button", { type: "button", class: "small", id: "add-rule", text: r.kind === "route" ? "add a route" : "add a rule" });
  add.addEventListener("click", () => editForm(r.kind, address, null));
  const style = r.style === "inline" ? "inline blocks: edits are written as blocks inside the resource"
    : "separate resources: edits are written as their own resources";
  box.replaceChildren(el("p", { class: "style-note", text: `${address}: ${r.rules.length} ${r.kind === "route" ? "routes" : "rules"} · ${style}` }), list, add);
  $("#edit-form").hidden = true;
  document.body.dataset.rules = address;
}

const FORM_FIELDS = {
  sg_rule: [["direction", ["ingress", "egress"]], ["protocol", ["tcp", "udp", "icmp", "icmpv6", "all"]], ["from_port"], ["to_port"], ["cidr", null, "wide"], ["peer_group", null, "wide"]],
  nacl_rule: [["direction", ["ingress", "egress"]], ["rule_number"], ["action", ["allow", "deny"]], ["protocol", ["tcp", "udp", "icmp", "icmpv6", "all"]], ["from_port"], ["to_port"], ["cidr", null, "wide"]],
  route: [["destination", null, "wide"], ["target", null, "wide"]],
};

// The form of a new rule (`rule` null) or of a change to `rule`, pre-filled with its fields.
function editForm(kind, parent, rule) {
  const form = $("#edit-form");
  const fields = (rule && rule.fields) || {};
  const inputs = [];
  for (const [name, options, cls] of FORM_FIELDS[kind]) {
    let input;
    if (options) {
      input = el("select", { name });
      for (const o of options) input.append(el("option", { text: o }));
      if (fields[name] != null) input.value = String(fields[name]);
    } else {
      input = el("input", { name, class: cls || "" });
      if (fields[name] != null) input.value = String(fields[name]);
    }
    inputs.push(el("label", {}, `${name.replace("_", " ")} `, input));
  }
  const submit = el("button", { type: "submit", id: "apply-edit", text: rule ? "apply change" : "apply" });
  const cancel = el("button", { type: "button", class: "small", text: "cancel" });
  cancel.addEventListener("click", () => { form.hidden = true; });
  form.replaceChildren(el("div", { class: "style-note", text: rule ? `change: ${rule.text}` : `new ${kind === "route" ? "route in" : "rule of"} ${parent}` }),
    ...inputs, el("div", {}, submit, " ", cancel), el("p", { class: "error", id: "edit-error" }));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const edit = rule ? { op: "change", rule: rule.rule } : { op: "add", kind, parent };
    for (const [k, v] of new FormData(form).entries()) {
      const t = String(v).trim();
      if (!t) continue;
      edit[k] = ["from_port", "to_port", "rule_number"].includes(k) ? Number(t) : t;
    }
    applyEdit(edit);
  };
  form.hidden = false;
}

// Sends the whole list with `edit` appended (or `edits` as given); the server applies all or none.
async function applyEdit(edit, edits) {
  const list = edits || [...state.edits, edit];
  let answer;
  try { answer = await api("/api/edits", { version: 1, edits: list }); } catch (e) {
    const where = $("#edit-form").hidden ? $("#rules") : $("#edit-error");
    where.append(el("p", { class: "error", text: e.message }));
    document.body.dataset.edited = "error";
    return;
  }
  state.edits = list;
  state.applied = answer.edits;
  renderChanges(answer);
  await loadFindings(answer.findings);
  try { await loadPicture(state.vpc); } catch (e) { /* the picture stays as it was */ }
  if (state.rulesOf) await showRules(state.rulesOf);
  if (state.lastPacket) await send();
  document.body.dataset.edited = String(state.edits.length);
}

function renderChanges(answer) {
  const box = $("#changes");
  if (!answer.edits.length) {
    box.replaceChildren(el("p", { class: "muted", text: "No edits: the input as read. Edits live in memory only: nothing is written to disk." }));
    return;
  }
  const list = el("ul");
  answer.edits.forEach((a, i) => {
    const undo = el("button", { type: "button", class: "small", text: "undo" });
    undo.addEventListener("click", () => applyEdit(null, state.edits.filter((_, j) => j !== i)));
    list.append(el("li", {}, el("div", {}, el("b", { text: `${i + 1}. ` }), a.summary, " ", undo), el("pre", { class: "hcl", text: a.hcl })));
  });
  const reset = el("button", { type: "button", class: "small danger", id: "reset-edits", text: "reset all" });
  reset.addEventListener("click", () => applyEdit(null, []));
  box.replaceChildren(el("h2", { text: `Changes (${answer.edits.length}), in memory only` }),
    el("p", { class: "style-note", text: `re-linted in ${answer.lint_ms} ms · the HCL to paste into your configuration:` }), list, reset);
}


// ---- the reachability matrix -----------------------------------------------------------------

const MARK = { reachable: "✓", unreachable: "✗", indeterminate: "?", error: "!" };

async function showMatrix(ev) {
  if (ev) ev.preventDefault();
  $("#matrix").hidden = false;
  const q = new URLSearchParams();
  const protocol = $("#m-protocol").value;
  q.set("protocol", protocol);
  if (protocol === "tcp" || protocol === "udp") q.set("port", $("#m-port").value.trim());
  if (protocol === "icmp") q.set("icmp_type", "8");
  if (state.vpc) q.set("vpc", state.vpc);
  const grid = $("#matrix-grid");
  let m;
  try { m = await api(`/api/matrix?${q}`); } catch (e) {
    grid.replaceChildren(el("p", { class: "error", text: e.message }));
    return;
  }
  if (m.too_many) {
    grid.replaceChildren(el("p", { class: "muted", text: `${m.too_many} groups of workloads (more than ${m.max_groups}): pick a VPC in View first.` }));
    return;
  }
  const head = el("tr", {}, el("th", { text: "from \\ to" }));
  for (const r of m.rows) head.append(el("th", { title: r.members.join(", ") || "internet", text: r.label }));
  const body = el("tbody");
  m.rows.forEach((r, i) => {
    const tr = el("tr", {}, el("th", { title: `${r.members.join(", ") || "internet"}\nsubnets: ${r.subnets.join(", ")}\nsecurity groups: ${r.security_groups.join(", ")}`, text: r.label }));
    m.cells[i].forEach((c) => {
      if (!c) { tr.append(el("td", { class: "self", text: "" })); return; }
      const why = [`${c.from} → ${c.to}: ${c.verdict}`];
      if (c.stage) why.push(`at ${c.stage}${c.at ? " (" + c.at + ")" : ""}`);
      if (c.reason) why.push(c.reason);
      for (const a of c.assumes || []) why.push(`assumes: ${a}`);
      const td = el("td", { class: c.verdict, title: why.join("\n"), "data-from": c.from, "data-to": c.to, text: MARK[c.verdict] || "" });
      td.addEventListener("click", () => {
        $("#from").value = c.from; $("#to").value = c.to;
        $("#protocol").value = protocol; protocolChanged();
        if (protocol === "tcp" || protocol === "udp") $("#port").value = $("#m-port").value.trim();
        if (protocol === "icmp") $("#icmp_type").value = "8";
        send();
      });
      tr.append(td);
    });
    body.append(tr);
  });
  grid.replaceChildren(
    el("p", { class: "matrix-legend", text: `${m.flow}${m.vpc ? " in " + m.vpc : ""}: ✓ reachable · ✗ unreachable · ? indeterminate (unknown until apply). Each row or column stands for the workloads of one subnet set and security group set (its first member traced); hover a cell for what it assumes.` }),
    el("table", { class: "matrix" }, el("thead", {}, head), body));
  document.body.dataset.matrix = String(m.rows.length);
}

async function main() {
  $("#packet").addEventListener("submit", send);
  $("#matrix-open").addEventListener("click", () => showMatrix());
  $("#matrix-form").addEventListener("submit", showMatrix);
  $("#matrix-close").addEventListener("click", () => { $("#matrix").hidden = true; });
  $("#rules-form").addEventListener("submit", (ev) => { ev.preventDefault(); showRules($("#rules-of").value.trim()); });
  $("#protocol").addEventListener("change", protocolChanged);
  $("#vpc-select").addEventListener("change", (e) => loadPicture(e.target.value));
  $("#zoom-in").addEventListener("click", () => { state.zoom *= 1.25; applyZoom(); });
  $("#zoom-out").addEventListener("click", () => { state.zoom /= 1.25; applyZoom(); });
  $("#zoom-fit").addEventListener("click", () => {
    const svg = svgRoot(); if (!svg) return;
    const w = +svg.getAttribute("width"), box = $("#canvas").clientWidth - 20;
    state.zoom = Math.min(1, box / w); applyZoom();
  });
  // A link may carry a packet (`#from=…&to=…&protocol=tcp&port=443`): it is sent on load.
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("fast")) document.body.dataset.fast = "1";
  for (const k of ["from", "to", "protocol", "port", "icmp_type", "gb"]) if (hash.has(k)) $(`#${k}`).value = hash.get(k);
  protocolChanged();
  try { await loadPicture(hash.get("vpc") || ""); } catch (e) {
    $("#canvas").replaceChildren(el("p", { class: "error", text: e.message }));
  }
  await loadFindings();
  document.body.dataset.ready = "1";
  if (hash.has("from") && hash.has("to")) await send();
}

main();

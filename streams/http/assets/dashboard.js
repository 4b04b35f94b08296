// The live dashboard: plain SVG and DOM, no libraries, nothing fetched but the worker's own API.
// Text from messages is only ever set with textContent, never parsed as HTML.
"use strict";

const REFRESH_MS = 3000;
const SVG = "http://www.w3.org/2000/svg";
// Equirectangular projection, 85 N to 60 S, into the 960 x 387 viewBox of #map.
const SCALE = 960 / 360;
const NORTH = 85;
const QUADS = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict" };

// Times in the reader's own zone and words, to the second ("6 Dec 2026, 12:00:05").
const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const localTime = (text) => {
  const when = text ? new Date(text) : null;
  return when && !Number.isNaN(when.getTime()) ? TIME.format(when) : (text || "");
};
// A code with the name the worker labelled it with (`*_label` fields), else the code alone.
const named = (label, code) => (label ? `${label} (${code})` : code || "");
const who = (actor, label) => (actor && actor.code ? named(label, actor.code)
                                                   : (actor && actor.text) || "?");

const project = (lon, lat) => [(lon + 180) * SCALE, (NORTH - lat) * SCALE];

function el(tag, attrs = {}, text = null) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4))
                                      : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

function ringPath(ring) {
  return ring.map(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join("") + "Z";
}

function drawBasemap(world) {
  const graticule = document.getElementById("graticule");
  for (let lon = -150; lon <= 150; lon += 30) {
    const [x] = project(lon, 0);
    graticule.append(el("svg:path", { d: `M${x},0V387` }));
  }
  for (let lat = -30; lat <= 60; lat += 30) {
    const [, y] = project(0, lat);
    graticule.append(el("svg:path", { d: `M0,${y}H960` }));
  }
  const land = document.getElementById("land");
  for (const feature of world.features) {
    const d = feature.geometry.coordinates.map((polygon) => polygon.map(ringPath).join("")).join("");
    const path = el("svg:path", { d, "data-iso": feature.properties.iso_a3 });
    path.append(el("svg:title", {}, feature.properties.name));
    land.append(path);
  }
}

// One dot per place and quad class; bigger dots first so smaller ones stay visible on top.
function drawDots(events) {
  const groups = new Map();
  for (const event of events) {
    const place = event.location;
    if (!place || place.lat == null || place.lon == null) continue;
    const key = `${place.geonameid}|${event.quad_class}`;
    const group = groups.get(key) || { place, label: event.location_label || place.name,
                                       quad: event.quad_class, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  const layer = document.getElementById("dots");
  const dots = [...groups.values()].sort((a, b) => b.count - a.count).map((g) => {
    const [cx, cy] = project(g.place.lon, g.place.lat);
    const dot = el("svg:circle", {
      cx: cx.toFixed(1), cy: cy.toFixed(1), r: (3 + 2 * Math.sqrt(g.count)).toFixed(1),
      class: `dot q${g.quad}`, "data-geonameid": g.place.geonameid, "data-name": g.place.name,
      "data-quad": g.quad, "data-count": g.count,
    });
    const plural = g.count === 1 ? "event" : "events";
    dot.append(el("svg:title", {}, `${g.label}: ${g.count} ${QUADS[g.quad] || ""} ${plural}`));
    return dot;
  });
  layer.replaceChildren(...dots);
}

function drawBars(id, rows, key, label) {
  const max = Math.max(1, ...rows.map((row) => row.mentions));
  const items = rows.map((row) => {
    const item = el("li", { "data-key": key(row) });
    item.append(el("span", { class: "label", title: key(row) }, label(row)));
    item.append(el("span", { class: "bar", style: `width:${(100 * row.mentions) / max}%` }));
    item.append(el("span", { class: "value" }, row.mentions));
    return item;
  });
  document.getElementById(id).replaceChildren(...(items.length ? items
    : [el("li", { class: "empty" }, "nothing counted yet")]));
}

function drawAlerts(alerts) {
  const items = alerts.map((alert) => {
    const item = el("li", { "data-alert-id": alert.id || "" });
    const severity = alert.severity || "info";
    item.append(el("span", { class: `severity ${severity}` }, severity));
    const subject = alert.subject_label && alert.subject ? named(alert.subject_label, alert.subject.code)
                                                         : (alert.subject ? alert.subject.name : "");
    item.append(el("strong", {}, `${alert.rule || alert.kind || "alert"}`));
    item.append(document.createTextNode(subject ? ` · ${subject}` : ""));
    const observed = alert.observed != null ? `observed ${alert.observed}` : "";
    const baseline = alert.baseline != null ? ` vs ${alert.baseline}` : "";
    const created = el("time", { datetime: alert.created_at || "" }, localTime(alert.created_at));
    const meta = el("div", { class: "meta" }, `${observed}${baseline} · `);
    meta.append(created);
    item.append(meta);
    return item;
  });
  document.getElementById("alerts").replaceChildren(...(items.length ? items
    : [el("li", { class: "empty" }, "No alerts yet.")]));
}

function drawEvents(events) {
  const items = events.slice(0, 15).map((event) => {
    const item = el("li", { "data-event-id": event.event_id });
    item.append(el("span", { class: `quad q${event.quad_class}`, title: QUADS[event.quad_class] }));
    const target = event.target ? ` → ${who(event.target, event.target_label)}` : "";
    item.append(el("strong", {}, `${who(event.source, event.source_label)}${target}`));
    item.append(el("div", { class: "what" }, event.cameo_label || event.cameo_code));
    const place = event.location ? ` at ${event.location_label || event.location.name}` : "";
    const when = event.published_at ? ` · ${localTime(event.published_at)}` : "";
    item.append(el("div", { class: "meta" },
                   `${event.plover_event || ""}${place}${when} · ${event.article_id}`));
    return item;
  });
  document.getElementById("events").replaceChildren(...(items.length ? items
    : [el("li", { class: "empty" }, "No events yet.")]));
}

function drawDaily(records) {
  const items = records.map((record) => {
    const item = el("li", { "data-record-id": record.record_id });
    item.append(el("span", { class: `quad q${record.quad_class}`, title: QUADS[record.quad_class] }));
    const target = record.target ? ` → ${who(record.target, record.target_label)}` : "";
    item.append(el("strong", {}, `${who(record.source, record.source_label)}${target}`));
    item.append(el("div", { class: "what" }, record.cameo_label || record.cameo_code));
    const place = record.location ? ` at ${record.location_label || record.location.name}` : "";
    item.append(el("div", { class: "meta" }, `${record.event_date}${place} · `
      + `${record.num_articles} articles, ${record.num_sources} sources, `
      + `${record.num_mentions} mentions`));
    return item;
  });
  document.getElementById("daily").replaceChildren(...(items.length ? items
    : [el("li", { class: "empty" }, "No events yet.")]));
}

async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [events, alerts, actors, locations, daily] = await Promise.all([
      getJSON("/events/recent?n=500"), getJSON("/alerts/recent?n=50"),
      getJSON("/actors/top?n=8"), getJSON("/locations/top?n=8"), getJSON("/events/daily?n=8"),
    ]);
    drawDots(events);
    drawEvents(events);
    drawAlerts(alerts);
    drawDaily(daily);
    drawBars("top-actors", actors, (row) => row.code, (row) => named(row.code_label, row.code));
    drawBars("top-locations", locations, (row) => row.name || String(row.geonameid),
             (row) => row.place_label || row.name || String(row.geonameid));
    document.getElementById("event-count").textContent = events.length;
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
    status.classList.remove("error");
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  } catch (error) {
    status.textContent = `cannot reach the worker (${error.message}); retrying`;
    status.classList.add("error");
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

async function start() {
  try {
    drawBasemap(await getJSON("/dashboard/world.json"));
  } catch (error) {
    document.getElementById("status").textContent = `no basemap (${error.message})`;
  }
  refresh();
}

start();

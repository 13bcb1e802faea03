/* Creatives pixel: records page views and conversions, sending them to the server that
 * serves this file. Paste the snippet from `creatives customers pixel ID`; call
 * creatives('track', 'order_completed', {value: 49.9, currency: 'EUR', order_id: 'A1'}). */
(function (w, d) {
  "use strict";
  var script = d.currentScript;
  if (!script || w.__creativesPixel) return;
  w.__creativesPixel = true;

  var siteKey = script.getAttribute("data-site-key");
  var adIdParam = script.getAttribute("data-ad-id-param") || "ad_id";
  var endpoint = new URL(script.src, d.baseURI).origin + "/collect";
  var SESSION_MS = 30 * 60 * 1000;
  var MAX_BODY_CHARS = 60000; // the collector accepts 64 KB bodies
  var MAX_QUEUE = 50;
  var PREFIX = "_creatives_";
  var CAPTURED = ["utm_source", "utm_medium", "utm_campaign", "utm_term",
    "utm_content", "fbclid", "gclid", "msclkid", "ttclid"];

  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 256).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" +
      h.slice(16, 20) + "-" + h.slice(20);
  }

  // Storage can throw (private modes, quotas); the pixel then works without it.
  function load(name) {
    try { return JSON.parse(w.localStorage.getItem(PREFIX + name)); } catch (e) { return null; }
  }
  function save(name, value) {
    try { w.localStorage.setItem(PREFIX + name, JSON.stringify(value)); } catch (e) { /* full */ }
  }

  function clientId() {
    var match = d.cookie.match(/(?:^|; )_creatives_cid=([A-Za-z0-9-]+)/);
    var id = (match && match[1]) || load("cid") || uuid();
    save("cid", id);
    d.cookie = "_creatives_cid=" + id + "; path=/; max-age=34560000; SameSite=Lax";
    return id;
  }

  // A session ends after 30 minutes without events; a new ad click keeps the session but
  // replaces its attribution.
  function session(now) {
    var s = load("session");
    if (!s || now - s.last > SESSION_MS) s = { id: uuid(), attribution: {} };
    var params = new URLSearchParams(w.location.search);
    var found = {};
    CAPTURED.concat([adIdParam]).forEach(function (name) {
      var value = params.get(name);
      if (value) found[name === adIdParam ? "ad_id" : name] = value;
    });
    if (Object.keys(found).length) s.attribution = found;
    s.last = now;
    save("session", s);
    return s;
  }

  function buildEvent(name, props) {
    var now = Date.now();
    var s = session(now);
    var event = {
      event_id: uuid(), event_name: name, client_id: clientId(), session_id: s.id,
      url: w.location.href, referrer: d.referrer || null, client_time: now
    };
    Object.keys(s.attribution).forEach(function (key) { event[key] = s.attribution[key]; });
    var extra = {};
    Object.keys(props || {}).forEach(function (key) {
      if (key === "value" || key === "currency" || key === "order_id") event[key] = props[key];
      else extra[key] = props[key];
    });
    if (Object.keys(extra).length) event.properties = extra;
    return event;
  }

  function enqueue(events) {
    save("queue", (load("queue") || []).concat(events).slice(-MAX_QUEUE));
  }

  function post(events, preferBeacon) {
    var body = JSON.stringify({ site_key: siteKey, events: events });
    if (body.length > MAX_BODY_CHARS) {
      if (events.length === 1) return; // one event over 60 KB: nothing sensible to send
      var half = Math.ceil(events.length / 2);
      post(events.slice(0, half), preferBeacon);
      post(events.slice(half), preferBeacon);
      return;
    }
    if (preferBeacon && navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
    fetch(endpoint, {
      method: "POST", body: body, keepalive: true, credentials: "omit",
      headers: { "Content-Type": "text/plain;charset=UTF-8" }
    }).then(function (response) {
      // 429 and 5xx stored nothing; retry on the next page. Event ids make retries safe.
      if (response.status === 429 || response.status >= 500) enqueue(events);
    }, function () { enqueue(events); });
  }

  function retryQueue() {
    var queued = load("queue");
    if (!queued || !queued.length) return;
    save("queue", []);
    post(queued, false);
  }

  function track(name, props) { post([buildEvent(name, props)], true); }

  function api(command, name, props) {
    if (command === "track") track(name, props);
  }

  var calls = (w.creatives && w.creatives.q) || [];
  w.creatives = api;
  retryQueue();
  track("page_view");
  calls.forEach(function (args) { api.apply(null, args); });
  // A page restored from the back/forward cache runs no script again; count it here.
  w.addEventListener("pageshow", function (e) { if (e.persisted) track("page_view"); });
})(window, document);

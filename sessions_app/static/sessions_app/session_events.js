/*
 * Follows the session shown on its admin change page through the events WebSocket
 * (/ws/tech-spec/<id>, README "Events"), authenticated by the staff session cookie, and
 * keeps the timeline (#session-timeline, entries carrying data-kind and data-id) current:
 * a new message, research item, TRD version, error or state change is prepended; a change to
 * an entry already shown updates it in place. A state change gets the markup, kind and id the
 * server renders it with, so the entry shown live is the one a reload shows. Text only (textContent), never HTML: messages and
 * errors are written by an LLM agent. No inline script: loaded through the ModelAdmin's Media.
 */
(function () {
  "use strict";

  var match = window.location.pathname.match(/\/techspecsession\/([0-9a-fA-F-]{36})\/change\/?$/);
  if (!match || !("WebSocket" in window)) {
    return;
  }
  var sessionId = match[1];
  var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var base = scheme + "//" + window.location.host + "/ws/tech-spec/" + sessionId;
  var FINAL = { 4400: true, 4401: true, 4404: true, 1011: true };
  var lastCursor = null;
  var retryMs = 1000;

  function timeline() {
    return document.getElementById("session-timeline");
  }

  function setState(state) {
    var container = timeline();
    if (container) {
      container.setAttribute("data-live", state);
    }
  }

  // What an event means for the timeline: which entry (kind, id) and the line to show.
  function describe(event) {
    var d = event.data || {};
    switch (event.type) {
      case "conversation.message":
        return { kind: "message", id: d.id, text: d.role + ": " + (d.message || "") };
      case "research.added":
        return { kind: "research", id: d.id, text: "Research: " + d.technology_category };
      case "research.decided":
        return { kind: "research", id: d.id, text: "Decided " + d.technology_category + ": " + d.selected_technology };
      case "trd.stored":
        return { kind: "trd", id: d.id, text: "TRD v" + d.version + (d.quality_score ? " (quality " + d.quality_score + ")" : "") };
      case "error.logged":
        return { kind: "error", id: d.id, text: d.node + " / " + d.error_type + ": " + (d.message || "") };
      case "error.recovered":
        return { kind: "error", id: d.id, text: d.node + " / " + d.error_type + " recovered", state: "recovered" };
      case "error.reopened":
        return { kind: "error", id: d.id, text: d.node + " / " + d.error_type + " reopened", state: "open" };
      case "session.updated":
        return stateChange(event);
      default:
        return null;
    }
  }

  // A recorded status or stage change, named and worded as the server renders it
  // (sessions_app/selectors/timeline.py): kind "state", the event's seq as a uuid. A progress-only
  // tick is not a timeline entry there, so not here either.
  function stateChange(event) {
    var d = event.data || {};
    if (d.status === d.previous_status && d.current_stage === d.previous_stage) {
      return null;
    }
    var hex = Number(event.cursor).toString(16);
    var parts = [];
    [["Status", d.status, d.previous_status], ["Stage", d.current_stage, d.previous_stage]].forEach(function (c) {
      if (c[1] !== c[2]) {
        parts.push(c[0] + " " + (c[2] == null ? "" : words(c[2]) + " \u2192 ") + words(c[1]));
      }
    });
    return { kind: "state", id: "00000000-0000-0000-0000-" + ("000000000000" + hex).slice(-12), rendered: true,
             title: parts.join(" \u00b7 "), label: d.status, body: "Progress " + d.progress_percentage + "%",
             text: parts.join(" \u00b7 ") };
  }

  function words(value) {
    return String(value).replace(/_/g, " ");
  }

  // The palette the page rendered its badges with (data-palette on the container).
  function palette(container) {
    try {
      return JSON.parse(container.getAttribute("data-palette") || "{}");
    } catch (e) {
      return {};
    }
  }

  function badge(value, label, colours) {
    var span = document.createElement("span");
    span.className = "ts-badge";
    span.setAttribute("data-value", value);
    span.title = label;
    span.style.backgroundColor = (colours || {})[value] || "#4b5563";
    span.textContent = label;
    return span;
  }

  function div(className) {
    var element = document.createElement("div");
    element.className = className;
    return element;
  }

  // The same markup as the change form's server-rendered entry (text only, never HTML).
  function renderedEntry(container, entry, event) {
    var colours = palette(container);
    var element = document.createElement("li");
    element.className = "ts-tl-entry ts-tl-" + entry.kind + " timeline-live";
    element.setAttribute("data-kind", entry.kind);
    element.setAttribute("data-id", entry.id);
    element.setAttribute("data-at", event.timestamp);
    var meta = div("ts-tl-meta");
    var when = document.createElement("time");
    when.className = "ts-date";
    when.setAttribute("datetime", event.timestamp);
    when.title = new Date(event.timestamp).toLocaleString();
    when.textContent = "just now";
    meta.appendChild(when);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(badge(entry.kind, (colours.kind_labels || {})[entry.kind] || entry.kind, colours.kind));
    var main = div("ts-tl-main");
    var title = div("ts-tl-title");
    var strong = document.createElement("strong");
    strong.textContent = entry.title;
    title.appendChild(strong);
    if (entry.label) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(badge(entry.label, words(entry.label), colours.label));
    }
    main.appendChild(title);
    if (entry.body) {
      var body = div("ts-tl-body");
      body.textContent = entry.body;
      main.appendChild(body);
    }
    element.appendChild(meta);
    element.appendChild(main);
    return element;
  }

  // Entries are prepended only where the newest entries of their kind are shown: not on an
  // older page, nor under a filter that leaves the kind out.
  function shows(container, kind) {
    if (container.getAttribute("data-first-page") === "false") {
      return false;
    }
    var kinds = container.getAttribute("data-kinds");
    return !kinds || kinds.split(" ").indexOf(kind) !== -1;
  }

  function apply(event) {
    var container = timeline();
    var entry = describe(event);
    if (!container || !entry || !entry.id) {
      return;
    }
    var selector = '[data-kind="' + entry.kind + '"][data-id="' + String(entry.id).replace(/"/g, "") + '"]';
    var element = container.querySelector(selector);
    if (element && entry.rendered) {
      // already shown (rendered by the server, or live before a reconnect): a recorded change never changes
    } else if (element) {
      var summary = element.querySelector("[data-live-text]");
      if (summary) {
        summary.textContent = " " + entry.text;
      } else {
        element.setAttribute("data-live-text", entry.text);  // an entry the page rendered: keep its markup
      }
    } else if (!shows(container, entry.kind)) {
      return;
    } else if (entry.rendered) {
      element = renderedEntry(container, entry, event);
      var empty = container.querySelector(".ts-tl-empty");
      if (empty) {
        container.removeChild(empty);
      }
      container.insertBefore(element, container.firstChild);
    } else {
      element = document.createElement(container.tagName === "UL" || container.tagName === "OL" ? "li" : "div");
      element.setAttribute("data-kind", entry.kind);
      element.setAttribute("data-id", entry.id);
      element.className = "timeline-entry timeline-live";
      var when = document.createElement("time");
      when.setAttribute("datetime", event.timestamp);
      when.textContent = new Date(event.timestamp).toLocaleString();
      var text = document.createElement("span");
      text.setAttribute("data-live-text", "");
      text.textContent = " " + entry.text;
      element.appendChild(when);
      element.appendChild(text);
      container.insertBefore(element, container.firstChild);
    }
    if (entry.state) {
      element.setAttribute("data-state", entry.state);
    }
    element.setAttribute("data-cursor", String(event.cursor));
  }

  function connect() {
    var url = lastCursor === null ? base : base + "?after=" + encodeURIComponent(lastCursor);
    var socket = new WebSocket(url, ["techspec.v1"]);
    socket.addEventListener("open", function () {
      retryMs = 1000;
      setState("connected");
    });
    socket.addEventListener("message", function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (event.type !== "snapshot") {
        apply(event);
      }
      if (lastCursor === null || event.type !== "snapshot") {
        lastCursor = event.cursor;
      }
    });
    socket.addEventListener("close", function (close) {
      if (FINAL[close.code]) {
        setState("closed");
        return;
      }
      setState("reconnecting");
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  // Resume after the last event the page was rendered from (data-events-cursor, read with the
  // timeline in one statement): a change committed between the page's render and the socket's
  // snapshot is replayed, not lost. Without it, start from the snapshot.
  function start() {
    var container = timeline();
    var rendered = container ? parseInt(container.getAttribute("data-events-cursor"), 10) : NaN;
    if (!isNaN(rendered) && rendered >= 0) {
      lastCursor = rendered;
    }
    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

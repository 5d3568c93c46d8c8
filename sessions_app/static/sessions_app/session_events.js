/*
 * Follows the session shown on its admin change page through the events WebSocket
 * (/ws/tech-spec/<id>, README "Events"), authenticated by the staff session cookie, and
 * keeps the timeline (#session-timeline, entries carrying data-kind and data-id) current:
 * a new message, research item, TRD version or error is prepended; a change to an entry
 * already shown updates it in place. Text only (textContent), never HTML: messages and
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
        return { kind: "status", id: String(event.cursor),
                 text: d.status + " / " + d.current_stage + " / " + d.progress_percentage + "%" };
      default:
        return null;
    }
  }

  function apply(event) {
    var container = timeline();
    var entry = describe(event);
    if (!container || !entry || !entry.id) {
      return;
    }
    var selector = '[data-kind="' + entry.kind + '"][data-id="' + String(entry.id).replace(/"/g, "") + '"]';
    var element = container.querySelector(selector);
    if (element) {
      var summary = element.querySelector("[data-live-text]");
      if (summary) {
        summary.textContent = " " + entry.text;
      } else {
        element.setAttribute("data-live-text", entry.text);  // an entry the page rendered: keep its markup
      }
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();

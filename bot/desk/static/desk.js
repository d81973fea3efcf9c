// Wegweiser desk: confirm dangerous forms, and fetch new transcript messages every few seconds.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  var transcript = document.getElementById("transcript");
  if (!transcript) {
    return;
  }
  var number = transcript.getAttribute("data-number");
  var after = parseInt(transcript.getAttribute("data-after"), 10) || 0;
  var seconds = parseInt(transcript.getAttribute("data-poll"), 10) || 4;
  var status = document.getElementById("status");
  var busy = false;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;  // never innerHTML: the texts are the person's words
    }
    return node;
  }

  function append(message) {
    var item = element("li", "msg author-" + message.author);
    item.setAttribute("data-id", String(message.id));
    var meta = element("div", "meta", message.label + (message.name ? " (" + message.name + ")" : "") + " · " + message.at);
    if (message.undelivered) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(element("strong", "undelivered", "nicht zugestellt"));
    }
    var text = element("div", "text", message.text);
    text.setAttribute("dir", "auto");
    item.appendChild(meta);
    item.appendChild(text);
    transcript.appendChild(item);
  }

  function poll() {
    if (busy) {
      return;
    }
    busy = true;
    fetch("/tickets/" + encodeURIComponent(number) + "/messages?after=" + after, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 401) {
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) {
        return;
      }
      data.messages.forEach(function (message) {
        if (message.id > after) {
          append(message);
          after = message.id;
        }
      });
      if (status && data.status !== status.getAttribute("data-status")) {
        status.textContent = data.status_label;
        status.setAttribute("data-status", data.status);
      }
    }).catch(function () {
      // the desk is briefly unreachable: try again at the next tick
    }).finally(function () {
      busy = false;
    });
  }

  window.setInterval(poll, seconds * 1000);
});

// htmx swaps nothing when a request fails (4xx/5xx or no network), so without this the page
// would just stay as it was. Say what happened in the status region that base.html provides.
// The server's error handlers answer htmx with one plain-text sentence (debate/errors.py).
(function () {
  "use strict";

  var OFFLINE = "Could not reach Both Sides. Check your connection and try again.";
  var failedElement = null;

  function messageFor(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    if (type.indexOf("text/plain") === 0 && text && text.length <= 300) {
      return text;
    }
    if (xhr.status === 429) {
      return "Too many requests. Wait a moment, then try again.";
    }
    if (xhr.status === 401 || xhr.status === 403) {
      return "You are not allowed to do that. You may need to sign in again: reload the page.";
    }
    if (xhr.status === 404) {
      return "That is no longer here. Reload the page to see what is.";
    }
    if (xhr.status >= 500) {
      return "Something went wrong on our side. Please try again.";
    }
    return "That did not work (error " + xhr.status + "). Reload the page and try again.";
  }

  function region() {
    return document.getElementById("request-status");
  }

  function clear() {
    var box = region();
    if (box) {
      box.textContent = "";
    }
    failedElement = null;
  }

  function show(text, element) {
    var box = region();
    failedElement = element || null;
    if (!box) {
      return;
    }
    var current = box.querySelector(".request-status__message");
    if (current && current.textContent === text) {
      return; // a poll failing again should not be announced again
    }
    var message = document.createElement("p");
    message.className = "request-status__message";
    message.textContent = text;
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "request-status__dismiss";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", clear);
    box.replaceChildren(message, dismiss);
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(messageFor(event.detail.xhr), event.detail.elt);
  });
  document.addEventListener("htmx:sendError", function (event) {
    show(OFFLINE, event.detail.elt);
  });
  document.addEventListener("htmx:timeout", function (event) {
    show(OFFLINE, event.detail.elt);
  });
  // Once the element that failed succeeds, the message is out of date.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && failedElement && event.detail.elt === failedElement) {
      clear();
    }
  });
})();

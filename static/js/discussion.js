// Writing rebuttals, replies and comments, for what htmx cannot do under a strict CSP:
// - keep what a member types in localStorage (per member and form: the server writes the
//   member's id into each form's data-draft-key; signing out clears the site's storage with
//   Clear-Site-Data), restore it when the form is drawn
//   again (after a reload, or after the sign-in an expired session sends them through), and
//   forget it once the post went through;
// - let htmx swap the answers that carry a form back (422 invalid, 409 too late or twice,
//   429 over the limit), so errors show next to the field with the text kept;
// - move focus where the server says once an answer is in place.
// Without it (or without JavaScript) every form still posts and answers as a page.
(function () {
  "use strict";
  var PREFIX = "both-sides:draft:";
  // Not 400, 403, 404 or 500: in development django-htmx shows those as a whole page.
  var FORM_ERRORS = [409, 422, 429];

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: drafts are simply not kept
    }
  }

  function keyOf(form) {
    return PREFIX + form.getAttribute("data-draft-key");
  }

  function restore(root) {
    var store = storage();
    if (!store) return;
    root.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      var box = form.querySelector("textarea[name=body]");
      var draft = store.getItem(keyOf(form));
      // The draft is what the member typed last: newer than an edit form's stored text, and
      // the same as what the server echoes after a refused post.
      if (box && draft !== null && box.value !== draft) box.value = draft;
    });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    var form = box.form;
    var store = storage();
    if (!store || !form || box.name !== "body" || !form.hasAttribute("data-draft-key")) return;
    if (box.value.trim() === "") {
      store.removeItem(keyOf(form));
    } else {
      store.setItem(keyOf(form), box.value);
    }
  });

  // A post that went through (2xx, not a preview) no longer needs its draft.
  document.addEventListener("htmx:afterRequest", function (event) {
    var store = storage();
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var form = trigger && trigger.target;
    if (!store || !form || !form.hasAttribute || !form.hasAttribute("data-draft-key")) return;
    var name = trigger.submitter ? trigger.submitter.name : "";
    if (event.detail.successful && name !== "preview") {
      store.removeItem(keyOf(form));
    }
  });

  // The element that asked: the form (its submit event), else the swap's target.
  function requester(detail) {
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    return (trigger && trigger.target && trigger.target.closest) ? trigger.target : detail.target;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var source = requester(detail);
    if (FORM_ERRORS.indexOf(detail.xhr.status) === -1 || !source || !source.closest) return;
    if (source.closest("[data-swap-errors]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  // Where focus goes once an answer is in place, as the server says (HX-Trigger-After-Settle):
  // the new or changed item, or the control that opened a cancelled form.
  document.addEventListener("discussion:focus", function (event) {
    var selector = event.detail && event.detail.selector;
    var target = selector ? document.querySelector(selector) : null;
    if (!target) return;
    if (!target.matches("a[href], button, input, textarea, select, [tabindex]")) {
      target.setAttribute("tabindex", "-1"); // focusable from script, not in the tab order
    }
    target.focus();
  });

  document.addEventListener("htmx:load", function (event) {
    restore(event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () {
    restore(document);
  });
})();

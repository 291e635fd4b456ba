// Photos whose thumbnails the service is still making show a placeholder
// (data-thumbnails="pending").  While there are some, ask for this same
// page again now and then, with growing pauses, and swap in each tile
// that has become ready (or failed).  Without JavaScript the placeholder
// stays until the next visit.
(function () {
  'use strict';

  var delay = 2000;
  var MAX_DELAY = 30000;

  function pending() {
    return document.querySelectorAll('[data-thumbnails="pending"][id]');
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, 'text/html');
    pending().forEach(function (old) {
      var now = fresh.getElementById(old.id);
      if (now && now.getAttribute('data-thumbnails') !== 'pending') {
        old.replaceWith(document.importNode(now, true));
      }
    });
  }

  function check() {
    if (pending().length === 0) {
      return;
    }
    fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : ''; })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { /* the next try may work */ })
      .then(function () {
        delay = Math.min(delay * 1.5, MAX_DELAY);
        window.setTimeout(check, delay);
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (pending().length > 0) {
      window.setTimeout(check, delay);
    }
  });
}());

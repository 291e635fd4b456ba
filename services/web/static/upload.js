/* Progressive enhancement of the upload form: drag and drop, and one
 * request per file with its own progress bar.  Without this script the
 * form posts every file at once and the server answers a results page.
 * Files go one after another, not in parallel: a refreshed session must
 * not race itself. */
"use strict";
(function () {
  var form = document.getElementById("upload-form");
  var zone = document.getElementById("drop-zone");
  var queue = document.getElementById("upload-queue");
  var input = document.getElementById("file");
  if (!form || !zone || !queue || !input || !window.FormData || !window.XMLHttpRequest) {
    return;
  }

  function field(name) {
    var el = form.elements.namedItem(name);
    return el ? el.value : "";
  }

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    var bar = document.createElement("progress");
    var note = document.createElement("span");
    name.textContent = file.name + " ";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    note.className = "note";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(note);
    queue.appendChild(li);
    return { li: li, bar: bar, note: note };
  }

  function finish(item, ok, text, href) {
    item.bar.value = 100;
    item.li.className = ok ? "upload-ok" : "upload-error";
    if (!ok) {
      item.li.setAttribute("role", "alert");
    }
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      item.note.appendChild(a);
    } else {
      item.note.textContent = text;
    }
  }

  function send(files, i) {
    if (i >= files.length) {
      return;
    }
    var file = files[i];
    var item = row(file);
    var data = new FormData();
    data.append("csrf_token", field("csrf_token"));
    data.append("folder_id", field("folder_id"));
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/upload");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        item.bar.value = Math.round((e.loaded / e.total) * 100);
      }
    };
    xhr.onload = function () {
      var answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (err) {
        answer = null;
      }
      var result = answer && answer.results && answer.results[0];
      if (xhr.status === 401) {
        window.location.href = "/login?next=" + encodeURIComponent("/upload");
        return;
      }
      if (result && result.ok) {
        finish(item, true, form.dataset.done || "✓", "/photos/" + encodeURIComponent(result.photo_id));
      } else {
        finish(item, false, (result && result.message) || (answer && answer.message) || String(xhr.status));
      }
      send(files, i + 1);
    };
    xhr.onerror = function () {
      finish(item, false, form.dataset.failed || "Network error");
      send(files, i + 1);
    };
    xhr.send(data);
  }

  form.addEventListener("submit", function (e) {
    if (!input.files || input.files.length === 0) {
      return;
    }
    e.preventDefault();
    send(Array.prototype.slice.call(input.files), 0);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length > 0) {
      send(Array.prototype.slice.call(e.dataTransfer.files), 0);
    }
  });
})();

/* Progressive enhancement of the upload form: drag and drop, and one
 * request per file with its own progress bar.  Without this script the
 * form posts every file at once and the server answers a results page.
 * Files go one after another, not in parallel: a refreshed session must
 * not race itself.
 *
 * Files over data-resumable-bytes go as resumable uploads
 * (pages-upload-resumable.c): created, sent part by part (two at a time,
 * each part tried up to three times with a growing pause), completed.  The
 * upload id is kept in localStorage under the file's name, size and
 * modification time, so that after a reload choosing the same file again
 * offers to resume it: only the parts the server lacks are sent. */
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
    if (resumable(file)) {
      sendResumable(file, item, function () {
        send(files, i + 1);
      });
      return;
    }
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

  /* ---- resumable uploads ---------------------------------------------- */

  var RESUMABLE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"];
  var IN_FLIGHT = 2;
  var ATTEMPTS = 3;
  var resumableBytes = parseInt(form.dataset.resumableBytes || "0", 10);

  function resumable(file) {
    return resumableBytes > 0 && file.size > resumableBytes && RESUMABLE_TYPES.indexOf(file.type) >= 0 &&
      !!window.Promise && !!window.localStorage && !!file.slice;
  }

  function storeKey(file) {
    return "carrete-upload:" + JSON.stringify([file.name, file.size, file.lastModified]);
  }

  function remembered(file) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey(file)));
      return saved && typeof saved.upload_id === "string" ? saved : null;
    } catch (err) {
      return null;
    }
  }

  function remember(file, upload) {
    try {
      window.localStorage.setItem(storeKey(file), JSON.stringify({ upload_id: upload.upload_id }));
    } catch (err) {
      /* Private mode or full: the upload still goes, it just cannot resume. */
    }
  }

  function forget(file) {
    try {
      window.localStorage.removeItem(storeKey(file));
    } catch (err) {
      /* nothing to forget */
    }
  }

  /* One call to carrete-web: resolves {status, json} (status 0: no answer). */
  function call(method, url, body, onprogress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", field("csrf_token"));
      if (onprogress) {
        xhr.upload.onprogress = function (e) {
          onprogress(e.loaded);
        };
      }
      xhr.onload = function () {
        var json = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch (err) {
          json = null;
        }
        resolve({ status: xhr.status, json: json });
      };
      xhr.onerror = function () {
        resolve({ status: 0, json: null });
      };
      if (body instanceof Blob) {
        xhr.send(body);
      } else if (body) {
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.send(JSON.stringify(body));
      } else {
        xhr.send();
      }
    });
  }

  function messageOf(answer) {
    return (answer.json && answer.json.message) || form.dataset.failed || String(answer.status);
  }

  function uploadUrl(id, suffix) {
    return "/upload/resumable/" + encodeURIComponent(id) + (suffix || "");
  }

  function pause(ms) {
    return new Promise(function (resolve) {
      window.setTimeout(resolve, ms);
    });
  }

  /* The upload to send into: the remembered one when the visitor wants it
   * resumed and the server still has it, else a new one. */
  function open(file, item) {
    var saved = remembered(file);
    var resume = saved && window.confirm((form.dataset.resumeAsk || "Resume?").replace("{name}", file.name));
    var first = Promise.resolve(null);
    if (saved && resume) {
      first = call("GET", uploadUrl(saved.upload_id)).then(function (answer) {
        if (answer.status === 200 && answer.json && answer.json.size === file.size) {
          item.note.textContent = form.dataset.resumed || "";
          return answer.json;
        }
        forget(file);
        return null;
      });
    } else if (saved) {
      call("DELETE", uploadUrl(saved.upload_id));
      forget(file);
    }
    return first.then(function (upload) {
      if (upload) {
        return upload;
      }
      var body = { name: file.name, folder_id: field("folder_id") || null, content_type: file.type, size: file.size };
      return call("POST", "/upload/resumable", body).then(function (answer) {
        if (answer.status !== 201 || !answer.json || !answer.json.upload_id) {
          throw answer;
        }
        remember(file, answer.json);
        answer.json.parts_received = [];
        return answer.json;
      });
    });
  }

  /* Sends every part the server lacks, IN_FLIGHT at a time; resolves the
   * parts' etags by number. */
  function sendParts(file, item, upload) {
    var etags = {};
    var sent = {}; /* bytes of each part so far */
    var next = 1;
    (upload.parts_received || []).forEach(function (part) {
      etags[part.number] = part.etag;
      sent[part.number] = part.size;
    });
    function progress() {
      var total = 0;
      Object.keys(sent).forEach(function (n) {
        total += sent[n];
      });
      item.bar.value = Math.min(99, Math.round((total / file.size) * 100));
    }
    function sendPart(number, attempt) {
      var start = (number - 1) * upload.part_size;
      var blob = file.slice(start, Math.min(start + upload.part_size, file.size));
      return call("PUT", uploadUrl(upload.upload_id, "/parts/" + number), blob, function (loaded) {
        sent[number] = loaded;
        progress();
      }).then(function (answer) {
        if (answer.status === 200 && answer.json && answer.json.etag) {
          etags[number] = answer.json.etag;
          sent[number] = blob.size;
          progress();
          return null;
        }
        sent[number] = 0;
        if ((answer.status === 0 || answer.status >= 500) && attempt < ATTEMPTS) {
          item.note.textContent = form.dataset.retrying || "";
          return pause(1000 * Math.pow(2, attempt - 1)).then(function () {
            return sendPart(number, attempt + 1);
          });
        }
        throw answer;
      });
    }
    function worker() {
      while (next <= upload.part_count && etags[next]) {
        next++;
      }
      if (next > upload.part_count) {
        return Promise.resolve();
      }
      var number = next++;
      return sendPart(number, 1).then(worker);
    }
    progress();
    var workers = [];
    for (var k = 0; k < IN_FLIGHT; k++) {
      workers.push(worker());
    }
    return Promise.all(workers).then(function () {
      return etags;
    });
  }

  function sendResumable(file, item, done) {
    var upload = null;
    open(file, item)
      .then(function (opened) {
        upload = opened;
        return sendParts(file, item, upload);
      })
      .then(function (etags) {
        var parts = [];
        for (var n = 1; n <= upload.part_count; n++) {
          parts.push({ number: n, etag: etags[n] });
        }
        return call("POST", uploadUrl(upload.upload_id, "/complete"), { parts: parts });
      })
      .then(function (answer) {
        if (answer.status !== 201 || !answer.json || !answer.json.id) {
          throw answer;
        }
        forget(file);
        item.note.textContent = "";
        finish(item, true, form.dataset.done || "✓", "/photos/" + encodeURIComponent(answer.json.id));
        done();
      })
      .catch(function (answer) {
        if (answer && answer.status === 401) {
          window.location.href = "/login?next=" + encodeURIComponent("/upload");
          return;
        }
        /* A refusal (a duplicate, a bad type, a size over the limit) ends
         * the upload; a lost connection keeps it for choosing the file again. */
        if (upload && answer && answer.status >= 400 && answer.status < 500) {
          call("DELETE", uploadUrl(upload.upload_id));
          forget(file);
        }
        item.note.textContent = "";
        finish(item, false, answer && answer.status !== undefined ? messageOf(answer) : String(answer));
        done();
      });
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

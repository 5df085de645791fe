// Sūtne pages work without this script; it only adds row cloning, file dropping, upload and
// export progress, the routing preview in place, and letter status that updates by itself.
'use strict';
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;

  function rowsOf(list) { return list.querySelectorAll(':scope > .row'); }

  // Repeatable rows (parents, actions): add and remove without a round trip.
  function renumber(list) {
    var key = list.getAttribute('data-repeat');
    var rows = rowsOf(list);
    rows.forEach(function (row, i) {
      row.querySelectorAll('[name],[id],[for],[aria-describedby]').forEach(function (el) {
        ['name', 'id', 'for', 'aria-describedby'].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(new RegExp('^(f-)?' + key + '(\\[|-)\\d+'), function (_m, f, sep) { return (f || '') + key + sep + i; }));
        });
      });
      var legend = row.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(i + 1));
      row.querySelector('[data-remove-row]').hidden = false;
    });
    var counter = document.querySelector('input[name="' + (key === 'parents' ? 'parentRows' : 'actionRows') + '"]');
    if (counter) counter.value = String(rows.length);
  }
  document.querySelectorAll('[data-repeat]').forEach(renumber);
  document.querySelectorAll('[data-add-row]').forEach(function (button) {
    button.addEventListener('click', function (e) {
      e.preventDefault();
      var list = document.querySelector('[data-repeat="' + button.getAttribute('data-add-row') + '"]');
      var rows = rowsOf(list);
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll('input, textarea').forEach(function (el) { el.value = ''; el.removeAttribute('aria-invalid'); });
      copy.querySelectorAll('select').forEach(function (el) { el.selectedIndex = 0; el.removeAttribute('aria-invalid'); });
      copy.querySelectorAll('.field-error').forEach(function (el) { el.remove(); });
      copy.querySelectorAll('[aria-describedby]').forEach(function (el) { el.removeAttribute('aria-describedby'); });
      list.appendChild(copy);
      renumber(list);
      var first = copy.querySelector('input, select, textarea');
      if (first) first.focus();
    });
  });
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-remove-row]');
    if (!button) return;
    var list = button.closest('[data-repeat]');
    var row = button.closest('.row');
    if (rowsOf(list).length > 1) row.remove();
    else row.querySelectorAll('input, textarea, select').forEach(function (el) { el.value = ''; });
    renumber(list);
  });

  // Files chosen or dropped: listed by name and size.
  function listFiles(zone, input) {
    var out = zone.querySelector('[data-chosen]');
    if (!out) return;
    out.textContent = '';
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement('li');
      li.textContent = f.name + ' (' + Math.max(1, Math.round(f.size / 1024)) + ' KB)';
      out.appendChild(li);
    });
  }
  document.querySelectorAll('[data-dropzone]').forEach(function (zone) {
    var input = zone.querySelector('input[type=file]');
    input.addEventListener('change', function () { listFiles(zone, input); });
    zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      zone.classList.remove('over');
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(e.dataTransfer.files, function (f) { all.items.add(f); });
      input.files = all.files;
      listFiles(zone, input);
    });
  });

  // The page a post answered: follow its redirect, or show it (a form with errors).
  function showAnswer(xhrUrl, html, action) {
    if (xhrUrl && new URL(xhrUrl).pathname !== new URL(action, location.href).pathname) { location.assign(xhrUrl); return; }
    document.open(); document.write(html); document.close();
  }

  // Uploads with a progress bar.
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      var submitter = e.submitter;
      var op = submitter && submitter.name === 'op' ? submitter.value : 'create';
      if (op === 'preview') { e.preventDefault(); preview(form); return; }
      if (op !== 'create') return;
      e.preventDefault();
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      var box = form.querySelector('[data-progress]');
      var bar = box && box.querySelector('progress');
      if (box) box.hidden = false;
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (p) { if (bar && p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 100); });
      xhr.addEventListener('load', function () { showAnswer(xhr.responseURL, xhr.responseText, form.action); });
      xhr.addEventListener('error', function () { form.querySelectorAll('button').forEach(function (b) { b.disabled = false; }); if (box) box.hidden = true; });
      xhr.send(data);
    });
  });

  // The routing preview in place: the chosen files stay chosen.
  function preview(form) {
    var data = new FormData(form);
    data.delete('files');
    data.append('op', 'preview');
    fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('routing-preview');
        var old = document.getElementById('routing-preview');
        if (fresh && old) {
          old.replaceWith(fresh);
          fresh.scrollIntoView();
          var summary = fresh.querySelector('.error-summary');
          if (summary) summary.focus();
        }
      });
  }

  // A letter's status follows the outbox without a reload.
  var head = document.querySelector('[data-live-letter]');
  function refreshHead() {
    return fetch(location.pathname, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('.letter-head');
      var now = document.querySelector('.letter-head');
      if (fresh && now) { now.replaceWith(fresh); wire(fresh); }
    });
  }
  function follow(el) {
    var id = el.getAttribute('data-live-letter');
    // The status the page shows, not the first one polled: the letter may move on before the first poll.
    var shown = el.getAttribute('data-live-status');
    var timer = setInterval(function () {
      // A newer head replaced this one (and follows by itself).
      if (!el.isConnected) { clearInterval(timer); return; }
      fetch('/api/v1/letters/' + encodeURIComponent(id), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (letter) {
          if (!letter || !el.isConnected) return;
          if (letter.status !== shown) { shown = letter.status; clearInterval(timer); refreshHead(); }
        });
    }, 1000);
  }
  function wire(root) {
    var send = root.querySelector('form[data-send]');
    if (send) {
      send.addEventListener('submit', function (e) {
        e.preventDefault();
        send.querySelector('button').disabled = true;
        fetch(send.action, { method: 'POST', body: new URLSearchParams(new FormData(send)), credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf || '' } })
          .then(function () { return refreshHead(); });
      });
    }
    if (root.matches('[data-live-letter]')) follow(root);
  }
  if (head) wire(head);
  else { var plain = document.querySelector('.letter-head'); if (plain) wire(plain); }

  // Export: follow the archive's progress while the browser downloads it.
  var exportForm = document.querySelector('form[data-export]');
  if (exportForm && window.crypto && crypto.randomUUID) {
    exportForm.addEventListener('submit', function () {
      var id = crypto.randomUUID();
      exportForm.querySelector('input[name="exportId"]').value = id;
      var box = document.querySelector('[data-export-progress]');
      var bar = box.querySelector('progress');
      var status = box.querySelector('[data-export-status]');
      box.hidden = false;
      bar.removeAttribute('value');
      var timer = setInterval(function () {
        fetch('/api/v1/exports/' + id, { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (job) {
            if (!job) return;
            bar.max = Math.max(job.lettersTotal, 1);
            bar.value = job.state === 'done' ? bar.max : job.lettersDone;
            status.textContent = job.lettersDone + ' / ' + job.lettersTotal + ' ' + status.getAttribute('data-letters');
            if (job.state === 'done') { clearInterval(timer); status.textContent = status.getAttribute('data-done') + ' ' + job.sha256; box.setAttribute('data-state', 'done'); }
            if (job.state === 'failed') { clearInterval(timer); status.textContent = status.getAttribute('data-failed'); box.setAttribute('data-state', 'failed'); }
          });
      }, 500);
    });
  }
})();

// A stand-in for an analytics tag. consent-gate loads it only once the visitor allows
// "analytics" (and never on sensitive pages). It just shows that it ran.
(function () {
  'use strict';
  function show() {
    var status = document.getElementById('demo-analytics-status');
    if (!status || status.querySelector('.demo-ran')) {
      return;
    }
    var note = document.createElement('span');
    note.className = 'demo-ran';
    note.textContent = 'Demo analytics script ran';
    status.appendChild(document.createTextNode(' '));
    status.appendChild(note);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', show);
  } else {
    show();
  }
})();

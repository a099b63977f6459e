// Polls the progress of running jobs (index rebuild) and updates their rows; no framework, no CDN.
(function () {
  "use strict";
  function poll(row) {
    var url = row.getAttribute("data-progress-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        var table = row.closest("table");
        var names = JSON.parse((table && table.getAttribute("data-status-names")) || "{}");
        row.querySelector(".job-status").textContent = names[job.status] || job.status;
        row.querySelector("progress").value = job.percent;
        row.querySelector(".job-count").textContent = job.done + " / " + job.total;
        row.querySelector(".job-message").textContent = job.message || "";
        if (!job.finished) { window.setTimeout(function () { poll(row); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 3000); });
  }
  document.querySelectorAll("tr.job[data-finished='false']").forEach(poll);
})();

// decider's page, enhanced: submit without reloading, problems at their fields, counterfactuals applied to the
// form, presets filled in place, the chart drawn with the vendored Vega-Embed. Without this script the page works
// the same way through plain form posts and links.
"use strict";
(function () {
  const form = document.getElementById("workload");
  if (!form || !window.fetch) return;
  const result = document.getElementById("result");
  const errors = document.getElementById("errors");

  function clearErrors() {
    errors.innerHTML = "";
    form.querySelectorAll(".field.invalid").forEach((field) => {
      field.classList.remove("invalid");
      const control = field.querySelector("input, select, textarea");
      if (control) control.removeAttribute("aria-invalid");
      const slot = field.querySelector(".error");
      if (slot) slot.textContent = "";
    });
  }

  function fieldFor(location) {
    const path = location.split(":")[0];
    return form.querySelector('.field[data-path="' + CSS.escape(path) + '"]');
  }

  function showProblems(problem) {
    const list = document.createElement("ul");
    (problem.errors && problem.errors.length ? problem.errors : [{ location: "", message: problem.detail }]).forEach((entry) => {
      const text = entry.message + (entry.suggestion ? " (did you mean '" + entry.suggestion + "'?)" : "");
      const field = entry.location ? fieldFor(entry.location) : null;
      const item = document.createElement("li");
      if (field) {
        field.classList.add("invalid");
        const control = field.querySelector("input, select, textarea");
        if (control) control.setAttribute("aria-invalid", "true");
        const slot = field.querySelector(".error");
        slot.textContent = (slot.textContent ? slot.textContent + " " : "") + text;
        const link = document.createElement("a");
        link.href = "#" + (control ? control.id : "");
        link.textContent = entry.location;
        item.append(link, ": " + text);
      } else {
        item.textContent = entry.location ? entry.location + ": " + text : text;
      }
      list.append(item);
    });
    const section = document.createElement("section");
    section.className = "problems";
    const title = document.createElement("h2");
    // The problem's detail when it says more than the heading does ("the workload is not valid" would repeat it).
    const detail = problem.detail && !/^the workload is not valid\.?$/i.test(problem.detail) ? problem.detail : "";
    title.textContent = detail ? "The workload is not valid: " + detail : "The workload is not valid";
    section.append(title, list);
    errors.append(section);
    errors.focus();
  }

  function drawChart() {
    const spec = document.getElementById("cost-chart-spec");
    const target = document.getElementById("cost-chart");
    if (!spec || !target || !window.vegaEmbed) return;
    // ast: Vega interprets its expressions instead of compiling them with Function: the page's policy has no eval.
    window.vegaEmbed(target, JSON.parse(spec.textContent), { actions: false, renderer: "svg", ast: true })
      .then(() => target.setAttribute("data-drawn", "true"))
      .catch((error) => { target.textContent = "The chart could not be drawn: " + error; });
  }

  async function submit() {
    clearErrors();
    result.classList.add("busy");
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    try {
      const response = await fetch(form.dataset.result, { method: "POST", body: body, headers: headers });
      const text = await response.text();
      if (!response.ok) {
        let problem;
        try { problem = JSON.parse(text); } catch (error) { problem = { detail: response.status + " " + response.statusText }; }
        showProblems(problem);
        return;
      }
      result.innerHTML = text;
      const answer = document.getElementById("answer");
      if (answer && answer.dataset.share) history.replaceState(null, "", answer.dataset.share);
      drawChart();
      if (answer) answer.focus();
    } finally {
      result.classList.remove("busy");
    }
  }

  function fill(values) {
    form.querySelectorAll(".field[data-path]").forEach((field) => {
      const control = field.querySelector("input, select, textarea");
      if (!control || control.name === "api_key") return;
      control.value = Object.prototype.hasOwnProperty.call(values, control.name) ? values[control.name] : "";
    });
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.name === "action") {
      event.preventDefault();
      applyPreset();
      return;
    }
    event.preventDefault();
    submit();
  });

  const presetValues = document.getElementById("preset-values");
  const preset = document.getElementById("preset");
  function applyPreset() {
    if (!presetValues || !preset || !preset.value) return;
    const values = JSON.parse(presetValues.textContent)[preset.value];
    if (values) fill(values);
  }
  if (preset) preset.addEventListener("change", applyPreset);

  result.addEventListener("click", (event) => {
    const button = event.target.closest("a.apply");
    if (!button) return;
    event.preventDefault();
    fill(JSON.parse(button.dataset.values));
    submit();
  });

  window.addEventListener("load", drawChart);
})();

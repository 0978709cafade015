// schemalens studio: one value editor per column kind, shared by the cell editor and the
// insert form. Values travel as the database's text form; NULL is its own state (a pressed
// NULL button), never an empty input, so NULL and '' stay distinct.
"use strict";

window.StudioEditors = (function () {
  const { h } = window.StudioDom;
  const TRUE = ["true", "t", "1", "yes", "on"];
  const PICKERS = { date: "date", time: "time", datetime: "datetime-local" };

  // The picker's value ("2024-05-01T10:30") as the database's text ("2024-05-01 10:30:00"),
  // keeping what the picker cannot show (seconds' fraction, time zone) from the current text.
  function fromPicker(kind, picked, current) {
    if (!picked) return current;
    if (kind === "date") return picked;
    const [date, time] = kind === "datetime" ? picked.split("T") : [null, picked];
    const hms = time.length === 5 ? time + ":00" : time;
    const rest = (current || "").match(/^(?:\d{4}-\d\d-\d\d[ T])?\d\d:\d\d(?::\d\d)?(\.\d+)?\s*([+-]\d\d(?::?\d\d)?|Z)?$/);
    const zone = rest && rest[2] ? rest[2] : "";
    return (date ? date + " " : "") + hms + zone;
  }
  function toPicker(kind, text) {
    if (!text) return "";
    const m = text.match(/^(\d{4}-\d\d-\d\d)?[ T]?(\d\d:\d\d(?::\d\d)?)?/);
    if (!m) return "";
    if (kind === "date") return m[1] || "";
    if (kind === "time") return m[2] || "";
    return m[1] && m[2] ? m[1] + "T" + m[2] : "";
  }

  // -> { el, focus(), value(): text | null, error(): message | null, onEnter(fn) }
  // opts: placeholder, onChange() (after every edit), blank (a new row's field: not NULL yet)
  function valueEditor(column, initial, opts) {
    const options = opts || {};
    // A new row's field starts blank (its NULL is a choice, like any value); a cell, as it is.
    let isNull = initial === null && Boolean(column.nullable) && !options.blank;
    const listeners = [];
    const errorBox = h("div", { class: "value-error", role: "status" });
    let control; let read; let setDisabled; let validate = () => null; let focusable;

    if (column.kind === "enum" && column.values) {
      control = h("select", { class: "enum-select", "aria-label": column.name },
        column.values.map((v) => h("option", { value: v, text: v, selected: v === initial })));
      if (initial === null || !column.values.includes(initial)) control.selectedIndex = -1;
      read = () => control.value;
      setDisabled = (d) => { control.disabled = d; };
      focusable = control;
      control.addEventListener("change", () => { isNull = false; syncNull(); fire(); });
    } else if (column.kind === "bool") {
      let on = initial !== null && TRUE.includes(String(initial).toLowerCase());
      control = h("button", { type: "button", class: "toggle", role: "switch", "aria-label": column.name });
      const show = () => {
        control.setAttribute("aria-checked", String(on && !isNull));
        control.textContent = isNull ? "NULL" : on ? "true" : "false";
      };
      control.addEventListener("click", () => { on = isNull ? true : !on; isNull = false; syncNull(); show(); fire(); });
      read = () => (on ? "true" : "false");
      setDisabled = () => show();
      focusable = control;
      show();
    } else {
      const multiline = column.kind === "json" || (initial && (initial.length > 60 || initial.includes("\n")));
      const text = multiline ? h("textarea", { rows: column.kind === "json" ? 6 : 4, spellcheck: "false" })
                             : h("input", { type: "text", spellcheck: "false" });
      text.classList.add("value-text");
      if (column.kind === "json" && initial) {
        try { text.value = JSON.stringify(JSON.parse(initial), null, 2); } catch (e) { text.value = initial; }
      } else text.value = initial === null ? "" : initial;
      const parts = [text];
      if (PICKERS[column.kind]) {
        const picker = h("input", { type: PICKERS[column.kind], class: "picker", step: column.kind === "date" ? null : "1",
                                    "aria-label": "pick " + column.kind, value: toPicker(column.kind, initial) });
        picker.addEventListener("input", () => {
          text.value = fromPicker(column.kind, picker.value, text.value);
          isNull = false; syncNull(); fire();
        });
        text.addEventListener("input", () => { picker.value = toPicker(column.kind, text.value); });
        parts.push(picker);
      }
      if (column.kind === "json") {
        validate = () => {
          try { JSON.parse(text.value); return null; } catch (e) { return "not valid JSON: " + e.message; }
        };
        parts.push(h("button", { type: "button", class: "link json-format", text: "format", onclick: () => {
          try { text.value = JSON.stringify(JSON.parse(text.value), null, 2); } catch (e) { /* shown below */ }
          fire();
        } }));
      }
      text.addEventListener("input", () => { isNull = false; syncNull(); fire(); });
      text.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) { e.preventDefault(); listeners.forEach((f) => f()); }
      });
      control = h("span", { class: "value-parts" }, parts);
      read = () => text.value;
      setDisabled = (d) => { text.placeholder = d ? "NULL" : (options.placeholder || ""); text.classList.toggle("is-null", d); };
      focusable = text;
    }

    const nullBtn = column.nullable ? h("button", { type: "button", class: "set-null", title: "NULL, not an empty value",
                                                    text: "NULL", onclick: () => { isNull = !isNull; syncNull(); fire(); } }) : null;
    function syncNull() {
      if (nullBtn) nullBtn.setAttribute("aria-pressed", String(isNull));
      setDisabled(isNull);
    }
    function fire() {
      const problem = isNull ? null : validate();
      errorBox.textContent = problem || "";
      if (options.onChange) options.onChange();
    }
    syncNull();
    fire();
    const el = h("div", { class: "value-editor kind-" + column.kind, "data-kind": column.kind }, control, nullBtn, errorBox);
    return {
      el,
      focus: () => focusable.focus(),
      value: () => (isNull ? null : read()),
      error: () => (isNull ? null : validate()),
      onEnter: (fn) => listeners.push(fn),
    };
  }

  return { valueEditor };
})();

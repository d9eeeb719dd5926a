// Pick a point on a Leaflet map: fills the form's latitude/longitude fields, and follows them
// (typed by hand, or filled by the address picker). Progressive: without it the fields remain.
(() => {
  const round = (value) => Number(value).toFixed(6);

  const init = (el) => {
    if (!window.L || el.dataset.ready) return;
    el.dataset.ready = "1";
    const form = el.closest("form");
    const prefix = el.dataset.prefix || "";
    const lat = form.querySelector(`[name="${prefix}latitude"]`);
    const lon = form.querySelector(`[name="${prefix}longitude"]`);
    if (!lat || !lon) return;
    const here = () => {
      const a = parseFloat(lat.value), b = parseFloat(lon.value);
      return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
    };
    const wrapper = el.closest(".app-js-only");
    if (wrapper) wrapper.hidden = false;
    const start = here() || [parseFloat(el.dataset.centreLat) || 54.0, parseFloat(el.dataset.centreLon) || -2.0];
    const map = window.L.map(el, { scrollWheelZoom: false }).setView(start, here() ? 17 : 13);
    window.L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    let marker = null;
    const place = (point, pan) => {
      if (!point) return;
      if (marker) marker.setLatLng(point); else marker = window.L.marker(point, { keyboard: false }).addTo(map);
      if (pan) map.setView(point, Math.max(map.getZoom(), 17));
    };
    place(here(), false);
    map.on("click", (event) => {
      lat.value = round(event.latlng.lat);
      lon.value = round(event.latlng.lng);
      place([event.latlng.lat, event.latlng.lng], false);
      const details = lat.closest("details");
      if (details) details.open = true;
      form.dispatchEvent(new CustomEvent("place-picked", { bubbles: true }));
    });
    const follow = () => place(here(), true);
    lat.addEventListener("change", follow);
    lon.addEventListener("change", follow);
    form.addEventListener("place-picked", follow);
  };

  const all = () => document.querySelectorAll("[data-map-picker]").forEach(init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
})();

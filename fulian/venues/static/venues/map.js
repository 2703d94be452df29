// Venues on a Leaflet map. Tiles come from the page's data-tiles (a setting); with none,
// the markers show on a plain background. No external URL is ever loaded.
(function () {
  "use strict";
  var el = document.getElementById("venue-map");
  var data = document.getElementById("venue-markers");
  if (!el || !data || typeof L === "undefined") { return; }
  var markers = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false });
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
  var bounds = [];
  markers.forEach(function (m) {
    var icon = L.divIcon({
      // A 44 px tap target around a small dot (phones: WCAG 2.5.5).
      className: "venue-marker-hit", iconSize: [44, 44],
      html: '<div class="venue-marker ' + m.type + (m.model ? " model" : "") + '"></div>'
    });
    var marker = L.marker([m.lat, m.lng], { icon: icon, title: m.name }).addTo(map);
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name + " · " + m.type_label;
    marker.bindPopup(link);
    bounds.push([m.lat, m.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  } else {
    map.setView([34.58, 105.72], 10); // 秦州区
  }
  el.setAttribute("data-ready", String(markers.length));
})();

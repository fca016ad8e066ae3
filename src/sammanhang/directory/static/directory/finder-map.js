// The map of the results on this page: an enhancement only. The list on the page holds
// every result; the map is shown only when Leaflet and the markers have loaded.
document.addEventListener("DOMContentLoaded", function () {
  var container = document.getElementById("finder-map");
  var data = document.getElementById("finder-map-points");
  if (!container || !data || typeof L === "undefined") {
    return;
  }
  var points = JSON.parse(data.textContent);
  if (!points.length) {
    return;
  }
  container.hidden = false;
  // Leaflet guesses the marker images' folder from its CSS, which fails once collectstatic
  // has renamed the images with hashes; the unhashed copies are served too.
  L.Icon.Default.imagePath = container.dataset.imagePath;
  // Respect "reduce motion": no fading or zoom animation then.
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var map = L.map(container, {
    zoomControl: false,
    // The page scrolls past the map without zooming it; the zoom buttons and keys zoom.
    scrollWheelZoom: false,
    fadeAnimation: !still,
    zoomAnimation: !still,
    markerZoomAnimation: !still,
  });
  L.control
    .zoom({ zoomInTitle: container.dataset.zoomIn, zoomOutTitle: container.dataset.zoomOut })
    .addTo(map);
  L.tileLayer(container.dataset.tilesUrl, {
    attribution: container.dataset.attribution,
    maxZoom: 18,
  }).addTo(map);
  var bounds = [];
  points.forEach(function (point) {
    var popup = document.createElement("div");
    var heading = document.createElement("strong");
    heading.textContent = point.place;
    popup.appendChild(heading);
    var list = document.createElement("ul");
    point.items.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      entry.appendChild(link);
      list.appendChild(entry);
    });
    popup.appendChild(list);
    L.marker([point.lat, point.lon], { title: point.place, alt: point.place })
      .bindPopup(popup)
      .addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
});

// "Use my position": an enhancement only. Without JavaScript (or without geolocation) the
// button stays hidden and the near field does the same job.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-near-me]");
  if (!box || !("geolocation" in navigator)) {
    return;
  }
  var form = box.closest("form");
  var button = box.querySelector("button");
  var status = box.querySelector("[data-near-me-status]");
  var near = form.querySelector("[name=near]");
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  if (!form || !button || !lat || !lon) {
    return;
  }
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = box.dataset.locating;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        // About 10 metres is close enough to measure distances, and says less about where
        // someone lives than the full precision.
        lat.value = position.coords.latitude.toFixed(4);
        lon.value = position.coords.longitude.toFixed(4);
        // A typed place wins over coordinates, so clear it for the position to count.
        if (near) {
          near.value = "";
        }
        var sort = form.querySelector("select[name=sort]");
        if (sort && sort.querySelector("option[value=distance]")) {
          sort.value = "distance";
        }
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      },
      function () {
        status.textContent = box.dataset.failed;
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
    );
  });
});

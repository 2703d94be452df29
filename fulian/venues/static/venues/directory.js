// The public directory: choosing a town reloads the village list; "near me" asks the
// browser for the phone's location and submits it. Nothing leaves the page but the query.
(function () {
  "use strict";
  var form = document.getElementById("directory-form");
  if (!form) { return; }
  var town = document.getElementById("id_town");
  var village = document.getElementById("id_village");
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_lng");
  if (town) {
    town.addEventListener("change", function () {
      if (village) { village.value = ""; }
      lat.value = ""; lng.value = "";
      form.submit();
    });
  }
  document.getElementById("search-button").addEventListener("click", function () {
    lat.value = ""; lng.value = "";
  });
  document.getElementById("near-button").addEventListener("click", function () {
    var error = document.getElementById("geo-error");
    if (!navigator.geolocation) { error.classList.remove("d-none"); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      if (town) { town.value = ""; }
      if (village) { village.value = ""; }
      form.submit();
    }, function () { error.classList.remove("d-none"); }, { enableHighAccuracy: false, timeout: 10000 });
  });
})();

// Vitrine's product pages: "Closest to me" orders the shops from the
// phone's position, when the shopper asks and allows it. Without this
// script the page works the same, ordered from the poster's shop or the
// town centre (src/hub/vtr-hub-web.c). The position goes to the hub in
// the address only; the hub keeps it nowhere.
(function () {
  'use strict';
  var button = document.getElementById('near-me');
  var status = document.getElementById('near-me-status');

  if (!button || !navigator.geolocation)
    return;
  button.hidden = false;
  button.addEventListener('click', function () {
    button.disabled = true;
    status.textContent = button.getAttribute('data-waiting');
    navigator.geolocation.getCurrentPosition(function (position) {
      var params = new URLSearchParams(window.location.search);

      params.set('lat', position.coords.latitude.toFixed(5));
      params.set('lon', position.coords.longitude.toFixed(5));
      window.location.search = params.toString();
    }, function () {
      button.disabled = false;
      status.textContent = button.getAttribute('data-refused');
    }, { timeout: 15000, maximumAge: 60000 });
  });
}());

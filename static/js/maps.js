/* The maps (templates/includes/map.html), drawn with Leaflet (static/vendor/leaflet/).
 *
 * Each `[data-map]` element is one map; its block stays hidden without JavaScript (the page's
 * list is then the whole answer). Its data come from data-* attributes, never from inline
 * script (the CSP forbids it):
 * - data-points: the id of a `json_script` with [{lat, lon, title, url, detail, sessions,
 *   approximate}] (`sessions`: how many sessions are held at that place);
 * - data-source: a GeoJSON FeatureCollection to fetch (the programme's `.geojson` feed);
 * - data-picker-lat / data-picker-lon: the latitude and longitude inputs a draggable marker
 *   fills in, both ways;
 * - data-cluster: group nearby markers (leaflet.markercluster).
 * Every text is set with textContent: titles come from organisers.
 */
(function () {
  "use strict";

  var FRANCE = [46.6, 2.4];

  function icon(element) {
    return L.icon({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
  }

  function status(element, text) {
    var line = document.getElementById(element.id + "-status");
    if (line) {
      line.textContent = text;
    }
  }

  function createMap(element) {
    // Show the map's block and any block around it (a heading): Leaflet measures its container.
    for (var block = element; block; block = block.parentElement.closest("[data-map-block]")) {
      if (block.hasAttribute("data-map-block")) {
        block.hidden = false;
      }
      if (!block.parentElement) {
        break;
      }
    }
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.tilesAttribution,
      maxZoom: 18,
      minZoom: 2,
    }).addTo(map);
    map.setView(FRANCE, 5);
    return map;
  }

  function popup(point) {
    var box = document.createElement("div");
    var title;
    if (point.url) {
      title = document.createElement("a");
      title.href = point.url;
    } else {
      title = document.createElement("strong");
    }
    title.textContent = point.title;
    box.appendChild(title);
    [
      point.sessions > 1 ? point.sessions + " séances ici" : "",
      point.detail,
      point.approximate ? "Emplacement approximatif" : "",
    ].forEach(function (text) {
      if (text) {
        var line = document.createElement("p");
        line.textContent = text;
        box.appendChild(line);
      }
    });
    return box;
  }

  function showPoints(element, points) {
    var map = createMap(element);
    var layer =
      element.hasAttribute("data-cluster") && L.markerClusterGroup
        ? L.markerClusterGroup({ showCoverageOnHover: false })
        : L.featureGroup();
    var markerIcon = icon(element);
    points.forEach(function (point) {
      layer.addLayer(
        L.marker([point.lat, point.lon], {
          icon: markerIcon,
          title: point.title,
          alt: point.title,
        }).bindPopup(popup(point))
      );
    });
    map.addLayer(layer);
    if (points.length) {
      map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [24, 24] });
    }
    element.dataset.markers = String(points.length);
    status(
      element,
      points.length
        ? points.length + (points.length > 1 ? " lieux sur la carte." : " lieu sur la carte.")
        : "Aucun lieu à afficher sur la carte."
    );
  }

  // One Feature per session: the sessions of an event held at the same point share a marker.
  function fromFeatures(collection) {
    var points = [];
    var byPlace = {};
    (collection.features || []).forEach(function (feature) {
      if (!feature.geometry || feature.geometry.type !== "Point") {
        return;
      }
      var properties = feature.properties || {};
      var place = [properties.url, feature.geometry.coordinates.join(",")].join(" ");
      if (byPlace[place]) {
        byPlace[place].sessions += 1;
        return;
      }
      byPlace[place] = {
        lon: feature.geometry.coordinates[0],
        lat: feature.geometry.coordinates[1],
        title: properties.title || "",
        url: properties.url || "",
        detail: [properties.venue, properties.city].filter(Boolean).join(", "),
        sessions: 1,
        approximate: Boolean(properties.approximate),
      };
      points.push(byPlace[place]);
    });
    return points;
  }

  function picker(element) {
    var latitude = document.getElementById(element.dataset.pickerLat);
    var longitude = document.getElementById(element.dataset.pickerLon);
    if (!latitude || !longitude) {
      return;
    }
    var map = createMap(element);
    var read = function () {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lon = parseFloat(longitude.value.replace(",", "."));
      return isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
    };
    var start = read();
    var marker = L.marker(start || FRANCE, {
      icon: icon(element),
      draggable: true,
      title: "Emplacement de la séance (déplaçable)",
      alt: "Emplacement de la séance",
    }).addTo(map);
    map.setView(start || FRANCE, start ? 16 : 5);
    var write = function (point) {
      latitude.value = point.lat.toFixed(6);
      longitude.value = point.lng.toFixed(6);
      element.dataset.moved = "true";
      status(element, "Point déplacé : les champs latitude et longitude ont été mis à jour.");
    };
    marker.on("dragend", function () {
      write(marker.getLatLng());
    });
    map.on("click", function (event) {
      marker.setLatLng(event.latlng);
      write(event.latlng);
    });
    [latitude, longitude].forEach(function (input) {
      input.addEventListener("change", function () {
        var point = read();
        if (point) {
          marker.setLatLng(point);
          map.panTo(point);
        }
      });
    });
  }

  function init(element) {
    if (element.dataset.pickerLat) {
      picker(element);
    } else if (element.dataset.points) {
      var data = document.getElementById(element.dataset.points);
      showPoints(element, data ? JSON.parse(data.textContent) : []);
    } else if (element.dataset.source) {
      fetch(element.dataset.source, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (collection) {
          showPoints(element, fromFeatures(collection));
        })
        .catch(function () {
          status(element, "La carte n’a pas pu être chargée : la liste reste complète.");
        });
    }
  }

  function start() {
    if (!window.L) {
      return;
    }
    document.querySelectorAll("[data-map]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

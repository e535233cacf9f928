/* Deep zoom of a page scan: OpenSeadragon over the scan's Deep Zoom tiles, the
   articles' areas on top, tappable and reachable by keyboard at every zoom.

   The page first shows the plain responsive scan (a fast first paint); the
   viewer and its library load only when the reader asks to zoom: ＋, a pinch
   or a double tap on the scan, or the 放大查看 button among the tools. Without
   this script, or when the tiles cannot be had, the plain scan and zoom.js stay.

   Markup (the page template's scan figure, plus two attributes):
     <figure class="scan" data-zoom data-deepzoom="/media/deepzoom/….dzi"
             data-deepzoom-viewer="/static/vendor/openseadragon/openseadragon.min.js">
       [data-zoom-tools] with the ＋ button (data-zoom-step="1") and 放大查看 (data-deepzoom-action="open"),
       [data-zoom-viewport] holding the scan and its SVG areas (a.area > rect, polygon; in percent).
   Load it before zoom.js or after: it listens first, on the figure. */
(function () {
  "use strict";
  var loading = null;
  var DOUBLE_TAP_MS = 350, DOUBLE_TAP_PX = 30;

  function loadLibrary(src) {
    if (window.OpenSeadragon) return Promise.resolve(window.OpenSeadragon);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () { resolve(window.OpenSeadragon); };
        script.onerror = function () { loading = null; reject(new Error("OpenSeadragon did not load")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // Each shape of each area (an <a> holding <rect>s and <polygon>s, in percent of the page),
  // as its bounding box and, for a polygon, its outline inside that box (in percent of the box).
  function areasOf(root) {
    var out = [];
    Array.prototype.forEach.call(root.querySelectorAll(".scan-areas a"), function (link, article) {
      Array.prototype.forEach.call(link.querySelectorAll("rect, polygon"), function (shape, n) {
        var area = {
          article: article,
          first: n === 0,
          href: link.getAttribute("href"),
          label: link.getAttribute("aria-label") || link.textContent.trim()
        };
        if (shape.tagName.toLowerCase() === "rect") {
          area.x = Number(shape.getAttribute("x")) / 100;
          area.y = Number(shape.getAttribute("y")) / 100;
          area.w = Number(shape.getAttribute("width")) / 100;
          area.h = Number(shape.getAttribute("height")) / 100;
        } else {
          var points = shape.getAttribute("points").trim().split(/\s+/).map(function (p) {
            var xy = p.split(",");
            return [Number(xy[0]) / 100, Number(xy[1]) / 100];
          });
          var xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
          area.x = Math.min.apply(null, xs);
          area.y = Math.min.apply(null, ys);
          area.w = Math.max.apply(null, xs) - area.x;
          area.h = Math.max.apply(null, ys) - area.y;
          area.outline = points.map(function (p) {
            return [100 * (p[0] - area.x) / area.w, 100 * (p[1] - area.y) / area.h];
          });
        }
        if (area.w > 0 && area.h > 0) out.push(area);
      });
    });
    return out;
  }

  function button(action, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.setAttribute("data-deepzoom-action", action);
    b.textContent = text;
    return b;
  }

  var SVG = "http://www.w3.org/2000/svg";

  // A polygon's link is clipped to its outline (a clip path set through the CSSOM, which the
  // Content-Security-Policy allows), so only the polygon itself takes taps; a clipped element
  // shows no CSS outline, so the outline is drawn by an SVG polygon inside it.
  function clipToPolygon(link, outline) {
    link.classList.add("deepzoom-area-polygon");
    link.style.clipPath = "polygon(" + outline.map(function (p) { return p[0] + "% " + p[1] + "%"; }).join(", ") + ")";
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var polygon = document.createElementNS(SVG, "polygon");
    polygon.setAttribute("points", outline.map(function (p) { return p[0] + "," + p[1]; }).join(" "));
    svg.appendChild(polygon);
    link.appendChild(svg);
  }

  // The overlays sit in OpenSeadragon's canvas, which clips and never scrolls: focus on an area
  // outside the view must not scroll it (the tiles would no longer lie under their areas).
  function unscroll(node, stage) {
    for (; node && node !== stage.parentNode; node = node.parentNode) {
      if (node.scrollTop) node.scrollTop = 0;
      if (node.scrollLeft) node.scrollLeft = 0;
    }
  }

  // A tap on an area opens its article. The viewer takes the pointer events a plain link would
  // need (to pan and pinch over areas as anywhere else), and tells a tap from a drag: its quick
  // click is followed to the area under it (a polygon's clip path counts, so a tap in a
  // bitten-out corner reaches what lies beneath).
  function followTaps(viewer) {
    viewer.addHandler("canvas-click", function (event) {
      var e = event.originalEvent;
      if (!event.quick || !e || e.clientX === undefined) return;
      var hit = document.elementFromPoint(e.clientX, e.clientY);
      var link = hit && hit.closest && hit.closest(".deepzoom-area");
      if (!link) return;
      event.preventDefaultAction = true;
      window.location.assign(link.href);
    });
  }

  // Every shape of every article is a link to it over the tiles, at every zoom. Each article is
  // one Tab stop (its first shape); its other shapes are the same link for a pointer or a
  // screen reader's touch.
  function addAreas(viewer, areas) {
    var item = viewer.world.getItemAt(0), size = item.getContentSize();
    var stage = viewer.element;
    areas.forEach(function (area) {
      var link = document.createElement("a");
      link.className = "deepzoom-area";
      link.href = area.href;
      link.draggable = false;
      link.setAttribute("aria-label", area.label);
      link.setAttribute("data-article", String(area.article));
      link.title = area.label;
      if (!area.first) link.tabIndex = -1;
      if (area.outline) clipToPolygon(link, area.outline);
      var location = item.imageToViewportRectangle(area.x * size.x, area.y * size.y, area.w * size.x, area.h * size.y);
      viewer.addOverlay({ element: link, location: location });
      // Enter, or a screen reader's activation, is a click event on the link with no pointer
      // behind it (detail 0), which the viewer cancels like every click inside it: it is followed
      // here. A pointer's tap is the viewer's (see followTaps), so the end of a drag opens nothing.
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (event.detail === 0) window.location.assign(link.href);
      });
      link.addEventListener("focus", function () {
        unscroll(link.parentNode, stage);
        Array.prototype.forEach.call(stage.querySelectorAll(".deepzoom-area[data-article='" + area.article + "']"),
          function (shape) { shape.classList.add("is-focused"); });
        // A keyboard reader's area comes into view, at the zoom they chose.
        var view = viewer.viewport.getBounds(true);
        if (!view.containsPoint(location.getTopLeft()) || !view.containsPoint(location.getBottomRight())) {
          viewer.viewport.panTo(location.getCenter());
        }
      });
      link.addEventListener("blur", function () {
        Array.prototype.forEach.call(stage.querySelectorAll(".deepzoom-area.is-focused"),
          function (shape) { shape.classList.remove("is-focused"); });
      });
    });
  }

  // OpenSeadragon adds an inline stylesheet that hides the keyboard focus outline on touch
  // screens. Focus stays visible here, and the Content-Security-Policy refuses inline styles
  // anyway: while the viewer is made, that one stylesheet is not added.
  function withoutFocusHidingStyle(OSD, options) {
    var head = document.head;
    head.appendChild = function (node) {
      if (node.hasAttribute && node.hasAttribute("data-openseadragon-mobile-css")) return node;
      return Node.prototype.appendChild.call(head, node);
    };
    try {
      return OSD(options);
    } finally {
      delete head.appendChild;
    }
  }

  function zoomAt(viewer, focus) {
    if (!focus) return;
    var item = viewer.world.getItemAt(0), size = item.getContentSize();
    var point = item.imageToViewportCoordinates(focus.x * size.x, focus.y * size.y);
    viewer.viewport.zoomBy(focus.zoom || 2, point, true);
    viewer.viewport.applyConstraints(true);
  }

  function close(root) {
    var state = root._deepzoom;
    if (!state) return;
    root._deepzoom = null;
    if (state.viewer) state.viewer.destroy();
    state.host.parentNode.removeChild(state.host);
    state.viewport.hidden = false;
    if (state.tools) state.tools.hidden = false;
    root.classList.remove("is-deepzoom");
    var again = root.querySelector("[data-deepzoom-action=open]");
    if (again) again.focus();
  }

  function open(root, focus) {
    if (root._deepzoom) {
      return root._deepzoom.ready.then(function (viewer) { zoomAt(viewer, focus); return viewer; });
    }
    var viewport = root.querySelector("[data-zoom-viewport]");
    var tools = root.querySelector("[data-zoom-tools]");
    var host = document.createElement("div");
    host.className = "deepzoom";
    host.setAttribute("role", "region");
    host.setAttribute("aria-label", "版面放大查看");
    var bar = document.createElement("div");
    bar.className = "deepzoom-tools";
    [["out", "－ 缩小"], ["in", "＋ 放大"], ["full", "全屏"], ["close", "关闭放大"]].forEach(function (b) {
      bar.appendChild(button(b[0], b[1]));
    });
    var stage = document.createElement("div");
    stage.className = "deepzoom-stage";
    host.appendChild(bar);
    host.appendChild(stage);
    viewport.parentNode.insertBefore(host, viewport);
    viewport.hidden = true;
    if (tools) tools.hidden = true;
    root.classList.add("is-deepzoom");
    var state = root._deepzoom = { host: host, viewport: viewport, tools: tools, viewer: null };

    bar.addEventListener("click", function (event) {
      var b = event.target.closest("button");
      if (!b || !state.viewer) return;
      var action = b.getAttribute("data-deepzoom-action"), viewer = state.viewer;
      if (action === "in") viewer.viewport.zoomBy(1.6);
      else if (action === "out") viewer.viewport.zoomBy(1 / 1.6);
      else if (action === "full") viewer.setFullScreen(!viewer.isFullPage());
      else if (action === "close") close(root);
      if (action !== "close") viewer.viewport.applyConstraints();
    });

    state.ready = loadLibrary(root.getAttribute("data-deepzoom-viewer")).then(function (OSD) {
      var viewer = state.viewer = withoutFocusHidingStyle(OSD, {
        element: stage,
        tileSources: root.getAttribute("data-deepzoom"),
        showNavigationControl: false,
        // The 2D canvas draws scans well on every phone; WebGL adds nothing for a flat page.
        drawer: "canvas",
        maxZoomPixelRatio: 2,
        visibilityRatio: 1,
        constrainDuringPan: true,
        gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true, scrollToZoom: true },
        gestureSettingsTouch: { pinchToZoom: true, dblClickToZoom: true, flickEnabled: true }
      });
      return new Promise(function (resolve, reject) {
        viewer.addOnceHandler("open", function () {
          addAreas(viewer, areasOf(root));
          followTaps(viewer);
          zoomAt(viewer, focus);
          resolve(viewer);
        });
        viewer.addOnceHandler("open-failed", function (event) { reject(new Error(event.message)); });
      });
    }).catch(function (error) {
      // No tiles or no library: back to the plain scan, which still zooms with zoom.js.
      root.removeAttribute("data-deepzoom");
      close(root);
      throw error;
    });
    bar.querySelector("[data-deepzoom-action=in]").focus({ preventScroll: true });
    // The viewer is what the reader asked for: all of it on screen (it is never taller than the screen).
    host.scrollIntoView({ block: "nearest" });
    return state.ready;
  }

  function fractionAt(viewport, clientX, clientY) {
    var image = viewport.querySelector("img") || viewport, rect = image.getBoundingClientRect();
    return {
      x: Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)),
      y: Math.min(1, Math.max(0, (clientY - rect.top) / rect.height))
    };
  }

  function setup(root) {
    var viewport = root.querySelector("[data-zoom-viewport]");
    var tools = root.querySelector("[data-zoom-tools]");
    if (!viewport || !tools) return;
    // The page template puts 放大查看 among the hidden tools, so that their room is kept from the first paint.
    var start = tools.querySelector("[data-deepzoom-action=open]");
    if (!start) tools.appendChild(start = button("open", "放大查看"));
    tools.hidden = false;

    function openAt(focus) {
      if (!root.hasAttribute("data-deepzoom")) return false;
      open(root, focus).catch(function () {});
      return true;
    }
    // Listening on the figure, capturing: these run before zoom.js's listeners inside it.
    root.addEventListener("click", function (event) {
      var b = event.target.closest("[data-zoom-tools] button");
      if (!b) return;
      // 放大查看 shows the whole page in the viewer; ＋ also zooms in on its top half, where reading starts.
      var focus = b === start ? null : b.getAttribute("data-zoom-step") === "1" ? { x: 0.5, y: 0.25, zoom: 2 } : undefined;
      if (focus !== undefined && openAt(focus)) event.stopPropagation();
    }, true);
    root.addEventListener("touchstart", function (event) {
      if (event.touches.length !== 2 || !viewport.contains(event.target)) return;
      var t = event.touches;
      var focus = fractionAt(viewport, (t[0].clientX + t[1].clientX) / 2, (t[0].clientY + t[1].clientY) / 2);
      focus.zoom = 2;
      if (openAt(focus)) event.stopPropagation();
    }, { capture: true, passive: true });
    var lastTap = null;
    root.addEventListener("touchend", function (event) {
      if (event.touches.length || event.changedTouches.length !== 1 || !viewport.contains(event.target)) return;
      if (event.target.closest && event.target.closest("a")) return; // a tap on an area opens its article
      var t = event.changedTouches[0], now = Date.now();
      if (lastTap && now - lastTap.time < DOUBLE_TAP_MS &&
          Math.abs(t.clientX - lastTap.x) < DOUBLE_TAP_PX && Math.abs(t.clientY - lastTap.y) < DOUBLE_TAP_PX) {
        lastTap = null;
        var focus = fractionAt(viewport, t.clientX, t.clientY);
        focus.zoom = 2.5;
        if (openAt(focus)) event.preventDefault();
      } else {
        lastTap = { time: now, x: t.clientX, y: t.clientY };
      }
    }, { capture: true, passive: false });
    viewport.addEventListener("dblclick", function (event) {
      if (event.target.closest && event.target.closest("a")) return;
      var focus = fractionAt(viewport, event.clientX, event.clientY);
      focus.zoom = 2.5;
      if (openAt(focus)) event.preventDefault();
    });
  }

  function setupAll() {
    var roots = document.querySelectorAll("[data-zoom][data-deepzoom]");
    for (var i = 0; i < roots.length; i++) if (!roots[i]._deepzoomReady) { roots[i]._deepzoomReady = true; setup(roots[i]); }
  }

  window.UnionpaperDeepZoom = {
    open: open,
    close: close,
    setup: setupAll,
    viewer: function (root) { return root._deepzoom && root._deepzoom.viewer; }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupAll);
  else setupAll();
})();

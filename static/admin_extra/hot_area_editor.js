// The page form's hot-area editor (articles/admin/hot_area_editor.py; docs/hot-areas.md, "Editor").
//
// The scan is drawn on by Annotorious (static/vendor/annotorious). Each
// article's shapes live in the hidden box of its row in the page form's
// article table (articles-N-hot_areas), as the list of shapes the article
// stores: {"type": "rect"|"polygon", "points": [[x, y], ...]} in page
// fractions. A box is written only when that article's shapes change, so the
// form saves them with everything else, under the same checks.
//
// Annotorious works in the scan's pixels; the boxes hold fractions of the
// page. The list beside the scan is the keyboard's way in: every shape is a
// button there (arrows move it, shift+arrows resize it, Delete removes it).
//
// Nothing drawn is lost unsaid: a save with shapes under 未分配 or proposals
// neither accepted nor rejected stops and lists them (or discards them when
// asked), and leaving the page with changes not saved asks first.
(function () {
  "use strict";

  var root = document.getElementById("hot-area-editor");
  var dataNode = document.getElementById("hot-area-editor-data");
  if (!root || !dataNode || !window.Annotorious) {
    return;
  }
  var A = window.Annotorious;
  var data = JSON.parse(dataNode.textContent);
  var form = root.closest("form");
  var img = root.querySelector(".hae-scan");
  var viewport = root.querySelector(".hae-viewport");
  var panel = root.querySelector(".hae-panel");
  var statusLine = root.querySelector(".hae-status");
  var alertLine = root.querySelector(".hae-alert");
  var zoomLabel = root.querySelector(".hae-zoom-level");
  var unsettledBox = root.querySelector(".hae-unsettled");
  // The areas of drafts started from a region: not rows of the article table, so a box of their own.
  var draftsInput = data.drafts_input ? document.getElementById(data.drafts_input) : null;

  var STEP = 0.005; // an arrow key moves or resizes by half a percent of the page
  var FINE = 0.001; // with Alt, a tenth of that
  var MIN = 0.002; // no side shorter than this
  var ZOOMS = [1, 1.5, 2, 3, 4, 6];

  var articles = new Map(); // id -> {id, title, colour, input, draft, written, baseline, unsaved, url, errors}
  var order = []; // article ids, as the page lists them
  var meta = new Map(); // annotation id -> {article: id|null, kind: "area"|"proposal"|"locked", matched}
  var proposals = new Map(); // article id -> matched share, while its proposal waits
  var notFound = [];
  var current = null; // the article new shapes go to
  var selected = null; // the selected annotation id
  var mode = "select";
  var zoom = 1;
  var anno = null;
  var counter = 0;
  var submitter = null; // the save button pressed while shapes were left unsettled
  var submitting = false; // the form is on its way: leaving is saving

  // --- Shapes: page fractions <-> Annotorious selectors --------------------------------------

  function round(v) {
    return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
  }

  function bounds(points) {
    var xs = points.map(function (p) { return p[0]; });
    var ys = points.map(function (p) { return p[1]; });
    return {
      minX: Math.min.apply(null, xs), minY: Math.min.apply(null, ys),
      maxX: Math.max.apply(null, xs), maxY: Math.max.apply(null, ys),
    };
  }

  function selectorOf(shape) {
    var W = img.naturalWidth, H = img.naturalHeight;
    if (shape.type === "rect") {
      var a = shape.points[0], b = shape.points[1];
      var x = Math.min(a[0], b[0]) * W, y = Math.min(a[1], b[1]) * H;
      var w = Math.abs(b[0] - a[0]) * W, h = Math.abs(b[1] - a[1]) * H;
      return {
        type: "RECTANGLE",
        geometry: { bounds: { minX: x, minY: y, maxX: x + w, maxY: y + h }, x: x, y: y, w: w, h: h, rot: 0 },
      };
    }
    var points = shape.points.map(function (p) { return [p[0] * W, p[1] * H]; });
    return { type: "POLYGON", geometry: { bounds: bounds(points), points: points } };
  }

  function corners(g) {
    var cx = g.x + g.w / 2, cy = g.y + g.h / 2, c = Math.cos(g.rot), s = Math.sin(g.rot);
    return [[g.x, g.y], [g.x + g.w, g.y], [g.x + g.w, g.y + g.h], [g.x, g.y + g.h]].map(function (p) {
      var dx = p[0] - cx, dy = p[1] - cy;
      return [cx + dx * c - dy * s, cy + dx * s + dy * c];
    });
  }

  function shapeOf(annotation) {
    var W = img.naturalWidth, H = img.naturalHeight;
    var sel = annotation.target.selector, g = sel.geometry;
    if (sel.type === "RECTANGLE" && !g.rot) {
      return { type: "rect", points: [[round(g.x / W), round(g.y / H)], [round((g.x + g.w) / W), round((g.y + g.h) / H)]] };
    }
    var points = sel.type === "RECTANGLE" ? corners(g) : g.points;
    return { type: "polygon", points: points.map(function (p) { return [round(p[0] / W), round(p[1] / H)]; }) };
  }

  function usable(shape) {
    var b = bounds(shape.points);
    return b.maxX - b.minX >= MIN && b.maxY - b.minY >= MIN;
  }

  function newId() {
    counter += 1;
    return "hae-" + Date.now().toString(36) + "-" + counter;
  }

  function annotationOf(id, shape) {
    return { id: id, bodies: [], target: { annotation: id, selector: selectorOf(shape) } };
  }

  function all() {
    return anno ? anno.getAnnotations() : [];
  }

  function shapesOf(articleId, kind) {
    return all().filter(function (a) {
      var m = meta.get(a.id);
      return m && m.article === articleId && m.kind === (kind || "area");
    });
  }

  // --- Words for people ----------------------------------------------------------------------

  function pct(v) {
    return (Math.round(v * 1000) / 10).toString() + "%";
  }

  function where(shape) {
    var b = bounds(shape.points);
    return "左 " + pct(b.minX) + "，上 " + pct(b.minY) + "，宽 " + pct(b.maxX - b.minX) + "，高 " + pct(b.maxY - b.minY);
  }

  function kindName(shape) {
    return shape.type === "rect" ? "矩形" : "多边形（" + shape.points.length + " 个顶点）";
  }

  function editableArticle(article) {
    return Boolean(data.editable && article && (article.input || article.draft));
  }

  function articleName(id) {
    var article = articles.get(id);
    return article ? "《" + article.title + "》" : "未分配";
  }

  function nameOf(annotationId) {
    var m = meta.get(annotationId);
    var a = anno.getAnnotationById(annotationId);
    if (!m || !a) {
      return "";
    }
    var list = m.kind === "proposal" ? shapesOf(m.article, "proposal") : shapesOf(m.article, m.kind);
    var n = list.findIndex(function (x) { return x.id === annotationId; }) + 1;
    var shape = shapeOf(a);
    var label = (m.kind === "proposal" ? "建议的" : "") + "热区 " + n + "（" + kindName(shape) + "）";
    return articleName(m.article) + "的" + label + "：" + where(shape);
  }

  function say(text) {
    statusLine.textContent = "";
    // A fresh text node, so that a repeated message is announced again.
    window.setTimeout(function () { statusLine.textContent = text; }, 30);
  }

  function warn(text) {
    alertLine.textContent = text;
    alertLine.hidden = !text;
  }

  // --- The hidden boxes ----------------------------------------------------------------------

  function serialise(articleId) {
    return JSON.stringify(shapesOf(articleId).map(shapeOf).filter(usable));
  }

  function writeBoxes() {
    articles.forEach(function (article) {
      if (!article.input) {
        return;
      }
      var json = serialise(article.id);
      if (json !== article.written) {
        article.input.value = json;
        article.written = json;
        article.changed = true;
      }
    });
    if (draftsInput) {
      var rows = order.filter(function (id) { return articles.get(id).draft; }).map(function (id) {
        return { article: id, title: articles.get(id).title, shapes: JSON.parse(serialise(id)) };
      }).filter(function (row) { return row.shapes.length; });
      draftsInput.value = rows.length ? JSON.stringify(rows) : "";
    }
  }

  // --- What a save would not keep, and what it would --------------------------------------

  function looseShapes() {
    return all().filter(function (a) { var m = meta.get(a.id); return m && m.article === null && m.kind === "area"; });
  }

  // Shapes under 未分配 and proposals still waiting: a save drops them, so it stops and says so.
  function unsettled() {
    var items = looseShapes().map(function (a) { return { id: a.id }; });
    order.forEach(function (id) {
      if (proposals.has(id)) {
        items.push({ proposal: id });
      }
    });
    return items;
  }

  function unsavedWork() {
    if (!data.editable || !anno) {
      return false;
    }
    var changed = false;
    articles.forEach(function (article) {
      if (article.input && (article.unsaved || serialise(article.id) !== article.baseline)) {
        changed = true;
      }
    });
    return changed || Boolean(draftsInput && draftsInput.value) || unsettled().length > 0;
  }

  // --- Drawing style: each article its colour; proposals dashed; the selection bolder -------

  function style(annotation, state) {
    var m = meta.get(annotation.id) || { article: null, kind: "area" };
    var article = articles.get(m.article);
    var colour = article ? article.colour : "#555555";
    var chosen = (state && state.selected) || annotation.id === selected;
    if (unsettledBox && !unsettledBox.hidden && (m.kind === "proposal" || m.article === null)) {
      // Named in the list of what a save would drop: marked on the scan too.
      return { fill: "#ba2121", fillOpacity: chosen ? 0.35 : 0.18, stroke: "#ba2121;stroke-dasharray:6 3", strokeWidth: chosen ? 5 : 4 };
    }
    if (m.kind === "proposal") {
      // The style is written into the shape's style attribute: a dash pattern rides along with the stroke.
      return { fill: colour, fillOpacity: chosen ? 0.25 : 0.06, stroke: colour + ";stroke-dasharray:9 6", strokeWidth: chosen ? 4 : 3 };
    }
    if (m.kind === "locked") {
      return { fill: colour, fillOpacity: 0.12, stroke: colour + ";stroke-dasharray:2 4", strokeWidth: 2 };
    }
    return { fill: colour, fillOpacity: chosen ? 0.4 : 0.2, stroke: colour, strokeWidth: chosen ? 4 : 2 };
  }

  function restyle() {
    if (anno) {
      anno.setStyle(style);
    }
  }

  // --- The list beside the scan --------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") {
        node.className = attrs[k];
      } else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) {
        node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
      }
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function swatch(colour) {
    var s = el("span", { className: "hae-swatch", "aria-hidden": "true" });
    s.style.backgroundColor = colour;
    s.style.borderColor = colour;
    return s;
  }

  function shapeButton(annotation, n, prefix) {
    var shape = shapeOf(annotation);
    var m = meta.get(annotation.id);
    var button = el("button", {
      type: "button",
      className: "hae-shape",
      "data-id": annotation.id,
      "aria-pressed": annotation.id === selected ? "true" : "false",
      "aria-keyshortcuts": data.editable ? "ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowLeft Delete" : null,
    });
    var label = el("span", { className: "hae-shape-name" });
    // Heard, not seen (the list shows it under the article): whose area it is.
    label.appendChild(el("span", { className: "hae-sr" }, articleName(m ? m.article : null) + "的"));
    label.appendChild(document.createTextNode(prefix + "热区 " + n + " · " + kindName(shape)));
    button.appendChild(label);
    button.appendChild(el("span", { className: "hae-shape-where" }, where(shape)));
    return button;
  }

  function renderPanel() {
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".hae-panel")
      ? (document.activeElement.dataset.id || document.activeElement.dataset.focusKey || null)
      : null;
    panel.textContent = "";
    var list = el("ul", { className: "hae-articles", "aria-label": "本版稿件及其热区" });
    order.forEach(function (id) {
      var article = articles.get(id);
      var item = el("li", { className: "hae-article", "data-article": id });
      if (article.id === current) {
        item.classList.add("hae-current");
      }
      var head = el("div", { className: "hae-article-head" });
      if (editableArticle(article)) {
        var label = el("label", { className: "hae-pick" });
        var radio = el("input", { type: "radio", name: "hae-current", value: String(id), "data-focus-key": "pick-" + id });
        radio.checked = article.id === current;
        label.appendChild(radio);
        label.appendChild(swatch(article.colour));
        label.appendChild(el("span", { className: "hae-title" }, article.title));
        head.appendChild(label);
      } else {
        head.appendChild(swatch(article.colour));
        head.appendChild(el("span", { className: "hae-title" }, article.title));
      }
      var count = shapesOf(id).length + shapesOf(id, "locked").length;
      head.appendChild(el("span", { className: "hae-count" }, count ? count + " 个热区" : "没有热区"));
      if (article.url) {
        head.appendChild(el("a", { href: article.url, target: "_blank", rel: "noopener", className: "hae-open" }, article.draft ? "打开新稿件" : "打开稿件"));
      }
      item.appendChild(head);
      if (article.draft) {
        item.appendChild(el("p", { className: "hae-note" }, "新建的草稿：正文已保存，热区随本页保存。"));
      }
      (article.errors || []).forEach(function (e) {
        item.appendChild(el("p", { className: "hae-error errornote", role: "alert" }, e));
      });
      var shapes = el("ul", { className: "hae-shapes" });
      shapesOf(id).concat(shapesOf(id, "locked")).forEach(function (a, n) {
        var li = el("li");
        li.appendChild(editableArticle(article) ? shapeButton(a, n + 1, "") : el("span", { className: "hae-shape-static" }, articleName(id) + "的热区 " + (n + 1) + " · " + kindName(shapeOf(a)) + " · " + where(shapeOf(a))));
        shapes.appendChild(li);
      });
      if (shapes.childNodes.length) {
        item.appendChild(shapes);
      }
      if (proposals.has(id)) {
        var box = el("div", { className: "hae-proposal", role: "group", "aria-label": "自动识别的热区：" + article.title });
        var waiting = shapesOf(id, "proposal");
        box.appendChild(el("p", {}, "自动识别：" + waiting.length + " 个图形（匹配 " + Math.round(proposals.get(id) * 100) + "%）" + (shapesOf(id).length ? "，采用即替换现有热区" : "")));
        var inner = el("ul", { className: "hae-shapes" });
        waiting.forEach(function (a, n) {
          var li = el("li");
          li.appendChild(shapeButton(a, n + 1, "建议的"));
          inner.appendChild(li);
        });
        box.appendChild(inner);
        box.appendChild(el("button", { type: "button", className: "hae-accept", "data-article": id, "data-focus-key": "accept-" + id }, "采用"));
        box.appendChild(el("button", { type: "button", className: "hae-reject", "data-article": id, "data-focus-key": "reject-" + id }, "拒绝"));
        item.appendChild(box);
      }
      list.appendChild(item);
    });
    var loose = looseShapes();
    if (data.editable) {
      var item = el("li", { className: "hae-article hae-unassigned" });
      var head = el("div", { className: "hae-article-head" });
      var label = el("label", { className: "hae-pick" });
      var radio = el("input", { type: "radio", name: "hae-current", value: "", "data-focus-key": "pick-none" });
      radio.checked = current === null;
      label.appendChild(radio);
      label.appendChild(swatch("#555555"));
      label.appendChild(el("span", { className: "hae-title" }, "未分配（不保存：保存前须指定稿件或删除；可用来从选区新建稿件）"));
      head.appendChild(label);
      item.appendChild(head);
      if (loose.length) {
        var shapes = el("ul", { className: "hae-shapes" });
        loose.forEach(function (a, n) {
          var li = el("li");
          li.appendChild(shapeButton(a, n + 1, ""));
          shapes.appendChild(li);
        });
        item.appendChild(shapes);
      }
      list.appendChild(item);
    }
    panel.appendChild(list);
    if (proposals.size > 1) {
      panel.appendChild(el("button", { type: "button", className: "hae-accept-all", "data-focus-key": "accept-all" }, "全部采用"));
    }
    if (notFound.length) {
      var missing = el("div", { className: "hae-not-found" });
      missing.appendChild(el("p", {}, "自动识别未在版面 PDF 中找到这些稿件，请手工画出："));
      var ul = el("ul");
      notFound.forEach(function (id) { ul.appendChild(el("li", {}, articleName(id))); });
      missing.appendChild(ul);
      panel.appendChild(missing);
    }
    renderSelection();
    renderUnsettled();
    if (focused) {
      var again = panel.querySelector('[data-id="' + focused + '"], [data-focus-key="' + focused + '"]');
      if (again) {
        again.focus();
      }
    }
  }

  var selectionBox = root.querySelector(".hae-selection");
  var assign = root.querySelector(".hae-assign");
  var selectionLabel = root.querySelector(".hae-selection-label");

  function renderSelection() {
    if (!selectionBox) {
      return;
    }
    var m = selected && meta.get(selected);
    selectionBox.hidden = !m || !data.editable || m.kind === "locked";
    if (selectionBox.hidden) {
      return;
    }
    selectionLabel.textContent = "已选中：" + nameOf(selected);
    assign.textContent = "";
    order.forEach(function (id) {
      var article = articles.get(id);
      if (editableArticle(article)) {
        var option = el("option", { value: String(id) }, article.title);
        option.selected = m.article === id;
        assign.appendChild(option);
      }
    });
    var none = el("option", { value: "" }, "未分配");
    none.selected = m.article === null;
    assign.appendChild(none);
    assign.disabled = m.kind === "proposal";
    var story = root.querySelector(".hae-story");
    if (story) {
      story.disabled = false;
    }
  }

  var pending = false;

  function refresh() {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      writeBoxes();
      renderPanel();
    });
  }

  // --- Selecting, moving, resizing, deleting, reassigning ------------------------------------

  function select(id, fromCanvas) {
    selected = id && meta.has(id) ? id : null;
    var story = root.querySelector(".hae-story");
    if (story) {
      story.disabled = !selected;
    }
    if (!fromCanvas && anno) {
      // Handles on the scan for the selection, where the mouse would have made them.
      if (selected && mode === "select" && meta.get(selected).kind !== "locked") {
        anno.setSelected(selected);
      } else {
        anno.cancelSelected();
      }
    }
    panel.querySelectorAll(".hae-shape").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.id === selected ? "true" : "false");
    });
    restyle();
    renderSelection();
    if (selected) {
      say("已选中" + nameOf(selected));
    }
  }

  function replaceShape(id, shape, words) {
    var old = anno.getAnnotationById(id);
    if (!old) {
      return;
    }
    var next = annotationOf(id, shape);
    next.bodies = old.bodies;
    anno.updateAnnotation(next);
    refresh();
    say(words + "：" + nameOf(id));
  }

  function move(id, dx, dy) {
    var shape = shapeOf(anno.getAnnotationById(id));
    var b = bounds(shape.points);
    dx = Math.max(-b.minX, Math.min(1 - b.maxX, dx));
    dy = Math.max(-b.minY, Math.min(1 - b.maxY, dy));
    shape.points = shape.points.map(function (p) { return [round(p[0] + dx), round(p[1] + dy)]; });
    replaceShape(id, shape, "已移动");
  }

  function resize(id, dw, dh) {
    var shape = shapeOf(anno.getAnnotationById(id));
    var b = bounds(shape.points);
    var w = b.maxX - b.minX, h = b.maxY - b.minY;
    var nw = Math.max(MIN, Math.min(1 - b.minX, w + dw)), nh = Math.max(MIN, Math.min(1 - b.minY, h + dh));
    var sx = w ? nw / w : 1, sy = h ? nh / h : 1;
    shape.points = shape.points.map(function (p) {
      return [round(b.minX + (p[0] - b.minX) * sx), round(b.minY + (p[1] - b.minY) * sy)];
    });
    replaceShape(id, shape, "已调整大小");
  }

  function remove(id) {
    var name = nameOf(id);
    var m = meta.get(id);
    var siblings = m ? shapesOf(m.article, m.kind).map(function (a) { return a.id; }) : [];
    var at = siblings.indexOf(id);
    anno.removeAnnotation(id);
    meta.delete(id);
    selected = null;
    if (m && m.kind === "proposal" && !shapesOf(m.article, "proposal").length) {
      proposals.delete(m.article);
    }
    writeBoxes();
    renderPanel();
    var rest = siblings.filter(function (s) { return s !== id; });
    var next = rest[Math.min(at, rest.length - 1)];
    var target = next ? panel.querySelector('[data-id="' + next + '"]') : panel.querySelector('input[name="hae-current"]:checked');
    if (target) {
      target.focus();
    }
    say("已删除" + name);
  }

  function reassign(id, articleId) {
    var m = meta.get(id);
    if (!m || m.kind !== "area") {
      return;
    }
    m.article = articleId;
    restyle();
    writeBoxes();
    renderPanel();
    var button = panel.querySelector('[data-id="' + id + '"]');
    if (button && document.activeElement !== assign) {
      button.focus();
    }
    say("已改属：" + nameOf(id));
  }

  function add(articleId, kind, shape) {
    var id = newId();
    meta.set(id, { article: articleId, kind: kind });
    anno.addAnnotation(annotationOf(id, shape));
    return id;
  }

  function visibleCentre() {
    var rect = img.getBoundingClientRect(), view = viewport.getBoundingClientRect();
    var cx = (Math.max(rect.left, view.left) + Math.min(rect.right, view.right)) / 2;
    var cy = (Math.max(rect.top, view.top) + Math.min(rect.bottom, view.bottom)) / 2;
    return [(cx - rect.left) / rect.width, (cy - rect.top) / rect.height];
  }

  function addRectangle() {
    var c = visibleCentre();
    var w = 0.2, h = 0.1;
    var x = Math.max(0, Math.min(1 - w, c[0] - w / 2)), y = Math.max(0, Math.min(1 - h, c[1] - h / 2));
    var id = add(current, "area", { type: "rect", points: [[round(x), round(y)], [round(x + w), round(y + h)]] });
    writeBoxes();
    renderPanel();
    var button = panel.querySelector('[data-id="' + id + '"]');
    if (button) {
      button.focus();
    }
    select(id);
  }

  function onShapeKey(event) {
    var button = event.target.closest(".hae-shape");
    if (!button || !data.editable) {
      return;
    }
    var id = button.dataset.id;
    var step = event.altKey ? FINE : STEP;
    var arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (arrows[event.key]) {
      event.preventDefault();
      var d = arrows[event.key];
      if (event.shiftKey) {
        resize(id, d[0] * step, d[1] * step);
      } else {
        move(id, d[0] * step, d[1] * step);
      }
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      remove(id);
    } else if (event.key === "Escape") {
      event.preventDefault();
      select(null);
      say("已取消选择");
    }
  }

  // --- Tools and zoom --------------------------------------------------------------------------

  function setMode(next) {
    mode = next;
    root.dataset.mode = mode;
    root.querySelectorAll(".hae-tool").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.tool === mode ? "true" : "false");
    });
    if (!anno) {
      return;
    }
    if (mode === "rect" || mode === "polygon") {
      anno.cancelSelected();
      anno.setDrawingTool(mode === "rect" ? "rectangle" : "polygon");
      anno.setDrawingMode(mode === "rect" ? "drag" : "click");
      anno.setDrawingEnabled(true);
    } else {
      anno.setDrawingEnabled(false);
    }
    var words = {
      select: "选择：点选热区后可拖动、拉伸其控制点",
      rect: "画矩形：在版面上拖出矩形",
      polygon: "画多边形：逐个点击顶点，点回第一个顶点或双击结束",
      pan: "平移：拖动版面查看其他部分",
    };
    say(words[mode] + "；新热区归属" + articleName(current) + "。");
  }

  function setZoom(next) {
    var view = viewport.getBoundingClientRect();
    var cx = (viewport.scrollLeft + view.width / 2) / Math.max(1, viewport.scrollWidth);
    var cy = (viewport.scrollTop + view.height / 2) / Math.max(1, viewport.scrollHeight);
    zoom = next;
    img.style.width = Math.floor(viewport.clientWidth * zoom) + "px";
    viewport.scrollLeft = cx * viewport.scrollWidth - view.width / 2;
    viewport.scrollTop = cy * viewport.scrollHeight - view.height / 2;
    zoomLabel.textContent = Math.round(zoom * 100) + "%";
    root.querySelector(".hae-zoom-out").disabled = zoom <= ZOOMS[0];
    root.querySelector(".hae-zoom-in").disabled = zoom >= ZOOMS[ZOOMS.length - 1];
  }

  function zoomBy(direction) {
    var i = ZOOMS.indexOf(zoom);
    var next = ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i + direction))];
    setZoom(next);
    say("缩放 " + Math.round(next * 100) + "%");
  }

  // Panning by dragging the scan (the 平移 tool); touch screens scroll the view natively then.
  var drag = null;
  viewport.addEventListener("pointerdown", function (event) {
    if (mode !== "pan" || event.pointerType === "touch") {
      return;
    }
    drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
    viewport.setPointerCapture(event.pointerId);
  });
  viewport.addEventListener("pointermove", function (event) {
    if (drag) {
      viewport.scrollLeft = drag.left - (event.clientX - drag.x);
      viewport.scrollTop = drag.top - (event.clientY - drag.y);
    }
  });
  viewport.addEventListener("pointerup", function () { drag = null; });

  // --- 自动识别热区 ------------------------------------------------------------------------------

  function clearProposals() {
    all().forEach(function (a) {
      var m = meta.get(a.id);
      if (m && m.kind === "proposal") {
        anno.removeAnnotation(a.id);
        meta.delete(a.id);
      }
    });
    proposals.clear();
    notFound = [];
  }

  function suggest(button) {
    button.disabled = true;
    say("正在从版面 PDF 识别热区……");
    fetch(data.suggest_url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status === 403 ? "你无权为本版识别热区。" : "识别失败（" + response.status + "）。");
        }
        return response.json();
      })
      .then(function (answer) {
        clearProposals();
        answer.proposals.forEach(function (p) {
          if (!editableArticle(articles.get(p.article))) {
            return;
          }
          proposals.set(p.article, p.matched);
          p.shapes.forEach(function (shape) { add(p.article, "proposal", shape); });
        });
        notFound = answer.not_found.filter(function (id) { return articles.has(id); });
        select(null);
        renderPanel();
        var words = answer.note || "自动识别出 " + proposals.size + " 篇稿件的热区（虚线），请逐篇采用、调整或拒绝"
          + (notFound.length ? "；" + notFound.length + " 篇未找到" : "") + "。";
        say(words);
        if (answer.note) {
          warn(answer.note);
        }
      })
      .catch(function (error) {
        warn(error.message);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function accept(articleId) {
    var replaced = shapesOf(articleId).length;
    shapesOf(articleId).forEach(function (a) {
      anno.removeAnnotation(a.id);
      meta.delete(a.id);
    });
    shapesOf(articleId, "proposal").forEach(function (a) { meta.get(a.id).kind = "area"; });
    proposals.delete(articleId);
    selected = null;
    restyle();
    writeBoxes();
    renderPanel();
    focusArticle(articleId);
    say("已采用" + articleName(articleId) + "的自动识别热区" + (replaced ? "，替换了原有的 " + replaced + " 个" : "") + "；保存本页后生效。");
  }

  function focusArticle(articleId) {
    // The buttons pressed are gone with the proposal: the focus goes to the article's areas.
    var item = panel.querySelector('.hae-article[data-article="' + articleId + '"]');
    var target = item && (item.querySelector(".hae-shape") || item.querySelector("input[name=hae-current]"));
    if (target) {
      target.focus();
    }
  }

  function reject(articleId) {
    shapesOf(articleId, "proposal").forEach(function (a) {
      anno.removeAnnotation(a.id);
      meta.delete(a.id);
    });
    proposals.delete(articleId);
    selected = null;
    renderPanel();
    focusArticle(articleId);
    say("已拒绝" + articleName(articleId) + "的自动识别热区。");
  }

  // --- 从选区新建稿件 ----------------------------------------------------------------------------

  function storyFromSelection(button) {
    var a = selected && anno.getAnnotationById(selected);
    if (!a) {
      warn("请先选中或画出一个选区。");
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    body.append("shapes", JSON.stringify([shapeOf(a)]));
    button.disabled = true;
    say("正在从选区新建稿件……");
    fetch(data.story_url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) {
            throw new Error(answer.error || "新建失败（" + response.status + "）。");
          }
          return answer;
        });
      })
      .then(function (answer) {
        // The region moves to the draft at once, here as in the boxes: it leaves the article (or the
        // proposal) it was drawn for, and both are written together when the page is saved.
        var id = a.id;
        var m = meta.get(id) || null; // deleted while the draft was being made: the draft has no area then
        var from = m ? m.article : null;
        if (!articles.has(answer.article)) {
          articles.set(answer.article, {
            id: answer.article,
            title: answer.title,
            colour: data.palette[order.length % data.palette.length],
            input: null,
            draft: true,
            url: answer.url,
            errors: [],
          });
          order.push(answer.article);
        }
        if (m && m.kind === "proposal" && !shapesOf(from, "proposal").filter(function (x) { return x.id !== id; }).length) {
          proposals.delete(from);
        }
        if (m) {
          m.article = answer.article;
          m.kind = "area";
        }
        warn("");
        restyle();
        writeBoxes();
        renderPanel();
        select(m ? id : null);
        var shapeButton = panel.querySelector('[data-id="' + id + '"]');
        if (shapeButton) {
          shapeButton.focus();
        }
        say(answer.message + (from !== null && from !== undefined && articles.has(from) ? "（已从" + articleName(from) + "移出）" : ""));
      })
      .catch(function (error) {
        warn(error.message);
      })
      .then(function () {
        button.disabled = !selected;
      });
  }

  // --- A save with shapes left unsettled; leaving with changes not saved -----------------------

  function describeUnsettled(items) {
    var loose = items.filter(function (i) { return i.id; }).length;
    var waiting = items.length - loose;
    var parts = [];
    if (loose) {
      parts.push(loose + " 个区域未指定稿件");
    }
    if (waiting) {
      parts.push(waiting + " 条自动识别建议未处理");
    }
    return "还有 " + parts.join("、") + "：请指定稿件、采用或删除后再保存，或者放弃它们。";
  }

  function itemTarget(item) {
    if (item.id) {
      return panel.querySelector('.hae-shape[data-id="' + item.id + '"]');
    }
    return panel.querySelector('.hae-accept[data-article="' + item.proposal + '"]');
  }

  function renderUnsettled(opening) {
    if (!unsettledBox || (unsettledBox.hidden && !opening)) {
      return;
    }
    var items = unsettled();
    var focusedKey = unsettledBox.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    var title = unsettledBox.querySelector(".hae-unsettled-title");
    var done = !items.length;
    var words = done ? "未分配的区域和自动识别建议都已处理，可以保存了。" : describeUnsettled(items);
    if (title.textContent !== words) {
      title.textContent = words; // in a live region: said as it changes (the focus says it on opening)
    }
    unsettledBox.classList.toggle("hae-unsettled-done", done);
    unsettledBox.querySelector(".hae-discard-save").hidden = done;
    var list = unsettledBox.querySelector(".hae-unsettled-list");
    list.hidden = done;
    list.textContent = "";
    var n = 0;
    items.forEach(function (item) {
      var text;
      var key;
      if (item.id) {
        n += 1;
        text = "未分配的热区 " + n + "（" + kindName(shapeOf(anno.getAnnotationById(item.id))) + "）：" + where(shapeOf(anno.getAnnotationById(item.id)));
        key = "unsettled-" + item.id;
      } else {
        var count = shapesOf(item.proposal, "proposal").length;
        text = articleName(item.proposal) + "的自动识别建议（" + count + " 个图形，匹配 " + Math.round(proposals.get(item.proposal) * 100) + "%）";
        key = "unsettled-proposal-" + item.proposal;
      }
      var li = el("li");
      li.appendChild(el("button", { type: "button", className: "hae-unsettled-item", "data-focus-key": key, "data-id": item.id || null, "data-article": item.proposal || null }, text));
      list.appendChild(li);
    });
    if (focusedKey) {
      var again = list.querySelector('[data-focus-key="' + focusedKey + '"]');
      (again || unsettledBox).focus();
    }
  }

  function openUnsettled(button) {
    submitter = button || null;
    renderUnsettled(true); // written while hidden, so that it is said once, by the focus
    unsettledBox.hidden = false;
    restyle();
    unsettledBox.scrollIntoView({ block: "start" });
    unsettledBox.focus();
  }

  function closeUnsettled() {
    unsettledBox.hidden = true;
    restyle();
  }

  function goTo(item) {
    var target = itemTarget(item);
    if (!target) {
      return;
    }
    target.focus(); // a shape's button selects it: 归属稿件 above the list, or Delete, settles it
    if (!item.id) {
      say(articleName(item.proposal) + "的自动识别建议：采用或拒绝");
    }
    target.scrollIntoView({ block: "nearest" });
  }

  function discardAndSave() {
    var items = unsettled();
    looseShapes().forEach(function (a) {
      anno.removeAnnotation(a.id);
      meta.delete(a.id);
    });
    clearProposals();
    selected = null;
    closeUnsettled();
    writeBoxes();
    renderPanel();
    say("已放弃 " + items.length + " 项，正在保存……");
    var button = submitter && submitter.form === form ? submitter : null;
    submitter = null;
    if (button) {
      form.requestSubmit(button);
    } else {
      form.requestSubmit();
    }
  }

  function guardSaves() {
    form.addEventListener("submit", function (event) {
      if (!unsettled().length) {
        return;
      }
      event.preventDefault();
      openUnsettled(event.submitter);
    });
    // Heard after every other listener of the form: a save that none of them stopped is on its way.
    document.addEventListener("submit", function (event) {
      if (event.target === form && !event.defaultPrevented) {
        submitting = true;
      }
    });
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && unsavedWork()) {
        event.preventDefault();
        event.returnValue = ""; // what older browsers need to ask
      }
    });
    unsettledBox.addEventListener("click", function (event) {
      var t = event.target.closest("button");
      if (!t) {
        return;
      }
      event.stopPropagation();
      if (t.classList.contains("hae-discard-save")) {
        discardAndSave();
      } else if (t.classList.contains("hae-unsettled-close")) {
        var first = unsettled()[0];
        closeUnsettled();
        if (first) {
          goTo(first);
        }
      } else if (t.classList.contains("hae-unsettled-item")) {
        goTo(t.dataset.id ? { id: t.dataset.id } : { proposal: Number(t.dataset.article) });
      }
    });
    unsettledBox.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        var first = unsettled()[0];
        closeUnsettled();
        if (first) {
          goTo(first);
        }
      }
    });
  }

  // --- Start ----------------------------------------------------------------------------------

  function start() {
    data.articles.forEach(function (a) {
      var input = a.input ? document.getElementById(a.input) : null;
      articles.set(a.id, {
        id: a.id, title: a.title, colour: a.colour, input: input, draft: Boolean(a.draft && draftsInput),
        url: a.url, errors: a.errors, unsaved: a.unsaved,
      });
      order.push(a.id);
    });
    var firstEditable = data.articles.find(function (a) { return a.input; });
    current = firstEditable ? firstEditable.id : null;

    // Annotorious undoes and redoes its shapes on Ctrl+Z / Ctrl+Y anywhere in the document; in a
    // text box of the form those keys are the box's own. Registered first, this hears them first.
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && /^[zy]$/i.test(event.key) && !root.contains(event.target)) {
        event.stopImmediatePropagation();
      }
    });

    anno = A.createImageAnnotator(img, {
      drawingEnabled: false,
      drawingMode: "drag",
      style: style,
      userSelectAction: function (annotation) {
        var m = meta.get(annotation.id);
        return !data.editable || !m || m.kind === "locked" ? A.UserSelectAction.NONE : A.UserSelectAction.EDIT;
      },
    });
    var layer = anno.element.querySelector("svg");
    if (layer) {
      layer.setAttribute("aria-label", "版面图上的热区（键盘操作请用右侧的热区列表）");
      // Annotorious makes each drag handle a focusable button that no key works: for the mouse and
      // the finger only, so out of the tab order and the accessibility tree (the list is the keyboard's way).
      var quiet = function () {
        layer.querySelectorAll(".a9s-handle-buffer[role=button]:not([aria-hidden])").forEach(function (h) {
          h.setAttribute("tabindex", "-1");
          h.setAttribute("aria-hidden", "true");
        });
      };
      new MutationObserver(quiet).observe(layer, { childList: true, subtree: true });
    }

    articles.forEach(function (article) {
      var shapes = [];
      try {
        var source = article.input ? article.input.value : null;
        shapes = source ? JSON.parse(source) : (data.articles.find(function (a) { return a.id === article.id; }).shapes || []);
      } catch (e) {
        article.errors = (article.errors || []).concat(["热区的内容无法读取，保存将被拒绝。"]);
      }
      (Array.isArray(shapes) ? shapes : []).forEach(function (shape) {
        if (shape && Array.isArray(shape.points) && (shape.type === "rect" || shape.type === "polygon")) {
          add(article.id, editableArticle(article) ? "area" : "locked", shape);
        }
      });
      // What the box holds now, as this editor writes it: the box is written only once that changes,
      // so a box left alone (or holding what the server refused) posts back as it came.
      article.written = article.input ? serialise(article.id) : null;
      article.baseline = article.written;
    });
    if (!data.editable) {
      meta.forEach(function (m) { m.kind = "locked"; });
    }

    anno.state.store.observe(function (event) {
      (event.changes.created || []).forEach(function (a) {
        if (!meta.has(a.id)) {
          // Drawn on the scan: it goes to the article chosen for new shapes.
          meta.set(a.id, { article: current, kind: "area" });
          window.setTimeout(function () {
            anno.cancelSelected();
            select(a.id, true);
            say("已画出" + nameOf(a.id));
          }, 0);
        }
      });
      refresh();
    });
    anno.on("selectionChanged", function (chosen) {
      var id = chosen && chosen.length ? chosen[0].id : null;
      if (id !== selected && (id || mode === "select")) {
        select(id, true);
      }
    });

    if (data.editable && form && unsettledBox) {
      guardSaves();
    }

    root.addEventListener("click", function (event) {
      var t = event.target.closest("button");
      if (!t || !root.contains(t) || (unsettledBox && unsettledBox.contains(t))) {
        return;
      }
      if (t.classList.contains("hae-tool")) {
        setMode(t.dataset.tool);
      } else if (t.classList.contains("hae-zoom-in")) {
        zoomBy(1);
      } else if (t.classList.contains("hae-zoom-out")) {
        zoomBy(-1);
      } else if (t.classList.contains("hae-zoom-fit")) {
        setZoom(1);
        say("缩放 100%");
      } else if (t.classList.contains("hae-add-rect")) {
        addRectangle();
      } else if (t.classList.contains("hae-suggest")) {
        suggest(t);
      } else if (t.classList.contains("hae-story")) {
        storyFromSelection(t);
      } else if (t.classList.contains("hae-shape")) {
        select(t.dataset.id);
      } else if (t.classList.contains("hae-accept")) {
        accept(Number(t.dataset.article));
      } else if (t.classList.contains("hae-reject")) {
        reject(Number(t.dataset.article));
      } else if (t.classList.contains("hae-accept-all")) {
        Array.from(proposals.keys()).forEach(accept);
      } else if (t.classList.contains("hae-delete") && selected) {
        remove(selected);
      }
    });
    panel.addEventListener("focusin", function (event) {
      var b = event.target.closest(".hae-shape");
      if (b && b.dataset.id !== selected) {
        select(b.dataset.id);
      }
    });
    panel.addEventListener("keydown", onShapeKey);
    panel.addEventListener("change", function (event) {
      if (event.target.name === "hae-current") {
        current = event.target.value ? Number(event.target.value) : null;
        renderPanel();
        say("新画的热区归属" + articleName(current));
      }
    });
    if (assign) {
      assign.addEventListener("change", function () {
        if (selected) {
          reassign(selected, assign.value ? Number(assign.value) : null);
        }
      });
    }
    viewport.addEventListener("keydown", function (event) {
      if (event.target.closest(".hae-panel")) {
        return;
      }
      if (event.key === "+" || event.key === "=") {
        event.preventDefault();
        zoomBy(1);
      } else if (event.key === "-") {
        event.preventDefault();
        zoomBy(-1);
      }
    });
    window.addEventListener("resize", function () { setZoom(zoom); });

    root.classList.add("hae-ready");
    setZoom(1);
    setMode(data.editable ? "select" : "pan");
    writeBoxes();
    renderPanel();
    statusLine.textContent = data.editable
      ? "在版面上画出每篇稿件的热区，随本页一起保存。"
      : "你可以查看本版的热区，但无权修改。";
  }

  if (img.complete && img.naturalWidth) {
    start();
  } else {
    img.addEventListener("load", start, { once: true });
  }
})();

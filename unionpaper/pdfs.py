"""What an uploaded page PDF may contain: pages and text, nothing that runs.

A page PDF from a layout system is fonts, text, images and vector art. The
check walks every object reachable from the trailer once, without recursion,
and refuses:

- actions that run or reach outside the file: JavaScript, Launch, SubmitForm,
  ImportData, GoToR and GoToE (another file), multimedia (Rendition, Movie,
  Sound, RichMediaExecute), and URI links other than http, https and mailto;
  wherever they sit: the catalogue's /OpenAction and /AA, a page's /AA, an
  annotation's or form field's /A and /AA, an outline item, a /Next chain;
- document-level scripts and attachments (the /JavaScript and /EmbeddedFiles
  name trees, file-attachment, screen, movie, sound and rich-media
  annotations) and XFA forms, which carry their own scripts;
- streams that decode to more than ``PDF_MAX_STREAM_BYTES`` (a stream bomb,
  which readers and the renderer would inflate), or to more than
  ``PDF_MAX_TOTAL_BYTES`` together; an image counts its declared size, or what
  its data inflates to if that is more (a 1×1 image whose FlateDecode data
  inflates to gigabytes);
- more than ``PDF_MAX_PAGES`` pages, nesting deeper than ``PDF_MAX_DEPTH``
  inside one object, a page tree deeper than ``PDF_MAX_PAGE_TREE_DEPTH``.

What only opens is accepted: an /OpenAction or link that is a destination
(``[3 0 R /FitH null]``, a named destination, a GoTo action), URI links to
web pages, named viewer actions (NextPage …), ResetForm, Hide, SetOCGState.

Each limit may be set in the settings under the name given above. Every
refusal names the problem in Chinese; what pypdf said is logged, not shown.
"""

import io
import logging
import threading
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError

from unionpaper.filesizes import size_mb, size_of

logger = logging.getLogger(__name__)

# A PDF may start with a little junk before its header; readers look this far.
PDF_HEADER_WINDOW = 1024

DEFAULTS = {
    # A broadsheet page is one page; a section exported as one file is a few dozen.
    "PDF_MAX_PAGES": 64,
    # A 300 dpi colour scan of a broadsheet inside a PDF decodes to about 70 MB.
    "PDF_MAX_STREAM_BYTES": 200 * 1024 * 1024,
    "PDF_MAX_TOTAL_BYTES": 512 * 1024 * 1024,
    # Producers nest a few levels (a font's widths array in its descendant font);
    # parsers that recurse overflow their stack on thousands.
    "PDF_MAX_DEPTH": 32,
    # A balanced page tree of 64 pages is two or three levels deep.
    "PDF_MAX_PAGE_TREE_DEPTH": 16,
}

# Action types that run code, send data, open other files or play media.
RUNNING_ACTIONS = {
    "/JavaScript": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作（Launch）",
    "/SubmitForm": "提交表单数据的动作（SubmitForm）",
    "/ImportData": "导入外部数据的动作（ImportData）",
    "/GoToR": "打开其他文件的动作（GoToR）",
    "/GoToE": "打开嵌入文件的动作（GoToE）",
    "/Rendition": "多媒体播放动作（Rendition）",
    "/Movie": "视频播放动作（Movie）",
    "/Sound": "声音播放动作（Sound）",
    "/RichMediaExecute": "富媒体执行动作（RichMediaExecute）",
}
RUNNING_ANNOTATIONS = {
    "/FileAttachment": "附件注释",
    "/Screen": "多媒体屏幕注释",
    "/Movie": "视频注释",
    "/Sound": "声音注释",
    "/RichMedia": "富媒体注释",
}
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")

# Filters whose output size is known only by decoding; image codecs are
# counted by the image's declared width, height and colour components.
TEXT_FILTERS = {"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
TEXT_FILTERS |= {"/RunLengthDecode", "/RL"}
COMPONENTS = {"/DeviceGray": 1, "/G": 1, "/CalGray": 1, "/DeviceRGB": 3, "/RGB": 3, "/CalRGB": 3, "/Lab": 3}
CHUNK = 1024 * 1024


# PDFium is not thread-safe: every use of it in the process holds this lock.
PDFIUM_LOCK = threading.RLock()


class UnreadablePdf(ValueError):
    """PDFium cannot open the PDF; the message says why, in Chinese."""


def open_pdfium(pdf):
    """Return a pypdfium2 document from bytes, a path, or a (Django) file."""
    import pypdfium2 as pdfium

    if hasattr(pdf, "open") and getattr(pdf, "closed", False):
        pdf.open("rb")
    if hasattr(pdf, "read"):
        if hasattr(pdf, "seek"):
            pdf.seek(0)
        pdf = pdf.read()
    if isinstance(pdf, (bytes, bytearray, memoryview)):
        pdf = io.BytesIO(bytes(pdf))
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadablePdf("PDF 已加密，无法读取。") from exc
        raise UnreadablePdf("PDF 文件已损坏或不是 PDF，无法读取。") from exc


def limit(name: str) -> int:
    """Return the limit ``name`` from the settings, or its default."""
    return int(getattr(settings, name, DEFAULTS[name]))


def _refuse_active(what: str, where: str):
    space = " " if what[:1].isascii() else ""
    place = f"（{where}）" if where else ""
    raise ValidationError(f"PDF 含有{space}{what}{place}，出于安全不予接受。", code="active_pdf")


def inspect_pdf(fileobj, *, max_bytes: int) -> int:
    """Return the number of pages of an uploaded PDF, or raise ValidationError."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    size = size_of(fileobj)
    if size is not None and size > max_bytes:
        raise ValidationError(f"PDF 文件过大（{size_mb(size)}），上限为 {size_mb(max_bytes)}。", code="too_large")
    pos = fileobj.tell() if hasattr(fileobj, "tell") else None
    try:
        fileobj.seek(0)
        head = fileobj.read(PDF_HEADER_WINDOW)
        if b"%PDF-" not in head:
            raise ValidationError("文件不是 PDF（缺少 %PDF- 文件头）。", code="not_pdf")
        fileobj.seek(0)
        try:
            with _RecursionWatch() as watch:
                reader = PdfReader(fileobj, strict=False)
                if reader.is_encrypted:
                    raise ValidationError("PDF 已加密，无法检查，请上传未加密的版面 PDF。", code="encrypted")
                _Walk(reader).run()
                pages = len(reader.pages)
            if watch.seen:
                raise RecursionError("pypdf gave up on a nested object")
        except ValidationError:
            raise
        except RecursionError as exc:
            raise ValidationError(
                f"PDF 的结构嵌套过深（上限 {limit('PDF_MAX_DEPTH')} 层），无法安全读取。", code="too_deep"
            ) from exc
        except LimitReachedError as exc:
            raise ValidationError(_too_big_message(None), code="stream_too_large") from exc
        except Exception as exc:
            logger.warning("refused a damaged PDF %r: %s: %s", getattr(fileobj, "name", None), type(exc).__name__, exc)
            raise ValidationError(
                "PDF 文件已损坏或不完整，无法读取：请从排版软件重新导出 PDF 后再上传。", code="invalid_pdf"
            ) from exc
        if pages < 1:
            raise ValidationError("PDF 没有页面。", code="invalid_pdf")
        if pages > limit("PDF_MAX_PAGES"):
            raise ValidationError(
                f"PDF 页数过多（{pages} 页），上限为 {limit('PDF_MAX_PAGES')} 页：每个版面上传一个 PDF。",
                code="too_many_pages",
            )
    finally:
        if pos is not None:
            fileobj.seek(pos)
    return pages


def _too_big_message(size: int | None) -> str:
    shown = f"（至少 {size_mb(size)}）" if size else ""
    return (
        f"PDF 中有数据流解压后过大{shown}，单个数据流上限为 {size_mb(limit('PDF_MAX_STREAM_BYTES'))}，"
        "可能是压缩炸弹，不予接受。"
    )


class _RecursionWatch(logging.Handler):
    """Note whether pypdf, lenient, gave up on an object nested too deep to parse (in this thread)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False
        self.thread = threading.get_ident()

    def emit(self, record):
        if record.thread == self.thread and "RecursionError" in record.getMessage():
            self.seen = True

    def __enter__(self):
        logging.getLogger("pypdf").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("pypdf").removeHandler(self)


class _Walk:
    """One pass over every object reachable from the trailer."""

    def __init__(self, reader):
        self.reader = reader
        self.max_depth = limit("PDF_MAX_DEPTH")
        self.max_stream = limit("PDF_MAX_STREAM_BYTES")
        self.max_total = limit("PDF_MAX_TOTAL_BYTES")
        self.decoded = 0

    def run(self):
        from pypdf.generic import DictionaryObject, IndirectObject

        trailer = self.reader.trailer
        root = trailer["/Root"].get_object()
        self.check_catalogue(root)
        self.check_page_tree(root.get("/Pages"))
        seen = set()
        # (object, nesting depth inside its indirect object)
        stack = [(trailer, 0)]
        while stack:
            obj, depth = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj, depth = obj.get_object(), 0
                if obj is None:
                    continue
            if depth > self.max_depth:
                raise ValidationError(
                    f"PDF 的结构嵌套过深（超过 {self.max_depth} 层），无法安全读取。", code="too_deep"
                )
            if isinstance(obj, DictionaryObject):
                self.check_dictionary(obj)
                if hasattr(obj, "_data"):
                    self.check_stream(obj)
                stack.extend((value, depth + 1) for key, value in obj.items() if key != "/Parent")
            elif isinstance(obj, list):
                stack.extend((value, depth + 1) for value in obj)

    # --- what runs -----------------------------------------------------------

    def check_catalogue(self, root):
        names = _resolve(root.get("/Names"))
        if names is not None:
            if "/JavaScript" in names:
                _refuse_active("JavaScript 脚本", "文档级脚本")
            if "/EmbeddedFiles" in names:
                _refuse_active("嵌入的附件文件", "")
        form = _resolve(root.get("/AcroForm"))
        if form is not None and "/XFA" in form:
            _refuse_active("XFA 表单（可带脚本）", "")

    def check_page_tree(self, node):
        from pypdf.generic import IndirectObject

        max_tree = limit("PDF_MAX_PAGE_TREE_DEPTH")
        stack, seen = [(node, 1)], set()
        while stack:
            node, depth = stack.pop()
            if isinstance(node, IndirectObject):
                if (node.idnum, node.generation) in seen:
                    continue
                seen.add((node.idnum, node.generation))
            node = _resolve(node)
            if node is None or not hasattr(node, "get"):
                continue
            if depth > max_tree:
                raise ValidationError(f"PDF 的页面树嵌套过深（超过 {max_tree} 层）。", code="too_deep")
            kids = _resolve(node.get("/Kids"))
            if kids is not None:
                stack.extend((kid, depth + 1) for kid in kids)

    def check_dictionary(self, obj):
        for key, where in (("/OpenAction", "打开文档时执行"), ("/A", "在链接、书签或按钮中")):
            if key in obj:
                self.check_action(obj[key], where)
        triggers = _resolve(obj.get("/AA"))
        if triggers is not None and hasattr(triggers, "values"):
            for action in triggers.values():
                self.check_action(action, "自动触发")
        if _resolve(obj.get("/Type")) == "/Annot" or ("/Rect" in obj and "/Subtype" in obj):
            what = RUNNING_ANNOTATIONS.get(_resolve(obj.get("/Subtype")))
            if what:
                _refuse_active(what, "在页面上")

    def check_action(self, action, where: str):
        """Refuse ``action`` and its /Next chain if any of them runs; a destination passes."""
        from pypdf.generic import DictionaryObject

        pending, seen = [action], 0
        while pending and seen < 1000:
            seen += 1
            action = _resolve(pending.pop())
            if isinstance(action, list):  # a /Next array, or a destination
                if action and isinstance(_resolve(action[0]), DictionaryObject) and "/S" in _resolve(action[0]):
                    pending.extend(action)
                continue
            if not isinstance(action, DictionaryObject):
                continue  # a named destination (a name or a string)
            kind = _resolve(action.get("/S"))
            if kind in RUNNING_ACTIONS:
                _refuse_active(RUNNING_ACTIONS[kind], where)
            if kind == "/URI":
                uri = str(_resolve(action.get("/URI")) or "").strip().lower()
                if not uri.startswith(SAFE_URI_SCHEMES):
                    _refuse_active(f"非网页链接 {uri.split(':', 1)[0][:20]}:", where)
            if "/JS" in action:
                _refuse_active(RUNNING_ACTIONS["/JavaScript"], where)
            if "/Next" in action:
                pending.append(action["/Next"])

    # --- what is too big -----------------------------------------------------

    def check_stream(self, stream):
        filters = _resolve(stream.get("/Filter"))
        if filters is None:
            filters = []
        elif not isinstance(filters, list):
            filters = [filters]
        filters = [str(_resolve(f)) for f in filters]
        data = stream._data or b""
        # The filters that come first and decode to a size known only by decoding
        # are decoded, whatever follows them: an image whose FlateDecode inflates
        # to gigabytes, or Flate before a filter this check does not know, is a
        # bomb for every reader all the same. An image counts at least its
        # declared size, whatever its data inflates to.
        steps = []
        for name in filters:
            if name not in TEXT_FILTERS:
                break
            steps.append(name)
        declared = 0
        if len(steps) < len(filters) or _resolve(stream.get("/Subtype")) == "/Image":
            declared = self.image_size(stream)
        size = len(data)
        for index, name in enumerate(steps):
            last = index == len(steps) - 1
            if name in ("/FlateDecode", "/Fl"):
                data, size = self.inflate(data, keep=not last)
            elif name in ("/LZWDecode", "/LZW"):
                data, size = self.unlzw(data, keep=not last, early=_early_change(stream, index))
            elif name in ("/RunLengthDecode", "/RL"):
                data, size = self.unrun(data, keep=not last)
            else:
                data = self.decode(name, data)
                size = len(data)
        self.count(max(size if steps else 0, declared))

    def count(self, size: int):
        if size > self.max_stream:
            raise ValidationError(_too_big_message(size), code="stream_too_large")
        self.decoded += size
        if self.decoded > self.max_total:
            raise ValidationError(
                f"PDF 的数据流解压后合计过大，上限为 {size_mb(self.max_total)}，不予接受。", code="stream_too_large"
            )

    def inflate(self, data: bytes, *, keep: bool) -> tuple[bytes, int]:
        """Inflate ``data`` in bounded chunks; return what is kept and the inflated size."""
        inflater = zlib.decompressobj()
        parts, size = [], 0
        try:
            while data:
                out = inflater.decompress(data, CHUNK)
                size += len(out)
                if size > self.max_stream:
                    raise ValidationError(_too_big_message(size), code="stream_too_large")
                if keep:
                    parts.append(out)
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
            size += len(inflater.flush(CHUNK))
        except zlib.error:
            pass  # a damaged stream decodes no further in any reader either
        return b"".join(parts), size

    def unrun(self, data: bytes, *, keep: bool) -> tuple[bytes, int]:
        """Decode RunLengthDecode ``data``, refusing it as soon as it passes the stream limit.

        Two bytes repeat one 128 times, so 60 MB would decode to nearly 4 GB:
        the size is counted before anything is built.
        """
        parts, size, pos, end = [], 0, 0, len(data)
        while pos < end:
            length = data[pos]
            if length == 128:  # end of data
                break
            if length < 128:
                run = data[pos + 1 : pos + 2 + length]
                pos += 2 + length
            else:
                run = data[pos + 1 : pos + 2] * (257 - length)
                pos += 2
            size += len(run)
            if size > self.max_stream:
                raise ValidationError(_too_big_message(size), code="stream_too_large")
            if keep:
                parts.append(run)
        return b"".join(parts), size

    def unlzw(self, data: bytes, *, keep: bool, early: int = 1) -> tuple[bytes, int]:
        """Decode LZWDecode ``data``, refusing it as soon as it passes the stream limit.

        One 12-bit code can stand for 4,096 bytes, so a small stream can decode
        to gigabytes; codes are read one by one and counted before anything is
        kept. A damaged stream decodes up to the damage, as in readers.
        """
        table = [bytes([i]) for i in range(256)] + [b"", b""]  # 256 clears the table, 257 ends the data
        bits, buffer, held, previous = 9, 0, 0, None
        parts, size = [], 0
        for byte in data:
            buffer, held = (buffer << 8) | byte, held + 8
            while held >= bits:
                held -= bits
                code = (buffer >> held) & ((1 << bits) - 1)
                buffer &= (1 << held) - 1
                if code == 256:
                    del table[258:]
                    bits, previous = 9, None
                    continue
                if code == 257:
                    return b"".join(parts), size
                if code < len(table):
                    entry = table[code]
                    if previous is not None and len(table) < 4096:
                        table.append(previous + entry[:1])
                elif code == len(table) and previous is not None:
                    entry = previous + previous[:1]
                    table.append(entry)
                else:
                    return b"".join(parts), size
                size += len(entry)
                if size > self.max_stream:
                    raise ValidationError(_too_big_message(size), code="stream_too_large")
                if keep:
                    parts.append(entry)
                previous = entry
                if len(table) + early >= 1 << bits and bits < 12:
                    bits += 1
        return b"".join(parts), size

    def decode(self, name: str, data: bytes) -> bytes:
        from pypdf import filters

        decoder = {
            "/ASCIIHexDecode": filters.ASCIIHexDecode,
            "/AHx": filters.ASCIIHexDecode,
            "/ASCII85Decode": filters.ASCII85Decode,
            "/A85": filters.ASCII85Decode,
        }[name]
        try:
            out = decoder.decode(data)
        except ValidationError:
            raise
        except Exception as exc:
            from pypdf.errors import LimitReachedError

            if isinstance(exc, LimitReachedError):
                raise ValidationError(_too_big_message(None), code="stream_too_large") from exc
            return b""
        return out.encode("latin-1") if isinstance(out, str) else out

    def image_size(self, stream) -> int:
        """Return the bytes an image stream decodes to, from its declared size."""
        width = _number(stream.get("/Width"))
        height = _number(stream.get("/Height"))
        bits = _number(stream.get("/BitsPerComponent")) or 8
        space = _resolve(stream.get("/ColorSpace"))
        if isinstance(space, list):
            space = _resolve(space[0]) if space else None
        components = 1 if _resolve(stream.get("/ImageMask")) else COMPONENTS.get(space, 4)
        return width * height * components * bits // 8


def _early_change(stream, index: int) -> int:
    """Return the /EarlyChange of the ``index``-th filter's parameters (1, the default, or 0)."""
    parms = _resolve(stream.get("/DecodeParms"))
    if isinstance(parms, list):
        parms = _resolve(parms[index]) if index < len(parms) else None
    if parms is None or not hasattr(parms, "get"):
        return 1
    return 0 if _number(parms.get("/EarlyChange", 1)) == 0 else 1


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _number(obj) -> int:
    try:
        return max(0, int(_resolve(obj) or 0))
    except (TypeError, ValueError):
        return 0

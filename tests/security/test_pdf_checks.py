"""Page PDFs: what opens is accepted, what runs or explodes is refused, and the message says which."""

import io
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf._codecs._codecs import LzwCodec
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from unionpaper.uploads import inspect_pdf, validate_pdf_upload


def check(data: bytes) -> int:
    return inspect_pdf(io.BytesIO(data))


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        check(data)
    return " ".join(caught.value.messages)


def name(value: str) -> NameObject:
    return NameObject(value)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def one_page(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=842, height=1191)
    return writer


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind), **entries})


def with_open_action(value) -> bytes:
    writer = one_page()
    writer._root_object[name("/OpenAction")] = value
    return written(writer)


def with_annotation(**entries) -> bytes:
    writer = one_page()
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject([NumberObject(10), NumberObject(10), NumberObject(100), NumberObject(40)]),
            **entries,
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return written(writer)


def destination(writer=None):
    return ArrayObject([NumberObject(0), name("/FitH"), NullObject()])


def fpdf2_page() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(842, 1191))
    pdf.add_page()
    pdf.set_font("helvetica", size=24)
    pdf.text(50, 80, "A01")
    return bytes(pdf.output())


def js() -> dict:
    return {name("/JS"): TextStringObject("app.alert(document.cookie)")}


# --- what only opens ---------------------------------------------------------


def test_a_page_pdf_from_fpdf2_opening_at_a_destination_is_accepted():
    data = fpdf2_page()
    assert b"/OpenAction" in data
    assert check(data) == 1


@pytest.mark.parametrize(
    "value",
    [
        destination(),
        TextStringObject("A01"),
        action("/GoTo", **{name("/D"): destination()}),
        action("/Named", **{name("/N"): name("/NextPage")}),
    ],
    ids=["explicit destination", "named destination", "GoTo action", "named viewer action"],
)
def test_an_open_action_that_only_goes_somewhere_is_accepted(value):
    assert check(with_open_action(value)) == 1


def test_a_link_to_a_web_page_is_accepted():
    data = with_annotation(**{name("/A"): action("/URI", **{name("/URI"): TextStringObject("https://example.org/")})})
    assert check(data) == 1


def test_a_page_open_trigger_that_goes_to_a_destination_is_accepted():
    writer = one_page()
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): action("/GoTo", **{name("/D"): destination()})})
    assert check(written(writer)) == 1


# --- what runs ----------------------------------------------------------------


def test_a_document_level_script_is_refused():
    writer = one_page()
    writer.add_js("app.alert('x');")
    assert "JavaScript" in refusal(written(writer))


def test_an_open_action_running_javascript_is_refused_and_named():
    message = refusal(with_open_action(action("/JavaScript", **js())))
    assert "JavaScript 脚本" in message and "打开文档时" in message


def test_a_script_hidden_in_the_next_chain_of_a_harmless_action_is_refused():
    goto = action("/GoTo", **{name("/D"): destination(), name("/Next"): action("/JavaScript", **js())})
    assert "JavaScript" in refusal(with_open_action(goto))


@pytest.mark.parametrize(
    "kind, word",
    [
        ("/Launch", "Launch"),
        ("/SubmitForm", "SubmitForm"),
        ("/ImportData", "ImportData"),
        ("/GoToR", "GoToR"),
        ("/GoToE", "GoToE"),
        ("/Rendition", "Rendition"),
        ("/Sound", "Sound"),
        ("/Movie", "Movie"),
    ],
)
def test_a_link_whose_action_runs_or_opens_another_file_is_refused(kind, word):
    message = refusal(with_annotation(**{name("/A"): action(kind, **{name("/F"): TextStringObject("cmd.exe")})}))
    assert word in message and "链接" in message


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "file:///etc/passwd", " JavaScript:alert(1)"])
def test_a_link_that_is_not_a_web_address_is_refused(uri):
    message = refusal(with_annotation(**{name("/A"): action("/URI", **{name("/URI"): TextStringObject(uri)})}))
    assert "非网页链接" in message


def test_a_page_trigger_running_javascript_is_refused():
    writer = one_page()
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): action("/JavaScript", **js())})
    assert "自动触发" in refusal(written(writer))


def test_a_form_field_with_a_keystroke_script_is_refused():
    triggers = DictionaryObject({name("/K"): action("/JavaScript", **js())})
    data = with_annotation(**{name("/Subtype"): name("/Widget"), name("/FT"): name("/Tx"), name("/AA"): triggers})
    assert "JavaScript" in refusal(data)


def test_an_attachment_is_refused():
    writer = one_page()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00")
    assert "附件" in refusal(written(writer))


def test_a_file_attachment_annotation_is_refused():
    assert "附件" in refusal(with_annotation(**{name("/Subtype"): name("/FileAttachment")}))


def test_an_xfa_form_is_refused():
    writer = one_page()
    writer._root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): TextStringObject("<xdp/>")}
    )
    assert "XFA" in refusal(written(writer))


# --- what explodes ------------------------------------------------------------


def flate_of_zeros(size: int) -> bytes:
    squeezer = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    parts = [squeezer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + squeezer.flush()


def with_stream(data: bytes, **entries) -> bytes:
    writer = one_page()
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({name(k): v for k, v in entries.items()})
    writer._root_object[name("/Payload")] = writer._add_object(stream)
    return written(writer)


def test_a_stream_that_inflates_past_200_mb_is_refused():
    bomb = flate_of_zeros(201 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    message = refusal(with_stream(bomb, **{"/Filter": name("/FlateDecode")}))
    assert "解压后过大" in message and "200 MB" in message


def test_a_stream_within_the_limit_is_accepted(settings):
    settings.PDF_MAX_STREAM_BYTES = 3 * 1024 * 1024
    assert check(with_stream(flate_of_zeros(2 * 1024 * 1024), **{"/Filter": name("/FlateDecode")})) == 1


def test_a_bomb_inside_a_bomb_is_refused(settings):
    settings.PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024
    inner = flate_of_zeros(16 * 1024 * 1024)
    outer = zlib.compress(inner, 9)
    filters = ArrayObject([name("/FlateDecode"), name("/FlateDecode")])
    assert "解压后过大" in refusal(with_stream(outer, **{"/Filter": filters}))


def test_stream_limits_add_up_over_the_file(settings):
    settings.PDF_MAX_TOTAL_BYTES = 3 * 1024 * 1024
    writer = one_page()
    for n in range(4):
        stream = DecodedStreamObject()
        stream.set_data(flate_of_zeros(1024 * 1024))
        stream[name("/Filter")] = name("/FlateDecode")
        writer._root_object[name(f"/Payload{n}")] = writer._add_object(stream)
    assert "合计过大" in refusal(written(writer))


def test_an_image_declaring_a_gigapixel_is_refused():
    entries = {
        "/Subtype": name("/Image"),
        "/Width": NumberObject(100_000),
        "/Height": NumberObject(100_000),
        "/ColorSpace": name("/DeviceRGB"),
        "/BitsPerComponent": NumberObject(8),
        "/Filter": name("/DCTDecode"),
    }
    assert "解压后过大" in refusal(with_stream(b"\xff\xd8\xff\xd9", **entries))


def image_entries(**filters) -> dict:
    return {
        "/Subtype": name("/Image"),
        "/Width": NumberObject(1),
        "/Height": NumberObject(1),
        "/ColorSpace": name("/DeviceGray"),
        "/BitsPerComponent": NumberObject(8),
        **filters,
    }


def test_a_tiny_image_whose_data_inflates_past_the_limit_is_refused(settings):
    # Declared 1x1, its FlateDecode data inflating to 16 MB: the data, not the declaration, counts.
    settings.PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024
    bomb = with_stream(flate_of_zeros(16 * 1024 * 1024), **image_entries(**{"/Filter": name("/FlateDecode")}))
    assert "解压后过大" in refusal(bomb)
    assert check(with_stream(zlib.compress(b"\x80"), **image_entries(**{"/Filter": name("/FlateDecode")}))) == 1


def test_flate_before_a_filter_the_check_does_not_know_is_still_inflated(settings):
    settings.PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024
    filters = ArrayObject([name("/FlateDecode"), name("/Crypt")])
    assert "解压后过大" in refusal(with_stream(flate_of_zeros(16 * 1024 * 1024), **{"/Filter": filters}))


def peak_memory_of(run) -> int:
    tracemalloc.start()
    try:
        run()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_run_length_bomb_is_refused_before_it_is_decoded(settings):
    # Two bytes stand for 128: 2 MB of runs decode to 128 MB.
    settings.PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024
    pdf = with_stream(bytes([129, 0]) * (1024 * 1024), **{"/Filter": name("/RunLengthDecode")})
    messages = []
    peak = peak_memory_of(lambda: messages.append(refusal(pdf)))
    assert "解压后过大" in messages[0]
    assert peak < 40 * 1024 * 1024, f"decoding took {peak:,} bytes"


def test_an_lzw_bomb_is_refused_before_it_is_decoded(settings):
    settings.PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024
    pdf = with_stream(lzw_of_zeros(tables=9), **{"/Filter": name("/LZWDecode")})
    assert len(pdf) < 64 * 1024
    messages = []
    peak = peak_memory_of(lambda: messages.append(refusal(pdf)))
    assert "解压后过大" in messages[0]
    assert peak < 40 * 1024 * 1024, f"decoding took {peak:,} bytes"


@pytest.mark.parametrize("filter_name", ["/LZWDecode", "/RunLengthDecode"])
def test_lzw_and_run_length_streams_are_counted_at_their_decoded_size(settings, filter_name):
    text = ("职工天地 第A03版 " * 5000).encode()
    encoded = LzwCodec().encode(text) if filter_name == "/LZWDecode" else run_length(text)
    pdf = with_stream(encoded, **{"/Filter": name(filter_name)})
    settings.PDF_MAX_STREAM_BYTES = len(text)
    assert check(pdf) == 1
    settings.PDF_MAX_STREAM_BYTES = len(text) - 1
    assert "解压后过大" in refusal(pdf)


def lzw_of_zeros(tables: int) -> bytes:
    """Return LZW codes (EarlyChange 1) that fill the code table ``tables`` times with ever longer runs of zeros.

    Each table is about 5 KB of codes and decodes to 7.4 MB: code 258 is two
    zeros, 259 three, and so on up to 4095.
    """
    out, buffer, held = bytearray(), 0, 0

    def emit(code, bits):
        nonlocal buffer, held
        buffer, held = (buffer << bits) | code, held + bits
        while held >= 8:
            held -= 8
            out.append((buffer >> held) & 0xFF)

    for _ in range(tables):
        emit(256, 12 if out else 9)  # clear the table
        bits, size = 9, 258
        emit(0, bits)
        for code in range(258, 4096):
            emit(code, bits)
            size += 1
            if size + 1 >= 1 << bits and bits < 12:
                bits += 1
    emit(257, 12)  # end of data
    if held:
        out.append((buffer << (8 - held)) & 0xFF)
    return bytes(out)


def run_length(data: bytes) -> bytes:
    """Return ``data`` RunLength-encoded as literal runs of up to 128 bytes, with the end marker."""
    runs = [bytes([len(data[i : i + 128]) - 1]) + data[i : i + 128] for i in range(0, len(data), 128)]
    return b"".join(runs) + bytes([128])


def test_more_pages_than_a_section_has_are_refused():
    assert check(written(one_page(64))) == 64
    message = refusal(written(one_page(65)))
    assert "65 页" in message and "64 页" in message


def raw_pdf(*objects: bytes) -> bytes:
    """Return a PDF whose objects 1, 2, … are ``objects`` (1 is the catalogue), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGE_TREE = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 1191] >>")


@pytest.mark.parametrize("depth", [40, 5000])
def test_arrays_nested_too_deep_are_refused(depth):
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * depth + b"]" * depth + b" >>"
    assert "嵌套过深" in refusal(raw_pdf(catalogue, *PAGE_TREE))


def test_ordinary_nesting_is_accepted():
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Shallow [[[[1]]]] >>"
    assert check(raw_pdf(catalogue, *PAGE_TREE)) == 1


def test_a_page_tree_nested_too_deep_is_refused():
    levels = 20
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        parent = b" /Parent %d 0 R" % (level + 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (level + 3, parent))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 842 1191] >>" % (levels + 1))
    assert "页面树嵌套过深" in refusal(raw_pdf(*objects))


def test_the_model_field_validator_applies_the_same_rules():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("A01.pdf", with_open_action(action("/Launch", **{name("/F"): FloatObject(1)})))
    with pytest.raises(ValidationError, match="Launch"):
        validate_pdf_upload(upload)


@pytest.mark.parametrize("font", ["cff", "truetype"])
def test_a_generated_newspaper_page_with_embedded_cjk_fonts_is_accepted(font):
    from tests.pdfpages.generate import page_pdf

    data, _ = page_pdf("five", font=font)
    assert check(data) == 1

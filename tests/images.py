"""Pictures made for the tests: what an editor uploads, at a realistic size and weight."""

import io

from PIL import Image, ImageDraw


def camera_photo(width=6000, height=4000) -> bytes:
    """Return JPEG bytes of a photo-like picture: gradients, shapes and fine grain."""
    small = Image.linear_gradient("L").resize((width // 8, height // 8))
    blue = Image.radial_gradient("L").resize(small.size)
    img = Image.merge("RGB", (small, small.rotate(90), blue)).resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    for i in range(40):
        x, y = (i * 977) % width, (i * 613) % height
        draw.ellipse((x, y, x + width // 10, y + height // 9), fill=((i * 53) % 256, (i * 91) % 256, (i * 17) % 256))
    grain = Image.effect_noise((width, height), 32)
    img = Image.blend(img, Image.merge("RGB", (grain, grain, grain)), 0.2)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


def scan_png(width=2400, height=3600) -> bytes:
    """Return a page-scan-like PNG (about 12 MB): columns of grey text lines, a few pictures, grain."""
    img = Image.new("RGB", (width, height), (244, 240, 230))
    draw = ImageDraw.Draw(img)
    for column in range(4):
        left = 80 + column * (width - 160) // 4
        for y in range(300, height - 100, 36):
            length = (width - 160) // 4 - 60 - (y * 7 + column * 13) % 90
            draw.line((left, y, left + length, y), fill=(60, 60, 60), width=14)
    for n in range(3):
        draw.rectangle((200 + n * 700, 1200, 700 + n * 700, 1600), fill=(90 + n * 40, 110, 130))
    # The grain of newsprint: what makes a real scan megabytes, and its renditions tens of kilobytes.
    grain = Image.effect_noise((width, height), 40)
    img = Image.blend(img, Image.merge("RGB", (grain, grain, grain)), 0.12)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()

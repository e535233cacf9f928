"""Sizes of uploaded files, as the upload checks measure and name them."""

import os


def size_mb(n: int) -> str:
    """Return ``n`` bytes as the checks' messages print it (``12 MB``)."""
    return f"{n / 1024 / 1024:.0f} MB"


def size_of(fileobj) -> int | None:
    """Return the size of an uploaded or open file without reading it, or None when it cannot be told."""
    size = getattr(fileobj, "size", None)
    if size is None and hasattr(fileobj, "seek"):
        pos = fileobj.tell()
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(pos)
    return size

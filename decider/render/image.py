"""The cost chart as an image file: the Vega-Lite specification of decider/render/chart.py rendered by vl-convert.

vl-convert (the ``chart`` extra, which the ``api`` extra includes) runs Vega-Lite and Vega in an embedded
JavaScript engine, with no browser and no network. SVG or PNG; the format is named by the file's extension.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from decider import DISTRIBUTION
from decider.errors import Problem, UsageError

ImageFormat = Literal["svg", "png"]
FORMATS: dict[str, ImageFormat] = {".svg": "svg", ".png": "png"}
MEDIA_TYPES: dict[ImageFormat, str] = {"svg": "image/svg+xml", "png": "image/png"}
#: Vega-Lite version vl-convert compiles with (the page's vendored bundle is built for the same one).
VL_VERSION = "6.4"
PNG_SCALE = 2


def format_of(path: str) -> ImageFormat:
    """SVG or PNG by the file's extension; anything else is a usage error that names the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            [Problem(path, f"unknown chart format {suffix or '(no extension)'!r}; name the file .svg or .png")]
        )
    return FORMATS[suffix]


def render(spec: dict[str, Any], kind: ImageFormat) -> bytes:
    """The chart as SVG (UTF-8 bytes) or PNG; a clear error when vl-convert is not installed."""
    try:
        import vl_convert
    except ModuleNotFoundError:
        raise UsageError(
            [
                Problem(
                    "chart",
                    f"drawing a chart needs the 'chart' extra (vl-convert-python is not installed); install it "
                    f"with: pip install '{DISTRIBUTION}[chart]'",
                )
            ]
        ) from None
    text = json.dumps(spec)
    if kind == "svg":
        return str(vl_convert.vegalite_to_svg(text, vl_version=VL_VERSION, allowed_base_urls=[])).encode()
    return bytes(vl_convert.vegalite_to_png(text, vl_version=VL_VERSION, scale=PNG_SCALE, allowed_base_urls=[]))


def write(spec: dict[str, Any], path: str) -> None:
    """Render and write the chart to ``path`` (format by extension); nothing is written when rendering fails."""
    kind = format_of(path)
    data = render(spec, kind)
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise UsageError([Problem(path, f"cannot write: {error.strerror or error}")]) from None

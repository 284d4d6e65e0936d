"""Regenerate api/page/static/vega-embed.js, the page's chart renderer: Vega-Embed, Vega-Lite and Vega in one
self-contained file, bundled by vl-convert (the same package that draws the chart files, so the page and the files
render one Vega-Lite version). Run after moving the vl-convert-python pin: .venv/bin/python scripts/vendor_vega_embed.py
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import vl_convert

from decider.render.image import VL_VERSION

TARGET = Path(__file__).resolve().parent.parent / "api" / "page" / "static" / "vega-embed.js"


def main() -> None:
    header = (
        f"/* Vega-Embed {vl_convert.get_vega_embed_version()}, Vega-Lite {VL_VERSION}, Vega "
        f"{vl_convert.get_vega_version()} in one self-contained file, bundled by vl-convert-python "
        f"{version('vl-convert-python')}\n   (scripts/vendor_vega_embed.py). Licences: BSD-3-Clause (Vega, Vega-Lite, "
        "Vega-Embed) and those of the dependencies bundled with them. */\n"
    )
    TARGET.write_text(header + vl_convert.javascript_bundle(vl_version=VL_VERSION), encoding="utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

"""Make the bundled sample images: synthetic, drawn here with Pillow, small enough for the repo.

Run from the repository root:  .venv/bin/python calc/data/samples/make_samples.py
The output is deterministic (no randomness), so re-running reproduces the committed files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ORIENTATION = 0x0112


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)  # Pillow's bundled font: nothing fetched


def phone_photo(out: Path) -> None:
    """A landscape scene stored 4032×3024 on its side, with EXIF orientation 6, as phones do.

    The model sees it upright, 3024×4032: the sample shows EXIF orientation being applied.
    """
    w, h = 3024, 4032  # upright size; stored rotated below
    y = np.linspace(0.0, 1.0, h)[:, None]
    x = np.linspace(0.0, 1.0, w)[None, :]
    sky = np.stack([120 + 100 * y + 10 * x, 170 + 60 * y + 0 * x, 235 - 30 * y + 0 * x], axis=-1)
    im = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    d.ellipse((2000, 500, 2500, 1000), fill=(255, 236, 170))  # the sun
    d.polygon([(0, 2600), (900, 1900), (1700, 2500), (2400, 1800), (3024, 2300), (3024, 4032),
               (0, 4032)], fill=(74, 110, 84))  # hills
    d.polygon([(0, 3100), (1200, 2700), (3024, 3000), (3024, 4032), (0, 4032)],
              fill=(96, 140, 78))
    d.rectangle((0, 3600, 3024, 4032), fill=(150, 125, 90))  # a path in front
    stored = im.transpose(Image.Transpose.ROTATE_90)  # orientation 6 rotates it back upright
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    stored.save(out / "phone_photo.jpg", "JPEG", quality=60, optimize=True,
                 exif=exif.tobytes())


def screenshot(out: Path) -> None:
    """A wide 1920×1080 app screenshot with text: sidebar, header, paragraphs, a table."""
    im = Image.new("RGB", (1920, 1080), (250, 250, 248))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, 320, 1080), fill=(236, 240, 243))
    d.rectangle((0, 0, 1920, 72), fill=(59, 110, 143))
    d.text((32, 20), "Patchwork - Quarterly report", font=font(30), fill="white")
    for i, item in enumerate(("Overview", "Images", "Costs", "Settings", "Help")):
        d.text((40, 120 + 56 * i), item, font=font(24), fill=(31, 42, 51))
    body = ("Every image sent to a vision model is resized, cut into tiles or patches and "
            "billed by the piece.")
    for i in range(6):
        d.text((380, 120 + 44 * i), f"{i + 1}. {body}", font=font(22), fill=(31, 42, 51))
    for r in range(8):
        y = 460 + 64 * r
        d.rectangle((380, y, 1860, y + 60), fill=(255, 255, 255) if r % 2 else (243, 246, 248))
        for c, cell in enumerate((f"image-{r:03d}.png", f"{1024 + 128 * r} x 768", f"{765 + r}")):
            d.text((400 + 480 * c, y + 16), cell, font=font(22), fill=(31, 42, 51))
    im.save(out / "screenshot.png", "PNG", optimize=True)


def document_scan(out: Path) -> None:
    """A tall 2550×3300 page (US letter at 300 dpi) of greyish paper with lines of text."""
    im = Image.new("L", (2550, 3300), 236)
    d = ImageDraw.Draw(im)
    d.text((200, 200), "INVOICE No. 2026-0147", font=font(72), fill=30)
    line = "Item description, quantity, unit price and total, as printed on the page."
    for i in range(48):
        d.text((200, 420 + 56 * i), line[: 30 + (i * 7) % 45], font=font(40), fill=45)
    d.rectangle((1600, 3000, 2350, 3120), outline=40, width=4)
    d.text((1640, 3030), "TOTAL  $1,105.00", font=font(48), fill=30)
    # Eight grey levels keep the anti-aliased text and the file small.
    im.quantize(8).save(out / "document_scan.png", "PNG", optimize=True)


def icon(out: Path) -> None:
    """A tiny 64×64 app icon with a transparent background."""
    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((4, 4, 60, 60), radius=12, fill=(59, 110, 143, 255))
    for i in range(3):
        for j in range(3):
            if (i + j) % 2 == 0:
                d.rectangle((14 + 12 * i, 14 + 12 * j, 24 + 12 * i, 24 + 12 * j),
                            fill=(251, 250, 247, 255))
    im.save(out / "icon.png", "PNG", optimize=True)


MAKERS = (phone_photo, screenshot, document_scan, icon)


def main(out: Path = HERE) -> None:
    for make in MAKERS:
        make(out)


if __name__ == "__main__":
    main()
    for path in sorted(HERE.glob("*.*")):
        if path.suffix != ".py":
            print(f"{path.name}: {path.stat().st_size / 1024:.0f} KB")

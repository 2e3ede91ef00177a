"""calc.views.samples and samples/: small bundled images the project made itself, as described."""

from __future__ import annotations

import importlib.util
import re

import pytest

from calc.adapters import images
from calc.engine.errors import CalcError
from calc.views.samples import SAMPLES_DIR, sample, samples

# name → (size as the model sees it, format, stored size, EXIF orientation, mode)
EXPECTED = {
    "phone-photo": ((3024, 4032), "JPEG", (4032, 3024), 6, "RGB"),
    "screenshot": ((1920, 1080), "PNG", (1920, 1080), 1, "RGB"),
    "document": ((2550, 3300), "PNG", (2550, 3300), 1, "P"),
    "icon": ((64, 64), "PNG", (64, 64), 1, "RGBA"),
}


def test_the_four_samples_are_listed_once():
    assert [s.name for s in samples()] == list(EXPECTED)
    for s in samples():
        assert re.fullmatch(r"[a-z0-9-]+", s.name)  # safe in a link as it is
        assert s.title and s.description
    assert len({s.file for s in samples()}) == len(samples())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_sample_is_small_and_reads_as_described(name):
    s = sample(name)
    size, fmt, stored, orientation, mode = EXPECTED[name]
    assert s.path.parent == SAMPLES_DIR and s.path.is_file()
    assert s.path.stat().st_size < 200 * 1024
    info = images.probe(s.path)
    assert (info.size, info.format, info.stored_size, info.orientation, info.mode) == (
        size, fmt, stored, orientation, mode)
    assert not info.animated
    assert f"{size[0]}×{size[1]}" in s.description


def test_the_phone_photo_is_upright_once_loaded():
    loaded = images.load(sample("phone-photo").path)
    assert loaded.image.size == (3024, 4032)
    # drawn upright with sky on top and a brown path at the bottom
    top, bottom = loaded.image.getpixel((1500, 50)), loaded.image.getpixel((1500, 3950))
    assert top[2] > top[0] and bottom[0] > bottom[2]


def test_unknown_sample():
    with pytest.raises(CalcError, match="phone-photo"):
        sample("cat")


def test_the_script_reproduces_the_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("make_samples",
                                                  SAMPLES_DIR / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # the two quick ones (the large ones take seconds and are made by the same code path)
    for make, name in ((module.screenshot, "screenshot"), (module.icon, "icon")):
        make(tmp_path)
        file = sample(name).file
        assert (tmp_path / file).read_bytes() == (SAMPLES_DIR / file).read_bytes()

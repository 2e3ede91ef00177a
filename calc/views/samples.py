"""The bundled sample images (calc/data/samples/make_samples.py): names, files, contents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from calc.engine.errors import CalcError

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"


@dataclass(frozen=True)
class Sample:
    name: str  # the short name used in links (?sample=…)
    file: str  # file name inside SAMPLES_DIR
    title: str
    description: str

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.file


SAMPLES: tuple[Sample, ...] = (
    Sample("phone-photo", "phone_photo.jpg", "Phone photo",
           "A 12-megapixel phone photo, stored 4032×3024 on its side with EXIF orientation 6: "
           "the model sees it upright, 3024×4032."),
    Sample("screenshot", "screenshot.png", "Wide screenshot",
           "A 1920×1080 app screenshot with text, a sidebar and a table."),
    Sample("document", "document_scan.png", "Document scan",
           "A tall 2550×3300 page (US letter at 300 dpi) of printed text."),
    Sample("icon", "icon.png", "Tiny icon", "A 64×64 app icon with a transparent background."),
)


def samples() -> tuple[Sample, ...]:
    return SAMPLES


def sample(name: str) -> Sample:
    """The sample called `name`; a CalcError naming the known ones otherwise."""
    for s in SAMPLES:
        if s.name == name:
            return s
    raise CalcError(f"no sample called {name!r}; the samples are "
                    f"{', '.join(s.name for s in SAMPLES)}")

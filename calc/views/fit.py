"""An image resized to fit (calc.fit): the file written by `python -m calc fit` and offered by
Explore beside a rejection. LANCZOS, EXIF orientation applied, the file's own format kept."""

from __future__ import annotations

from dataclasses import dataclass

from calc.adapters.images import LoadedImage, load, resized_file
from calc.engine.estimate import Estimate, estimate
from calc.engine.fit import fit


@dataclass(frozen=True)
class Fitted:
    """Before and after, and the resized file."""

    before: Estimate
    after: Estimate
    data: bytes
    format: str  # the file's own: JPEG, PNG, WEBP or GIF

    @property
    def resized(self) -> bool:
        return self.after.original_size != self.before.original_size


def fitted_file(loaded: LoadedImage, size: tuple[int, int]) -> bytes:
    """A decoded image at `size`, as a file in its own format (for a download)."""
    return resized_file(loaded.image, size, loaded.info.format)


def fit_image(data: bytes, model: str, detail: str = "auto",
              max_tokens: int | None = None) -> Fitted:
    """Read an image file (its first frame if animated), fit it, and make the resized file."""
    loaded = load(data, first_frame_ok=True)
    w, h = loaded.info.size
    size = fit(w, h, model, detail, max_tokens)
    return Fitted(estimate(w, h, model, detail), estimate(*size, model, detail),
                  fitted_file(loaded, size), loaded.info.format)


_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def fitted_name(size: tuple[int, int], format: str) -> tuple[str, str]:
    """A download's file name and MIME type for an image fitted to `size`."""
    ext = _EXTENSIONS.get(format.upper(), "png")
    return f"patchwork-fit-{size[0]}x{size[1]}.{ext}", f"image/{'jpeg' if ext == 'jpg' else ext}"

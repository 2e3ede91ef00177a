"""The one error family calc raises: every message says what was wrong and what to do."""


class CalcError(ValueError):
    """Base of every error calc raises on bad input."""


class InvalidSizeError(CalcError):
    """A width or height that is not a positive integer."""


class UnknownModelError(CalcError):
    """A model name that resolves to no catalogue entry."""


class UnsupportedDetailError(CalcError):
    """A detail level the model does not have."""


class UnsupportedFidelityError(CalcError):
    """An input fidelity the model does not accept."""


class UnknownRulesError(CalcError):
    """A rule set other than "billing" or "documented"."""


class UnknownGenerationOptionError(CalcError):
    """A quality or size the image-generation table does not list."""


class ImageError(CalcError):
    """An image that cannot be read, or that the API would not accept."""


class RefusedFormatError(ImageError):
    """An image format the API refuses with HTTP 400 (BMP, TIFF, HEIC, SVG; metering.md §17)."""


class FetchError(CalcError):
    """An image URL that was refused or could not be fetched."""


class ApiError(CalcError):
    """A call to an OpenAI-compatible API that failed; the message never holds the key."""


class ImageRejectedError(CalcError):
    """An image the API refuses with HTTP 400: more patches than its per-image limit (§5)."""

    def __init__(self, patches: int, limit: int, largest_accepted: tuple[int, int] | None = None):
        self.patches, self.limit, self.largest_accepted = patches, limit, largest_accepted
        way_out = ""
        if largest_accepted:
            way_out = f"; the largest size of this shape it accepts is {largest_accepted[0]}×" \
                      f"{largest_accepted[1]}"
        super().__init__(f"rejected by the API: {patches:,} patches > {limit:,}{way_out}")

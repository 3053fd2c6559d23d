"""Static files storage for production: hashed names (cacheable for a year) plus gzip copies for nginx's gzip_static.

Brotli is off unless ICCITY_STATIC_BROTLI=1: the brotli module is present as a dependency of other packages, and at
WhiteNoise's fixed quality 11 it turns a 5-second collectstatic into a minute; nginx from Debian serves .gz only.
"""
from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        kwargs.setdefault("use_brotli", getattr(settings, "ICCITY_STATIC_BROTLI", False))
        return super().create_compressor(**kwargs)

    def stored_name(self, name):
        # Nothing collected at all (a script or benchmark rendering pages with DEBUG off): the plain name, as with the
        # default storage. `iccity serve` refuses to start without the manifest, so production never takes this path;
        # once collected, a name missing from the manifest is still an error.
        if not self.hashed_files:
            return name
        return super().stored_name(name)

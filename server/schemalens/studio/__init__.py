"""The studio: a local web page to browse and edit the configured database."""

from schemalens.studio.server import StudioServer, StudioStartError, start_studio

__all__ = ["StudioServer", "StudioStartError", "start_studio"]

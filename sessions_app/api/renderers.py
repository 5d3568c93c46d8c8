from rest_framework.renderers import BaseRenderer


class MarkdownRenderer(BaseRenderer):
    """text/markdown for TRD downloads (`?format=md` or `Accept: text/markdown`)."""

    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""

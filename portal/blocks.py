"""The one block set every page body uses, composed of small templated blocks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text features: no raw HTML, no embeds in text; Wagtail's rich text is sanitised on save
# (no script, no javascript: links).
TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "portal/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"), max_length=2000)
    source = blocks.CharBlock(label=_("source"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "portal/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video address"), help_text=_("The address of a video page to embed."))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "portal/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"), required=False, max_length=200, help_text=_("Defaults to the document's title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "portal/blocks/document.html"


class BodyBlock(blocks.StreamBlock):
    """Text, image, quotation, video and document: the body of notices, study material and results."""

    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES, template="portal/blocks/text.html")
    image = ImageBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentBlock()


def body_text(body) -> str:
    """The plain text of a body, for reading time and search."""
    from django.utils.html import strip_tags

    parts: list[str] = []
    for block in body:
        value = block.value
        if block.block_type == "text":
            parts.append(strip_tags(value.source if hasattr(value, "source") else str(value)))
        elif block.block_type == "quote":
            parts.append(value.get("text", ""))
        elif block.block_type in ("image", "video"):
            parts.append(value.get("caption", "") or "")
    return "\n".join(p for p in parts if p)

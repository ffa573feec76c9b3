from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

RICH_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "blockquote"]


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "cms/blocks/callout.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, form_classname="title", icon="title",
                               template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=RICH_FEATURES)
    callout = CalloutBlock()
    quote = blocks.BlockQuoteBlock()
    document = DocumentChooserBlock(template="cms/blocks/document.html")


class ClauseBlock(blocks.StructBlock):
    """One numbered clause of a shared standard (a code of practice)."""

    number = blocks.CharBlock(max_length=12, help_text="For example 4 or 4.2")
    title = blocks.CharBlock(max_length=160)
    requirement = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])
    guidance = blocks.RichTextBlock(
        required=False, features=["bold", "italic", "link", "ul", "ol"],
        help_text="How to meet the clause in practice.",
    )

    class Meta:
        icon = "list-ol"
        template = "cms/blocks/clause.html"


class InjectBlock(blocks.StructBlock):
    """One step of a training scenario: what happens, and what participants discuss."""

    time = blocks.CharBlock(max_length=40, help_text="For example T+0 or Day 2, 09:00")
    situation = blocks.RichTextBlock(features=["bold", "italic", "ul", "ol"])
    questions = blocks.ListBlock(blocks.CharBlock(max_length=300), label="Discussion questions")

    class Meta:
        icon = "time"
        template = "cms/blocks/inject.html"

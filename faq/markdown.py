"""Article Markdown to sanitised, GOV.UK-styled HTML.

CommonMark (markdown-it-py) renders the text; nh3 (the Ammonia sanitiser) then keeps only the
elements Markdown itself produces, with GOV.UK classes set on them. Scripts, styles, frames and
their content, event-handler attributes, raw HTML tags and links other than http(s), mailto and
tel are removed. Headings move one level down: the page's own title is the only <h1>.
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    "table"
)

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# Removed with everything inside them, not just the tags.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "table": {"class": "govuk-table"},
    "tr": {"class": "govuk-table__row"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
}


def _render(text: str) -> str:
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 4)
            token.tag = f"h{level}"
    return _md.renderer.render(tokens, _md.options, {})


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for article Markdown (safe to mark as safe in templates)."""
    return nh3.clean(
        _render(text),
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        set_tag_attribute_values=GOVUK_CLASSES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _inline_text(token) -> str:
    parts, href, hidden = [], None, None
    for child in token.children or []:
        if child.type == "html_inline":
            tag = re.match(r"<\s*(/?)\s*([a-zA-Z0-9]+)", child.content)
            if tag and tag.group(2).lower() in REMOVED_WITH_CONTENT:
                hidden = None if tag.group(1) else tag.group(2).lower()
            continue
        if hidden:
            continue
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open":
            href = child.attrGet("href")
        elif child.type == "link_close" and href:
            if str(href).split(":", 1)[0].lower() in URL_SCHEMES:
                parts.append(f" ({href})")
            href = None
    return "".join(parts).strip()


def markdown_to_text(text: str) -> str:
    """Plain text of article Markdown, for emails: paragraphs, "- " list items, links in
    brackets; raw HTML dropped."""
    blocks, prefix = [], ""
    for token in _md.parse(text or ""):
        if token.type == "bullet_list_open":
            prefix = "- "
        elif token.type == "bullet_list_close":
            prefix = ""
        elif token.type == "inline":
            line = nh3.clean(
                _inline_text(token), tags=set(), clean_content_tags=REMOVED_WITH_CONTENT
            )
            line = html_lib.unescape(line).strip()
            if line:
                blocks.append(f"{prefix}{line}" if prefix else line)
    out = []
    for block in blocks:
        if out and not (block.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(block)
    return "\n".join(out)

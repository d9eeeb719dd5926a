"""Does a text fit one SMS? GSM 03.38 (7-bit) holds 160 characters; one character outside that
alphabet (an emoji, curly quotes, most accents) switches the whole message to UCS-2, which
holds 70. Characters of the GSM extension table (€ [ ] { } ^ ~ | \\ and form feed) take two.
"""

from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
GSM_LIMIT = 160
UNICODE_LIMIT = 70


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "Unicode"
    length: int  # septets for GSM-7, characters (UTF-16 code units) for Unicode
    limit: int
    non_gsm: str  # the characters that forced Unicode, in order, without repeats

    @property
    def fits(self) -> bool:
        return self.length <= self.limit


def sms_length(text: str) -> SmsLength:
    non_gsm = []
    septets = 0
    for ch in text:
        if ch in GSM_BASIC:
            septets += 1
        elif ch in GSM_EXTENDED:
            septets += 2
        elif ch not in non_gsm:
            non_gsm.append(ch)
    if non_gsm:
        units = len(text.encode("utf-16-le")) // 2
        return SmsLength("Unicode", units, UNICODE_LIMIT, "".join(non_gsm))
    return SmsLength("GSM-7", septets, GSM_LIMIT, "")


def sms_problem(text: str) -> str | None:
    """A plain sentence saying why `text` does not fit one text message, or None."""
    size = sms_length(text)
    if size.fits:
        return None
    if size.encoding == "Unicode":
        shown = " ".join(f"“{c}”" for c in size.non_gsm[:5])
        return (
            f"With the link, the text message is {size.length} characters, but it can only "
            f"be {UNICODE_LIMIT} because it uses {shown}, which are not in the standard SMS "
            f"alphabet. Replace {'them' if len(size.non_gsm) > 1 else 'it'} (for example "
            f"straight quotes instead of curly ones) to have {GSM_LIMIT} characters, or shorten "
            "it."
        )
    return (
        f"With the link, the text message is {size.length} characters; one text message holds "
        f"{GSM_LIMIT}. Shorten the summary by {size.length - GSM_LIMIT}."
    )

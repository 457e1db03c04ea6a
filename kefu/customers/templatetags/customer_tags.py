from django import template

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen as yuan with two decimals and thousands separators (never through float)."""
    if fen is None or fen == "":
        return "-"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"

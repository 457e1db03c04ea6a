from .registry import BANNERS


def banners(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"kefu_banners": []}
    messages: list[str] = []
    for fn in BANNERS:
        messages.extend(fn(request))
    return {"kefu_banners": messages}

from django.urls import NoReverseMatch, reverse

from .nav import all_nav_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"kefu_nav": []}
    items = []
    for item in all_nav_items():
        if item.permission and not user.has_kefu_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"
                      or request.path == url})
    return {"kefu_nav": items}

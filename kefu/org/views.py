from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import record_auth_event


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .middleware import EXPIRED_KEY

        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED_KEY, False)
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return base64.b64encode(buf.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def mfa(request):
    """Verify a TOTP code, or set up the first device (QR code rendered locally, no external service)."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    error = ""
    if request.method == "POST":
        token = request.POST.get("otp_token", "").strip()
        if token.isdigit() and device.verify_token(token):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_auth_event(action="auth.mfa_enrolled", user=user)
            otp_login(request, device)
            record_auth_event(action="auth.mfa_verified", user=user)
            messages.success(request, _("双因素认证已通过"))
            return redirect(_safe_next(request))
        record_auth_event(action="auth.mfa_failed", user=user)
        error = _("验证码不正确或已过期")
    context = {"setup": not device.confirmed, "error": error, "next": _safe_next(request)}
    if not device.confirmed:
        context["qr_svg_b64"] = _qr_svg(device.config_url)
        context["secret_b32"] = base64.b32encode(device.bin_key).decode()
    return render(request, "org/mfa.html", context)


@login_required
def home(request):
    return render(request, "org/home.html", {"roles": request.user.roles.all()})

"""One login and one logout for everybody (unit staff, the office, administrators), POST-only logout, self-service
password change, TOTP enrolment and verification, the account page with the last login, and the lockout page."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .actions import ActionRefused
from .actions_auth import SESSION_MUST_CHANGE, SESSION_PREVIOUS, do_confirm_totp, do_verify_totp
from .forms_auth import ChangePasswordForm, LoginForm, TokenForm
from .identity import otp_required
from .identity_rules import LOGIN_LOCKOUT, rule_value
from .models import AuditEvent


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    template_name = "core/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": getattr(settings, "ICCITY_OIDC_ENABLED", False),
                "oidc_failed": self.request.GET.get("oidc") == "failed"}

    def form_valid(self, form):
        response = super().form_valid(form)
        previous = self.request.session.get(SESSION_PREVIOUS)
        if previous:
            messages.info(self.request, f"上次登录：{previous['at']}，地址 {previous['ip'] or '未知'}。如非本人操作，请立即修改密码。")
        return response


@require_POST
def logout_view(request):
    """POST only (a link or image cannot log anyone out); works for every user, staff or not."""
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


def legacy_redirect(name: str):
    """Old addresses (/delivery/login/, /admin/login/, /admin/logout/) lead to the single login and logout.
    A POST keeps its method and body (307), so an old form still works and a GET can still not log out."""
    def view(request, *args, **kwargs):
        url = reverse(name)
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        return HttpResponseRedirect(url, status=307 if request.method == "POST" else 302)
    return view


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:account")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forced": self.request.session.get(SESSION_MUST_CHANGE, False),
                "next": _next(self.request, "")}

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session valid, ends the others (new auth hash)
        self.request.session[SESSION_MUST_CHANGE] = False
        messages.success(self.request, "密码已修改。其他设备上的登录已失效。")
        target = _next(self.request, "")
        return HttpResponseRedirect(target) if target else response


@login_required
def account(request):
    from django_otp import user_has_device

    from .models_auth import UserSecurity

    security = UserSecurity.for_user(request.user)
    events = AuditEvent.objects.filter(object_id=str(request.user.pk), action__startswith="auth.",
                                       content_type__app_label=request.user._meta.app_label,
                                       content_type__model=request.user._meta.model_name)[:15]
    return render(request, "core/accounts/account.html", {
        "security": security, "events": events, "has_otp": user_has_device(request.user),
        "otp_required": otp_required(request.user)})


@never_cache
@login_required
def otp_setup(request):
    """Bind an authenticator app: a QR code (SVG made on the server) and the secret to type in by hand."""
    import base64

    import segno
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user_has_device(request.user) and not request.user.is_verified():
        # Replacing an authenticator needs the current one: a stolen password alone cannot bind the thief's phone.
        return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_confirm_totp(request, device, form.cleaned_data["token"])
        except ActionRefused as refusal:
            form.add_error("token", refusal.message)
        else:
            messages.success(request, "身份验证器已绑定，以后登录时需输入其显示的动态验证码。")
            return HttpResponseRedirect(_next(request, reverse("accounts:account")))
    uri = device.config_url
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="扫描此二维码绑定身份验证器")
    return render(request, "core/accounts/otp_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "otp_uri": uri, "required": otp_required(request.user), "next": _next(request, "")})


@never_cache
@login_required
def otp_verify(request):
    from django_otp import user_has_device

    if not user_has_device(request.user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_verify_totp(request, form.cleaned_data["token"])
        except ActionRefused as refusal:
            form.add_error("token", refusal.message)
        else:
            return HttpResponseRedirect(_next(request))
    return render(request, "core/accounts/otp_verify.html", {"form": form, "next": _next(request, "")})


def locked_out(request, original_response=None, credentials=None):
    """What axes shows instead of the login result while an account or client is locked (HTTP 429)."""
    policy = rule_value(LOGIN_LOCKOUT)
    return render(request, "core/accounts/locked_out.html", {"minutes": policy["cooloff_minutes"]}, status=429)


def oidc_start(request):
    if not getattr(settings, "ICCITY_OIDC_ENABLED", False):
        raise Http404("未启用统一身份认证")
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request):
    if not getattr(settings, "ICCITY_OIDC_ENABLED", False):
        raise Http404("未启用统一身份认证")
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    return OIDCAuthenticationCallbackView.as_view()(request)

"""Optional login through a government identity provider (OpenID Connect, e.g. a provincial 政务服务 统一身份认证),
on only when every ICCITY_OIDC_* setting is present. The provider proves who someone is; only an existing, active
iccity account with the same username (``ICCITY_OIDC_USERNAME_CLAIM``) may sign in, and staff still need TOTP."""
from __future__ import annotations

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class GovernmentOIDCBackend(OIDCAuthenticationBackend):
    def _claim(self) -> str:
        return getattr(settings, "OIDC_USERNAME_CLAIM", "preferred_username")

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(self._claim()))

    def filter_users_by_claims(self, claims):
        username = claims.get(self._claim())
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username, is_active=True)

    def describe_user_by_claims(self, claims) -> str:
        return f"username {claims.get(self._claim())}"

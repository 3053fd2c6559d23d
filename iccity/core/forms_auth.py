"""Forms of the account pages, in Chinese."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "账号或密码不正确，请重新输入（注意区分大小写）。连续输错将暂时锁定账号。",
        "inactive": "该账号已停用，请联系领导小组办公室。",
    }


class ChangePasswordForm(PasswordChangeForm):
    error_messages = {
        "password_mismatch": "两次输入的新密码不一致。",
        "password_incorrect": "原密码不正确，请重新输入。",
    }

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and new == self.data.get("old_password"):
            raise forms.ValidationError("新密码不能与原密码相同。")
        return new


class TokenForm(forms.Form):
    token = forms.RegexField(label="动态验证码", regex=r"^\s*\d{6}\s*$", max_length=12,
                             error_messages={"invalid": "请输入 6 位数字验证码", "required": "请输入 6 位数字验证码"},
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                           "pattern": r"\d{6}", "maxlength": "6"}))

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class UnlockForm(forms.Form):
    username = forms.CharField(label="账号", required=False, max_length=150)
    ip_address = forms.GenericIPAddressField(label="地址", required=False,
                                             error_messages={"invalid": "请输入有效的 IP 地址"})

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("ip_address"):
            raise forms.ValidationError("请填写要解锁的账号或地址（至少一项）。")
        return data

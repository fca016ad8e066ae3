from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sammanhang.accounts.models import Membership, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name or password is wrong. Check them and try again; both are case-sensitive."
        ),
        "inactive": _("This account is not active. Ask your organisation's administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        # Autofocus would skip the page's introduction for screen-reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = _("Enter your user name.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")


class MemberAddForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("The user name of an existing staff account."),
        error_messages={"required": _("Enter the user name of the person to add.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Viewers can see the organisation's pages, editors can change its information, "
            "administrators can also manage who has access."
        ),
        error_messages={"required": _("Choose a role.")},
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no active account with the user name %(username)s."),
                params={"username": username},
                code="unknown_user",
            )
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role.")},
    )

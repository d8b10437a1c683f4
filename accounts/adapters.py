"""How allauth creates members, builds the links in its mail and answers a locked-out sign-in."""

import re
from types import SimpleNamespace
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse

from debate.moderation import suspension_notice
from debate.siteurl import absolute_url, on_site, site_domain

from .models import User
from .views import suspended_response

# Links allauth builds from the request's Host where no adapter hook reaches them; the mail
# gets them from SITE_URL instead. (Keyed links, reset and confirmation, come from the hooks.)
SITE_LINKS_BY_MAIL = {
    "account/email/unknown_account": {"signup_url": "account_signup"},
    "account/email/account_already_exists": {
        "signup_url": "account_signup",
        "password_reset_url": "account_reset_password",
    },
}
_LINK = re.compile(r"https?://[^\s<>\"']+")


class AccountAdapter(DefaultAccountAdapter):
    # Every absolute URL and the site's name in mail come from SITE_URL, never the request.
    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key):
        # allauth's own URL pattern takes the key as one "<uidb36>-<key>" piece.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix, email, context):
        links = {
            name: absolute_url(reverse(url_name))
            for name, url_name in SITE_LINKS_BY_MAIL.get(template_prefix, {}).items()
        }
        # Templates say "Hello from {{ current_site.name }}" and sign with its domain.
        site = SimpleNamespace(name=settings.SITE_NAME, domain=site_domain())
        super().send_mail(template_prefix, email, {**context, **links, "current_site": site})

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        # The last wall: a link allauth might one day build from the request is refused here
        # rather than mailed (account mails link to nothing but this site).
        bodies = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
        for link in (link for body in bodies for link in _LINK.findall(str(body))):
            if not on_site(link):
                raise ImproperlyConfigured(
                    f"{template_prefix}: refusing to mail a link off SITE_URL: {link}"
                )
        return message

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        chosen = form.cleaned_data.get("display_name")
        if chosen:
            user.display_name = chosen
        elif not user.display_name:
            user.display_name = User.objects.available_display_name(user.email or "")
        if commit:
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # The form checked the name, but someone took it before this save. Rather than
                # lose the sign-up, give the nearest free name and say so.
                taken = user.display_name
                if not User.objects.lookalikes(taken).exists():
                    raise
                user.display_name = User.objects.available_display_name(taken)
                user.save()
                messages.warning(
                    request,
                    f"Someone took “{taken}” a moment before you, so you are "
                    f"“{user.display_name}” for now; you can change it in your settings.",
                )
        return user

    def pre_login(self, request, user, **kwargs):
        # A suspended member is refused with the page that says why and until when, whichever
        # way they sign in (password, GitHub, the admin's sign-in, which is this one).
        if user.is_suspended():
            clear_login(request)
            return suspended_response(request, suspension_notice(user))
        return super().pre_login(request, user, **kwargs)

    def pre_authenticate(self, request, **credentials):
        # allauth turns too many wrong passwords for one address into a form error, which
        # reads like one more wrong password. Answer with the rate-limit page instead, so the
        # visitor learns they are locked out and for how long. It says the same whether or
        # not the address has an account, because the limit counts per typed address.
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            raise ImmediateHttpResponse(respond_429(request)) from error

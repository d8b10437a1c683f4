"""How allauth creates members and answers a locked-out sign-in."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction

from .models import User

SITE_NAME = "Both Sides"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # allauth's mails greet from the Sites framework's "example.com"; name the site and
        # the host the visitor actually used (already checked against ALLOWED_HOSTS).
        request = allauth_context.request
        domain = request.get_host() if request is not None else ""
        site = SimpleNamespace(name=SITE_NAME, domain=domain or SITE_NAME)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

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
                if not User.objects.filter(display_name__iexact=taken).exists():
                    raise
                user.display_name = User.objects.available_display_name(taken)
                user.save()
                messages.warning(
                    request,
                    f"Someone took “{taken}” a moment before you, so you are "
                    f"“{user.display_name}” for now; you can change it in your settings.",
                )
        return user

    def pre_authenticate(self, request, **credentials):
        # allauth turns too many wrong passwords for one address into a form error, which
        # reads like one more wrong password. Answer with the rate-limit page instead, so the
        # visitor learns they are locked out and for how long. It says the same whether or
        # not the address has an account, because the limit counts per typed address.
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            raise ImmediateHttpResponse(respond_429(request)) from error

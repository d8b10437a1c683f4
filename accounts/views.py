from django.shortcuts import get_object_or_404, render

from .models import User


def profile(request, display_name):
    member = get_object_or_404(User, display_name__iexact=display_name, is_active=True)
    return render(request, "accounts/user_profile.html", {"member": member})

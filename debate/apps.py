from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = "Debates"

    def ready(self):
        from .siteurl import check_site_url_is_allowed, site_sync

        # Keep the sites framework's Site on SITE_URL's domain (see debate.siteurl).
        post_migrate.connect(site_sync, sender=self, dispatch_uid="debate.siteurl.site_sync")
        checks.register(check_site_url_is_allowed)

"""`manage.py build_icons_css`: write `static/css/icons.css` (see `moisinno/icons.py`)."""

from django.core.management.base import BaseCommand

from moisinno.icons import OUTPUT, build_icons_css, used_icons


class Command(BaseCommand):
    help = "Écrit static/css/icons.css : les icônes du DSFR que le site utilise, et elles seules."

    def handle(self, *args, **options):
        OUTPUT.write_text(build_icons_css(), encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"{OUTPUT.name} : {len(used_icons())} icônes, {OUTPUT.stat().st_size} octets."
            )
        )

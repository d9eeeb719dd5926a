"""GOV.UK Frontend and MOJ Frontend's fonts and images, at the `/assets/` paths their compiled
CSS asks for (`/assets/fonts/light-….woff2`, `/assets/images/…`).

The packages ship pre-built CSS with those absolute paths and we have no Sass build step, so
WhiteNoise serves the packages' `assets` folders under `/assets/` as well as `STATIC_URL`:
the same caching, compression and no sign-in needed (the sign-in page uses the fonts too).
"""

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

ASSET_DIRS = [
    settings.BASE_DIR / "node_modules/govuk-frontend/dist/govuk/assets",
    settings.BASE_DIR / "node_modules/@ministryofjustice/frontend/moj/assets",
]


class FrontendAssetsMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings)
        for root in ASSET_DIRS:
            if root.is_dir():
                self.add_files(str(root), prefix="assets/")

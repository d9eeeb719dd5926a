from django.db import models


class GazetteerAddress(models.Model):
    """One addressable place from the council's address list (LLPG / AddressBase), by UPRN.

    Loaded by `manage.py import_gazetteer`; coordinates are always WGS84 latitude/longitude
    (converted from the National Grid when the file gives eastings/northings).
    """

    uprn = models.CharField("UPRN", max_length=12, unique=True)
    usrn = models.CharField("USRN", max_length=12, blank=True, db_index=True)
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    street = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_compact = models.CharField(max_length=7, blank=True, editable=False)
    # Lower-cased "line_1 line_2 street town" for the address picker's word search.
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    easting = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    northing = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "gazetteer address"
        verbose_name_plural = "gazetteer"
        ordering = ["postcode_compact", "street", "line_1"]
        indexes = [
            models.Index(fields=["postcode_compact", "line_1"], name="gazetteer_postcode_idx"),
            models.Index(fields=["latitude", "longitude"], name="gazetteer_latlon_idx"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        parts = [self.line_1, self.line_2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)

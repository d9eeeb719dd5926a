import pytest

from places import geo


def test_grid_to_osgb36_matches_the_ordnance_survey_worked_example():
    # "A guide to coordinate systems in Great Britain", annex C: 52°39'27.2531"N 1°43'4.5177"E.
    lat, lon = geo.grid_to_osgb36(651409.903, 313177.270)
    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert lon == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)


@pytest.mark.parametrize(
    ("easting", "northing", "lat", "lon"),
    [
        # WGS84 values from PROJ's OSGB36 -> WGS84 Helmert transformation (EPSG:27700 -> 4326).
        (471588, 172706, 51.44882484691163, -0.9712234186644089),  # Reading
        (326000, 673000, 55.9443222427045, -3.1863792714276333),  # Edinburgh
        (145000, 30000, 50.11518917357127, -5.56829673198139),  # Penzance
        (651409.903, 313177.27, 52.65797859857984, 1.7160519903750366),  # Norfolk
    ],
)
def test_grid_to_latlon_gives_wgs84_within_a_metre_of_proj(easting, northing, lat, lon):
    got_lat, got_lon = geo.grid_to_latlon(easting, northing)
    assert geo.distance_m(got_lat, got_lon, lat, lon) < 1


def test_distance_between_two_points_a_known_length_apart():
    # One minute of latitude is one nautical mile (1,852 m) give or take the ellipsoid.
    assert geo.distance_m(51.0, -1.0, 51.0 + 1 / 60, -1.0) == pytest.approx(1853, abs=5)


def test_box_holds_every_point_of_the_circle():
    box = geo.box_around(54.0, -2.0, 100)
    for bearing_lat, bearing_lon in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        # Walk 99 m north, south, east and west: still in the box.
        lat = 54.0 + bearing_lat * 99 / geo.METRES_PER_DEGREE_LAT
        lon = -2.0 + bearing_lon * 99 / (geo.METRES_PER_DEGREE_LAT * 0.5878)
        assert geo.distance_m(54.0, -2.0, lat, lon) < 100
        assert box.min_lat <= lat <= box.max_lat
        assert box.min_lon <= lon <= box.max_lon


def test_in_uk():
    assert geo.in_uk(51.5, -0.12)
    assert geo.in_uk(54.6, -5.9)  # Belfast
    assert not geo.in_uk(48.85, 2.35)  # Paris
    assert not geo.in_uk(-0.12, 51.5)  # latitude and longitude swapped

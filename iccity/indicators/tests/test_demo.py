"""``iccity demo`` adds indicator series marked 示例 and an index edition; --remove takes them out, real data stays."""
import datetime as dt
import io

import pytest
from django.core.management import call_command

from iccity.core import clock
from iccity.indicators.initial_data import load as load_indicators
from iccity.indicators.models import IndexEdition, Observation, Release
from iccity.orgs.actions import do_load_registry


@pytest.fixture
def catalogue(db, capsys):
    do_load_registry()
    load_indicators(io.StringIO())
    return Observation.objects.count()


def test_indicator_demo_is_marked_and_removable(catalogue, capsys):
    real = catalogue
    with clock.travel(dt.date(2026, 6, 15)):
        from iccity.core import demo
        from iccity.indicators.demo_data import generate

        with demo.marking():
            generate(io.StringIO(), months=1, seed=1)
    demo_rows = Observation.objects.filter(is_demo=True)
    assert demo_rows.count() > 100 and demo_rows.filter(breakdown_kind="town").exists()
    assert all(r.release.title.startswith("（示例）") for r in demo_rows.select_related("release")[:20])
    assert Observation.objects.filter(is_demo=False).count() == real  # real data untouched
    edition = IndexEdition.objects.get()
    assert edition.is_demo and edition.name.startswith("（示例）") and len(edition.results["units"]) == 11
    call_command("demo", "--remove")
    assert not Observation.objects.filter(is_demo=True).exists() and not IndexEdition.objects.exists()
    assert not Release.objects.filter(is_demo=True).exists()
    assert Observation.objects.count() == real

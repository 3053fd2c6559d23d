"""The portal shows what the other apps publish, so its tests reuse evaluation's data builder on the seeded plan."""
from iccity.evaluation.tests.conftest import builder, frozen_today, light_rules  # noqa: F401

"""The metric suite on local-mode PySpark gives exactly the DuckDB results on the hand-made fixture.

Needs Java 17. Without ``java`` the tests skip with a message, unless ICCITY_REQUIRE_SPARK=1 (CI), which makes the
missing Java a failure. One SparkSession serves the whole module (start-up costs ~8 s).
"""
from __future__ import annotations

import os
import shutil
import warnings

import pandas as pd
import pytest

from iccity.consumption import metrics
from iccity.consumption.engine import Engine, spark_session

from .fixtures_analysis import hand_dataset

pytestmark = pytest.mark.slow

# A test session runs for seconds: the JVM's quick compiler alone and one GC thread cost less CPU than its optimising
# compiler warming up, on a machine whose other core runs the rest of the suite.
SHORT_RUN_JVM = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
JAVA_HINT = "找不到 java，跳过 Spark 一致性测试。安装 Java 17：sudo apt-get install -y openjdk-17-jre-headless"


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        if os.environ.get("ICCITY_REQUIRE_SPARK") == "1":
            pytest.fail(JAVA_HINT + "（ICCITY_REQUIRE_SPARK=1：不允许跳过）")
        warnings.warn(JAVA_HINT)
        pytest.skip(JAVA_HINT)
    session = spark_session("iccity-consumption-tests", extra_conf=SHORT_RUN_JVM)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def engines(spark, tmp_path_factory):
    files = hand_dataset(tmp_path_factory.mktemp("spark-hand"))
    duck = Engine(files=files, file_source=lambda kind: [])
    sparky = Engine("pyspark", spark=spark, files=files, file_source=lambda kind: [])
    yield duck, sparky
    duck.close()


def test_metric_suite_on_spark_equals_duckdb(engines):
    duck, sparky = engines
    expected = metrics.suite(duck, source="raw")
    got = metrics.suite(sparky, source="raw")
    assert expected.keys() == got.keys()
    for name in expected:
        assert not expected[name].empty, name
        pd.testing.assert_frame_equal(got[name], expected[name], check_exact=True, obj=name)


def test_rollup_metrics_on_spark_equal_duckdb(engines):
    duck, sparky = engines
    for fn, kw in ((metrics.spend, {"by": ["district", "month"], "source": "rollup"}),
                   (metrics.night_share, {"freq": "date", "source": "rollup"}),
                   (metrics.merchant_contribution, {"by": ["first_store_tier"], "source": "rollup"})):
        pd.testing.assert_frame_equal(fn(sparky, **kw), fn(duck, **kw), check_exact=True, obj=fn.__name__)


def test_lunar_and_footfall_metrics_on_spark_equal_duckdb(engines):
    duck, sparky = engines
    for fn, kw in ((metrics.lunar_aligned, {"lunar_year": 2024, "first": (1, 1), "last": (1, 5)}),
                   (metrics.footfall, {"by": ["hour", "district"]}),
                   (metrics.night_share, {"freq": "month", "by": ["district"], "window": (19, 6)}),
                   (metrics.merchant_contribution, {"by": ["category"]})):
        pd.testing.assert_frame_equal(fn(sparky, **kw), fn(duck, **kw), check_exact=True, obj=fn.__name__)

"""The indicators app's policy rule, declared once (core.rules): the progress-status thresholds (values in
progress.py, beside the code that applies them). A later version that leaves a threshold out keeps the default."""
from __future__ import annotations

from iccity.core.rules import USE_DEFAULT, declare

from .progress import DEFAULT_EFFECTIVE_FROM, DEFAULT_THRESHOLDS, THRESHOLDS_RULE, THRESHOLDS_SOURCE

declare(THRESHOLDS_RULE, title="指标进展判定阈值", default=DEFAULT_THRESHOLDS, effective_from=DEFAULT_EFFECTIVE_FROM,
        source=THRESHOLDS_SOURCE, confidence="secondary", on_missing=USE_DEFAULT, complete=True)

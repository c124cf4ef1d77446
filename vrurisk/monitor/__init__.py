"""Monitoring a config's lists over time: drift, calibration, precision, disparities, decisions.

The CLI imports this package only when ``vrurisk monitor`` runs, so it loads eagerly.
"""

from vrurisk.monitor._lists import MonitoredList, outcomes_by_key, read_list, read_lists
from vrurisk.monitor._run import MONITOR_HTML, MONITOR_JSON, run_monitor
from vrurisk.monitor._summary import THRESHOLDS, monitor_lists

__all__ = [
    "MONITOR_HTML",
    "MONITOR_JSON",
    "THRESHOLDS",
    "MonitoredList",
    "monitor_lists",
    "outcomes_by_key",
    "read_list",
    "read_lists",
    "run_monitor",
]

"""A test-only export kind whose first build hangs until the test kills its worker.

Never imported by the app: the worker-loss tests start `celery worker` with `--include` naming this module.
"""

import os
import time
from pathlib import Path

from pastoral.files import exports

KIND = "tests.slow"


def build_slow(generated_file, user):
    """Leave a note of each attempt's process id (so the test knows whom to kill), hang on the first, then finish."""
    marker = Path(generated_file.parameters["marker_dir"])
    (marker / f"attempt-{generated_file.attempts}.pid").write_text(str(os.getpid()))
    if generated_file.attempts == 1:
        time.sleep(300)
    return exports.Built("slow.csv", "text/csv", exports.csv_bytes(["Attempt"], [[generated_file.attempts]]))


def register():
    exports.register(KIND, label="Slow test export", permission="pastoral.view_pupil", build=build_slow)


register()

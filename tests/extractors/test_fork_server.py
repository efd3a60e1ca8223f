"""Workers forked from a fork server that preloads a run's modules (POSIX)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(),
                                reason="no fork server on this platform: workers are spawned")

# The fork server serves its whole process, so each case runs in an interpreter of its own.
SCRIPT = textwrap.dedent('''
    import os, sys, threading
    from pathlib import Path
    from extractors.workers import soon, warm_workers, worker_pool

    def where():
        return os.getppid(), "gate_module" in sys.modules

    if __name__ == "__main__":
        with worker_pool(2, preload=("gate_module",)):
            started = {}
            def start():
                warm_workers()
                started["future"] = soon(where)
            caller = threading.Thread(target=start)
            caller.start()
            caller.join(20)
            print("returned before the imports ended:", not caller.is_alive(), flush=True)
            Path(os.environ["GATE"]).touch()
            caller.join()
            parent, preloaded = started["future"].result(timeout=120)
            print("forked by another process:", parent != os.getpid())
            print("module there before the first call:", preloaded)
''')

# Imported by the fork server: it holds the server (and every worker) until the gate opens.
GATE_MODULE = textwrap.dedent('''
    import os, time
    from pathlib import Path
    deadline = time.monotonic() + 120
    while not Path(os.environ["GATE"]).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
''')


def test_workers_start_with_the_preloaded_modules_and_the_caller_does_not_wait_for_them(tmp_path: Path) -> None:
    (tmp_path / "gate_module.py").write_text(GATE_MODULE)
    script = tmp_path / "run_pool.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "GATE": str(tmp_path / "open"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "returned before the imports ended: True",
        "forked by another process: True",
        "module there before the first call: True",
    ]

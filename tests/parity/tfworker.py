"""Client for the TensorFlow reference worker (``tf_reference.py``), run as a subprocess.

TF 1 graph behaviour (``tf.compat.v1.disable_v2_behavior()``) is process-wide, so the reference
values come from a separate Python process speaking JSON lines; see ``tf_reference.py`` for the
protocol.  Typical use::

    with TFWorker() as worker:
        values = worker.evaluate("cosine_decay", {"learning_rate": 0.01, "decay_steps": 100},
                                 range(0, 200, 10))
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

#: The worker script, beside this file.
WORKER_SCRIPT = Path(__file__).resolve().with_name("tf_reference.py")

#: Seconds to wait for TensorFlow to import and the worker to say it is ready.
READY_TIMEOUT = 180.0

#: Seconds to wait for one response by default.
REQUEST_TIMEOUT = 600.0


class TFError(Exception):
    """TensorFlow (or the seed's code) rejected a request; the worker is still usable.

    ``message`` is the worker's ``"ExcType: message"`` text.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TFWorkerError(RuntimeError):
    """The worker could not start, died, timed out or broke the protocol; it is unusable."""


class TFWorkerUnavailable(TFWorkerError):
    """The worker's Python cannot import TensorFlow."""


class TFWorker:
    """One ``tf_reference.py`` subprocess; thread-safe, one request at a time.

    ``python`` is the interpreter to run it with (default: ``sys.executable``, which must have
    TensorFlow).  With ``eager`` the worker evaluates in TF 2 eager mode instead of TF 1 graph
    mode.  The process is started by the constructor, which waits up to ``ready_timeout``
    seconds for its ready line.
    """

    def __init__(
        self,
        python: str | None = None,
        *,
        eager: bool = False,
        ready_timeout: float = READY_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.request_timeout = request_timeout
        self._lock = threading.Lock()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
        self._process: subprocess.Popen[str] | None = subprocess.Popen(
            [python or sys.executable, str(WORKER_SCRIPT), *(["--eager"] if eager else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env=env,
        )
        self._reader = threading.Thread(
            target=self._read_stdout, name="tf-worker-reader", daemon=True
        )
        self._reader.start()
        try:
            ready = self._receive(ready_timeout, "the ready line")
        except TFWorkerError:
            self.close()
            raise
        if not ready.get("ready"):
            self.close()
            error = str(ready.get("error", "no reason given"))
            if error.startswith(("ImportError", "ModuleNotFoundError")):
                raise TFWorkerUnavailable(f"TensorFlow cannot be imported: {error}")
            raise TFWorkerError(f"TensorFlow worker failed to start: {error}")
        self.tf_version: str = str(ready.get("tf_version"))
        self.pid: int = int(ready.get("pid", self._process.pid))

    # -- plumbing ------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        """Move the worker's stdout lines into the queue; ``None`` marks end of output."""
        process = self._process
        assert process is not None and process.stdout is not None
        try:
            for line in process.stdout:
                self._lines.put(line)
        except (OSError, ValueError):
            pass
        finally:
            self._lines.put(None)

    def _stderr_tail(self, limit: int = 4000) -> str:
        """The end of what the worker wrote to stderr, for error messages."""
        try:
            self._stderr.flush()
            size = self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, size - limit))
            return self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _receive(self, timeout: float, what: str) -> dict[str, Any]:
        """Wait for the next JSON line from the worker."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            raise TFWorkerError(
                f"TensorFlow worker gave no {what} within {timeout:g} s (killed it); "
                f"stderr:\n{self._stderr_tail()}"
            ) from None
        if line is None:
            code = self._process.wait() if self._process is not None else None
            raise TFWorkerError(
                f"TensorFlow worker exited (code {code}) before sending {what}; "
                f"stderr:\n{self._stderr_tail()}"
            )
        try:
            message = json.loads(line)
        except json.JSONDecodeError as exc:
            self._kill()
            raise TFWorkerError(f"TensorFlow worker sent a non-JSON line: {line!r}") from exc
        if not isinstance(message, dict):
            self._kill()
            raise TFWorkerError(f"TensorFlow worker sent a non-object line: {line!r}")
        return message

    def _kill(self) -> None:
        """Stop the worker process at once."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    # -- public API ----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        """Whether the worker process is still running."""
        return self._process is not None and self._process.poll() is None

    def request(self, request: Mapping[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one raw request and return the raw response (which may hold ``"error"``)."""
        with self._lock:
            process = self._process
            if process is None or process.stdin is None or process.poll() is not None:
                raise TFWorkerError("TensorFlow worker is not running")
            try:
                process.stdin.write(json.dumps(dict(request)) + "\n")
                process.stdin.flush()
            except (OSError, ValueError) as exc:
                raise TFWorkerError(
                    f"cannot write to TensorFlow worker: {exc}; stderr:\n{self._stderr_tail()}"
                ) from exc
            return self._receive(self.request_timeout if timeout is None else timeout, "a response")

    def evaluate_many(
        self,
        schedules: Sequence[tuple[str, Mapping[str, Any]]],
        steps: Iterable[int],
        *,
        method: str = "auto",
        seed: int | None = None,
        timeout: float | None = None,
    ) -> list[list[float]]:
        """Evaluate several ``(schedule, params)`` built together in one graph, at ``steps``.

        Returns one list of values per schedule.  Building schedules together can change their
        float32 values (Grappler merges their common subexpressions); ``tf_golden_seed.json`` was
        made that way, with all its schedules in one graph.  Raises :class:`TFError` if
        TensorFlow rejects the request.
        """
        if not schedules:
            raise ValueError("at least one schedule is needed")
        (schedule, params), *others = schedules
        request: dict[str, Any] = {
            "schedule": schedule,
            "params": dict(params),
            "steps": [int(s) for s in steps],
            "method": method,
        }
        if others:
            request["companions"] = [{"schedule": n, "params": dict(p)} for n, p in others]
        if seed is not None:
            request["seed"] = seed
        response = self.request(request, timeout)
        if "error" in response:
            raise TFError(str(response["error"]))
        values = [response["values"], *response.get("companion_values", [])]
        return [[float(v) for v in vs] for vs in values]

    def evaluate(
        self,
        schedule: str,
        params: Mapping[str, Any],
        steps: Iterable[int],
        *,
        method: str = "auto",
        seed: int | None = None,
        timeout: float | None = None,
    ) -> list[float]:
        """TensorFlow's values of ``schedule`` (built alone in its graph) at each of ``steps``.

        ``params`` uses the TF function's own argument names, without the step.  Raises
        :class:`TFError` if TensorFlow (or the seed's code) rejects the request.
        """
        return self.evaluate_many(
            [(schedule, params)], steps, method=method, seed=seed, timeout=timeout
        )[0]

    def close(self, timeout: float = 10.0) -> None:
        """Ask the worker to exit (end of input), killing it if it does not; idempotent."""
        process, self._process = self._process, None
        if process is not None:
            try:
                if process.stdin is not None:
                    process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._reader.join(timeout=1.0)
        self._stderr.close()

    def __enter__(self) -> TFWorker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

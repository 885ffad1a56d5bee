"""Keep exactly one Genesis platform reachable for a GENESIS_HOME while the Jupyter server runs.

Kernels find the platform through its discovery file, so it must run before anyone opens a
panel: the supervisor starts it with the server (or adopts one already running for the same
home: the platform's home lock allows only one), restarts it when it dies (same port and token,
so kernels that already read the discovery file keep working), and stops the one it started
when the server stops. Every failure is kept as a plain sentence that the proxy answers and the
Jupyter log shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import shlex
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from .discovery import DiscoveryError, discovery_path, pid_alive, read_discovery

MANAGED, EXTERNAL, REMOTE = "managed", "external", "remote"

COMMAND_HINT = (
    "Point Jupyter at the platform executable: GENESIS_PLATFORM_BIN=/path/to/genesis (or "
    "cli/bin/genesis.js of a Genesis Lab checkout), c.GenesisLab.platform_command, or put "
    "`genesis` on PATH. `scripts/setup` links it into the project's environment."
)


class PlatformUnavailable(Exception):
    """The platform cannot be reached; ``message`` says why, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Target:
    """Where the proxy sends requests, and the bearer token it adds."""

    url: str
    token: str
    pid: int | None = None
    owned: bool = False
    version: str = ""
    discovery_mtime: int | None = field(default=None, compare=False)

    @property
    def secure(self) -> bool:
        return urlsplit(self.url).scheme == "https"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "localhost"

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def base_path(self) -> str:
        return urlsplit(self.url).path.rstrip("/")


class _PortTaken(Exception):
    pass


def _load_libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _load_libc()
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child before exec: if the Jupyter server is killed (no cleanup), the platform
    # gets SIGTERM and shuts down cleanly instead of lingering unsupervised.
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class PlatformSupervisor:
    """One per Jupyter server. Modes: ``managed`` (start, adopt, restart), ``external`` (only
    use what the discovery file names), ``remote`` (a platform at a configured URL)."""

    def __init__(
        self,
        *,
        home: Path,
        mode: str,
        command: list[str] | None,
        command_problem: str = "",
        args: list[str] | None = None,
        remote_url: str = "",
        remote_token: str = "",
        token: str = "",
        startup_timeout: float = 30.0,
        autostart: bool = True,
        log: logging.Logger | None = None,
    ) -> None:
        if mode not in (MANAGED, EXTERNAL, REMOTE):
            raise ValueError(f"unknown platform mode {mode!r}")
        self.home = home
        self.mode = mode
        self.log = log or logging.getLogger("genesis_lab")
        self.startup_timeout = startup_timeout
        self.watch_interval = 1.0
        self._command = command
        self._command_problem = command_problem or "The Genesis platform executable was not found"
        self._args = list(args or [])
        self._remote = Target(url=remote_url.rstrip("/"), token=remote_token) if mode == REMOTE else None
        # The token a managed platform gets: kept across restarts so kernels stay connected.
        self._token = token or secrets.token_urlsafe(32)
        self._port = 0
        self._target: Target | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._held = mode == MANAGED and not autostart
        self._problem: PlatformUnavailable | None = (
            PlatformUnavailable(
                "The Genesis platform is stopped",
                "Start it from JupyterLab (the 'Start platform' button in the Genesis panels, or 'Start the Genesis Platform' in the command palette)",
            )
            if self._held
            else None
        )
        self._retry_at = 0.0
        self._backoff = 1.0
        self._state = "stopped"
        self._restarts = 0
        self._running_since = 0.0
        self._watcher: asyncio.Task[None] | None = None
        self._closing = False

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Begin supervising: connect (in the background) and watch."""
        self._watcher = asyncio.ensure_future(self._watch())
        if not self._held:
            asyncio.ensure_future(self._ensure_quietly())

    async def shutdown(self) -> None:
        """The Jupyter server stops: stop the platform this server started, and nothing else."""
        self._closing = True
        if self._watcher:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await self._terminate_owned()

    async def stop_platform(self) -> None:
        """Stop the platform and keep it down until ``start_platform`` (a user action)."""
        async with self._lock:
            target = self._target
            if target is not None and not target.owned:
                raise PlatformUnavailable(
                    f"The platform (pid {target.pid}) was not started by this Jupyter server",
                    "Stop it where it was started",
                )
            self._held = True
            self._target = None
            self._problem = PlatformUnavailable(
                "The Genesis platform was stopped from JupyterLab",
                "Start it again (the 'Start platform' button in the Genesis panels, or 'Start the Genesis Platform' in the command palette)",
            )
            await self._terminate_owned()
            self._state = "stopped"

    async def start_platform(self) -> Target:
        self._held = False
        return await self.ensure(force=True)

    # ------------------------------------------------------------------------------- queries

    async def current(self) -> Target:
        """The platform to talk to now, connecting (or starting it) if needed."""
        target = self._target
        if target is not None and self._valid(target):
            return target
        if self._held:
            assert self._problem is not None
            raise self._problem
        return await self.ensure()

    def note_unreachable(self, target: Target) -> None:
        """The proxy could not connect: forget the target so the next request reconnects."""
        if self._target == target:
            self.log.warning("Genesis platform at %s does not answer", target.url)
            self._target = None
            self._state = "unavailable"

    def status(self) -> dict[str, object]:
        target = self._target if self._target is not None and self._valid(self._target) else None
        problem = self._problem if target is None else None
        return {
            "mode": self.mode,
            "state": "running" if target else ("starting" if self._state == "running" else self._state),
            "home": str(self.home),
            "url": target.url if target else None,
            "pid": target.pid if target else None,
            "owned": bool(target and target.owned),
            "version": target.version if target else None,
            "message": problem.message if problem else None,
            "hint": problem.hint if problem else None,
            "restarts": self._restarts,
        }

    # ---------------------------------------------------------------------------- connecting

    async def ensure(self, force: bool = False) -> Target:
        async with self._lock:
            target = self._target
            if target is not None and self._valid(target):
                return target
            self._target = None
            if self._held:
                assert self._problem is not None
                raise self._problem
            # After a failure, wait out the back-off instead of hammering a broken command; a
            # platform someone else started meanwhile is still picked up (reading a file is cheap).
            if not force and self._problem is not None and time.monotonic() < self._retry_at:
                adopted = await self._adopt() if self._remote is None else None
                if adopted is None:
                    raise self._problem
                self._succeed(adopted)
                return adopted
            try:
                target = await self._connect()
            except PlatformUnavailable as problem:
                self._fail(problem)
                raise
            self._succeed(target)
            return target

    async def _ensure_quietly(self) -> None:
        with contextlib.suppress(PlatformUnavailable):
            await self.ensure()

    async def _connect(self) -> Target:
        if self._remote is not None:
            if await self._answers(self._remote):
                return self._remote
            raise PlatformUnavailable(
                f"The remote Genesis platform at {self._remote.url} does not answer GET /api/health",
                "Check c.GenesisLab.platform_url (GENESIS_URL) and that the platform is up",
            )
        adopted = await self._adopt()
        if adopted is not None:
            return adopted
        if self.mode == EXTERNAL:
            raise PlatformUnavailable(
                f"No Genesis platform is running for {self.home}",
                "This Jupyter server does not start one (GenesisLab.manage_platform is off); "
                f"start it with `genesis serve --home {self.home}`",
            )
        return await self._spawn()

    async def _adopt(self) -> Target | None:
        """Use the platform the discovery file names, if it is alive and answers."""
        path = discovery_path(self.home)
        try:
            found = read_discovery(path)
        except DiscoveryError as err:
            self.log.warning("Genesis: ignoring the discovery file: %s", err)
            return None
        if found is None or not pid_alive(found.pid):
            return None
        target = Target(
            url=found.url,
            token=found.token,
            pid=found.pid,
            owned=self._proc is not None and self._proc.pid == found.pid,
            version=found.version,
            discovery_mtime=_mtime(path),
        )
        if not await self._answers(target):
            return None
        if not target.owned:
            self.log.info(
                "Genesis: using the platform already running for %s (pid %s, %s)",
                self.home,
                found.pid,
                found.url,
            )
            # Should it die, ours takes over at the same address with the same token.
            self._token, self._port = found.token, target.port
        return target

    async def _spawn(self) -> Target:
        if not self._command:
            raise PlatformUnavailable(self._command_problem, COMMAND_HINT)
        self._state = "starting"
        ports = [self._port, 0] if self._port else [0]
        for i, port in enumerate(ports):
            try:
                return await self._spawn_once(port)
            except _PortTaken:
                if i == len(ports) - 1:
                    raise PlatformUnavailable(f"Port {port} is taken") from None
                self.log.info("Genesis: port %s is taken now, letting the platform pick one", port)
        raise AssertionError("unreachable")

    async def _spawn_once(self, port: int) -> Target:
        assert self._command
        argv = [*self._command, "serve", "--home", str(self.home), "--port", str(port), *self._args]
        env = dict(os.environ)
        env["GENESIS_HOME"] = str(self.home)
        env["GENESIS_TOKEN"] = self._token
        env.pop("GENESIS_URL", None)
        # A server started from a virtualenv without activating it: name the environment, so the
        # platform's reproductions find the kernels this server runs (they search $VIRTUAL_ENV).
        if sys.prefix != sys.base_prefix and "VIRTUAL_ENV" not in env and "CONDA_PREFIX" not in env:
            env["VIRTUAL_ENV"] = sys.prefix
        self.log.info("Genesis: starting the platform: %s", shlex.join(argv))
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                # Its own session: a Ctrl-C meant for Jupyter's prompt does not kill it.
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as err:
            raise PlatformUnavailable(
                f"Cannot run the Genesis platform command {argv[0]}: {err.strerror or err}",
                COMMAND_HINT,
            ) from None
        output: deque[str] = deque(maxlen=60)
        reader = asyncio.ensure_future(self._forward_output(proc, output))
        path = discovery_path(self.home)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if proc.returncode is not None:
                await reader
                return await self._after_failed_start(proc.returncode, port, output, argv, deadline)
            try:
                found = read_discovery(path)
            except DiscoveryError:
                found = None  # being replaced right now
            if found is not None and found.pid == proc.pid:
                target = Target(
                    url=found.url,
                    token=found.token,
                    pid=proc.pid,
                    owned=True,
                    version=found.version,
                    discovery_mtime=_mtime(path),
                )
                if await self._answers(target):
                    self._proc, self._reader = proc, reader
                    self._port = target.port
                    self.log.info(
                        "Genesis: platform %s running at %s (pid %s, home %s)",
                        found.version,
                        found.url,
                        proc.pid,
                        self.home,
                    )
                    return target
            if time.monotonic() > deadline:
                await _terminate(proc)
                await reader
                raise PlatformUnavailable(
                    f"The Genesis platform did not answer within {self.startup_timeout:.0f} s",
                    _output_hint(argv, output),
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 0.1)

    async def _after_failed_start(
        self, code: int, port: int, output: deque[str], argv: list[str], deadline: float
    ) -> Target:
        text = "\n".join(output)
        if "already running" in text:
            # Another server (or a terminal) won the race for this home's lock: use its platform.
            while time.monotonic() < deadline:
                adopted = await self._adopt()
                if adopted is not None:
                    return adopted
                await asyncio.sleep(0.2)
        if port and "EADDRINUSE" in text:
            raise _PortTaken()
        reason = _last_meaningful(output) or f"exit code {code}"
        raise PlatformUnavailable(
            f"The Genesis platform exited while starting (code {code}): {reason}",
            _output_hint(argv, output),
        )

    async def _forward_output(self, proc: asyncio.subprocess.Process, output: deque[str]) -> None:
        """Copy the platform's output to the Jupyter log (and keep the tail for error messages);
        reading it also keeps the pipe from filling up and blocking the platform."""
        assert proc.stdout is not None
        async for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                output.append(line)
                self.log.info("[genesis platform %s] %s", proc.pid, line)

    async def _answers(self, target: Target) -> bool:
        try:
            response = await AsyncHTTPClient().fetch(
                target.url + "/api/health", connect_timeout=2.0, request_timeout=3.0
            )
        except (TimeoutError, HTTPClientError, OSError):
            return False
        return response.code == 200

    def _valid(self, target: Target) -> bool:
        if self._remote is not None:
            return True
        if target.owned and self._proc is not None and target.pid == self._proc.pid:
            return self._proc.returncode is None
        if target.pid is None or not pid_alive(target.pid):
            return False
        # Another platform replaced the file (new token or port): reconnect to it.
        return _mtime(discovery_path(self.home)) == target.discovery_mtime

    def _succeed(self, target: Target) -> None:
        if self._target != target:
            self._running_since = time.monotonic()
        self._target = target
        self._problem = None
        self._state = "running"

    def _fail(self, problem: PlatformUnavailable) -> None:
        repeated = self._problem is not None and self._problem.message == problem.message
        self._problem = problem
        self._state = "unavailable"
        self._retry_at = time.monotonic() + self._backoff
        (self.log.debug if repeated else self.log.error)(
            "Genesis: the platform is unavailable: %s%s (next try in %.0f s)",
            problem.message,
            f"\n{problem.hint}" if problem.hint else "",
            self._backoff,
        )
        # Starting a process is worth spacing out; looking for one (external, remote) is cheap.
        limit = {MANAGED: 30.0, EXTERNAL: 1.0, REMOTE: 5.0}[self.mode]
        self._backoff = min(self._backoff * 2, limit)

    async def _watch(self) -> None:
        """Notice a platform that died (or a new one for ``external``) and reconnect."""
        while not self._closing:
            await asyncio.sleep(self.watch_interval)
            if self._held or self._closing:
                continue
            target = self._target
            if target is not None and self._valid(target):
                if time.monotonic() - self._running_since >= 10.0:
                    self._backoff = 1.0  # healthy for a while: forget earlier failures
                continue
            if target is not None:
                self._target = None
                self._state = "starting" if self.mode == MANAGED else "unavailable"
                code = self._proc.returncode if self._proc is not None else None
                self.log.warning(
                    "Genesis: the platform (pid %s) is gone%s; %s",
                    target.pid,
                    f" with exit code {code}" if code is not None and target.owned else "",
                    "restarting it" if self.mode == MANAGED else "waiting for one",
                )
                if self.mode == MANAGED:
                    self._restarts += 1
                    # One that dies right after starting is crash-looping: space the restarts out.
                    if time.monotonic() - self._running_since < 10.0:
                        self._retry_at = time.monotonic() + self._backoff
                        self._backoff = min(self._backoff * 2, 30.0)
                    else:
                        self._retry_at, self._backoff = 0.0, 1.0
            if time.monotonic() < self._retry_at:
                continue
            await self._ensure_quietly()

    async def _terminate_owned(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            self.log.info("Genesis: stopping the platform (pid %s)", proc.pid)
            await _terminate(proc)
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 2.0)
            self._reader = None


async def _terminate(proc: asyncio.subprocess.Process, grace: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _last_meaningful(output: deque[str]) -> str:
    for line in reversed(output):
        stripped = line.strip()
        if stripped.startswith("genesis:") or "Error" in stripped:
            return stripped.removeprefix("genesis:").strip()
    return output[-1].strip() if output else ""


def _output_hint(argv: list[str], output: deque[str]) -> str:
    tail = "\n".join(list(output)[-15:])
    return f"Command: {shlex.join(argv)}" + (f"\nIts output:\n{tail}" if tail else " (no output)")

"""What every real-client test shares: the server it talks to, the clock, failures, time limits.

A test starts its own server on 127.0.0.1 with --port 0 (`shardsim serve`, or kinesalite 3.3.3
for comparison), reads the port from the first line it prints
(`...: listening on http://127.0.0.1:PORT`), and stops it when the test ends, however it ends:
at exit, on SIGTERM/SIGINT/SIGALRM, and (through PR_SET_PDEATHSIG) when the test process dies.
Every wait has a deadline; running out of one is a failure, never a hang. A missing dependency
is a failure naming the script that installs it.

Also a command:  harness.py (--shardsim BIN | --kinesalite) [--server-arg ARG]... -- CMD...
starts the server, runs CMD with SHARDSIM_ENDPOINT, SHARDSIM_TARGET (shardsim|kinesalite) and
SHARDSIM_BINARY set, stops the server, and exits with CMD's status (or 1 if the server failed).

Runs under /usr/bin/python3 (Debian's, which has boto3 and cbor2; the `python3` on PATH may not).
"""

import argparse
import atexit
import ctypes
import json
import os
import re
import select
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = os.path.join(REPO_ROOT, "tests", "clients", "node")
SETUP_SCRIPT = "scripts/setup_clients.sh"

_LISTEN_LINE = re.compile(r"listening on (https?://127\.0\.0\.1:(\d+))\s*$")
_CERT_LINE = re.compile(r"TLS certificate .*: (\S+)\s*$")
_START_TIMEOUT_S = 30  # an ASan build starts slower; nothing legitimate takes this long
_STOP_TIMEOUT_S = 15

# Dummy credentials and a region, so no SDK looks for real ones; config files pointed away so a
# developer's ~/.aws cannot change what a test sends.
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "shardsim-test",
    "AWS_SECRET_ACCESS_KEY": "not-checked",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/shardsim-tests/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/shardsim-tests/credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PAGER": "",
    "AWS_DEFAULT_OUTPUT": "json",
}


class TestFailure(Exception):
    pass


def fail(message):
    """Ends the test: prints one FAIL line and exits 1 (servers are stopped by atexit)."""
    print(f"FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def say(message):
    print(message, flush=True)


def require_module(name, debian_package):
    """Imports a module or fails the test, naming the package and the script that installs it."""
    try:
        return __import__(name)
    except ImportError as e:
        fail(f"python module '{name}' is missing for {sys.executable} ({e}); "
             f"{SETUP_SCRIPT} installs it (Debian package {debian_package})")


def require_file(path, what, how):
    if not os.path.exists(path):
        fail(f"{what} not found at {path}; {how}")


def use_client_env():
    os.environ.update(CLIENT_ENV)


def time_limit(seconds, what):
    """Fails the test (stopping its servers) if it has not finished within `seconds`."""
    def on_alarm(signum, frame):
        fail(f"{what} did not finish within {seconds} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_servers = []


def _stop_all():
    for server in list(_servers):
        server.stop(check_exit=False)


def _on_signal(signum, frame):
    fail(f"stopped by signal {signum}")


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


class Server:
    """A server process this test started; `endpoint` is http://127.0.0.1:PORT (https:// with
    --tls, and then `cert` is the self-signed certificate's file the server printed, if it did)."""

    def __init__(self, kind, argv, env=None):
        self.kind = kind
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     env=env, preexec_fn=_die_with_parent)
        _servers.append(self)
        self.pid = self.proc.pid
        self.cert = None
        self.endpoint = self._read_endpoint()
        self.port = int(self.endpoint.rsplit(":", 1)[1])
        # Keep draining stdout so a chatty server never blocks on a full pipe.
        self._drain = threading.Thread(target=self._forward_stdout, daemon=True)
        self._drain.start()

    @property
    def is_shardsim(self):
        return self.kind == "shardsim"

    def _read_endpoint(self):
        deadline = time.monotonic() + _START_TIMEOUT_S
        seen = b""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                fail(f"{self.argv[0]} exited with status {self.proc.returncode} before listening; "
                     f"it printed {seen!r}")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            seen += chunk
            if b"\n" in seen:
                line, rest = seen.split(b"\n", 1)
                match = _LISTEN_LINE.search(line.decode("utf-8", "replace"))
                if not match:
                    fail(f"{' '.join(self.argv)}: first line {line!r} does not say "
                         f"'listening on http://127.0.0.1:PORT'")
                if match.group(1).startswith("https:") and "--tls-cert" not in self.argv:
                    self.cert = self._read_cert_line(rest, deadline)
                return match.group(1)
        fail(f"{' '.join(self.argv)} printed no listening line within {_START_TIMEOUT_S} s")

    def _read_cert_line(self, seen, deadline):
        while b"\n" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                seen += os.read(self.proc.stdout.fileno(), 4096)
        match = _CERT_LINE.search(seen.split(b"\n", 1)[0].decode("utf-8", "replace"))
        if not match:
            fail(f"{' '.join(self.argv)}: no 'TLS certificate ...: FILE' line after listening; "
                 f"it printed {seen!r}")
        return match.group(1)

    def _forward_stdout(self):
        for line in self.proc.stdout:
            sys.stdout.write(f"[{self.kind}] {line.decode('utf-8', 'replace')}")

    def rss_kib(self):
        """Resident memory (VmRSS) in KiB, from /proc/PID/status."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        fail(f"no VmRSS line in /proc/{self.pid}/status")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, check_exit=True):
        """SIGTERM, then SIGKILL after a deadline; with check_exit, a non-zero exit fails."""
        if self not in _servers:
            return
        _servers.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                if check_exit:
                    fail(f"{self.kind} (pid {self.pid}) ignored SIGTERM for {_STOP_TIMEOUT_S} s")
        if check_exit and self.proc.returncode not in (0, -signal.SIGTERM):
            fail(f"{self.kind} (pid {self.pid}) exited with status {self.proc.returncode}")

    # ---- the virtual clock (shardsim only) ----------------------------------------------
    def _control(self, method, body=None):
        request = urllib.request.Request(
            self.endpoint + "/_shardsim/clock", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"})
        try:
            context = ssl.create_default_context(cafile=self.cert) if self.cert else None
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            fail(f"{method} /_shardsim/clock {body}: HTTP {e.code}: {e.read()[:300]!r}")

    def clock(self):
        """{"now": RFC 3339, "mode": ...}"""
        return self._control("GET")

    def advance(self, duration_text):
        return self._control("POST", {"advance": duration_text})

    def set_clock(self, rfc3339):
        return self._control("POST", {"set": rfc3339})


def start_shardsim(binary, *args, env=None):
    require_file(binary, "the shardsim binary", "build it: cmake --build build --target shardsim")
    return Server("shardsim", [binary, "serve", "--port", "0", *args], env=env)


def start_kinesalite(*args):
    script = os.path.join(NODE_DIR, "kinesalite_serve.js")
    require_file(os.path.join(NODE_DIR, "node_modules", "kinesalite"), "kinesalite 3.3.3",
                 f"{SETUP_SCRIPT} installs it (npm ci in tests/clients/node)")
    node = _which("node") or fail(f"node is not installed; {SETUP_SCRIPT} installs it (nodejs)")
    return Server("kinesalite", [node, script, *args])


def _which(name):
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    return None


def add_target_arguments(parser):
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--shardsim", metavar="BIN", help="the shardsim binary to serve with")
    target.add_argument("--kinesalite", action="store_true",
                        help="run against kinesalite 3.3.3 instead (bucket assertions are skipped, "
                             "and said so)")


def start_target(args, *server_args, env=None):
    """Starts the server the arguments name; extra args (and env) go to `shardsim serve` only."""
    if args.kinesalite:
        return start_kinesalite()
    return start_shardsim(args.shardsim, *server_args, env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_target_arguments(parser)
    parser.add_argument("--server-arg", action="append", default=[],
                        help="one more argument for shardsim serve (repeatable)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds CMD may take")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if not _which(command[0]) and not os.access(command[0], os.X_OK):
        fail(f"{command[0]} is not installed; {SETUP_SCRIPT} installs it")
    server = start_target(args, *args.server_arg)
    env = dict(os.environ, SHARDSIM_ENDPOINT=server.endpoint, SHARDSIM_TARGET=server.kind,
               SHARDSIM_BINARY=os.path.abspath(args.shardsim) if args.shardsim else "")
    env.update(CLIENT_ENV)
    if server.cert:  # serve --tls with its self-signed certificate: each SDK's usual setting
        env.update(SSL_CERT_FILE=server.cert, AWS_CA_BUNDLE=server.cert,
                   NODE_EXTRA_CA_CERTS=server.cert)
    try:
        status = subprocess.run(command, env=env, timeout=args.timeout).returncode
    except subprocess.TimeoutExpired:
        fail(f"{' '.join(command)} did not finish within {args.timeout} s")
    check(server.alive(), f"{server.kind} died during the test (status {server.proc.returncode})")
    server.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()

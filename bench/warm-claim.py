#!/usr/bin/env python3
"""Warm claims of code-server through the gateway on the local provider, with cold starts of the same profile beside.

    python3 bench/warm-claim.py [--warm 20] [--cold 5]

Needs the built jar (mvn -B -q -DskipTests package) and code-server with Node.js 24 as e2e/ide/install.sh caches
them (it is run to find them). Starts its own gateway (auth off, embedded Redis, free loopback ports, state in a
temporary directory) twice: with the code-server profile's warm pool of 1 (each claim waits until the replacement
member is ready, so every claim finds one), then without a pool. Each claim is one new workspace. A claim is timed
as a student's browser sees it, from its first request (GET /, Accept: text/html) to a workbench page that loads: the
redirects code-server sends, the workbench HTML, and the workbench's main script it names. If the gateway answers with
its waiting page (a claim over 1.5 s), the page is asked again every 200 ms, as the waiting page does. Prints the
figures; asserts nothing about time. Everything it starts is stopped by pid on the way out.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(REPO, "proxy", "target", "wsgate.jar")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ide_installs(work):
    out = subprocess.run(["bash", os.path.join(REPO, "e2e", "ide", "install.sh")], check=True,
                         capture_output=True, text=True).stdout
    found = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    node, code_server = found["NODE24"], found["CODE_SERVER"]
    if os.geteuid() == 0:
        # the IDE runs as each workspace's own user, who cannot traverse root's home: hard-link copies (same file
        # system, no bytes copied) in a directory every user may read
        ide = os.path.join(work, "ide")
        os.makedirs(ide)
        os.chmod(work, 0o755)
        for src in (os.path.dirname(os.path.dirname(node)), os.path.dirname(os.path.dirname(os.path.dirname(code_server)))):
            dst = os.path.join(ide, os.path.basename(src))
            subprocess.run(["cp", "-al", src, dst], check=True)
            os.chmod(dst, 0o755)  # the cache's directories are mktemp's 0700; the copies' modes are their own
            node = node.replace(src, dst) if node.startswith(src) else node
            code_server = code_server.replace(src, dst) if code_server.startswith(src) else code_server
    return node, code_server


class Gateway:
    def __init__(self, work, name, pool, node, code_server):
        self.port, self.admin = free_port(), free_port()
        self.log = open(os.path.join(work, f"gateway-{name}.log"), "w")
        agent = ("{java} -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp {classpath} io.wsgate.agent.Agent "
                 "--ide code-server --port {port} --prefetch " + os.path.dirname(os.path.dirname(code_server)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("WSGATE_")}
        env.update({
            "PATH": os.path.join(node, "bin") + ":" + env.get("PATH", ""),
            "CODE_SERVER": code_server,
            "WSGATE_PORT": str(self.port), "WSGATE_ADMIN_PORT": str(self.admin),
            "WSGATE_STATE_DIR": os.path.join(work, "state"), "WSGATE_DATA_DIR": os.path.join(work, "data"),
            "WSGATE_AUTH": "off", "WSGATE_USER_LAUNCH_RATE": "1000", "WSGATE_USER_CONCURRENT_LAUNCHES": "20",
            "WSGATE_PROFILES": "code", "WSGATE_DEFAULT_PROFILE": "code",
            "WSGATE_PROFILE_CODE_COMMAND": agent,
            "WSGATE_PROFILE_CODE_READINESS_PATH": "/healthz",
            "WSGATE_PROFILE_CODE_ASSIGN_PATH": "/wsgate/assign",
            "WSGATE_PROFILE_CODE_ACTIVITY_MIN_MESSAGE": "13",
            "WSGATE_PROFILE_CODE_POOL_SCHEDULE": pool,
        })
        self.proc = subprocess.Popen(["java", "-jar", JAR], env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.admin_get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gateway {name} not ready in 120 s, see {self.log.name}")

    def admin_get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.admin, timeout=10)
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()

    def pool_ready(self):
        status = json.loads(self.admin_get("/api/status")[1])
        return sum(p.get("ready", 0) for p in status.get("pools", []) if p.get("profile") == "code")

    def source(self, workspace):
        for w in json.loads(self.admin_get("/api/workspaces")[1])["workspaces"]:
            if w["id"] == workspace:
                return w.get("source")
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def get(port, host, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path, headers={"Host": host, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                                    "User-Agent": "wsgate-warm-claim-bench"})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Location"), body


def open_workbench(port, workspace):
    """Seconds from the first request to the workbench HTML and its main script; and how many waiting pages."""
    host = f"ws-{workspace}.localhost:{port}"
    start = time.monotonic()
    path, waits = "/", 0
    for _ in range(2000):
        status, location, body = get(port, host, path)
        if status in (301, 302, 303, 307, 308) and location:
            path = re.sub(r"^https?://[^/]+", "", location)
            if not path.startswith("/"):
                path = "/" + path.lstrip("./")
            continue
        text = body.decode("utf-8", "replace")
        script = re.search(r'src="([^"]*workbench[^"]*\.js)"', text) if status == 200 else None
        if script:
            src = script.group(1)
            src = src if src.startswith("/") else "/" + src.lstrip("./")
            s_status, _, s_body = get(port, host, src)
            if s_status != 200 or len(s_body) < 1000:
                raise SystemExit(f"{workspace}: the workbench script {src} answered {s_status}")
            return time.monotonic() - start, waits
        # anything else is the gateway's waiting page (or a launch failure page, which the next try shows again)
        last = f"{status} {text[:200]!r}"
        waits += 1
        time.sleep(0.2)
    raise SystemExit(f"{workspace}: no workbench; last answer {last}")


def figures(name, seconds):
    s = sorted(seconds)
    p = lambda q: s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]
    return (f"{name}: n={len(s)} p50={statistics.median(s):.2f} s p95={p(0.95):.2f} s max={s[-1]:.2f} s "
            f"min={s[0]:.2f} s")


def print_agent_breakdown(work):
    """The agents' own account of each assignment: directory, IDE process start, IDE answering its readiness path."""
    logs = os.path.join(work, "state", "logs")
    parts = {"warm": [], "cold": []}
    line = re.compile(r"ready in (\d+) ms \(directory (\d+) ms, IDE started (\d+) ms, answered (\d+) ms\)")
    for name in os.listdir(logs):
        with open(os.path.join(logs, name), errors="replace") as f:
            for m in line.finditer(f.read()):
                parts["warm" if name.startswith("pool-") else "cold"].append([int(g) for g in m.groups()])
    for kind, rows in parts.items():
        if rows:
            med = [statistics.median(r[i] for r in rows) for i in range(4)]
            print(f"agent, {kind} ({len(rows)}): median total {med[0]:.0f} ms = directory {med[1]:.0f} ms + IDE process "
                  f"{med[2]:.0f} ms + IDE answering {med[3]:.0f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warm", type=int, default=20)
    ap.add_argument("--cold", type=int, default=5)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.path.isfile(JAR):
        raise SystemExit(f"no {JAR}: build it first (mvn -B -q -DskipTests package)")
    work = tempfile.mkdtemp(prefix="wsgate-warm.")
    gateway = None
    results = {}
    try:
        node, code_server = ide_installs(work)
        for phase, pool, n in (("warm", "* 1", args.warm), ("cold", "", args.cold)):
            gateway = Gateway(work, phase, pool, node, code_server)
            times, waits, sources = [], 0, {}
            for i in range(n):
                if pool:
                    deadline = time.monotonic() + 180
                    while gateway.pool_ready() < 1:
                        if time.monotonic() > deadline:
                            raise SystemExit("the pool did not refill in 180 s")
                        time.sleep(0.2)
                workspace = f"{phase}-{os.getpid() % 10000}-{i}"
                took, w = open_workbench(gateway.port, workspace)
                times.append(took)
                waits += w
                src = gateway.source(workspace)
                sources[src] = sources.get(src, 0) + 1
                print(f"{phase} {i + 1}/{n}: {workspace} workbench in {took:.2f} s ({src}, waiting pages: {w})",
                      flush=True)
            results[phase] = (times, waits, sources)
            gateway.stop()
            gateway = None
        print()
        print_agent_breakdown(work)
        for phase, (times, waits, sources) in results.items():
            print(figures(f"{phase} (code-server via the agent, first request to workbench page + script)", times)
                  + f"; sources {sources}; waiting pages {waits}")
    finally:
        if gateway:
            gateway.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

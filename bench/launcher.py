#!/usr/bin/env python3
"""Local benchmark clusters: Weir (brokers, and a ZooKeeper for more than one) and Apache Kafka 4.3.1
(KRaft, via bench/kafka-reference.sh) on free loopback ports, everything under one data dir.

The one place that starts and stops the brokers of the benchmarks. bench/compare.py imports it;
the bash scripts (failover.sh, cluster-perf.sh, compare.sh) call its command line:

  bench/launcher.py snapshot DATA                 copy the built launcher and jars to DATA/weir
                                                  (building first if needed); prints DATA/weir/bin/weir
  bench/launcher.py start DATA [--kind weir|kafka] [--brokers N] [--zookeeper-only]
                    [--weir PATH] [--set KEY=VALUE]...
                                                  start, wait until every port listens, print
                                                  BOOTSTRAP=... and ZK_CONNECT=... (for eval) and leave
                                                  the processes running
  bench/launcher.py cpu DATA [--with-zookeeper]   user+sys CPU seconds of the brokers
  bench/launcher.py stop DATA [--keep-logs NAME]  SIGKILL what runs from DATA; with --keep-logs,
                                                  copy DATA/*.log to bench/results/NAME-<time>/
  bench/launcher.py scan-logs DATA                ERROR lines and kinds of WARN lines per broker log

Every process started writes its pid to DATA/pids/<name>.pid (FailoverBenchmark's brokers do too),
so `stop` finds them after the starting process is gone. Brokers run from a snapshot of the build
(`snapshot`), so a source file edited while a benchmark runs cannot make bin/weir rebuild in the
middle of it (a broker restarted after a kill would otherwise wait for mvn).
"""
import argparse
import base64
import glob
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAFKA_LIB = os.path.join(ROOT, "bench", "target", "kafka-lib")
CLK_TCK = os.sysconf("SC_CLK_TCK")


HANDED_OUT = set()
HANDED_OUT_LOCK = threading.Lock()


def free_port():
    """A free listening port below the ephemeral range. A port the kernel hands out for bind(0) comes
    from the range it also uses for outgoing connections, so a running broker's client socket could
    take it before the process meant to listen on it binds (a Kafka node of the 3-broker phase once
    failed to start that way). Never the same port twice in one process, since compare.py starts
    Weir and Kafka at once and a port is only taken once the broker binds it."""
    low = ephemeral_low()
    for _ in range(200):
        port = random.randrange(10000, low)
        with HANDED_OUT_LOCK:
            if port in HANDED_OUT:
                continue
            HANDED_OUT.add(port)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port found between 10000 and {low}")


def ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return max(20000, int(f.read().split()[0]))
    except (OSError, ValueError, IndexError):
        return 32768


def alive(pid):
    """True while pid runs (a zombie, exited but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_port(port, pid, log_path, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive(pid):
            raise RuntimeError(f"process exited before listening on {port}; see {log_path}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout_s} s; see {log_path}")


def stat_cpu_seconds(stat, user_only=False):
    """user+sys CPU seconds of one /proc/.../stat line (of a process or of one of its threads); with
    user_only, the user-mode part alone."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + (0 if user_only else int(fields[12]))) / CLK_TCK   # utime, stime (fields 14, 15)


def cpu_seconds(pid, user_only=False):
    with open(f"/proc/{pid}/stat") as f:
        return stat_cpu_seconds(f.read(), user_only)


def thread_cpu_seconds(pid, *name_parts):
    """The part of cpu_seconds(pid) that the threads whose /proc name contains one of name_parts took."""
    total = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:   # the thread ended between listdir and open
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        if any(part in name for part in name_parts):
            total += stat_cpu_seconds(stat)
    return total


def jit_cpu_seconds(pid):
    """HotSpot's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre" in /proc; the same
    names in Weir's and Kafka's JVMs)."""
    return thread_cpu_seconds(pid, "CompilerThre")


def gc_cpu_seconds(pid):
    """The garbage collector's threads: G1's ("GC Thread#N" run the pauses, "G1 ..." the concurrent
    work) and the VM Thread, which runs the serial and parallel collectors' pauses (and other
    safepoint operations, a small share)."""
    return thread_cpu_seconds(pid, "GC Thread", "G1 ", "VM Thread")


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def java_major(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)(\.(\d+))?', out)
    if not m:
        return 0
    return int(m.group(3)) if m.group(1) == "1" else int(m.group(1))


def newest_java():
    """The JDK bin/weir would pick (newest >= 17), so that Kafka runs on the same one."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    if shutil.which("java"):
        candidates.append(shutil.which("java"))
    if os.path.isdir("/usr/lib/jvm"):
        candidates += [os.path.join("/usr/lib/jvm", d, "bin", "java") for d in sorted(os.listdir("/usr/lib/jvm"))]
    best, best_major = "java", 0
    for c in candidates:
        if os.access(c, os.X_OK):
            major = java_major(c)
            if major > best_major:
                best, best_major = c, major
    return best


def snapshot_weir(data):
    """Builds Weir if needed and copies its launcher and jars to DATA/weir; returns that launcher."""
    subprocess.run([os.path.join(ROOT, "bin", "weir"), "--help"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    target = os.path.join(data, "weir", "weir-cli", "target")
    os.makedirs(os.path.join(data, "weir", "bin"), exist_ok=True)
    os.makedirs(target, exist_ok=True)
    weir = os.path.join(data, "weir", "bin", "weir")
    shutil.copy2(os.path.join(ROOT, "bin", "weir"), weir)
    shutil.copy2(os.path.join(ROOT, "weir-cli", "target", "weir-cli.jar"), target)
    shutil.copytree(os.path.join(ROOT, "weir-cli", "target", "lib"), os.path.join(target, "lib"), dirs_exist_ok=True)
    return weir


class Cluster:
    """The processes of one local cluster: brokers (name broker-<i> or kafka-<i>) and, for Weir with
    more than one broker, its ZooKeeper. Pids are also in DATA/pids/, so another process can load
    the cluster (`Cluster.load`) and stop it."""

    def __init__(self, kind, data, bootstrap, zk_connect, members):
        self.kind, self.data, self.bootstrap, self.zk_connect = kind, data, bootstrap, zk_connect
        self.members = members   # name -> subprocess.Popen, or a pid when loaded from DATA

    def pids(self, with_zookeeper=True):
        return [m if isinstance(m, int) else m.pid for name, m in self.members.items()
                if with_zookeeper or name != "zookeeper"]

    def cpu(self, with_zookeeper=True):
        return sum(cpu_seconds(p) for p in self.pids(with_zookeeper))

    def user_cpu(self):
        """The user-mode part of cpu(): the brokers' own code, without the kernel's work for them."""
        return sum(cpu_seconds(p, user_only=True) for p in self.pids())

    def jit_cpu(self):
        return sum(jit_cpu_seconds(p) for p in self.pids())

    def rss_mib(self):
        return sum(peak_rss_mib(p) for p in self.pids())

    def stop(self, timeout_s=30):
        """SIGTERM to the brokers, then to ZooKeeper once they are gone (an operator's order: a
        broker whose ZooKeeper is gone first skips its controlled shutdown after a session timeout,
        6 s), then SIGKILL whatever has not exited after timeout_s."""
        deadline = time.monotonic() + timeout_s
        for with_zookeeper in (False, True):
            self._signal(signal.SIGTERM, with_zookeeper)
            while any(alive(p) for p in self.pids(with_zookeeper)) and time.monotonic() < deadline:
                time.sleep(0.1)
        self.kill()

    def kill(self):
        self._signal(signal.SIGKILL)
        for m in self.members.values():
            if isinstance(m, int):
                deadline = time.monotonic() + 10
                while alive(m) and time.monotonic() < deadline:   # not our child: cannot wait(2) for it
                    time.sleep(0.05)
            else:
                m.wait()

    def _signal(self, sig, with_zookeeper=True):
        for pid in self.pids(with_zookeeper):
            if runs_from(pid, self.data):
                os.kill(pid, sig)

    @staticmethod
    def load(data):
        """Every process with a pid file under DATA/pids (brokers started by anyone, ZooKeeper)."""
        members = {}
        for f in sorted(glob.glob(os.path.join(data, "pids", "*.pid"))):
            with open(f) as pid_file:
                members[os.path.basename(f)[:-4]] = int(pid_file.read().strip())
        return Cluster("loaded", data, None, None, members)


def runs_from(pid, data):
    """pid still runs with DATA on its command line: a pid reused by another process is left alone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return alive(pid) and data.encode() in f.read()
    except OSError:
        return False


def spawn(data, name, cmd, env=None):
    """Starts cmd in a session of its own with output in DATA/<name>.log and its pid in DATA/pids."""
    os.makedirs(os.path.join(data, "pids"), exist_ok=True)
    with open(os.path.join(data, f"{name}.log"), "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
                                env=env, start_new_session=True)
    with open(os.path.join(data, "pids", f"{name}.pid"), "w") as f:
        f.write(f"{proc.pid}\n")
    return proc


def start_zookeeper(weir, data):
    port = free_port()
    zk = spawn(data, "zookeeper", [weir, "zookeeper", "--dir", f"{data}/zookeeper", "--port", str(port)])
    wait_port(port, zk.pid, f"{data}/zookeeper.log")
    return zk, f"127.0.0.1:{port}"


def start_weir(weir, data, brokers, settings=(), zookeeper_only=False):
    """One broker with its embedded ZooKeeper, or a ZooKeeper and `brokers` brokers (none when
    zookeeper_only: FailoverBenchmark starts its own)."""
    common = [a for s in ("metrics.port=0", *settings) for a in ("--set", s)]
    if brokers == 1 and not zookeeper_only:
        port = free_port()
        proc = spawn(data, "broker-0", [weir, "server", "--set", f"listeners=PLAINTEXT://127.0.0.1:{port}",
                                        "--set", f"log.dirs={data}/broker-0", "--set",
                                        f"weir.embedded.zookeeper.dir={data}/zookeeper", *common])
        wait_port(port, proc.pid, f"{data}/broker-0.log")
        return Cluster("weir", data, f"127.0.0.1:{port}", None, {"broker-0": proc})
    zk, zk_connect = start_zookeeper(weir, data)
    members, ports = {"zookeeper": zk}, []
    for i in range(0 if zookeeper_only else brokers):
        ports.append(free_port())
        members[f"broker-{i}"] = spawn(data, f"broker-{i}", [
            weir, "server", "--set", f"broker.id={i}", "--set", f"zookeeper.connect={zk_connect}",
            "--set", f"listeners=PLAINTEXT://127.0.0.1:{ports[i]}", "--set", f"log.dirs={data}/broker-{i}", *common])
    for i, port in enumerate(ports):
        wait_port(port, members[f"broker-{i}"].pid, f"{data}/broker-{i}.log")
    return Cluster("weir", data, ",".join(f"127.0.0.1:{p}" for p in ports), zk_connect, members)


def start_kafka(java, data, brokers):
    env = dict(os.environ, KAFKA_JAVA=java)
    script = os.path.join(ROOT, "bench", "kafka-reference.sh")
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    ports = [(free_port(), free_port()) for _ in range(brokers)]
    voters = ",".join(f"{i + 1}@127.0.0.1:{c}" for i, (_, c) in enumerate(ports))
    members = {}
    for i, (port, controller) in enumerate(ports):
        members[f"kafka-{i}"] = spawn(data, f"kafka-{i}", [script, str(port), f"{data}/kafka-{i}", str(i + 1),
                                                           str(controller), voters, cluster_id], env)
    for i, (port, _) in enumerate(ports):
        wait_port(port, members[f"kafka-{i}"].pid, f"{data}/kafka-{i}.log")
    return Cluster("kafka", data, ",".join(f"127.0.0.1:{p}" for p, _ in ports), None, members)


def scan_logs(data):
    """Per broker log: the ERROR lines (the first ones) and the kinds of WARN lines, digits masked, counted."""
    for path in sorted(glob.glob(os.path.join(data, "broker-*.log"))):
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        errors = [(n, l) for n, l in enumerate(lines, 1) if " ERROR " in l]
        warns = {}
        for line in (l for l in lines if " WARN " in l):
            kind = re.sub(r"[0-9]+", "N", line[13:])[:220]
            warns[kind] = warns.get(kind, 0) + 1
        print(f"{os.path.basename(path)}: {len(errors)} ERROR lines, {sum(warns.values())} WARN lines")
        for n, line in errors[:8]:
            print(f"    {n}:{line[:300]}")
        for kind, count in sorted(warns.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {count:7d} {kind}")


def keep_logs(data, name):
    out = os.path.join(ROOT, "bench", "results", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    os.makedirs(out, exist_ok=True)
    for path in glob.glob(os.path.join(data, "*.log")):
        shutil.copy2(path, out)
    print(f"logs kept in {os.path.relpath(out, ROOT)}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description="local benchmark clusters (see the module's docstring)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("snapshot").add_argument("data")
    start = sub.add_parser("start")
    start.add_argument("data")
    start.add_argument("--kind", choices=("weir", "kafka"), default="weir")
    start.add_argument("--brokers", type=int, default=1)
    start.add_argument("--zookeeper-only", action="store_true")
    start.add_argument("--weir", default=os.path.join(ROOT, "bin", "weir"))
    start.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    cpu = sub.add_parser("cpu")
    cpu.add_argument("data")
    cpu.add_argument("--with-zookeeper", action="store_true")
    stop = sub.add_parser("stop")
    stop.add_argument("data")
    stop.add_argument("--keep-logs", metavar="NAME")
    sub.add_parser("scan-logs").add_argument("data")
    opts = p.parse_args()
    data = os.path.abspath(opts.data)
    if opts.command == "snapshot":
        print(snapshot_weir(data))
    elif opts.command == "start":
        cluster = (start_weir(opts.weir, data, opts.brokers, opts.set, opts.zookeeper_only) if opts.kind == "weir"
                   else start_kafka(newest_java(), data, opts.brokers))
        print(f"BOOTSTRAP={cluster.bootstrap or ''}\nZK_CONNECT={cluster.zk_connect or ''}")
    elif opts.command == "cpu":
        print(f"{Cluster.load(data).cpu(opts.with_zookeeper):.2f}")
    elif opts.command == "stop":
        Cluster.load(data).kill()
        if opts.keep_logs:
            keep_logs(data, opts.keep_logs)
    else:
        scan_logs(data)


if __name__ == "__main__":
    main()

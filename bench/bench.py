#!/usr/bin/env python3
"""Gatehouse vs. CNCF distribution benchmark (see bench/README.md).

Starts both registries side by side on loopback, measures each metric for both
servers interleaved over several rounds (A,B then B,A, ...), and prints medians
and ratios A / B, where A is Gatehouse and B is the reference registry.

Python 3 standard library only. Load generators are separate processes (not
threads) that send straight from memory (push) or read into a reused buffer
(pull), so the client costs little CPU; manifest and tag-list load comes from wrk.
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import http.client
import io
import json
import multiprocessing as mp
import math
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.parse

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
MiB = 1 << 20
HOST = "127.0.0.1"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MANIFEST_ACCEPT = ", ".join([
    OCI_MANIFEST,
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])

REPO_BLOBS = "bench/blobs"
REPO_MANIFEST = "bench/manifest"
REPO_TAGS = "bench/tags"

DEFAULT_GATEHOUSE_CMD = (REPO_ROOT + "/gatehouse serve --listen {host}:{port} --data-dir {data_dir}")

DURABILITY = {
    "gatehouse": "fsync on blob commit, H2 group commit (database commit on disk before the 201)",
    "distribution": ("default filesystem driver (2.8.2): fsync(2) of every file it writes "
                     "(upload data, hash state, link files) when closed/committed; blobs are "
                     "committed by rename(2) with no directory fsync; link files are rewritten "
                     "in place (no temp file + rename). Verified with strace."),
}


MEMORY_FS = ("tmpfs", "ramfs")

# (metric key, label) of the rows "server CPU-seconds per GB", in table order
CPU_ROWS = [("push", "blob push"), ("pull", "blob pull"), ("chunked", "chunked upload")]
# Server CPU per request of the request-rate metrics: unlike req/s it does not depend on whether the server kept
# both cores busy, so it separates what a feature costs in CPU from time spent waiting (e.g. for a sync).
REQUEST_CPU_ROWS = [("manifest", "manifest GET"), ("tags", "tag list")]


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------
# small HTTP helpers (used by workers and setup)
# --------------------------------------------------------------------------

def connect(host, port):
    c = http.client.HTTPConnection(host, port, timeout=300)
    c.connect()
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c


def request(conn, method, path, auth=None, headers=None, body=None):
    h = {}
    if auth:
        h["Authorization"] = auth
    if headers:
        h.update(headers)
    if body is None and method in ("POST", "PUT", "PATCH"):
        h.setdefault("Content-Length", "0")
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r.status, r.headers, data


def location_path(loc):
    """Location may be absolute or relative; we always talk to the same server."""
    if not loc:
        raise BenchError("response without Location header")
    u = urllib.parse.urlsplit(loc)
    return u.path + ("?" + u.query if u.query else "")


def with_digest(loc, digest):
    sep = "&" if "?" in loc else "?"
    return loc + sep + "digest=" + urllib.parse.quote(digest, safe="")


def expect(status, want, what, body=b""):
    if status not in want:
        raise BenchError("%s: HTTP %d (want %s) %s" % (what, status, want, body[:300]))


def start_upload(conn, repo, auth):
    st, h, b = request(conn, "POST", "/v2/%s/blobs/uploads/" % repo, auth)
    expect(st, (202,), "POST upload", b)
    return location_path(h.get("Location"))


def send_streamed(conn, method, path, auth, parts, size, extra=None):
    """Send a request whose body is the concatenation of memoryviews `parts`."""
    conn.putrequest(method, path, skip_accept_encoding=True)
    if auth:
        conn.putheader("Authorization", auth)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(size))
    for k, v in (extra or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    try:
        for p in parts:
            conn.sock.sendall(p)
    except (BrokenPipeError, ConnectionResetError):
        pass  # server answered early (error); read its response below
    r = conn.getresponse()
    body = r.read()
    return r.status, r.headers, body


def push_monolithic(conn, repo, auth, parts, size, digest):
    loc = start_upload(conn, repo, auth)
    st, _, b = send_streamed(conn, "PUT", with_digest(loc, digest), auth, parts, size)
    expect(st, (201,), "PUT blob (monolithic)", b)


def slice_parts(parts, start, end):
    """memoryviews covering bytes [start, end) of the concatenation of parts."""
    out, pos = [], 0
    for p in parts:
        n = len(p)
        lo, hi = max(start, pos), min(end, pos + n)
        if lo < hi:
            out.append(p[lo - pos:hi - pos])
        pos += n
        if pos >= end:
            break
    return out


def push_chunked(conn, repo, auth, parts, size, digest, chunk):
    loc = start_upload(conn, repo, auth)
    off = 0
    while off < size:
        end = min(size, off + chunk)
        st, h, b = send_streamed(conn, "PATCH", loc, auth, slice_parts(parts, off, end), end - off,
                                 {"Content-Range": "%d-%d" % (off, end - 1)})
        expect(st, (202,), "PATCH chunk %d-%d" % (off, end - 1), b)
        loc = location_path(h.get("Location"))
        off = end
    st, _, b = request(conn, "PUT", with_digest(loc, digest), auth)
    expect(st, (201,), "PUT (close chunked upload)", b)


class Sink:
    """Where pulled bytes go: splice(2) socket -> pipe -> /dev/null (no copy to user space, about
    half the client CPU of a read loop), or readinto() a reused buffer when splice is unavailable."""

    def __init__(self, mode):
        self.buf = memoryview(bytearray(4 * MiB))
        self.mode = mode if hasattr(os, "splice") else "read"
        if self.mode == "splice":
            self.pr, self.pw = os.pipe()
            try:
                import fcntl
                fcntl.fcntl(self.pw, 1031, MiB)  # F_SETPIPE_SZ
            except OSError:
                pass
            self.devnull = os.open("/dev/null", os.O_WRONLY)


def pull_blob(conn, repo, auth, digest, size, sink):
    conn.putrequest("GET", "/v2/%s/blobs/%s" % (repo, digest), skip_accept_encoding=True)
    if auth:
        conn.putheader("Authorization", auth)
    conn.endheaders()
    r = conn.getresponse()
    if r.status != 200:
        raise BenchError("GET blob: HTTP %d %s" % (r.status, r.read()[:300]))
    if r.length is not None and r.length != size:
        raise BenchError("GET blob: Content-Length %d, want %d" % (r.length, size))
    n = 0
    if sink.mode == "splice" and r.length is not None and not r.chunked:
        n = min(len(r.fp.peek()), size)  # body bytes already buffered with the headers
        r.fp.read(n)
        conn.sock.settimeout(None)    # splice needs a blocking socket
        fd = conn.sock.fileno()
        while n < size:
            k = os.splice(fd, sink.pw, min(size - n, MiB))
            if k == 0:
                raise BenchError("GET blob: connection closed after %d of %d bytes" % (n, size))
            m = 0
            while m < k:
                m += os.splice(sink.pr, sink.devnull, k - m)
            n += k
        conn.sock.settimeout(300)
        r.length = 0
        r._close_conn()               # body fully consumed; connection stays open for keep-alive
    else:
        while True:
            k = r.readinto(sink.buf)
            if not k:
                break
            n += k
    if n != size:
        raise BenchError("GET blob: got %d bytes, want %d" % (n, size))
    return n


# --------------------------------------------------------------------------
# load-generator worker (one process per client)
# --------------------------------------------------------------------------

def worker(job, barrier, queue):
    """job: dict(kind=push|chunked|pull, host, port, repo, auth, size, count, chunk, blobs, idx)."""
    res = {"idx": job["idx"], "error": None, "bytes": 0, "digests": []}
    try:
        conn = connect(job["host"], job["port"])
        kind, size, auth, repo = job["kind"], job["size"], job["auth"], job["repo"]
        if kind in ("push", "chunked"):
            # Random per client and per measurement; blob k = base + 16-byte nonce k, so
            # every blob is new (no dedup) and one sha256 pass over the base is enough.
            base = memoryview(os.urandom(size - 16))
            hbase = hashlib.sha256(base)
            blobs = []
            for _ in range(job["count"]):
                nonce = secrets.token_bytes(16)
                h = hbase.copy()
                h.update(nonce)
                blobs.append(([base, memoryview(nonce)], "sha256:" + h.hexdigest()))
        else:
            sink = Sink(job["pull_mode"])
        barrier.wait(timeout=600)
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        if kind == "push":
            for parts, digest in blobs:
                push_monolithic(conn, repo, auth, parts, size, digest)
                res["bytes"] += size
                res["digests"].append(digest)
        elif kind == "chunked":
            for parts, digest in blobs:
                push_chunked(conn, repo, auth, parts, size, digest, job["chunk"])
                res["bytes"] += size
                res["digests"].append(digest)
        else:
            pool = job["blobs"]
            for j in range(job["count"]):
                digest, bsize = pool[(job["idx"] + j) % len(pool)]
                res["bytes"] += pull_blob(conn, repo, auth, digest, bsize, sink)
        t1 = time.monotonic()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        res.update(t0=t0, t1=t1, cpu=(r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
        conn.close()
    except BaseException as e:  # report everything to the parent
        res["error"] = "%s: %s" % (type(e).__name__, e)
        try:
            barrier.abort()
        except Exception:
            pass
    queue.put(res)


# --------------------------------------------------------------------------
# process inspection
# --------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_tree(root):
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def proc_status(pid):
    vals = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                vals[k] = v.strip()
    except OSError:
        return None
    return vals


def tree_cpu_seconds(root):
    total = 0
    for p in proc_tree(root):
        try:
            with open("/proc/%d/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------

DIST_CONFIG = """version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {data_dir}
  delete:
    enabled: true
  redirect:
    disable: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: {host}:{port}
  secret: {secret}
health:
  storagedriver:
    enabled: false
"""


class Server:
    def __init__(self, label, kind, workdir, data_base, cmd_template=None):
        self.label = label          # "A" / "B"
        self.kind = kind            # "gatehouse" / "distribution"
        self.dir = os.path.join(workdir, label.lower() + "-" + kind)          # config, log
        self.data_dir = os.path.join(data_base, label.lower() + "-" + kind, "data")
        self.cmd_template = cmd_template
        self.user = "admin"
        self.password = os.environ.get("BENCH_GATEHOUSE_PASSWORD") or secrets.token_urlsafe(18)
        self.proc = None
        self.port = None
        self.auth_mode = None       # none | bearer | basic
        self.realm = None
        self.service = None

    @property
    def name(self):
        return self.kind

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(self.data_dir, exist_ok=True)
        self.port = free_port()
        env = dict(os.environ)
        if self.kind == "distribution":
            cfg = os.path.join(self.dir, "config.yml")
            with open(cfg, "w") as f:
                f.write(DIST_CONFIG.format(data_dir=self.data_dir, host=HOST, port=self.port,
                                           secret=secrets.token_hex(16)))
            cmd = ["docker-registry", "serve", cfg]
        else:
            cmd = shlex.split(self.cmd_template.format(host=HOST, port=self.port, data_dir=self.data_dir))
            env["GATEHOUSE_ADMIN_PASSWORD"] = self.password
        self.cmd = cmd
        self.log_path = os.path.join(self.dir, "server.log")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, start_new_session=True, cwd=self.dir)
        log.close()

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError("%s (%s) exited with %s; log %s:\n%s" % (
                    self.label, self.kind, self.proc.returncode, self.log_path, self.log_tail()))
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=5)
                c.request("GET", "/v2/")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    self.auth_mode = "none"
                    return
                if r.status == 401:
                    self._parse_challenge(r.headers.get("WWW-Authenticate", ""))
                    return
                last = "HTTP %d" % r.status
            except OSError as e:
                last = str(e)
            time.sleep(0.2)
        raise BenchError("%s (%s) not ready after %ss (%s); log %s:\n%s" % (
            self.label, self.kind, timeout, last, self.log_path, self.log_tail()))

    def _parse_challenge(self, header):
        scheme = header.split(" ", 1)[0].lower()
        params = dict(re.findall(r'(\w+)="([^"]*)"', header))
        if scheme == "bearer":
            self.auth_mode = "bearer"
            self.realm = params.get("realm") or "http://%s:%d/token" % (HOST, self.port)
            self.service = params.get("service", "gatehouse")
        else:
            # No (usable) Bearer challenge: try the token endpoint anyway, else Basic.
            self.realm = "http://%s:%d/token" % (HOST, self.port)
            self.service = "gatehouse"
            try:
                self._fetch_token(REPO_BLOBS)
                self.auth_mode = "bearer"
            except Exception:
                self.auth_mode = "basic"

    def _basic(self):
        return "Basic " + base64.b64encode(("%s:%s" % (self.user, self.password)).encode()).decode()

    def _fetch_token(self, repo):
        u = urllib.parse.urlsplit(self.realm)
        q = urllib.parse.urlencode([("service", self.service),
                                    ("scope", "repository:%s:pull,push" % repo)])
        path = (u.path or "/") + "?" + ((u.query + "&") if u.query else "") + q
        for attempt in range(50):  # the token endpoint may come up a moment after /v2/
            try:
                c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
                c.request("GET", path, headers={"Authorization": self._basic()})
                r = c.getresponse()
                body = r.read()
                c.close()
                break
            except ConnectionError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        if r.status != 200:
            raise BenchError("token request %s: HTTP %d %s" % (path, r.status, body[:300]))
        doc = json.loads(body)
        tok = doc.get("token") or doc.get("access_token")
        if not tok:
            raise BenchError("token response without token: %s" % body[:300])
        return "Bearer " + tok

    def auth(self, repo):
        """Authorization header value for pull+push on repo (fresh token each call)."""
        if self.auth_mode == "none":
            return None
        if self.auth_mode == "basic":
            return self._basic()
        return self._fetch_token(repo)

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def cpu_seconds(self):
        return tree_cpu_seconds(self.proc.pid)

    def peak_rss(self):
        """(VmHWM kB, pid, comm) of the server process: the java process of the tree if there is
        one (the launcher may not exec), else the biggest process of the tree."""
        best = (0, None, None)
        for p in proc_tree(self.proc.pid):
            st = proc_status(p)
            if not st or "VmHWM" not in st:
                continue
            kb = int(st["VmHWM"].split()[0])
            is_java = st.get("Name") == "java"
            if (is_java, kb) > (best[2] == "java", best[0]):
                best = (kb, p, st.get("Name"))
        return best

    def java_version(self):
        for p in proc_tree(self.proc.pid):
            try:
                exe = os.readlink("/proc/%d/exe" % p)
            except OSError:
                continue
            if os.path.basename(exe) == "java":
                try:
                    out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=30)
                    return out.stderr.strip().splitlines()[0] + " (" + exe + ")"
                except Exception:
                    return exe
        return None

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the session we created for it
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------
# measurements
# --------------------------------------------------------------------------

def run_workers(server, jobs):
    """Run one worker process per job; returns (results, wall seconds, client cpu s, server cpu s)."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(jobs) + 1)
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(j, barrier, queue), daemon=True) for j in jobs]
    for p in procs:
        p.start()
    try:
        barrier.wait(timeout=600)  # all clients have their blobs ready
    except Exception:
        pass
    s0 = server.cpu_seconds()
    results = [queue.get(timeout=1800) for _ in jobs]
    s1 = server.cpu_seconds()
    for p in procs:
        p.join(timeout=60)
    errors = [r["error"] for r in results if r["error"]]
    if errors:
        raise BenchError("; ".join(sorted(set(errors)))[:800])
    t0 = min(r["t0"] for r in results)
    t1 = max(r["t1"] for r in results)
    wall = t1 - t0
    client_cpu = sum(r["cpu"] for r in results)
    return results, wall, client_cpu, s1 - s0


def measure_blobs(server, kind, opts, pool=None, count=None, size=None):
    repo = REPO_BLOBS
    auth = server.auth(repo)
    size = size or opts.blob_mib * MiB
    jobs = []
    for i in range(opts.clients):
        jobs.append(dict(kind=kind, idx=i, host=HOST, port=server.port, repo=repo, auth=auth, size=size,
                         count=count if count is not None else (opts.pulls_per_client if kind == "pull"
                                                                else opts.blobs_per_client),
                         chunk=opts.chunk_mib * MiB, blobs=pool, pull_mode=opts.pull_mode))
    results, wall, ccpu, scpu = run_workers(server, jobs)
    total = sum(r["bytes"] for r in results)
    digests = [(d, size) for r in results for d in r["digests"]]
    return dict(value=total / wall / 1e6, unit="MB/s", wall=wall, bytes=total,
                server_cpu_pct=100 * scpu / wall, client_cpu_pct=100 * ccpu / wall,
                server_cpu_s=scpu, client_cpu_s=ccpu,
                server_cpu_s_per_gb=scpu / (total / 1e9) if total else None), digests


WRK_RE = {
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "total": re.compile(r"(\d+) requests in ([\d.]+)(\w+)"),
    "non2xx": re.compile(r"Non-2xx or 3xx responses:\s+(\d+)"),
    "sockerr": re.compile(r"Socket errors: (.*)"),
}


def to_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    if not m:
        return None
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v if u == "ms" else v * 1000 if u == "s" else v * 60000


def measure_wrk(server, repo, path, opts, duration):
    auth = server.auth(repo)
    url = "http://%s:%d%s" % (HOST, server.port, path)
    cmd = ["wrk", "-t%d" % opts.wrk_threads, "-c%d" % opts.connections, "-d%ds" % duration,
           "--latency", "-H", "Accept: " + MANIFEST_ACCEPT]
    if auth:
        cmd += ["-H", "Authorization: " + auth]
    cmd.append(url)
    c0 = children_cpu_seconds()
    s0 = server.cpu_seconds()
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    wall = time.monotonic() - t0
    s1 = server.cpu_seconds()
    c1 = children_cpu_seconds()
    if out.returncode != 0:
        raise BenchError("wrk failed: %s %s" % (out.stdout[-500:], out.stderr[-500:]))
    text = out.stdout
    m = WRK_RE["rps"].search(text)
    if not m:
        raise BenchError("cannot parse wrk output: %s" % text[-800:])
    rps = float(m.group(1))
    mt = WRK_RE["total"].search(text)
    total = int(mt.group(1)) if mt else None
    non2xx = int(WRK_RE["non2xx"].search(text).group(1)) if WRK_RE["non2xx"].search(text) else 0
    se = WRK_RE["sockerr"].search(text)
    lat = {}
    for pct in ("50%", "99%"):
        ml = re.search(r"^\s+%s\s+(\S+)" % re.escape(pct), text, re.M)
        if ml:
            lat[pct] = to_ms(ml.group(1))
    if non2xx:
        raise BenchError("wrk saw %d non-2xx responses of %s (auth/token or server error) — result discarded"
                         % (non2xx, total))
    return dict(value=rps, unit="req/s", requests=total, wall=wall, p50_ms=lat.get("50%"),
                p99_ms=lat.get("99%"), socket_errors=se.group(1) if se else None,
                server_cpu_pct=100 * (s1 - s0) / wall, client_cpu_pct=100 * (c1 - c0) / wall,
                server_cpu_us_per_request=1e6 * (s1 - s0) / total if total else None)


# --------------------------------------------------------------------------
# setup: test image for manifest/tag benchmarks, blobs for pulls
# --------------------------------------------------------------------------

def make_image():
    payload = os.urandom(2048)
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w") as tf:
        ti = tarfile.TarInfo("bench/payload.bin")
        ti.size = len(payload)
        ti.mtime = 0
        tf.addfile(ti, io.BytesIO(payload))
    tar = tbuf.getvalue()
    layer = gzip.compress(tar, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
    }, separators=(",", ":")).encode()
    d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": d(config), "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER, "digest": d(layer), "size": len(layer)}],
    }, separators=(",", ":")).encode()
    return [(config, d(config)), (layer, d(layer))], manifest


def push_image(server, repo, tags):
    blobs, manifest = make_image()
    auth = server.auth(repo)
    conn = connect(HOST, server.port)
    for data, digest in blobs:
        push_monolithic(conn, repo, auth, [memoryview(data)], len(data), digest)
    for tag in tags:
        st, _, b = request(conn, "PUT", "/v2/%s/manifests/%s" % (repo, tag), auth,
                           {"Content-Type": OCI_MANIFEST}, manifest)
        expect(st, (201,), "PUT manifest %s:%s" % (repo, tag), b)
    conn.close()
    return manifest


def admin_call(server, method, path, body=None):
    c = http.client.HTTPConnection(HOST, server.port, timeout=600)
    headers = {"Authorization": server._basic(), "Content-Type": "application/json"}
    c.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def audit_pulls(server, record):
    """--audit: project bench exists on both servers; only A records allowed pulls in it."""
    status, body = admin_call(server, "POST", "/api/v1/projects", {"name": "bench"})
    if status not in (201, 409):
        raise BenchError("%s: creating project bench: HTTP %d %s" % (server.label, status, body[:300]))
    status, body = admin_call(server, "PUT", "/api/v1/audit/pulls/bench", {"recordPulls": record})
    if status != 200 or json.loads(body).get("recordPulls") is not record:
        raise BenchError("%s: switching pull recording: HTTP %d %s" % (server.label, status, body[:300]))


def gate_policy(server, on):
    """--gate: project bench exists on both servers; only A has a pull policy (block severity high)."""
    status, body = admin_call(server, "POST", "/api/v1/projects", {"name": "bench"})
    if status not in (201, 409):
        raise BenchError("%s: creating project bench: HTTP %d %s" % (server.label, status, body[:300]))
    severity = "high" if on else "none"
    status, body = admin_call(server, "PUT", "/api/v1/projects/bench/scan-policy", {"blockSeverity": severity})
    if status != 200 or json.loads(body).get("blockSeverity") != severity:
        raise BenchError("%s: setting the pull policy: HTTP %d %s" % (server.label, status, body[:300]))


def audit_verify(server):
    """--audit: how many records each log holds after the run, and whether the chain verifies."""
    status, body = admin_call(server, "POST", "/api/v1/audit/verify")
    if status != 200:
        return "verify HTTP %d" % status
    doc = json.loads(body)
    return "%d records, %d checkpoints, %s" % (
        doc.get("records", 0), doc.get("checkpoints", 0), "intact" if doc.get("intact") else "NOT intact")


def setup_server(server, opts, log):
    """Untimed: push the manifest/tag fixtures and the blobs the pull test reads."""
    state = {"errors": {}}
    if "manifest" in opts.only:
        setup_manifest(server, state, log)
    if "tags" in opts.only:
        setup_tags(server, opts, state, log)
    if "pull" in opts.only:
        try:
            _, pool = measure_blobs(server, "push", opts, count=1)
            state["pull_pool"] = pool
        except Exception as e:
            state["errors"]["pull"] = str(e)
            log("  %s: pull setup failed: %s" % (server.label, e))
    return state


def setup_manifest(server, state, log):
    try:
        manifest = push_image(server, REPO_MANIFEST, ["latest"])
        conn = connect(HOST, server.port)
        st, h, b = request(conn, "GET", "/v2/%s/manifests/latest" % REPO_MANIFEST, server.auth(REPO_MANIFEST),
                           {"Accept": MANIFEST_ACCEPT})
        expect(st, (200,), "GET manifest", b)
        if b != manifest:
            raise BenchError("GET manifest returned different bytes")
        conn.close()
    except Exception as e:
        state["errors"]["manifest"] = str(e)
        log("  %s: manifest setup failed: %s" % (server.label, e))


def setup_tags(server, opts, state, log):
    try:
        tags = ["t%03d" % i for i in range(opts.tags)]
        push_image(server, REPO_TAGS, tags)
        conn = connect(HOST, server.port)
        st, h, b = request(conn, "GET", "/v2/%s/tags/list" % REPO_TAGS, server.auth(REPO_TAGS))
        expect(st, (200,), "GET tags/list", b)
        got = json.loads(b).get("tags") or []
        if len(got) < opts.tags:
            raise BenchError("tags/list returned %d tags, want %d (paginated by default?)" % (len(got), opts.tags))
        conn.close()
    except Exception as e:
        state["errors"]["tags"] = str(e)
        log("  %s: tag setup failed: %s" % (server.label, e))


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------

METRICS = [
    # key, label, target ratio (A/B) or None
    ("push", "blob push, monolithic (MB/s)", 1.2),
    ("pull", "blob pull (MB/s)", 1.0),
    ("chunked", "chunked upload (MB/s)", None),
    ("manifest", "manifest GET (req/s, %d conns)", 3.0),
    ("tags", "tag list (req/s, %d conns)", None),
]


# Metrics measured with wrk, whose rounds each server enters after idling through the other's run.
REQUEST_METRICS = ("manifest", "tags")


def run_metric(server, key, opts, state, duration):
    if key in state["errors"]:
        raise BenchError("setup failed: " + state["errors"][key])
    if key == "push":
        return measure_blobs(server, "push", opts)[0]
    if key == "chunked":
        return measure_blobs(server, "chunked", opts)[0]
    if key == "pull":
        return measure_blobs(server, "pull", opts, pool=state["pull_pool"])[0]
    if key == "manifest":
        return measure_wrk(server, REPO_MANIFEST, "/v2/%s/manifests/latest" % REPO_MANIFEST, opts, duration)
    if key == "tags":
        return measure_wrk(server, REPO_TAGS, "/v2/%s/tags/list" % REPO_TAGS, opts, duration)
    raise ValueError(key)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def data_fs(path):
    """Filesystem that holds path: dict(fstype, target, source, options)."""
    out = sh("findmnt -n -f -o FSTYPE,TARGET,SOURCE,OPTIONS -T %s" % shlex.quote(path)).split()
    if len(out) >= 2:
        return dict(fstype=out[0], target=out[1], source=out[2] if len(out) > 2 else "",
                    options=out[3] if len(out) > 3 else "")
    df = sh("df -PT %s | tail -1" % shlex.quote(path)).split()  # Filesystem Type ... Mounted-on
    if len(df) >= 7:
        return dict(fstype=df[1], target=df[6], source=df[0], options="")
    return dict(fstype=sh("stat -f -c %%T %s" % shlex.quote(path)) or "unknown", target="", source="", options="")


def data_root_line(fs, root):
    where = "`%s` on **%s** (mount %s%s)" % (root, fs["fstype"], fs["target"] or "?",
                                            ", " + fs["source"] if fs["source"] else "")
    if fs["fstype"] in MEMORY_FS:
        return (where + ". Memory-backed: fsync(2) returns at once, so no blob write waits for a disk "
                "and push/chunked throughput is limited by CPU, not storage. The durability modes below "
                "describe what each server asks for; here nothing reaches stable storage.")
    return (where + ". Blob push and chunked upload wait for the fsyncs below on this filesystem, "
            "so their MB/s can be limited by the disk rather than by the servers' CPU.")


def space_needed(opts):
    """Upper estimate of bytes both servers store during the run."""
    blob = opts.blob_mib * MiB
    per = 0
    if "pull" in opts.only:
        per += opts.clients * blob                                   # pull fixtures
    for key in ("push", "chunked"):
        if key in opts.only:
            per += opts.rounds * opts.clients * opts.blobs_per_client * blob
            if not opts.no_warmup:
                per += opts.clients * min(blob, 2 * opts.chunk_mib * MiB)
    return 2 * per + 256 * MiB                                       # + manifests, databases, logs


def check_space(root, fs, opts):
    need = space_needed(opts)
    st = os.statvfs(root)
    free = st.f_bavail * st.f_frsize
    why = "free space on %s" % root
    if fs["fstype"] in MEMORY_FS:
        avail = None
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemAvailable:"):
                        avail = int(line.split()[1]) * 1024
        except OSError:
            pass
        if avail is not None:
            avail -= 2 << 30  # leave room for the servers, clients and wrk
            if avail < free:
                free, why = avail, "MemAvailable minus 2 GiB (%s is memory-backed)" % fs["fstype"]
    if need > free:
        raise SystemExit("--data-root %s: the run stores up to %.1f GiB of blobs, but %s is only %.1f GiB. "
                         "Use fewer --rounds / --blobs-per-client, a smaller --blob-mib, or another data root."
                         % (root, need / (1 << 30), why, free / (1 << 30)))
    return need


def machine_info(servers, data_dir, load_start):
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip()
    mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": str(os.cpu_count()) + " (nproc " + sh("nproc") + ")",
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "data filesystem": " ".join(sh("findmnt -n -f -o FSTYPE,SOURCE,TARGET,OPTIONS -T %s" % shlex.quote(data_dir)).split()),
        "distribution": sh("docker-registry --version"),
        "wrk": sh("wrk --version 2>&1 | head -1").split(" Copyright")[0],
        "python": platform.python_version(),
        "load avg (1m) at start / end": "%.2f / %.2f" % (load_start, os.getloadavg()[0]),
    }
    for s in servers:
        if s.kind == "gatehouse":
            info["java"] = s.java_version() or ("no java process in the server tree; PATH java: "
                                                 + sh("java -version 2>&1 | head -1"))
            info["gatehouse"] = sh("git -C %s describe --always --dirty 2>/dev/null" % shlex.quote(REPO_ROOT))
    return info


def fmt(v, unit=None):
    if v is None:
        return "ERR"
    if unit == "MiB":
        return "%.0f" % v
    return "%.0f" % v if v >= 100 else "%.1f" % v


def warmup_line(opts):
    if opts.no_warmup:
        return "none"
    line = "%d s of untimed load per server and metric before the rounds" % (1 if opts.quick else opts.warmup)
    if opts.rewarm:
        line += ", and %d s right before each measured request round (`--rewarm`)" % opts.rewarm
    return line


def render(opts, servers, info, results, rss, validation, data_root, fs):
    A, B = servers
    la = A.kind + (" (as A)" if validation else "")
    lb = B.kind
    out = []
    if opts.gate:
        la, lb = "A: pull policy on", "B: no pull policy"
        out.append("# Gatehouse pull policy cost: vulnerability gate on (A) vs off (B) (data on %s)" % fs["fstype"])
        out.append("")
        out.append("Both servers are Gatehouse with the same build and settings. A has a pull policy on project "
                   "`bench` (`PUT /api/v1/projects/bench/scan-policy` with `blockSeverity: high`), so every "
                   "manifest GET also passes the vulnerability gate: the cached policy and allowlists, the tag "
                   "resolved to the digest it checks, the image's latest scan verdict read (clean, or none on a "
                   "build without the scan pipeline) and that digest served. B has no policy, so the gate "
                   "returns at once. Target: A / B ≥ 0.95.")
    elif opts.audit:
        la, lb = "A: pulls audited", "B: pulls not audited"
        out.append("# Gatehouse audit cost: data-access auditing on (A) vs off (B) (data on %s)" % fs["fstype"])
        out.append("")
        out.append("Both servers are Gatehouse with the same build and settings. A records every allowed pull in "
                   "the tamper-evident audit log (the default: the request waits until its record is fsynced in "
                   "the node's audit journal, chained into the database behind it); B has pull recording switched off for project `bench` "
                   "(`PUT /api/v1/audit/pulls/bench`), so its manifest GETs write nothing. Target: A / B ≥ 0.95.")
    else:
        out.append("# Gatehouse vs distribution benchmark (data on %s)" % fs["fstype"])
    out.append("")
    if validation:
        out.append("**VALIDATION RUN: A is a second distribution instance (BENCH_GATEHOUSE_CMD=distribution), "
                   "not Gatehouse. Ratios should be ≈ 1.0; targets do not apply.**")
        out.append("")
    out.append("Values are medians of %d interleaved round(s) (A,B then B,A, …). A ratio is the geometric mean "
               "of the per-round ratios A / B (B / A in the CPU-per-GB rows), which cancels the advantage of "
               "running first in a round over an even number of rounds; in parentheses its 95 %% confidence interval over the "
               "rounds (Student's t over the per-round log ratios): when it spans the target, this run cannot tell "
               "whether the target is met, and more rounds are needed. Both servers run side by side on loopback for the whole run. "
               "Warm-up: %s. "
               "Data of both servers: %s" % (opts.rounds, warmup_line(opts), data_root_line(fs, data_root)))
    out.append("")
    out.append("| metric | %s | %s | ratio | target | |" % (la, lb))
    out.append("|---|---:|---:|---:|---|---|")
    ok_all = True
    for key, label, target in METRICS:
        if key not in opts.only:
            continue
        if "%d" in label:
            label = label % opts.connections
        va = med(results[A.label][key])
        vb = med(results[B.label][key])
        ratio = paired_ratio(results[A.label][key], results[B.label][key]) if va and vb else None
        interval = paired_ratio_interval(results[A.label][key], results[B.label][key]) if ratio else None
        if opts.audit or opts.gate:
            target = 0.95 if key in ("manifest", "pull", "tags") else None
        tgt = ("≥ %.2f×" if opts.audit or opts.gate else "≥ %.1f×") % target if target else "—"
        verdict = ""
        if target and ratio is not None and not validation:
            verdict = "ok" if ratio >= target else "MISS"
        if verdict and interval and interval[0] < target <= interval[1]:
            verdict += " (interval spans the target)"
        if ratio is None:
            verdict = "ERR"
        if verdict.startswith(("MISS", "ERR")):
            ok_all = False
        shown = "—" if not ratio else "%.2f×" % ratio + (" (%.2f–%.2f)" % interval if interval else "")
        out.append("| %s | %s | %s | %s | %s | %s |" % (label, fmt(va), fmt(vb), shown, tgt, verdict))
    rows = [(k, w, "server_cpu_s_per_gb", "server CPU-s per GB", fmt_cpu) for k, w in CPU_ROWS]
    rows += [(k, w, "server_cpu_us_per_request", "server CPU-µs per request", fmt) for k, w in REQUEST_CPU_ROWS]
    for key, what, field, unit, show in rows:
        if key not in opts.only:
            continue
        ca = med(results[A.label][key], field)
        cb = med(results[B.label][key], field)
        ratio = paired_ratio(results[A.label][key], results[B.label][key], field, invert=True) if ca and cb else None
        if ratio is None:
            ok_all = False
        out.append("| %s: %s (lower is better) | %s | %s | %s | > 1× = A uses less CPU | %s |" % (
            what, unit, show(ca), show(cb), "%.2f× (B/A)" % ratio if ratio else "—", "" if ratio else "ERR"))
    ra, rb = rss[A.label], rss[B.label]
    mib_a, mib_b = ra[0] / 1024, rb[0] / 1024
    verdict = ("ok" if mib_a <= 512 else "MISS") if not validation else ""
    out.append("| peak RSS (MiB, VmHWM over the whole run) | %s | %s | %s | A ≤ 512 MiB | %s |" % (
        fmt(mib_a, "MiB"), fmt(mib_b, "MiB"), "%.2f×" % (mib_a / mib_b) if mib_b else "—", verdict))
    out.append("")
    if any(k in opts.only for k, _ in CPU_ROWS):
        out.append("CPU-s per GB: user + system CPU time of the server's whole process tree (all threads, "
                   "both cores; /proc/<pid>/stat) during the measurement, divided by the 10^9 bytes moved; "
                   "median over rounds. Lower is better. Its ratio is inverted (B / A = distribution / "
                   "Gatehouse), so > 1× favours Gatehouse, as in the throughput rows. Kernel work outside "
                   "the server's own context (writeback threads, the disk itself) is not counted.")
        out.append("")
    if any(k in opts.only for k, _ in REQUEST_CPU_ROWS):
        out.append("CPU-µs per request: the same CPU time during a wrk run divided by the requests wrk completed; "
                   "median over rounds; its ratio is inverted (B / A), so > 1× means A uses less CPU. It shows what A's work costs in CPU apart "
                   "from req/s, which also drops when requests wait (e.g. for a sync) and a core idles.")
        out.append("")
    out.append("Durability mode (data on %s, `%s`):" % (fs["fstype"], data_root))
    out.append("")
    for kind in dict.fromkeys(s.kind for s in servers):
        labels = "/".join(s.label for s in servers if s.kind == kind)
        out.append("- %s (%s): %s" % (kind, labels, DURABILITY[kind]))
    out.append("")
    out.append("Workload: %d concurrent client processes; push/chunked: %d fresh random %d MiB blob(s) per client "
               "per measurement (never seen by the server before); chunked: PATCH in %d MiB chunks; "
               "pull: %d GETs of %d MiB per client (%s); manifest GET / tag list (%d tags): "
               "`wrk -t%d -c%d -d%ds`. Auth: A=%s, B=%s (token fetched before each measurement)." % (
                   opts.clients, opts.blobs_per_client, opts.blob_mib, opts.chunk_mib, opts.pulls_per_client,
                   opts.blob_mib, "splice to /dev/null" if opts.pull_mode == "splice" else "read into a buffer", opts.tags, opts.wrk_threads, opts.connections, opts.duration,
                   A.auth_mode, B.auth_mode))
    out.append("")
    out.append("Machine: " + "; ".join("%s: %s" % (k, v) for k, v in info.items() if v))
    out.append("")
    out.append("Peak RSS process: A pid %s (%s), B pid %s (%s)." % (ra[1], ra[2], rb[1], rb[2]))
    out.append("")
    out.append("<details><summary>per-round values</summary>")
    out.append("")
    out.append("| metric | server | round | value | server CPU % | client CPU % | extra |")
    out.append("|---|---|---:|---:|---:|---:|---|")
    for key, label, _ in METRICS:
        if key not in opts.only:
            continue
        for s in servers:
            for i, r in enumerate(results[s.label].get(key, [])):
                if "error" in r:
                    out.append("| %s | %s | %d | ERR | | | %s |" % (key, s.label, i + 1, r["error"].replace("|", "/")[:300]))
                    continue
                extra = ""
                if r["unit"] == "req/s":
                    extra = "p50 %.2f ms, p99 %.2f ms, %s req, server %s CPU-µs/req" % (
                        r["p50_ms"] or 0, r["p99_ms"] or 0, r["requests"], fmt(r.get("server_cpu_us_per_request")))
                else:
                    extra = "%.0f MB in %.2f s, server %s CPU-s/GB" % (
                        r["bytes"] / 1e6, r["wall"], fmt_cpu(r.get("server_cpu_s_per_gb")))
                out.append("| %s | %s | %d | %s %s | %.0f | %.0f | %s |" % (
                    key, s.label, i + 1, fmt(r["value"]), r["unit"], r["server_cpu_pct"], r["client_cpu_pct"], extra))
    out.append("")
    out.append("</details>")
    out.append("")
    return "\n".join(out), ok_all


def fmt_cpu(v):
    return "ERR" if v is None else "%.2f" % v


def settle():
    """Flush dirty pages and pause, so one server's writeback is not billed to the next measurement."""
    os.sync()
    time.sleep(1)


def paired_ratio(rows_a, rows_b, field="value", invert=False):
    """Geometric mean of the per-round ratios A/B (B/A if invert).

    Within a round the two servers run back to back, and the one that runs second was seen to be slower
    on this machine whoever it is. Rounds alternate the order, so over an even number of rounds the
    geometric mean of the per-round ratios cancels that position effect, which a ratio of medians does not.
    """
    logs = log_ratios(rows_a, rows_b, field, invert)
    return math.exp(sum(logs) / len(logs)) if logs else None


def log_ratios(rows_a, rows_b, field, invert):
    """The per-round log ratios A/B (B/A if invert), or None if the rounds do not pair or one failed."""
    if len(rows_a) != len(rows_b) or not rows_a:
        return None
    logs = []
    for ra, rb in zip(rows_a, rows_b):
        if "error" in ra or "error" in rb:
            return None
        va, vb = ra.get(field), rb.get(field)
        if not va or not vb:
            return None
        logs.append(math.log(vb / va if invert else va / vb))
    return logs


# Two-sided 95 % quantiles of Student's t by degrees of freedom (rounds - 1); 1.96 beyond the table.
T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23,
        12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04}


def paired_ratio_interval(rows_a, rows_b, field="value", invert=False):
    """95 % confidence interval of paired_ratio over the rounds (t over the per-round log ratios), or None.

    On a noisy machine the per-round ratios scatter by ±10 % and more; the interval says whether a run of
    this many rounds can tell a ratio from its target at all.
    """
    logs = log_ratios(rows_a, rows_b, field, invert)
    if not logs or len(logs) < 2:
        return None
    df = len(logs) - 1
    t = T975.get(df) or next((T975[k] for k in sorted(T975) if k >= df), 1.96)
    half = t * statistics.stdev(logs) / math.sqrt(len(logs))
    mean = sum(logs) / len(logs)
    return math.exp(mean - half), math.exp(mean + half)


def med(rows, field="value"):
    vals = [r.get(field) for r in rows if "error" not in r]
    vals = [v for v in vals if v is not None]
    if not vals or len(vals) < len(rows):
        return None  # any failed round invalidates the metric
    return statistics.median(vals)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run", description="Gatehouse vs distribution benchmark")
    p.add_argument("--quick", action="store_true", help="smoke mode: 1 round, short wrk runs, fewer blobs (< 2 min)")
    p.add_argument("--rounds", type=int, help="interleaved rounds per metric (default 4; keep it even)")
    p.add_argument("--duration", type=int, help="seconds per wrk run (default 10)")
    p.add_argument("--clients", type=int, default=4, help="concurrent client processes for blob tests (default 4)")
    p.add_argument("--blob-mib", type=int, default=64, help="blob size in MiB (default 64)")
    p.add_argument("--blobs-per-client", type=int, help="blobs each client pushes per measurement (default 3)")
    p.add_argument("--pulls-per-client", type=int, help="blob GETs per client per measurement (default 12)")
    p.add_argument("--pull-mode", choices=("splice", "read"), default="splice",
                   help="how pull clients discard bytes: splice to /dev/null (default, cheapest) or read "
                        "into a reused buffer")
    p.add_argument("--chunk-mib", type=int, default=8, help="PATCH chunk size for chunked upload (default 8)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--tags", type=int, default=50, help="tags in the tag-list repository (default 50)")
    p.add_argument("--only", default="push,pull,chunked,manifest,tags", help="comma-separated subset of metrics")
    p.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up pass")
    p.add_argument("--warmup", type=int, default=20, metavar="SECONDS",
                   help="seconds of untimed wrk load per server and request metric before the rounds (default 20; "
                        "1 with --quick). A JVM's JIT compiler keeps recompiling for 15-25 s of load on 2 cores, "
                        "using up to half a core, so a shorter warm-up measures the compiler, not the server")
    p.add_argument("--rewarm", type=int, metavar="SECONDS",
                   help="seconds of untimed wrk load on a server right before each of its measured request rounds "
                        "(default 5; 0 with --quick or --no-warmup). While a JVM idles through the other server's runs, its "
                        "collector unloads compiled code it has not used, and the first seconds back under load "
                        "are spent recompiling it (measured: up to 200 C2 compilations, 10-20 µs of JIT CPU per "
                        "request in the first round); the idle time differs between the two servers, so it "
                        "would not cancel out")
    p.add_argument("--data-root", metavar="DIR",
                   help="directory for both servers' data directories (default: bench/work/<run>/). "
                        "The run uses DIR/gatehouse-bench-<run>/ and deletes it afterwards. "
                        "E.g. --data-root /dev/shm for a memory-backed run where CPU, not the disk, is the limit")
    p.add_argument("--keep-data", action="store_true", help="keep bench/work/<run>/ (logs) and the data dirs")
    p.add_argument("--ready-timeout", type=int, default=120, help="seconds to wait for a server to answer /v2/")
    p.add_argument("--out", default=os.path.join(BENCH_DIR, "results"), help="results directory")
    p.add_argument("--audit", action="store_true",
                   help="audit cost instead of the comparison with distribution: two Gatehouse servers, A records "
                        "every allowed pull in the audit log (the default), B has pull recording off for project "
                        "bench; metrics default to manifest")
    p.add_argument("--gate", action="store_true",
                   help="pull policy cost instead of the comparison with distribution: two Gatehouse servers, A "
                        "has a vulnerability pull policy on project bench (block severity high), B none; metrics "
                        "default to manifest")
    o = p.parse_args(argv)
    o.rounds = o.rounds or (1 if o.quick else 4)
    o.duration = o.duration or (3 if o.quick else 10)
    if o.rewarm is None:
        o.rewarm = 0 if o.quick or o.no_warmup else 5
    o.blobs_per_client = o.blobs_per_client or (1 if o.quick else 3)
    o.pulls_per_client = o.pulls_per_client or (2 if o.quick else 12)
    if o.audit and o.gate:
        p.error("--audit and --gate are separate comparisons; run them one at a time")
    if (o.audit or o.gate) and not any(a == "--only" or a.startswith("--only=") for a in argv):
        o.only = "manifest"
    o.only = [m.strip() for m in o.only.split(",") if m.strip()]
    bad = set(o.only) - {m[0] for m in METRICS}
    if bad:
        p.error("unknown metric(s) in --only: %s" % ", ".join(sorted(bad)))
    if o.blob_mib * MiB <= 16:
        p.error("--blob-mib too small")
    if o.data_root is not None:
        o.data_root = os.path.realpath(o.data_root)
        if not os.path.isdir(o.data_root) or not os.access(o.data_root, os.W_OK | os.X_OK):
            p.error("--data-root %s: not a writable directory" % o.data_root)
    return o


def main(argv):
    opts = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the servers (finally)
    t_start = time.monotonic()

    def log(msg):
        print("[%6.1fs] %s" % (time.monotonic() - t_start, msg), flush=True)

    self_compare = opts.audit or opts.gate  # two Gatehouse servers, no distribution
    for tool in ("wrk",) if self_compare else ("wrk", "docker-registry"):
        if not shutil.which(tool):
            raise SystemExit("missing %s (bench/run installs it when run as root)" % tool)

    gh_cmd = os.environ.get("BENCH_GATEHOUSE_CMD", DEFAULT_GATEHOUSE_CMD)
    validation = gh_cmd.strip() == "distribution"
    if not validation:
        exe = shlex.split(gh_cmd)[0]
        if not (shutil.which(exe) or os.access(exe, os.X_OK)):
            raise SystemExit("Gatehouse launcher %r not found/executable. Build Gatehouse first, or set "
                             "BENCH_GATEHOUSE_CMD (template with {host} {port} {data_dir}; "
                             "'distribution' = validate the harness against distribution vs distribution)." % exe)

    load_start = os.getloadavg()[0]
    run_id = time.strftime("%Y%m%d-%H%M%S")
    workdir = os.path.join(BENCH_DIR, "work", run_id)
    # data_base holds both servers' data dirs; it is deleted afterwards (unless --keep-data)
    data_base = os.path.join(opts.data_root, "gatehouse-bench-" + run_id) if opts.data_root else workdir
    fs = data_fs(opts.data_root or os.path.join(BENCH_DIR, "work"))
    need = check_space(opts.data_root or BENCH_DIR, fs, opts)
    os.makedirs(workdir, exist_ok=True)
    os.makedirs(data_base, exist_ok=True)
    fs = data_fs(data_base)
    log("data of both servers in %s (%s, mount %s); up to %.1f GiB" % (
        data_base, fs["fstype"], fs["target"], need / (1 << 30)))
    A = Server("A", "distribution" if validation else "gatehouse", workdir, data_base,
               None if validation else gh_cmd)
    B = Server("B", "gatehouse", workdir, data_base, gh_cmd) if self_compare else Server(
        "B", "distribution", workdir, data_base)
    servers = [A, B]
    results = {A.label: {}, B.label: {}}
    failed = False
    try:
        for s in servers:
            s.start()
            log("started %s (%s) on %s:%d: %s" % (s.label, s.kind, HOST, s.port, " ".join(s.cmd)))
        for s in servers:
            s.wait_ready(opts.ready_timeout)
            log("%s ready (auth: %s)" % (s.label, s.auth_mode))

        if opts.audit:
            for s in servers:
                audit_pulls(s, record=s is A)
                log("%s: allowed pulls in project bench %s" % (s.label, "recorded" if s is A else "NOT recorded"))
        if opts.gate:
            for s in servers:
                gate_policy(s, on=s is A)
                log("%s: pull policy of project bench: %s" % (s.label, "block severity high" if s is A else "none"))

        states = {}
        for s in servers:
            log("setup %s: fixtures for %s" % (s.label, ", ".join(opts.only)))
            states[s.label] = setup_server(s, opts, log)

        if not opts.no_warmup:
            for s in servers:
                for key in opts.only:
                    try:
                        if key in ("push", "chunked"):  # same code paths, smaller blobs
                            measure_blobs(s, key, opts, count=1,
                                          size=min(opts.blob_mib, 2 * opts.chunk_mib) * MiB)
                        elif key == "pull":
                            measure_blobs(s, key, opts, pool=states[s.label]["pull_pool"], count=1)
                        else:
                            run_metric(s, key, opts, states[s.label], 1 if opts.quick else opts.warmup)
                    except Exception as e:
                        log("warm-up %s %s failed: %s" % (s.label, key, e))
            log("warm-up done")

        for key, _, _ in METRICS:
            if key not in opts.only:
                continue
            for r in range(opts.rounds):
                order = servers if r % 2 == 0 else servers[::-1]
                for s in order:
                    if opts.rewarm and key in REQUEST_METRICS:
                        try:
                            run_metric(s, key, opts, states[s.label], opts.rewarm)
                        except Exception as e:
                            log("re-warm %s %s failed: %s" % (s.label, key, e))
                    settle()
                    try:
                        res = run_metric(s, key, opts, states[s.label], opts.duration)
                        per_gb = res.get("server_cpu_s_per_gb")
                        per_req = res.get("server_cpu_us_per_request")
                        log("%-8s round %d %s (%s): %s %s  [server CPU %.0f%%%s, client CPU %.0f%%]" % (
                            key, r + 1, s.label, s.kind, fmt(res["value"]), res["unit"], res["server_cpu_pct"],
                            ", %.2f CPU-s/GB" % per_gb if per_gb is not None
                            else ", %.0f CPU-µs/req" % per_req if per_req is not None else "",
                            res["client_cpu_pct"]))
                    except Exception as e:
                        res = {"error": str(e)}
                        failed = True
                        log("%-8s round %d %s (%s): ERROR %s" % (key, r + 1, s.label, s.kind, e))
                    results[s.label].setdefault(key, []).append(res)

        if opts.audit:
            info_audit = {s.label: audit_verify(s) for s in servers}
            for s in servers:
                log("%s audit log: %s" % (s.label, info_audit[s.label]))
        rss = {s.label: s.peak_rss() for s in servers}
        info = machine_info(servers, data_base, load_start)
        if opts.audit:
            info["audit log after the run"] = "; ".join(
                "%s: %s" % (label, v) for label, v in info_audit.items())
        table, ok = render(opts, servers, info, results, rss, validation, data_base, fs)
        os.makedirs(opts.out, exist_ok=True)
        stem = "%s-%s" % (run_id, re.sub(r"[^\w.-]", "_", fs["fstype"]))
        for name in ("latest.md", stem + ".md"):
            with open(os.path.join(opts.out, name), "w") as f:
                f.write(table)
        for name in ("latest.json", stem + ".json"):
            with open(os.path.join(opts.out, name), "w") as f:
                json.dump({"options": vars(opts), "info": info, "data_root": data_base, "data_fs": fs,
                           "results": results,
                           "peak_rss_kb": {k: v[0] for k, v in rss.items()},
                           "servers": {s.label: s.kind for s in servers},
                           "validation": validation}, f, indent=1)
        print()
        print(table)
        log("saved %s and %s.md/.json" % (os.path.join(opts.out, "latest.md"), stem))
        return 1 if failed else 0
    except BaseException:
        failed = True  # keep the server logs
        raise
    finally:
        for s in servers:
            s.stop()
        if opts.keep_data:
            print("kept %s (server logs, data)" % workdir
                  + ("" if data_base == workdir else " and %s (data)" % data_base))
        elif failed:
            for s in servers:
                shutil.rmtree(s.data_dir, ignore_errors=True)
            if data_base != workdir:
                shutil.rmtree(data_base, ignore_errors=True)
            print("kept server logs in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(data_base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

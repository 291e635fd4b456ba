#!/usr/bin/env python3
"""Helpers for bench-photos.sh: test images, timed HTTP clients, CPU
snapshots and the final report.  Standard library only.  Every client here
talks to 127.0.0.1 and stops at a count or a deadline, whichever comes first.

    photos-bench.py png PATH WIDTH HEIGHT
    photos-bench.py jpegs BASE_JPEG OUT_DIR COUNT
    photos-bench.py snap OUT.json NAME=PID...      (pg=<postmaster pid> sums its children)
    photos-bench.py big OUT.json --url U --token T --file F --pid P --spool DIR
    photos-bench.py put OUT.json --url U --file F --auth USER:PASS [--sha256 HEX]
    photos-bench.py padjpeg SMALL.jpg OUT.jpg BYTES   (a valid JPEG padded with COM segments)
    photos-bench.py resumable OUT.json --base B --token T --file F --s3 BUCKET_URL --auth USER:PASS
                    --parts DIR [--parallel N]   (presigned parts versus a direct multipart)
    photos-bench.py walk OUT.json --base B --token T --pages N
    photos-bench.py latency OUT.json --base B --token T --cursor C --runs N
    photos-bench.py small OUT.json --base B --token T --dir D --clients N --deadline S
    photos-bench.py pgsql LOG OUT.sql              (the list SELECT from the server log)
    photos-bench.py report ALL.json
"""
import argparse
import concurrent.futures
import glob
import http.client
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib


# ---- images -------------------------------------------------------------------


def png_chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def make_png(path, width, height):
    """RGB noise, one filter byte per row.  Noise does not compress, so the
    file is about width * height * 3 bytes, like a big photo PNG."""
    rows_per_block = max(1, (8 << 20) // (width * 3 + 1))
    comp = zlib.compressobj(1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        done = 0
        while done < height:
            n = min(rows_per_block, height - done)
            raw = bytearray()
            noise = os.urandom(n * width * 3)
            for r in range(n):
                raw += b"\x00"
                raw += noise[r * width * 3:(r + 1) * width * 3]
            data = comp.compress(bytes(raw))
            if data:
                f.write(png_chunk(b"IDAT", data))
            done += n
        f.write(png_chunk(b"IDAT", comp.flush()))
        f.write(png_chunk(b"IEND", b""))


def make_jpegs(base, out_dir, count):
    """COUNT copies of one JPEG, each with its own COM segment after SOI, so
    that every file has its own SHA-256 (no duplicate 409s)."""
    data = open(base, "rb").read()
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    os.makedirs(out_dir, exist_ok=True)
    for i in range(count):
        text = f"carrete bench photo {i:06d}".encode()
        com = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
        with open(os.path.join(out_dir, f"small-{i:06d}.jpg"), "wb") as f:
            f.write(data[:2] + com + data[2:])


# ---- CPU and memory -------------------------------------------------------------


def proc_cpu_ticks(pid, reaped=False):
    """utime + stime; with `reaped`, also the children it has waited for
    (a PostgreSQL backend that has exited counts in its postmaster)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks + (int(fields[13]) + int(fields[14]) if reaped else 0)
    except (OSError, IndexError, ValueError):
        return 0


def children_of(ppid):
    out = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == ppid:
                out.append(int(stat.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    return out


def snapshot(named):
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    snap = {"t": time.monotonic(), "machine_total": sum(cpu), "machine_busy": sum(cpu) - idle,
            "loadavg": open("/proc/loadavg").read().split()[:3], "procs": {}}
    for name, pid in named.items():
        # PostgreSQL: the postmaster plus its live and exited backends;
        # photos: the service plus its decoder children.
        family = name in ("pg", "photos")
        ticks = proc_cpu_ticks(pid, reaped=family)
        if family:
            ticks += sum(proc_cpu_ticks(c) for c in children_of(pid))
        snap["procs"][name] = ticks
    return snap


def vm_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


# ---- uploads ------------------------------------------------------------------------


def curl_times(cmd):
    """Runs curl with a -w format of time_total and http_code."""
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    parts = out.stdout.strip().split()
    if out.returncode != 0 or len(parts) < 2:
        raise SystemExit(f"curl failed ({out.returncode}): {out.stderr.strip()} {out.stdout[-300:]}")
    return float(parts[-2]), int(parts[-1]), out.stdout


def direct_put(args):
    size = os.path.getsize(args.file)
    cmd = ["curl", "-sS", "--max-time", "300", "-o", "/dev/null", "-w", "\n%{time_total} %{http_code}",
           "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", args.auth,
           "-H", "x-amz-content-sha256: " + (args.sha256 or "UNSIGNED-PAYLOAD"),
           "-H", "Content-Type: " + os.environ.get("BENCH_BIG_TYPE", "image/png"),
           "-T", args.file, args.url]
    total, code, _ = curl_times(cmd)
    if code != 200:
        raise SystemExit(f"direct PUT answered {code}")
    return {"seconds": total, "status": code, "bytes": size, "mb_per_s": size / total / 1e6}


def pad_jpeg(small_path, out_path, size):
    """A valid JPEG of exactly `size` bytes: the small one with comment
    segments (which decoders skip) after its SOI."""
    small = open(small_path, "rb").read()
    left = size - len(small)
    if left < 8:
        raise SystemExit("padjpeg: too small a target")
    block = bytes((i * 7 + i // 97) % 26 + 97 for i in range(65533))
    with open(out_path, "wb") as out:
        out.write(small[:2])
        while left > 0:
            seg = min(left, 65537)
            if 0 < left - seg < 4:
                seg -= 4
            out.write(b"\xff\xfe" + struct.pack(">H", seg - 2) + block[:seg - 4])
            left -= seg
        out.write(small[2:])


def split_parts(path, part_size, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    names = []
    with open(path, "rb") as f:
        while True:
            chunk = f.read(part_size)
            if not chunk:
                return names
            names.append(os.path.join(out_dir, f"{len(names) + 1:05d}"))
            with open(names[-1], "wb") as out:
                out.write(chunk)


def curl_put_part(url, path, extra=()):
    """PUTs one part file with curl; returns its ETag."""
    out = subprocess.run(["curl", "-sS", "--max-time", "300", "-o", "/dev/null", "-D", "-",
                          "-w", "%{http_code}", *extra, "-T", path, url],
                         capture_output=True, text=True, timeout=330)
    etag = re.search(r"(?im)^etag:\s*(\S+)", out.stdout)
    if out.returncode != 0 or not out.stdout.endswith("200") or not etag:
        raise SystemExit(f"part PUT failed: {out.stderr.strip()} {out.stdout[-300:]}")
    return etag.group(1)


def put_parts(jobs, parallel, extra=()):
    """jobs: [(number, url, path)] → {number: etag}, `parallel` curls at a time."""
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        futures = {pool.submit(curl_put_part, url, path, extra): n for n, url, path in jobs}
        return {futures[f]: f.result() for f in concurrent.futures.as_completed(futures)}


def api(base, token, method, path, body=None):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, (json.loads(data) if data else None)


def direct_multipart(args, parts, sigv4):
    """A direct S3 multipart upload (create, parts, complete) signed by
    curl --aws-sigv4; its seconds."""
    key = f"{args.s3}/bench/multipart-{time.time_ns()}"
    t0 = time.monotonic()
    out = subprocess.run(["curl", "-sS", "-X", "POST", *sigv4, key + "?uploads="],
                         capture_output=True, text=True, timeout=60).stdout
    found = re.search(r"<UploadId>([^<]+)</UploadId>", out)
    if not found:
        raise SystemExit("CreateMultipartUpload failed: " + out[-300:])
    quoted = urllib.parse.quote(found.group(1), safe="")
    etags = put_parts([(i + 1, f"{key}?partNumber={i + 1}&uploadId={quoted}", p)
                       for i, p in enumerate(parts)], args.parallel, sigv4)
    xml = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{etags[n]}</ETag></Part>" for n in sorted(etags)) + \
        "</CompleteMultipartUpload>"
    done = subprocess.run(["curl", "-sS", "-X", "POST", *sigv4, "--data-binary", xml,
                           f"{key}?uploadId={quoted}"], capture_output=True, text=True, timeout=600)
    if "<Error>" in done.stdout or done.returncode != 0:
        raise SystemExit("direct multipart complete failed: " + done.stdout[-300:])
    return time.monotonic() - t0


def service_resumable(args, parts, size):
    """A resumable upload through carrete-photos (create, presigned part
    PUTs, complete), then the photo deleted so that the same bytes can go
    again; its timings."""
    t0 = time.monotonic()
    status, created = api(args.base, args.token, "POST", "/v1/photos/uploads",
                          {"name": "resumable.jpg", "content_type": "image/jpeg", "size": size,
                           "resumable": True})
    if status != 201:
        raise SystemExit(f"create answered {status}: {created}")
    if created["part_size"] != 8 * 1024 * 1024:
        raise SystemExit("the service chose another part size than the direct run")
    urls = {p["number"]: p["url"] for p in created["parts"]}
    while len(urls) < created["part_count"]:
        first = len(urls) + 1
        last = min(created["part_count"], first + 99)
        status, more = api(args.base, args.token, "POST",
                           f"/v1/photos/uploads/{created['upload_id']}/parts?from={first}&to={last}")
        urls.update({p["number"]: p["url"] for p in more["parts"]})
    t1 = time.monotonic()
    etags = put_parts([(n, urls[n], parts[n - 1]) for n in sorted(urls)], args.parallel)
    t2 = time.monotonic()
    status, photo = api(args.base, args.token, "POST",
                        f"/v1/photos/uploads/{created['upload_id']}/complete",
                        {"parts": [{"number": n, "etag": etags[n]} for n in sorted(etags)]})
    t3 = time.monotonic()
    if status != 201:
        raise SystemExit(f"complete answered {status}: {photo}")
    status, _ = api(args.base, args.token, "DELETE", f"/v1/photos/{photo['id']}")
    if status != 204:
        raise SystemExit(f"delete answered {status}")
    return {"seconds": t2 - t0, "urls_s": t1 - t0, "parts_s": t2 - t1, "complete_s": t3 - t2}


def resumable_upload(args):
    """The same file four times, same run, in the order direct, service,
    service, direct (so that neither side always follows the other's
    writes, whose flush to disk slows the next upload): a resumable upload
    through carrete-photos, and a direct S3 multipart upload to the same
    MinIO signed by curl --aws-sigv4 with the same part size and
    parallelism.  Figures are the means of the two runs of each."""
    size = os.path.getsize(args.file)
    result = {"bytes": size, "parallel": args.parallel}
    sigv4 = ("--aws-sigv4", "aws:amz:us-east-1:s3", "--user", args.auth,
             "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD")

    t0 = time.monotonic()
    parts = split_parts(args.file, 8 * 1024 * 1024, args.parts)
    result["split_s"] = time.monotonic() - t0

    direct = [direct_multipart(args, parts, sigv4)]
    service = [service_resumable(args, parts, size) for _ in range(2)]
    direct.append(direct_multipart(args, parts, sigv4))

    def mean(values):
        return sum(values) / len(values)

    result["direct"] = {"seconds": mean(direct), "parts": len(parts), "runs": direct}
    result["resumable"] = {key: mean([run[key] for run in service]) for key in service[0]}
    result["resumable"]["runs"] = service
    # Throughput ratios (direct time / resumable time: 1.0 is as fast, the
    # issue asks >= 0.90).  End to end counts complete, which reads the
    # whole object back to hash it; the transfer ratio leaves it out.
    res = result["resumable"]
    result["ratio"] = result["direct"]["seconds"] / (res["seconds"] + res["complete_s"])
    result["transfer_ratio"] = result["direct"]["seconds"] / res["seconds"]
    return result


def spool_state(spool):
    """Sizes of the spool file and which thumbnails exist yet."""
    state = {"spooled": 0, "large": False, "small": False}
    for path in glob.glob(os.path.join(spool, "upload-*")):
        try:
            if path.endswith(".large.jpg"):
                state["large"] = True
            elif path.endswith(".small.jpg"):
                state["small"] = True
            else:
                state["spooled"] = max(state["spooled"], os.path.getsize(path))
        except OSError:
            pass
    return state


def big_upload(args):
    """POST the file through the service while sampling its memory and the
    spool folder every 100 ms, which shows when each stage ends."""
    size = os.path.getsize(args.file)
    before = vm_kb(args.pid)
    cmd = ["curl", "-sS", "--max-time", "300", "-o", args.body, "-w", "\n%{time_total} %{http_code}",
           "-H", "Authorization: Bearer " + args.token,
           "-H", "Content-Type: " + os.environ.get("BENCH_BIG_TYPE", "image/png"),
           "-H", "Expect:", "-X", "POST", "-T", args.file, args.url]
    samples = []
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and time.monotonic() - t0 < 310:
        s = spool_state(args.spool)
        s.update(vm_kb(args.pid))
        s["t"] = time.monotonic() - t0
        samples.append(s)
        time.sleep(0.1)
    out, err = proc.communicate(timeout=30)
    wall = time.monotonic() - t0
    parts = out.strip().split()
    if proc.returncode != 0 or len(parts) < 2:
        raise SystemExit(f"upload failed: {err.strip()}")
    total, code = float(parts[-2]), int(parts[-1])
    time.sleep(1.0)
    after = vm_kb(args.pid)

    def first(pred):
        return next((s["t"] for s in samples if pred(s)), None)

    spooled = first(lambda s: s["spooled"] >= size)
    large = first(lambda s: s["large"])
    small = first(lambda s: s["small"])
    gone = first(lambda s: s["t"] > (small or 0) and not s["small"] and not s["large"]
                 and s["spooled"] == 0) if small else None
    peak_rss = max([s["VmRSS"] for s in samples] + [after["VmRSS"]])
    return {
        "seconds": total, "wall": wall, "status": code, "bytes": size,
        "mb_per_s": size / total / 1e6,
        "t_spooled": spooled, "t_large_thumb": large, "t_small_thumb": small, "t_files_gone": gone,
        "rss_before_kb": before["VmRSS"], "hwm_before_kb": before["VmHWM"],
        "rss_peak_sampled_kb": peak_rss, "rss_after_kb": after["VmRSS"],
        "hwm_after_kb": after["VmHWM"], "samples": len(samples),
        "growth_kb": max(peak_rss, after["VmHWM"]) - before["VmRSS"],
        # RSS (kB) at the end of each stage, to see which one grows it.
        "rss_at": {name: next((s["VmRSS"] for s in samples if s["t"] >= t), None)
                   for name, t in (("spooled", spooled), ("large_thumb", large),
                                   ("small_thumb", small)) if t is not None},
    }


# ---- listing -------------------------------------------------------------------------


class Client:
    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": "Bearer " + token} if token else {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                h = dict(self.headers)
                h.update(headers or {})
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def walk(args):
    c = Client(args.base, args.token)
    cursor, seen, pages, cursor_of_last = None, set(), 0, None
    t0 = time.monotonic()
    deadline = t0 + 300
    while pages < args.pages and time.monotonic() < deadline:
        path = "/v1/photos?limit=50" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        status, data = c.request("GET", path)
        if status != 200:
            raise SystemExit(f"page {pages + 1}: HTTP {status}: {data[:300]!r}")
        page = json.loads(data)
        pages += 1
        seen.update(item["id"] for item in page["items"])
        cursor_of_last = cursor
        if pages == args.pages:
            last_items = len(page["items"])
            last_next = page["next_cursor"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    wall = time.monotonic() - t0
    if pages < args.pages:
        raise SystemExit(f"only {pages} pages reached (ids seen {len(seen)})")
    return {"pages": pages, "distinct_ids": len(seen), "seconds": wall,
            "pages_per_s": pages / wall, "cursor": cursor_of_last,
            "last_page_items": last_items, "last_page_has_next": last_next is not None}


def latency(args):
    """Alternates page 1 and page N on one keep-alive connection."""
    c = Client(args.base, args.token)
    paths = {"first": "/v1/photos?limit=50",
             "deep": "/v1/photos?limit=50&cursor=" + urllib.parse.quote(args.cursor)}
    times = {"first": [], "deep": []}
    for _ in range(5):  # warm both statements on every pooled connection
        for p in paths.values():
            c.request("GET", p)
    deadline = time.monotonic() + 120
    for _ in range(args.runs):
        if time.monotonic() > deadline:
            break
        for name, p in paths.items():
            t = time.perf_counter()
            status, data = c.request("GET", p)
            times[name].append((time.perf_counter() - t) * 1000)
            if status != 200 or len(json.loads(data)["items"]) != 50:
                raise SystemExit(f"{name}: HTTP {status}")
    out = {}
    for name, ts in times.items():
        ts.sort()
        out[name] = {"n": len(ts), "median_ms": statistics.median(ts),
                     "p90_ms": ts[int(len(ts) * 0.9) - 1], "min_ms": ts[0]}
    return out


# ---- many small uploads -------------------------------------------------------------


def small_uploads(args):
    files = sorted(glob.glob(os.path.join(args.dir, "*.jpg")))
    local = threading.local()
    deadline = time.monotonic() + args.deadline

    def one(path):
        if time.monotonic() > deadline:
            return None
        if not hasattr(local, "client"):
            local.client = Client(args.base, args.token)
        body = open(path, "rb").read()
        name = urllib.parse.quote(os.path.basename(path))
        t = time.perf_counter()
        status, _ = local.client.request("POST", f"/v1/photos?name={name}", body=body,
                                         headers={"Content-Type": "image/jpeg"})
        return status, (time.perf_counter() - t) * 1000

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.clients) as ex:
        results = list(ex.map(one, files))
    wall = time.monotonic() - t0
    done = [r for r in results if r]
    ok = sorted(ms for st, ms in done if st == 201)
    statuses = {}
    for st, _ in done:
        statuses[str(st)] = statuses.get(str(st), 0) + 1
    return {"files": len(files), "sent": len(done), "created": len(ok), "seconds": wall,
            "photos_per_s": len(ok) / wall, "statuses": statuses,
            "mean_bytes": sum(os.path.getsize(f) for f in files) / max(1, len(files)),
            "p50_ms": statistics.median(ok) if ok else None,
            "p99_ms": ok[max(0, int(len(ok) * 0.99) - 1)] if ok else None}


# ---- the SELECT, from the server log --------------------------------------------------


def pgbench_sql(log_path, out_path):
    """The last list statement PostgreSQL logged, with its parameters: the
    non-NULL ones become pgbench variables (so -M prepared sends them as
    parameters, as the service does), the NULL ones typed NULL literals."""
    lines = open(log_path, errors="replace").read().splitlines()
    sql = params = None
    for i, line in enumerate(lines):
        m = re.search(r"execute (photos_list_\S+): (SELECT .*)$", line)
        if m:
            sql, params = m.group(2), {}
            for follow in lines[i + 1:i + 3]:
                if "DETAIL:  parameters:" in follow:
                    for num, val in re.findall(r"\$(\d+) = (NULL|'[^']*')", follow):
                        params[int(num)] = None if val == "NULL" else val.strip("'")
    if sql is None:
        raise SystemExit("no list statement in the PostgreSQL log")
    types = {int(n): t for n, t in re.findall(r"\$(\d+)::([a-z\[\]]+)", sql)}
    head = []

    def param(m):
        n = int(m.group(1))
        if params.get(n) is None:
            return f"NULL::{types.get(n, 'text')}" if not m.group(2) else "NULL"
        return f":p{n}"

    body = re.sub(r"\$(\d+)(?=(::)?)", param, sql)
    for n, v in sorted(params.items()):
        if v is not None:
            if not re.fullmatch(r"-?\d+", v):
                raise SystemExit(f"parameter ${n} is not an integer: {v}")
            head.append(f"\\set p{n} {v}")

    # pgbench takes ":MI" inside a literal for a variable: write ':' as \x3a.
    def escape(m):
        text = m.group(0)
        return "E" + text.replace(":", "\\x3a") if ":" in text else text

    body = re.sub(r"'[^']*'", escape, body)
    with open(out_path, "w") as f:
        f.write("\n".join(head) + "\n" + body + ";\n")
    return {"statement": sql, "params": {str(k): v for k, v in params.items()}}


# ---- report ------------------------------------------------------------------------------


def report(path):
    r = json.load(open(path))
    hz = os.sysconf("SC_CLK_TCK")
    rows, misses = [], []

    def row(metric, value, target="", ratio=None, ok=None, note=""):
        verdict = "" if ok is None else ("ok" if ok else "MISS")
        if ok is False:
            misses.append(metric)
        rows.append((metric, value, target, "" if ratio is None else f"{ratio:.2f}", verdict, note))

    def cpu_note(phase):
        if phase not in r.get("cpu", {}):
            return ""
        c = r["cpu"][phase]
        procs = ", ".join(f"{k} {c[k]:.2f}" for k in ("photos", "minio", "pg", "users") if k in c)
        return f"cores: {procs}; machine busy {c['machine_busy_pct']:.0f}% (load {c['loadavg']})"

    res = r.get("resumable")
    if res:
        total = res["resumable"]["seconds"] + res["resumable"]["complete_s"]
        row(f"resumable upload, {res['bytes'] / 1e9:.1f} GB, {res['parallel']} parts at a time",
            f"{res['bytes'] / total / 1e6:.1f} MB/s", ">= 0.90 x direct multipart",
            ratio=res["ratio"] / 0.90, ok=res["ratio"] >= 0.90,
            note=f"end to end {total:.2f} s (create+parts {res['resumable']['seconds']:.2f} s, "
                 f"complete {res['resumable']['complete_s']:.2f} s: read back and hashed); "
                 f"direct multipart {res['direct']['seconds']:.2f} s; means of 2 runs each, "
                 f"order direct, service, service, direct: direct "
                 + ", ".join(f"{x:.2f}" for x in res["direct"]["runs"]) + " s, service parts "
                 + ", ".join(f"{x['seconds']:.2f}" for x in res["resumable"]["runs"]) + " s")
        row("  resumable / direct multipart throughput, end to end", f"{res['ratio']:.2f}",
            ">= 0.90", res["ratio"] / 0.90, res["ratio"] >= 0.90)
        row("  resumable / direct multipart throughput, parts only", f"{res['transfer_ratio']:.2f}",
            "(info)")
    big = r.get("big")
    if big:
        d, s = big["direct_median"], big["service_median"]
        ratio = s["mb_per_s"] / d["mb_per_s"]
        row("direct PUT to MinIO, 200 MB (median)", f"{d['mb_per_s']:.1f} MB/s", "(reference)",
            note=f"{d['seconds']:.2f} s; runs " + ", ".join(f"{x['seconds']:.2f}" for x in big["direct"]))
        if big.get("direct_signed"):
            ds = big["direct_signed"]
            row("  direct PUT, signed payload", f"{ds['mb_per_s']:.1f} MB/s", "(info)",
                note=f"{ds['seconds']:.2f} s; MinIO verifies the SHA-256, as for the service's PUT")
        row(f"POST /v1/photos, 200 MB {os.environ.get('BENCH_BIG_FORMAT', 'png').upper()} (median)", f"{s['mb_per_s']:.1f} MB/s", "",
            note=f"{s['seconds']:.2f} s; runs " + ", ".join(f"{x['seconds']:.2f}" for x in big["service"]))
        row("  upload / direct PUT throughput", f"{ratio:.2f}", ">= 0.85", ratio / 0.85,
            ratio >= 0.85, cpu_note("big"))
        if big.get("sha256_s") is not None:
            row("  one SHA-256 pass over the file", f"{big['sha256_s']:.2f} s", "(info)",
                note="openssl dgst, the library and SHA extensions the service uses; a streamed upload "
                     "hashes the body once on the main loop (the photo's SHA-256) and each part again "
                     "on a worker to sign it, which MinIO verifies")
        g = max(x["growth_kb"] for x in big["service"]) / 1024
        first = big["service"][0]
        row("  service RSS growth during upload", f"{g:.1f} MiB", "< 16 MiB", g / 16, g < 16,
            f"run 1: RSS {first['rss_before_kb']/1024:.1f} -> peak {first['rss_peak_sampled_kb']/1024:.1f}"
            f" -> after {first['rss_after_kb']/1024:.1f} MiB, VmHWM {first['hwm_after_kb']/1024:.1f} MiB")

    th = r.get("thumbs")
    row("24 MP JPEG thumbnails", th if th else "skipped", "< 300 ms" if th else "",
        note="" if th else "bench-thumbnails is on the imaging branch, not merged here")

    lst = r.get("list")
    if lst:
        w, lat = lst["walk"], lst["latency"]
        f, dp = lat["first"], lat["deep"]
        ratio = dp["median_ms"] / f["median_ms"]
        row("100k rows: walk to page 2000", f"{w['pages_per_s']:.0f} pages/s",
            note=f"{w['pages']} pages in {w['seconds']:.1f} s, {w['distinct_ids']} distinct ids")
        row("  GET limit=50 page 1 (median)", f"{f['median_ms']:.2f} ms", "",
            note=f"n={f['n']}, p90 {f['p90_ms']:.2f} ms")
        row("  GET limit=50 page 2000 (median)", f"{dp['median_ms']:.2f} ms", "",
            note=f"n={dp['n']}, p90 {dp['p90_ms']:.2f} ms")
        row("  page 2000 / page 1", f"{ratio:.2f}x", "<= 1.5x", ratio / 1.5, ratio <= 1.5)
        wrk, pg = lst["wrk"], lst["pgbench_tps"]
        sock = wrk["connect_err"] + wrk["read_err"] + wrk["write_err"] + wrk["timeout_err"]
        row(f"  pgbench list SELECT -c16 -j2 -T{r['duration']}", f"{pg:.0f} tps", "(reference)",
            note=cpu_note("pgbench"))
        row(f"  wrk GET /v1/photos?limit=50 -c16", f"{wrk['rps']:.0f} req/s", "",
            note=f"p50 {wrk['p50_ms']:.2f} ms, p99 {wrk['p99_ms']:.2f} ms; non-2xx {wrk['non2xx']},"
                 f" sock err {sock}")
        ratio = wrk["rps"] / pg if pg else 0
        row("  wrk req/s / pgbench tps", f"{ratio:.2f}", ">= 0.30", ratio / 0.30, ratio >= 0.30,
            cpu_note("wrk"))

    jb = r.get("jobs")
    if jb:
        c = r["cpu"]["jobs"]
        busy_cores = c["machine_busy_pct"] / 100 * os.cpu_count()
        per_core = jb["ready"] / jb["seconds"] / max(busy_cores, 1e-9)
        # carrete-photos' own cores (its decoder children included): what
        # the thumbnails cost, whatever else shares the machine.
        per_photos_core = jb["ready"] / jb["seconds"] / max(c.get("photos", 0), 1e-9)
        row(f"{jb['files']} x {jb['megapixels']:.0f} MP JPEGs, {jb['clients']} clients:"
            " all thumbnails ready", f"{jb['seconds']:.1f} s", "(reported)",
            note=f"uploads answered in {jb['upload_seconds']:.1f} s; {jb['ready']} ready,"
                 f" {jb['failed']} failed, {jb['pending']} still pending; mean"
                 f" {jb['mean_bytes']/1e6:.1f} MB")
        row("  photos/s", f"{jb['ready'] / jb['seconds']:.2f}", "(reported)",
            note=f"per core of carrete-photos and its decoders: {per_photos_core:.2f};"
                 f" per busy core of the machine: {per_core:.2f}; {cpu_note('jobs')}")

    sm = r.get("small")
    if sm:
        row(f"{sm['files']} x {sm['mean_bytes']/1024:.0f} KB JPEG uploads, {r['small_clients']} clients",
            f"{sm['photos_per_s']:.1f} photos/s", "(reported)",
            note=f"{sm['created']} created in {sm['seconds']:.1f} s; statuses {sm['statuses']};"
                 f" p50 {sm['p50_ms']:.0f} ms, p99 {sm['p99_ms']:.0f} ms")
        row("  CPU during small uploads", "", "", note=cpu_note("small"))

    widths = [max(len(x[i]) for x in rows + [("metric", "measured", "target", "÷target", "", "")])
              for i in range(6)]
    print()
    print(f"carrete-photos benchmark (127.0.0.1, release build, {os.cpu_count()} CPUs,"
          f" load before {r['load_before']}, after {r['load_after']})")
    head = ("metric", "measured", "target", "÷target", "", "notes")
    for n, x in enumerate([head] + rows):
        print("  ".join(c.ljust(w) for c, w in zip(x, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("  (÷target: the figure divided by its target; >= 1 meets a '>=' target, <= 1 a '<' one)")
    print()
    if misses:
        print(f"TARGETS MISSED ({len(misses)}): " + "; ".join(m.strip() for m in misses))
    else:
        print("All targets met.")
    summary = {"targets_missed": [m.strip() for m in misses]}
    if big:
        summary.update(upload_mb_s=round(big["service_median"]["mb_per_s"], 1),
                       direct_put_mb_s=round(big["direct_median"]["mb_per_s"], 1),
                       upload_rss_growth_mib=round(max(x["growth_kb"] for x in big["service"]) / 1024, 1))
    if lst:
        summary.update(page1_ms=round(lst["latency"]["first"]["median_ms"], 3),
                       page2000_ms=round(lst["latency"]["deep"]["median_ms"], 3),
                       list_rps=round(lst["wrk"]["rps"], 1), pgbench_tps=round(lst["pgbench_tps"], 1))
    if sm:
        summary.update(small_photos_per_s=round(sm["photos_per_s"], 2))
    if jb:
        summary.update(jobs_seconds=round(jb["seconds"], 1),
                       jobs_photos_per_s=round(jb["ready"] / jb["seconds"], 2))
    print(json.dumps(summary, separators=(",", ":")))


# ---- command line ----------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("png"); a.add_argument("path"); a.add_argument("w", type=int); a.add_argument("h", type=int)
    a = sub.add_parser("jpegs"); a.add_argument("base"); a.add_argument("dir"); a.add_argument("n", type=int)
    a = sub.add_parser("snap"); a.add_argument("out"); a.add_argument("pids", nargs="+")
    a = sub.add_parser("big"); a.add_argument("out")
    for o in ("--url", "--token", "--file", "--spool", "--body"):
        a.add_argument(o, required=True)
    a.add_argument("--pid", type=int, required=True)
    a = sub.add_parser("put"); a.add_argument("out")
    for o in ("--url", "--file", "--auth"):
        a.add_argument(o, required=True)
    a.add_argument("--sha256")
    a = sub.add_parser("padjpeg"); a.add_argument("small"); a.add_argument("path")
    a.add_argument("size", type=int)
    a = sub.add_parser("resumable"); a.add_argument("out")
    for o in ("--base", "--token", "--file", "--s3", "--auth", "--parts"):
        a.add_argument(o, required=True)
    a.add_argument("--parallel", type=int, default=4)
    a = sub.add_parser("walk"); a.add_argument("out")
    a.add_argument("--base", required=True); a.add_argument("--token", required=True)
    a.add_argument("--pages", type=int, required=True)
    a = sub.add_parser("latency"); a.add_argument("out")
    a.add_argument("--base", required=True); a.add_argument("--token", required=True)
    a.add_argument("--cursor", required=True); a.add_argument("--runs", type=int, required=True)
    a = sub.add_parser("small"); a.add_argument("out")
    a.add_argument("--base", required=True); a.add_argument("--token", required=True)
    a.add_argument("--dir", required=True); a.add_argument("--clients", type=int, required=True)
    a.add_argument("--deadline", type=float, required=True)
    a = sub.add_parser("pgsql"); a.add_argument("log"); a.add_argument("out")
    a = sub.add_parser("report"); a.add_argument("path")
    args = p.parse_args()

    if args.cmd == "png":
        make_png(args.path, args.w, args.h)
        return
    if args.cmd == "jpegs":
        make_jpegs(args.base, args.dir, args.n)
        return
    if args.cmd == "report":
        report(args.path)
        return
    if args.cmd == "padjpeg":
        pad_jpeg(args.small, args.path, args.size)
        return
    if args.cmd == "pgsql":
        print(json.dumps(pgbench_sql(args.log, args.out)))
        return
    if args.cmd == "snap":
        result = snapshot({k: int(v) for k, v in (x.split("=", 1) for x in args.pids)})
    else:
        result = {"big": big_upload, "put": direct_put, "walk": walk, "latency": latency,
                  "small": small_uploads, "resumable": resumable_upload}[args.cmd](args)
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()

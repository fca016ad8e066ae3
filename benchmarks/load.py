"""Load the finder over real HTTP: gunicorn on 127.0.0.1 and concurrent keep-alive clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/load.py --concurrency 8 --seconds 30

Starts ``gunicorn sammanhang.wsgi`` with production settings (debug off) against the database
in ``DATABASE_URL`` (fill it first with ``generate.py``), then runs ``--concurrency`` client
threads, each with its own keep-alive connection, cycling through the same finder requests
as ``finder.py`` for ``--seconds``. Prints requests per second, latency percentiles as the
clients saw them (network included) and any non-200 answers. The clock is fixed as in
``finder.py``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped with exit code {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start in time")


def _urls() -> list[str]:
    # The request list lives in finder.py; importing it sets up Django in this process only
    # to find the point for "near a point".
    import finder

    paths = [
        "/aktiviteter/" + (f"?{query}" if query else "") for _, query in finder.requests_to_time()
    ]
    return [quote(path, safe="/?=&:.,-") for path in paths]


def _client(
    port: int, urls: list[str], until: float, offset: int, out: list[tuple[float, int, str]]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = offset
    while time.monotonic() < until:
        url = urls[i % len(urls)]
        i += 1
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        out.append(((time.perf_counter() - started) * 1000, status, url))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database filled by benchmarks/generate.py.")
    urls = _urls()
    port = _free_port()
    env = {
        **os.environ,
        "SAMMANHANG_DEBUG": "0",
        "SAMMANHANG_SECRET_KEY": secrets.token_urlsafe(50),
        "SAMMANHANG_ALLOWED_HOSTS": "127.0.0.1",
        "SAMMANHANG_SSL_REDIRECT": "0",
        "SAMMANHANG_FIXED_NOW": os.environ.get("SAMMANHANG_FIXED_NOW", "2026-11-24T17:30:00+01:00"),
        "DJANGO_SETTINGS_MODULE": "sammanhang.settings",
    }
    # Production settings serve static files from the collected manifest, as a deploy would.
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sammanhang.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_until_up(port, server)
        # Warm every worker's connection and caches before measuring.
        warm: list[tuple[float, int, str]] = []
        _client(port, urls, time.monotonic() + 3, 0, warm)
        results: list[list[tuple[float, int, str]]] = [[] for _ in range(args.concurrency)]
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_client, args=(port, urls, until, n * 3, results[n]))
            for n in range(args.concurrency)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    samples = [sample for result in results for sample in result]
    latencies = sorted(ms for ms, _, _ in samples)
    failed = Counter((status, url) for _, status, url in samples if status != 200)
    if not latencies:
        sys.exit("no requests completed")

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, round(p * (len(latencies) - 1)))]

    print(
        f"{len(samples)} requests in {elapsed:.1f} s over {args.concurrency} connections, "
        f"{args.workers} gunicorn workers: {len(samples) / elapsed:.1f} requests/s; "
        f"latency ms p50 {statistics.median(latencies):.0f}, p90 {pct(0.9):.0f}, "
        f"p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, max {latencies[-1]:.0f}; "
        f"non-200 answers: {sum(failed.values())}"
    )
    for (status, url), count in sorted(failed.items()):
        print(f"  {count} × {status or 'no answer'} {url}")


if __name__ == "__main__":
    main()

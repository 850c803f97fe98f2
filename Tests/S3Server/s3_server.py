#!/usr/bin/env python3
"""A real S3-compatible server on loopback for lode's tests.

Starts moto's S3 server in this process with request signing enforced
(moto recomputes every SigV4 signature and checks IAM policies), creates a
bucket and two users (one allowed everything, one allowed nothing), and a
fault-injecting proxy in front of moto that fails a share of requests the
way real object stores and networks do: 503 SlowDown, 500 InternalError, a
connection dropped before any answer, or dropped half-way through the body.
A second proxy cuts every response body of 1 MiB or more off half-way, so
resuming downloads (Range requests) is exercised deterministically.

Prints one JSON line (endpoints, bucket, keys), then serves until stdin
closes, so the server dies with the test process that started it.

usage: s3_server.py [--fail-rate 0.1] [--seed N]
"""
import argparse
import http.client
import json
import os
import random
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Quiet moto and werkzeug: the test reads our stdout.
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

import boto3  # noqa: E402  (moto depends on boto3)
import moto.settings  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

BUCKET = "lode-test"


def fix_moto_query_canonicalization():
    """moto checks signatures against a query string it has already
    percent-decoded (`prefix=a/b/`), so every correctly signed request whose
    query holds a `/` (any listing under a prefix) fails, boto3's too.
    Re-encode the query the way SigV4 does before moto recomputes."""
    from urllib.parse import quote, unquote
    import moto.iam.access_control as access_control

    original = access_control.S3IAMRequest.__init__

    def init(self, *args, **kwargs):
        path = kwargs.get("path", "")
        if "?" in path:
            base, query = path.split("?", 1)
            pairs = [pair.partition("=") for pair in query.split("&")]
            kwargs["path"] = base + "?" + "&".join(
                quote(unquote(key), safe="-_.~") + equals + quote(unquote(value), safe="-_.~")
                for key, equals, value in pairs)
        original(self, *args, **kwargs)

    access_control.S3IAMRequest.__init__ = init


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto():
    fix_moto_query_canonicalization()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    admin = dict(endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="admin", aws_secret_access_key="admin")
    boto3.client("s3", **admin).create_bucket(Bucket=BUCKET)
    iam = boto3.client("iam", **admin)
    keys = {}
    for user, allowed in (("writer", True), ("nobody", False)):
        iam.create_user(UserName=user)
        if allowed:
            policy = {"Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
    # From here on every request must be signed by a known key and allowed.
    moto.settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    return port, keys


class FaultyProxy(BaseHTTPRequestHandler):
    """Forwards to moto, failing `fail_rate` of the requests."""

    protocol_version = "HTTP/1.1"
    upstream_port = 0
    fail_rate = 0.0
    rng = random.Random(0)
    lock = threading.Lock()
    counts = {"requests": 0, "faults": 0}
    cut_bodies_from = 1 << 62

    def log_message(self, *args):
        pass

    def pick_fault(self):
        with self.lock:
            self.counts["requests"] += 1
            if self.rng.random() >= self.fail_rate:
                return None
            self.counts["faults"] += 1
            return self.rng.choice(["503", "500", "drop", "drop-body"])

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__lode_faults":  # the tests read how many faults were injected
            with self.lock:
                payload = json.dumps(self.counts).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        fault = self.pick_fault()
        if fault in ("503", "500"):
            code, name = (503, "SlowDown") if fault == "503" else (500, "InternalError")
            payload = (f"<?xml version=\"1.0\"?><Error><Code>{name}</Code>"
                       f"<Message>injected {name}</Message></Error>").encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=600)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            upstream.putheader(name, value)
        upstream.endheaders(body)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if (fault == "drop-body" and data) or len(data) >= self.cut_bodies_from:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def start_proxy(upstream_port, fail_rate, seed, cut_bodies_from=1 << 62):
    """A proxy failing `fail_rate` of requests at random, and cutting every
    response body of `cut_bodies_from` bytes or more off half-way."""
    handler = type("Proxy", (FaultyProxy,), {
        "upstream_port": upstream_port, "fail_rate": fail_rate, "rng": random.Random(seed),
        "lock": threading.Lock(), "counts": {"requests": 0, "faults": 0}, "cut_bodies_from": cut_bodies_from,
    })
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    port, keys = start_moto()
    faulty = start_proxy(port, args.fail_rate, args.seed)
    cutting = start_proxy(port, 0.0, args.seed, cut_bodies_from=1 << 20)
    print(json.dumps({
        "endpoint": f"http://127.0.0.1:{port}",
        "faulty_endpoint": f"http://127.0.0.1:{faulty}",
        "cutting_endpoint": f"http://127.0.0.1:{cutting}",
        "bucket": BUCKET,
        "access_key_id": keys["writer"][0],
        "secret_access_key": keys["writer"][1],
        "denied_access_key_id": keys["nobody"][0],
        "denied_secret_access_key": keys["nobody"][1],
    }), flush=True)
    sys.stdin.read()  # until the test process closes our stdin (or dies)
    os._exit(0)


if __name__ == "__main__":
    main()

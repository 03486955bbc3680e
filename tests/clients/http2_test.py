"""HTTP/2 and TLS in `shardsim serve`, with curl (libcurl on nghttp2) and h2load as clients.

On one server in the clear: CreateStream, PutRecord, GetShardIterator and GetRecords in JSON
with `--http2-prior-knowledge` (the client's preface first) and with `--http2` (HTTP/1.1 with
`Upgrade: h2c`, answered 101 and then as HTTP/2 stream 1), each answer over HTTP/2 with the
headers HTTP/1.1 sends; the same calls in CBOR (application/x-amz-cbor-1.1, Data a byte
string); 50 requests on one connection, 20 streams at a time (h2load). Then a server with `--tls`
and its self-signed certificate: h2 and http/1.1 by ALPN with `--cacert` the printed file, for
127.0.0.1 and localhost; and the TLS flags' errors (a certificate without its key, an
unreadable file, a file that is not PEM): a clear message and a non-zero exit.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

JSON = "application/x-amz-json-1.1"
CBOR = "application/x-amz-cbor-1.1"
STREAM = "h2-test"


def curl(url, op, body, *flags, content_type=JSON):
    """One call; returns (http_version, status, headers (lower-case), body bytes)."""
    with tempfile.NamedTemporaryFile() as head:
        cmd = ["curl", "-sS", "--max-time", "10", "-X", "POST", url + "/", "-D", head.name,
               "-H", f"Content-Type: {content_type}",
               "-H", f"X-Amz-Target: Kinesis_20131202.{op}",
               "--data-binary", "@-", "-w", "%{http_version}", "-o", head.name + ".body", *flags]
        done = subprocess.run(cmd, input=body, capture_output=True, timeout=20)
        if done.returncode != 0:
            fail(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.decode()[:400]}")
        with open(head.name + ".body", "rb") as f:
            answer = f.read()
        os.unlink(head.name + ".body")
        lines = open(head.name, "rb").read().decode("latin-1").split("\r\n")
    # The last status line (after a 101 there are two).
    starts = [i for i, line in enumerate(lines) if line.startswith("HTTP/")]
    status = int(lines[starts[-1]].split()[1])
    headers = {}
    for line in lines[starts[-1] + 1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return done.stdout.decode(), status, headers, answer


def json_call(url, op, doc, *flags):
    version, status, headers, body = curl(url, op, json.dumps(doc).encode(), *flags)
    check(version == "2", f"{op} over {' '.join(flags)}: HTTP version {version}, not 2")
    check(status == 200, f"{op}: HTTP {status}: {body[:300]!r}")
    for name in ("x-amzn-requestid", "x-amz-id-2", "x-shardsim-virtual-time", "date",
                 "content-type"):
        check(name in headers, f"{op}: no {name} header in {sorted(headers)}")
    check(headers["content-type"] == JSON, f"{op}: content-type {headers['content-type']}")
    return json.loads(body) if body else {}


def kinesis_session(url, stream, flags, what):
    json_call(url, "CreateStream", {"StreamName": stream, "ShardCount": 1}, *flags)
    put = json_call(url, "PutRecord", {"StreamName": stream, "Data": base64.b64encode(b"hi h2").decode(),
                                       "PartitionKey": "k"}, *flags)
    it = json_call(url, "GetShardIterator", {"StreamName": stream, "ShardId": "shardId-000000000000",
                                             "ShardIteratorType": "TRIM_HORIZON"}, *flags)
    got = json_call(url, "GetRecords", {"ShardIterator": it["ShardIterator"]}, *flags)
    records = got["Records"]
    check(len(records) == 1 and base64.b64decode(records[0]["Data"]) == b"hi h2"
          and records[0]["SequenceNumber"] == put["SequenceNumber"],
          f"{what}: GetRecords answered {got}")
    say(f"ok: {what}: CreateStream, PutRecord, GetShardIterator, GetRecords over HTTP/2")


def cbor_session(url):
    cbor2 = harness.require_module("cbor2", "python3-cbor2")

    def call(op, doc):
        version, status, headers, body = curl(url, op, cbor2.dumps(doc), "--http2-prior-knowledge",
                                              content_type=CBOR)
        check(version == "2" and status == 200, f"CBOR {op}: HTTP/{version} {status}: {body[:200]!r}")
        check(headers.get("content-type") == CBOR, f"CBOR {op}: content-type {headers}")
        return cbor2.loads(body) if body else {}

    call("CreateStream", {"StreamName": "h2-cbor", "ShardCount": 1})
    call("PutRecord", {"StreamName": "h2-cbor", "Data": b"\x00\xffbytes", "PartitionKey": "k"})
    it = call("GetShardIterator", {"StreamName": "h2-cbor", "ShardId": "shardId-000000000000",
                                   "ShardIteratorType": "TRIM_HORIZON"})
    got = call("GetRecords", {"ShardIterator": it["ShardIterator"]})
    check(got["Records"][0]["Data"] == b"\x00\xffbytes", f"CBOR GetRecords answered {got}")
    say("ok: CBOR over HTTP/2 (Data a byte string both ways)")


def multiplexed(url):
    """50 requests on one connection, 20 streams at a time, with h2load (nghttp2-client).

    (curl 7.88's --parallel breaks multiplexed POSTs on its side, "Error in the HTTP2 framing
    layer", curl/curl#10634, whatever the server.)"""
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"{}")
        f.flush()
        cmd = ["h2load", "-n", "50", "-c", "1", "-m", "20", "-d", f.name,
               "-H", f"content-type: {JSON}", "-H", "x-amz-target: Kinesis_20131202.ListStreams",
               url + "/"]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=30)
        except FileNotFoundError:
            fail("h2load is not installed; scripts/setup_clients.sh installs it (nghttp2-client)")
    out = done.stdout.decode()
    check(done.returncode == 0 and "50 succeeded" in out and "50 2xx" in out,
          f"h2load -c 1 -m 20: {out[-600:]} {done.stderr[-300:]!r}")
    say("ok: 50 requests on one HTTP/2 connection, 20 streams at a time (h2load)")


def tls_session(binary):
    server = harness.start_shardsim(binary, "--tls")
    check(server.endpoint.startswith("https://"), f"--tls listens on {server.endpoint}")
    check(server.cert and os.path.exists(server.cert), f"no certificate file: {server.cert}")
    say(f"--tls: certificate {server.cert}")
    kinesis_session(server.endpoint, "tls-h2", ["--cacert", server.cert, "--http2"], "TLS, ALPN h2")
    version, status, _, _ = curl(server.endpoint, "ListStreams", b"{}", "--cacert", server.cert,
                                 "--http1.1")
    check(version == "1.1" and status == 200, f"TLS, ALPN http/1.1: HTTP/{version} {status}")
    localhost = server.endpoint.replace("127.0.0.1", "localhost")
    version, status, _, _ = curl(localhost, "ListStreams", b"{}", "--cacert", server.cert, "--http2")
    check(version == "2" and status == 200, f"TLS to localhost: HTTP/{version} {status}")
    say("ok: TLS with the printed self-signed certificate: h2 and http/1.1 by ALPN, 127.0.0.1 and localhost")
    # The certificate and key it was given, read back from files.
    with tempfile.TemporaryDirectory() as d:
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        given = harness.start_shardsim(binary, "--tls-cert", cert, "--tls-key", key)
        version, status, _, _ = curl(given.endpoint, "ListStreams", b"{}", "--cacert", cert)
        check(version == "2" and status == 200, f"--tls-cert: HTTP/{version} {status}")
        given.stop()
        say("ok: --tls-cert and --tls-key")
        bad = os.path.join(d, "bad.pem")
        with open(bad, "w") as f:
            f.write("not a certificate\n")
        for argv, says in (
                (["--tls-cert", cert], "--tls-cert needs --tls-key"),
                (["--tls-cert", os.path.join(d, "missing.pem"), "--tls-key", key], "cannot read"),
                (["--tls-cert", bad, "--tls-key", key], "holds no PEM certificate"),
                (["--tls-cert", cert, "--tls-key", bad], "holds no PEM private key")):
            done = subprocess.run([binary, "serve", "--port", "0", *argv], capture_output=True,
                                  timeout=20)
            check(done.returncode != 0 and says in done.stderr.decode(),
                  f"serve {' '.join(argv)}: exit {done.returncode}, stderr {done.stderr!r}")
        say("ok: bad TLS flags exit non-zero with a clear message")
    server.stop()
    check(not os.path.exists(server.cert), f"{server.cert} left behind after the server stopped")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shardsim", required=True, metavar="BIN")
    args = parser.parse_args()
    harness.time_limit(100, "the HTTP/2 test")
    server = harness.start_shardsim(args.shardsim, "--create-delay", "0s")
    kinesis_session(server.endpoint, "prior-knowledge", ["--http2-prior-knowledge"],
                    "h2c with prior knowledge")
    kinesis_session(server.endpoint, "upgrade", ["--http2"], "h2c by Upgrade")
    cbor_session(server.endpoint)
    multiplexed(server.endpoint)
    server.stop()
    tls_session(args.shardsim)
    say("PASS: HTTP/2 (prior knowledge, Upgrade, TLS+ALPN), CBOR, multiplexing, TLS flags")


if __name__ == "__main__":
    main()

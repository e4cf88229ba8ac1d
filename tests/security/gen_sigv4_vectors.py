#!/usr/bin/env python3
"""Generates tests/security/vectors/sigv4_vectors.json: requests signed by botocore's own SigV4 signer
(botocore.auth.SigV4Auth) at fixed times, with botocore's canonical request, string to sign and
signature. The C++ verifier must reproduce every one of them (tests/security/sigv4_test.cpp).

Run again only when adding cases: python3 tests/security/gen_sigv4_vectors.py
"""

import base64
import datetime
import gzip
import json
import os
import sys
from unittest import mock
from urllib.parse import urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors", "sigv4_vectors.json")

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ACCOUNT = "123456789012"


def sign(name, *, method="POST", url="http://127.0.0.1:4588/", headers=None, body=b"",
         region="us-east-1", service="logs", when="2024-01-01T12:00:00", token=None):
    now = datetime.datetime.fromisoformat(when)
    creds = Credentials(KEY_ID, SECRET, token)
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = botocore.auth.SigV4Auth(creds, service, region)
    # Record what the signer itself computed while signing (afterwards the request also carries
    # the Authorization header, which would change a recomputation).
    seen = {}
    real_canonical, real_sts = signer.canonical_request, signer.string_to_sign

    def canonical_request(req):
        seen["canonical"] = real_canonical(req)
        return seen["canonical"]

    def string_to_sign(req, canonical):
        seen["sts"] = real_sts(req, canonical)
        return seen["sts"]

    signer.canonical_request = canonical_request
    signer.string_to_sign = string_to_sign
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        signer.add_auth(request)
    canonical, string_to_sign = seen["canonical"], seen["sts"]
    prepared = request.prepare()
    split = urlsplit(prepared.url)
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    # The HTTP client adds Host from the URL exactly as botocore signed it.
    wire_headers = [["Host", split.netloc]]
    for k, v in prepared.headers.items():
        wire_headers.append([k, v.decode() if isinstance(v, bytes) else v])
    body_bytes = prepared.body or b""
    if isinstance(body_bytes, str):
        body_bytes = body_bytes.encode()
    auth = prepared.headers["Authorization"]
    signature = auth.rsplit("Signature=", 1)[1]
    return {
        "name": name,
        "method": method,
        "target": target,
        "headers": wire_headers,
        "body_base64": base64.b64encode(body_bytes).decode(),
        "access_key_id": KEY_ID,
        "secret_access_key": SECRET,
        "account_id": ACCOUNT,
        "region": region,
        "service": service,
        "epoch_seconds": int(now.replace(tzinfo=datetime.timezone.utc).timestamp()),
        "canonical_request": canonical,
        "string_to_sign": string_to_sign,
        "signature": signature,
    }


def logs_headers(op):
    return {"X-Amz-Target": f"Logs_20140328.{op}",
            "Content-Type": "application/x-amz-json-1.1",
            "User-Agent": "botocore-vector-generator",
            "amz-sdk-invocation-id": "4f0c1d2e-0000-4000-8000-000000000001",
            "amz-sdk-request": "attempt=1; max=3"}


def main():
    put = json.dumps({"logGroupName": "g", "logStreamName": "s",
                      "logEvents": [{"timestamp": 1704110400000, "message": "hello"}]}).encode()
    metric_body = json.dumps({"Namespace": "ns", "MetricData": [
        {"MetricName": "m", "Value": float(i)} for i in range(400)]}).encode()
    vectors = [
        sign("put-log-events", headers=logs_headers("PutLogEvents"), body=put),
        sign("empty-object-body", headers=logs_headers("DescribeLogGroups"), body=b"{}"),
        sign("empty-body", headers=logs_headers("DescribeLogGroups"), body=b""),
        sign("session-token", headers=logs_headers("CreateLogGroup"),
             body=b'{"logGroupName":"g"}', token="FQoGZXIvYXdzEXAMPLETOKEN//+=="),
        sign("eu-west-1-scope", headers=logs_headers("CreateLogGroup"),
             body=b'{"logGroupName":"g"}', region="eu-west-1"),
        sign("default-port-host", url="http://localhost/", headers=logs_headers("CreateLogGroup"),
             body=b'{"logGroupName":"g"}'),
        sign("query-string", url="http://127.0.0.1:4588/?b=2&a=1&c=x%20y&a=0&empty=",
             headers=logs_headers("DescribeLogGroups"), body=b"{}"),
        sign("odd-path", url="http://127.0.0.1:4588/a/./b/../c//d%2Fe~f",
             headers=logs_headers("DescribeLogGroups"), body=b"{}"),
        sign("whitespace-in-header-values",
             headers=dict(logs_headers("DescribeLogGroups"), **{"X-Custom": "  a   b \t c  "}),
             body=b"{}"),
        sign("utf8-body", headers=logs_headers("PutLogEvents"),
             body=json.dumps({"logGroupName": "g\u00e9", "logStreamName": "s",
                              "logEvents": [{"timestamp": 1, "message": "\u2603 snow"}]},
                             ensure_ascii=False).encode()),
        sign("explicit-content-sha256",
             headers=dict(logs_headers("DescribeLogGroups"),
                          **{"X-Amz-Content-SHA256": botocore.auth.sha256(b"{}").hexdigest()}),
             body=b"{}"),
        sign("metrics-json-gzip", service="monitoring",
             headers={"X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
                      "Content-Type": "application/x-amz-json-1.0", "x-amzn-query-mode": "true",
                      "Content-Encoding": "gzip"},
             body=gzip.compress(metric_body, mtime=0)),
        sign("metrics-query-form", service="monitoring",
             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
             body=b"Action=ListMetrics&Version=2010-08-01"),
        sign("leap-day", headers=logs_headers("DescribeLogGroups"), body=b"{}",
             when="2024-02-29T23:59:59"),
    ]
    with open(OUT, "w") as f:
        json.dump({"generator": f"botocore {botocore.__version__} SigV4Auth",
                   "vectors": vectors}, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Warm SigV4 signatures per second with botocore's own signer (SigV4Auth),
on the request bench/SigV4Benchmark signs: EC2 DescribeInstances by id, with
an 800-character session token. Each signature starts from a fresh unsigned
AWSRequest, as botocore's clients do; time is this thread's CPU time, the
median of ROUNDS rounds. Prints one JSON line.

Usage: sigv4_botocore.py [ITERATIONS] [ROUNDS]   (run with the reference's venv)
"""
import json
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "T" * 800)
signer = SigV4Auth(credentials, "ec2", "us-east-1")
body = "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0"
headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def request():
    return AWSRequest(method="POST", url="https://ec2.us-east-1.amazonaws.com/", data=body, headers=dict(headers))


first = request()
start = time.thread_time_ns()
signer.add_auth(first)
first_ns = time.thread_time_ns() - start
assert first.headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")

per_signature = []
for _ in range(rounds):
    start = time.thread_time_ns()
    for _ in range(iterations):
        signed = request()
        signer.add_auth(signed)
    per_signature.append((time.thread_time_ns() - start) / iterations)
per_signature.sort()
median = per_signature[len(per_signature) // 2]
print(json.dumps({"implementation": "botocore", "iterations": iterations, "rounds": rounds,
                  "best_ns": int(per_signature[0]), "median_ns": int(median), "first_ns": first_ns,
                  "signatures_per_second": int(1e9 / median)}))

"""`make bench-org`: central mode at organization scale, simulated.

A stand-in AWS on 127.0.0.1 plays an organization of N accounts x R regions
(default 1,000 x 17) for the real binary, driven through the Lambda Runtime
API (checks/lib/runtime_api.py) as Lambda drives it, in central mode with a
bus. It measures, and asserts only that the answers are right:

(a) the fan-out: a scheduled event lists the organization (DescribeOrganization,
    then ListAccounts, 20 accounts a page: central.yaml leaves ALLOWED_ACCOUNTS
    empty) and publishes one sweep request per active member account
    (N / 10 PutEvents calls): its wall time;
(b) a sample of per-account sweeps: each sweep request, as EventBridge
    delivers it, sweeps that account's R regions at SWEEP_CONCURRENCY (8 by
    default): the distribution of its wall time, and its calls;
(c) the same for the design before the fan-out, one account's regions one
    after another (SWEEP_CONCURRENCY=1), to estimate the old single
    invocation (every account and region in turn);

then projects the wall time of the whole organization when Lambda runs the
account sweeps side by side, for several reserved concurrencies:
fan-out + ceil(N / concurrency) x per-account sweep time (p50 and p90).

The stand-in answers STS AssumeRole, IAM GetRole, EC2 DescribeInstances,
CreateTags and DeleteTags (Query protocol, AWS's XML: DescribeInstances from
the recorded real body bench/standin.py renders), EventBridge PutEvents and
Organizations DescribeOrganization and ListAccounts (JSON 1.1; the listing
holds the N members, the management account MANAGEMENT and one account of
each state that is not ACTIVE, none of which may get a request), each after
a latency drawn uniformly from [--latency-min,
--latency-max] (default 50-150 ms) by a seeded generator. It throttles as
AWS does, with token buckets: EC2 per account, region and kind of call
(RequestLimitExceeded, HTTP 503), EventBridge PutEvents per account and
region (ThrottlingException, HTTP 400). The sizes are AWS's defaults:
- DescribeInstances (filtered, paginated): 100 tokens, 20 a second; CreateTags
  and DeleteTags: 100 tokens, 10 a second each ("Request throttling for the
  Amazon EC2 API", request token bucket sizes, as PacedEC2.swift cites them);
- PutEvents: 10,000 a second, the EventBridge quota of us-east-1 ("Amazon
  EventBridge quotas", PutEvents throttle limit in transactions per second).
--bucket KIND=CAPACITY,RATE changes them (e.g. to model other tools using the
same buckets).
Each member account's fleet is made on first use, seeded from the account
and region: --instances per region, every one with CreatedBy (one of --users
names), a fraction --untagged without its AwsUserId, the others already
right. The central account is 444455556666, the function's region us-east-1.

Usage (from the repository root):
    python3 -m bench.org_simulation [--binary dist/function/bootstrap] [--accounts 1000] [--regions 17]
        [--sample 20] [--sequential-sample 5] [--fanout-runs 3] [--write]
    python3 -m bench.org_simulation --smoke --binary .build/debug/aws-userid-tagger
        (3 accounts x 2 regions, no latency: checks the behaviour, writes nothing)
Standard library only, like bench/run.py.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.run import ServerProcess, machine
from bench.standin import InstanceTemplate  # DescribeInstances items from the recorded real body

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CENTRAL = "444455556666"
HOME_REGION = "us-east-1"
ROLE_NAME = "Okta-ServiceWorkbenchUser"
MEMBER_ROLE = "aws-userid-tagger/aws-userid-tagger-member"
BUS_ARN = f"arn:aws:events:{HOME_REGION}:{CENTRAL}:event-bus/aws-userid-tagger-central-ec2-launches"
FUNCTION_ARN = f"arn:aws:lambda:{HOME_REGION}:{CENTRAL}:function:aws-userid-tagger-central-TaggerFunction-EXAMPLE"
FUNCTION_KEY = "ASIACENTRALFUNCTION1"
# The organization's management account (no member role: service-managed
# StackSets never deploy there) and its accounts that are not ACTIVE.
MANAGEMENT = "100000000001"
INACTIVE = {"200000000001": "PENDING_ACTIVATION", "200000000002": "SUSPENDED", "200000000003": "PENDING_CLOSURE",
            "200000000004": "CLOSED"}
# The 17 commercial regions enabled by default in every account (opt-in regions left out).
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
           "ap-southeast-1", "ap-southeast-2"]
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
# (capacity, refill per second) of each token bucket; see the module's docstring.
BUCKETS = {"describe": (100, 20), "create-tags": (100, 10), "delete-tags": (100, 10), "put-events": (10_000, 10_000)}
EC2_BUCKET_OF = {"DescribeInstances": "describe", "CreateTags": "create-tags", "DeleteTags": "delete-tags"}
MARKER_BEGIN = "<!-- org-simulation: begin (written by bench/org_simulation.py) -->"
MARKER_END = "<!-- org-simulation: end -->"


def log(message: str) -> None:
    print(f"org-simulation: {message}", file=sys.stderr, flush=True)


def member_accounts(count: int) -> list[str]:
    return [f"{210000000001 + n:012d}" for n in range(count)]


def role_id(account: str) -> str:
    """The users' role's RoleId in `account`: AROA, then upper-case letters and digits."""
    return f"AROA{account}EXAMPLEID"


# -- the stand-in ---------------------------------------------------------------


class TokenBucket:
    def __init__(self, capacity: float, rate: float, now: float):
        self.capacity, self.rate, self.tokens, self.updated = capacity, rate, capacity, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Answer:
    def __init__(self, status: int, body: str, content_type: str = "text/xml", throttled: bool = False):
        self.status, self.body, self.content_type, self.throttled = status, body.encode(), content_type, throttled


def ec2_error(status: int, code: str, message: str) -> Answer:
    return Answer(status, f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                          f"<RequestID>{uuid.uuid4()}</RequestID></Response>")


def query_error(namespace: str, status: int, code: str, message: str) -> Answer:
    return Answer(status, f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type><Code>{code}</Code>'
                          f"<Message>{message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")


THROTTLED_EC2 = Answer(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
                            "</Message></Error></Errors><RequestID>9f1c2a3b-throttled</RequestID></Response>",
                       throttled=True)


def json_answer(document: dict, status: int = 200) -> Answer:
    return Answer(status, json.dumps(document), "application/x-amz-json-1.1")


class Organization:
    """The state and answers of the stand-in: thread-safe, no I/O."""

    def __init__(self, accounts: list[str], instances: int, users: int, untagged: float, seed: int,
                 buckets: dict[str, tuple[float, float]] | None = None):
        self.bucket_sizes = dict(BUCKETS, **(buckets or {}))
        self.accounts = set(accounts)
        # ListAccounts' order: the management account, then the members with
        # the accounts that are not ACTIVE among them.
        listed = [(MANAGEMENT, "ACTIVE")] + [(a, "ACTIVE") for a in accounts]
        for n, (account, state) in enumerate(INACTIVE.items(), start=1):
            listed.insert(min(len(listed), n * max(1, len(accounts) // len(INACTIVE))), (account, state))
        self.listed = listed
        self.instances, self.users, self.untagged, self.seed = instances, users, untagged, seed
        self.template = InstanceTemplate()
        self.lock = threading.Lock()
        self.keys: dict[str, str] = {}  # access key id -> account, for assumed-role credentials
        self.fleets: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
        # CreateTags a first sweep needs (one per distinct value to write), by account and by "account region".
        self.expected_writes: dict[str, int] = collections.Counter()
        self.region_writes: dict[str, int] = {}
        self.buckets: dict[tuple, TokenBucket] = {}
        self.reset()

    def reset(self) -> None:
        with self.lock:
            # Per account (AssumeRole: the account of its RoleArn), "service:Action" answered
            # with success; throttled answers and other errors are counted apart.
            self.calls: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
            self.throttled: collections.Counter = collections.Counter()
            self.errors: collections.Counter = collections.Counter()
            self.published: list[list[str]] = []  # the accounts of each PutEvents call's entries

    # -- fleets --

    def fleet(self, account: str, region: str) -> dict[str, dict[str, str]]:
        key = (account, region)
        if key not in self.fleets:  # caller holds the lock
            rng = random.Random(f"{self.seed}:{account}:{region}")
            fleet, needing = {}, set()
            for n in range(self.instances):
                instance_id = f"i-0{int(account) % 0xffffffff:08x}{REGIONS.index(region) if region in REGIONS else 99:02x}{n:06x}"
                user = f"user{rng.randrange(self.users):03d}@example.org"
                tags = {"CreatedBy": user, "Name": "workspace"}
                if rng.random() >= self.untagged:
                    tags["AwsUserId"] = f"{role_id(account)}:{user}"
                else:
                    needing.add(user)
                fleet[instance_id] = tags
            self.fleets[key] = fleet
            # One CreateTags per distinct value written.
            self.expected_writes[account] += len(needing)
            self.region_writes[f"{account} {region}"] = len(needing)
        return self.fleets[key]

    def wrong_tags(self, account: str) -> int:
        """Instances of `account`'s fleets (those made so far) whose AwsUserId is not RoleId:CreatedBy."""
        with self.lock:
            return sum(1 for (a, _), fleet in self.fleets.items() if a == account for tags in fleet.values()
                       if tags.get("AwsUserId") != f"{role_id(account)}:{tags['CreatedBy']}")

    # -- requests --

    def answer(self, headers: dict[str, str], body: bytes) -> Answer:
        credential = headers.get("authorization", "").partition("Credential=")[2].split(",", 1)[0].split("/")
        if len(credential) < 5:
            return ec2_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        key, region, service = credential[0], credential[2], credential[3]
        with self.lock:
            account = CENTRAL if key == FUNCTION_KEY else self.keys.get(key)
        if account is None:
            return ec2_error(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
        target = headers.get("x-amz-target")
        if target:
            action, params = target.rpartition(".")[2], json.loads(body or b"{}")
        else:
            params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            action = params.get("Action", "")
        handler = {("sts", "AssumeRole"): self.assume_role, ("iam", "GetRole"): self.get_role,
                   ("ec2", "DescribeInstances"): self.describe_instances, ("ec2", "CreateTags"): self.change_tags,
                   ("ec2", "DeleteTags"): self.change_tags, ("events", "PutEvents"): self.put_events,
                   ("organizations", "DescribeOrganization"): self.describe_organization,
                   ("organizations", "ListAccounts"): self.list_accounts}.get((service, action))
        answer = handler(account, region, action, params) if handler else \
            ec2_error(400, "UnsupportedOperation", f"no stand-in for {service}:{action}")
        owner = (params.get("RoleArn") or "::::?").split(":")[4] if action == "AssumeRole" else account
        with self.lock:
            if answer.status == 200:
                self.calls[owner][f"{service}:{action}"] += 1
            elif not answer.throttled:
                self.errors[f"{owner} {service}:{action} {answer.status}"] += 1
        return answer

    def throttle(self, bucket: tuple) -> bool:
        """Takes a token from `bucket` (account, region, kind); True when there was none."""
        capacity, rate = self.bucket_sizes[bucket[-1]]
        now = time.monotonic()
        with self.lock:
            found = self.buckets.get(bucket)
            if found is None:
                found = self.buckets[bucket] = TokenBucket(capacity, rate, now)
            if found.take(now):
                return False
            self.throttled[f"{bucket[0]}:{bucket[-1]}"] += 1
            return True

    def assume_role(self, account, region, action, params) -> Answer:
        match = re.fullmatch(r"arn:aws:iam::(\d{12}):role/(.+)", params.get("RoleArn", ""))
        if account != CENTRAL or not match or match.group(1) not in self.accounts or match.group(2) != MEMBER_ROLE:
            return query_error(STS_NS, 403, "AccessDenied", f"not authorized to perform: sts:AssumeRole on resource: {params.get('RoleArn')}")
        member = match.group(1)
        key = f"ASIA{member}{uuid.uuid4().hex[:8].upper()}"
        with self.lock:
            self.keys[key] = member
        expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        session = params.get("RoleSessionName", "x")
        return Answer(200, f'<AssumeRoleResponse xmlns="{STS_NS}">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n'
                           f"      <Arn>arn:aws:sts::{member}:assumed-role/{MEMBER_ROLE.rpartition('/')[2]}/{session}</Arn>\n"
                           f"      <AssumedRoleId>AROA{member}MEMBER:{session}</AssumedRoleId>\n    </AssumedRoleUser>\n"
                           f"    <Credentials>\n      <AccessKeyId>{key}</AccessKeyId>\n"
                           f"      <SecretAccessKey>{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}</SecretAccessKey>\n"
                           f"      <SessionToken>IQoJb3JpZ2luX2VjEXAMPLE{uuid.uuid4().hex * 8}</SessionToken>\n"
                           f"      <Expiration>{expiration}</Expiration>\n    </Credentials>\n  </AssumeRoleResult>\n"
                           f"  <ResponseMetadata>\n    <RequestId>{uuid.uuid4()}</RequestId>\n  </ResponseMetadata>\n"
                           "</AssumeRoleResponse>")

    def get_role(self, account, region, action, params) -> Answer:
        if params.get("RoleName") != ROLE_NAME or account == CENTRAL:
            return query_error(IAM_NS, 404, "NoSuchEntity", f"The role with name {params.get('RoleName')} cannot be found.")
        return Answer(200, f'<GetRoleResponse xmlns="{IAM_NS}">\n  <GetRoleResult>\n    <Role>\n      <Path>/</Path>\n'
                           f"      <Arn>arn:aws:iam::{account}:role/{ROLE_NAME}</Arn>\n      <RoleName>{ROLE_NAME}</RoleName>\n"
                           "      <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument>\n"
                           f"      <CreateDate>2026-11-24T22:54:38Z</CreateDate>\n      <RoleId>{role_id(account)}</RoleId>\n"
                           "      <MaxSessionDuration>3600</MaxSessionDuration>\n    </Role>\n  </GetRoleResult>\n"
                           f"  <ResponseMetadata>\n    <RequestId>{uuid.uuid4()}</RequestId>\n  </ResponseMetadata>\n"
                           "</GetRoleResponse>")

    def describe_instances(self, account, region, action, params) -> Answer:
        if self.throttle((account, region, EC2_BUCKET_OF[action])):
            return THROTTLED_EC2
        if account == CENTRAL:
            return ec2_error(403, "UnauthorizedOperation", "the central function's own role may not describe instances")
        with self.lock:
            fleet = self.fleet(account, region)
            ids = sorted(fleet)
            size = max(5, min(1000, int(params.get("MaxResults", "1000"))))
            start = int(params.get("NextToken", "0") or "0")
            page = [(i, dict(fleet[i])) for i in ids[start:start + size]]
            token = str(start + size) if start + size < len(ids) else None
        items = "".join(self.template.render(i, tags) for i, tags in page)
        return Answer(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="{EC2_NS}">\n'
                           f"    <requestId>{uuid.uuid4()}</requestId>\n    <reservationSet>{items}    </reservationSet>\n"
                           + (f"    <nextToken>{token}</nextToken>\n" if token else "") + "</DescribeInstancesResponse>")

    def change_tags(self, account, region, action, params) -> Answer:
        if self.throttle((account, region, EC2_BUCKET_OF[action])):
            return THROTTLED_EC2
        ids = [v for k, v in params.items() if re.fullmatch(r"ResourceId\.\d+", k)]
        tags = {params[k]: params.get(k[:-3] + "Value", "") for k in params if re.fullmatch(r"Tag\.\d+\.Key", k)}
        with self.lock:
            fleet = self.fleet(account, region)
            missing = [i for i in ids if i not in fleet]
            if missing:
                return ec2_error(400, "InvalidInstanceID.NotFound", f"The instance ID '{missing[0]}' does not exist")
            for instance_id in ids:
                for key, value in tags.items():
                    if action == "CreateTags":
                        fleet[instance_id][key] = value
                    else:
                        fleet[instance_id].pop(key, None)
        return Answer(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{EC2_NS}">\n'
                           f"    <requestId>{uuid.uuid4()}</requestId>\n    <return>true</return>\n</{action}Response>")

    def put_events(self, account, region, action, params) -> Answer:
        if self.throttle((account, region, "put-events")):
            return Answer(400, json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}),
                          "application/x-amz-json-1.1", throttled=True)
        entries = params.get("Entries", [])
        if not 1 <= len(entries) <= 10:
            return json_answer({"__type": "ValidationException", "message": "Member must have length less than or equal to 10"}, 400)
        accounts = []
        for entry in entries:
            if (entry.get("Source"), entry.get("DetailType"), entry.get("EventBusName")) != ("aws-userid-tagger", "Sweep Request", BUS_ARN):
                return json_answer({"__type": "ValidationException", "message": f"unexpected entry {entry}"}, 400)
            accounts.append(json.loads(entry["Detail"])["account"])
        with self.lock:
            self.published.append(accounts)
        return json_answer({"FailedEntryCount": 0, "Entries": [{"EventId": str(uuid.uuid4())} for _ in entries]})

    def describe_organization(self, account, region, action, params) -> Answer:
        """As AWS answers it (API Reference, DescribeOrganization), for the central account only."""
        if account != CENTRAL or region != "us-east-1":
            return json_answer({"__type": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}, 400)
        return json_answer({"Organization": {
            "Id": "o-exampleorgid", "Arn": f"arn:aws:organizations::{MANAGEMENT}:organization/o-exampleorgid", "FeatureSet": "ALL",
            "MasterAccountArn": f"arn:aws:organizations::{MANAGEMENT}:account/o-exampleorgid/{MANAGEMENT}",
            "MasterAccountId": MANAGEMENT, "MasterAccountEmail": "management@example.org", "AvailablePolicyTypes": []}})

    def list_accounts(self, account, region, action, params) -> Answer:
        """ListAccounts for the central account (a delegated administrator),
        at most MaxResults (1 to 20) a page, with State and the older Status."""
        if account != CENTRAL or region != "us-east-1":
            return json_answer({"__type": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}, 400)
        size = params.get("MaxResults", 20)
        if not isinstance(size, int) or not 1 <= size <= 20:
            return json_answer({"__type": "InvalidInputException", "Message": "MaxResults must be from 1 to 20"}, 400)
        start = int(params.get("NextToken") or "0")
        page = self.listed[start:start + size]
        answer = {"Accounts": [{"Id": a, "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/o-exampleorgid/{a}",
                                "Email": f"{a}@example.org", "Name": f"account {a}", "State": state,
                                "Status": state if state in ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE") else "SUSPENDED",
                                "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9} for a, state in page]}
        if start + size < len(self.listed):
            answer["NextToken"] = str(start + size)
        return json_answer(answer)

    def stats(self) -> dict:
        with self.lock:
            return {"calls": {a: dict(c) for a, c in self.calls.items()}, "throttled": dict(self.throttled),
                    "errors": dict(self.errors),
                    "published": list(self.published), "expected_writes": dict(self.expected_writes),
                    "region_writes": dict(self.region_writes)}


class Latency:
    """Uniform in [low, high] seconds, from one seeded generator."""

    def __init__(self, low: float, high: float, seed: int):
        self.low, self.high, self.rng, self.lock = low, high, random.Random(seed), threading.Lock()

    def next(self) -> float:
        with self.lock:
            return self.rng.uniform(self.low, self.high)


class Server(ThreadingHTTPServer):
    # The listen backlog: socketserver's default of 5 drops the SYNs of a
    # sweep's 8 simultaneous connections, which then wait 1 s for the
    # kernel's retransmission (AWS's endpoints have no such queue).
    request_queue_size = 128
    daemon_threads = True


def serve(config: dict) -> int:
    """The stand-in's process: prints {"endpoint"}, then answers `stats`,
    `reset` and `wrong ACCOUNT` on standard input, one JSON line each."""
    organization = Organization(member_accounts(config["accounts"]), config["instances"], config["users"],
                                config["untagged"], config["seed"], {k: tuple(v) for k, v in config.get("buckets", {}).items()})
    latency = Latency(config["latency_min"], config["latency_max"], config["seed"])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            answer = organization.answer({k.lower(): v for k, v in self.headers.items()}, body)
            time.sleep(latency.next())
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(answer.body)

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    print(json.dumps({"endpoint": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "stats":
            answer = organization.stats()
        elif command == "reset":
            organization.reset()
            answer = "ok"
        elif command == "wrong":
            answer = organization.wrong_tags(argument)
        else:
            answer = {"error": f"unknown command {command!r}"}
        print(json.dumps(answer), flush=True)
    server.shutdown()
    return 0


class StandIn(ServerProcess):
    """The organization's stand-in AWS, served by this module's `--serve`."""

    def __init__(self, config: dict):
        super().__init__(["bench.org_simulation", "--serve", json.dumps(config)],
                         env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"))


# -- the function -----------------------------------------------------------------


class Function:
    """The real binary under a local Runtime API, one process: one warm Lambda environment."""

    def __init__(self, binary: str, endpoint: str, regions: list[str], scratch: str, **settings: str):
        from checks.lib.runtime_api import RuntimeAPIServer

        self.api = RuntimeAPIServer(function_arn=FUNCTION_ARN).start()
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_RUNTIME_API": self.api.address, "AWS_LAMBDA_FUNCTION_NAME": "aws-userid-tagger-central-TaggerFunction-EXAMPLE",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": HOME_REGION, "AWS_DEFAULT_REGION": HOME_REGION,
            "AWS_ACCESS_KEY_ID": FUNCTION_KEY, "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE" + "T" * 700, "AWS_ENDPOINT_URL": endpoint,
            # ALLOWED_ACCOUNTS empty, as central.yaml leaves it: the fan-out lists the organization.
            "ROLE_NAME": ROLE_NAME, "TAGGER_MEMBER_ROLE": MEMBER_ROLE, "ALLOWED_ACCOUNTS": "",
            "RECONCILE_REGIONS": ",".join(regions), "TAGGER_EVENT_BUS": BUS_ARN, "AWS_LAMBDA_LOG_FORMAT": "JSON",
        }
        env.update(settings)
        self.log_path = os.path.join(scratch, f"function-{id(self)}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary], cwd=os.path.dirname(os.path.abspath(binary)), env=env,
                                        stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def invoke(self, event: dict, timeout: float = 300.0):
        """Enqueues `event`, waits for its outcome: (result, seconds from enqueue to the posted outcome)."""
        before = len(self.api.results)
        started = time.monotonic()
        request_id = self.api.enqueue(event, timeout_s=timeout)
        self.api.wait_for_results(before + 1, timeout=timeout + 30, process=self.process)
        result = self.api.result_for(request_id)
        return result, result.received_at - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.api.stop()
        self.log.close()
        self.api.assert_no_violations()


def scheduled_event() -> dict:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": CENTRAL, "time": "2026-11-25T11:00:00Z", "region": HOME_REGION,
            "resources": [f"arn:aws:events:{HOME_REGION}:{CENTRAL}:rule/aws-userid-tagger-central-ReconcileRule-EXAMPLE"],
            "detail": {}}


def sweep_request(account: str) -> dict:
    """As EventBridge delivers the function's own PutEvents entry (events/sweep-request.json)."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Sweep Request", "source": "aws-userid-tagger",
            "account": CENTRAL, "time": "2026-11-25T11:00:01Z", "region": HOME_REGION, "resources": [],
            "detail": {"account": account}}


def check(condition: bool, what: str) -> None:
    if not condition:
        raise RuntimeError(f"wrong answer: {what}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# -- the phases -------------------------------------------------------------------


def fan_out(function: Function, standin: StandIn, accounts: list[str], runs: int) -> dict:
    times, calls, pages = [], [], []
    listed = len(accounts) + 1 + len(INACTIVE)
    throttled = collections.Counter()
    for run in range(runs):
        standin.ask("reset")
        result, seconds = function.invoke(scheduled_event())
        check(result.kind == "response", f"fan-out {run}: {result.kind} {result.body[:300]!r}")
        check(result.json().get("sweepRequests") == len(accounts), f"fan-out {run}: {result.body[:300]!r}")
        stats = standin.ask("stats")
        check(not stats["errors"], f"fan-out {run}: calls refused: {stats['errors']}")
        published = stats["published"]
        check(sorted(a for call in published for a in call) == sorted(accounts),
              "every active member account published once, not the management account nor one that is not ACTIVE")
        check(all(len(call) <= 10 for call in published), "at most 10 entries a call")
        central = stats["calls"].get(CENTRAL, {})
        check(list(stats["calls"]) == [CENTRAL] and central.get("organizations:DescribeOrganization") == 1
              and central.get("organizations:ListAccounts") == math.ceil(listed / 20)
              and set(central) == {"organizations:DescribeOrganization", "organizations:ListAccounts", "events:PutEvents"},
              f"the fan-out lists the organization, 20 accounts a page, then calls PutEvents only: {stats['calls']}")
        throttled.update(stats["throttled"])
        times.append(seconds)
        calls.append(len(published))
        pages.append(central["organizations:ListAccounts"])
        log(f"fan-out {run + 1}/{runs}: {len(accounts)} requests in {len(published)} PutEvents calls "
            f"after {pages[-1]} ListAccounts pages, {seconds:.2f} s")
    return {"seconds": times, "calls": calls, "pages": pages, "throttled": dict(throttled)}


def sweeps(function: Function, standin: StandIn, accounts: list[str], regions: list[str], instances: int, label: str) -> dict:
    """Sweeps each account once (a first sweep: its untagged instances get written)."""
    times, per_account = [], []
    throttled = collections.Counter()
    for n, account in enumerate(accounts, start=1):
        standin.ask("reset")
        result, seconds = function.invoke(sweep_request(account))
        check(result.kind == "response", f"{label} sweep of {account}: {result.kind} {result.body[:300]!r}")
        stats = standin.ask("stats")
        check(not stats["errors"], f"{label} sweep of {account}: calls refused: {stats['errors']}")
        calls = stats["calls"].get(account, {})
        expected_writes = stats["expected_writes"].get(account, 0)
        body = result.json()
        check(set(stats["calls"]) == {account}, f"{label} sweep of {account} called only that account: {list(stats['calls'])}")
        check(calls.get("sts:AssumeRole") == 1 and calls.get("iam:GetRole") == 1, f"{label} {account}: {calls}")
        check(calls.get("ec2:DescribeInstances") == len(regions), f"{label} {account}: {calls}")
        check(calls.get("ec2:CreateTags", 0) == expected_writes, f"{label} {account}: {calls}, expected {expected_writes} writes")
        check(standin.ask(f"wrong {account}") == 0, f"{label} {account}: tags left wrong")
        check(len(body["tagged"]) + len(body["unchanged"]) == len(regions) * instances, f"{label} {account}: {body}")
        throttled.update(stats["throttled"])
        times.append(seconds)
        per_account.append(calls)
        log(f"{label} sweep {n}/{len(accounts)}: account {account}, {seconds:.2f} s, {sum(calls.values())} calls "
            f"({len(body['tagged'])} tagged)")
    return {"seconds": times, "calls": per_account, "throttled": dict(throttled)}


def run(binary: str, accounts: int = 1000, regions: int = 17, sample: int = 20, sequential_sample: int = 5,
        fanout_runs: int = 3, repeat_sample: int = 3, instances: int = 20, users: int = 8, untagged: float = 0.1,
        latency: tuple[float, float] = (0.05, 0.15), seed: int = 15, sweep_concurrency: int = 8,
        buckets: dict[str, tuple[float, float]] | None = None) -> dict:
    """The whole simulation; returns its figures. Raises on a wrong answer.
    `buckets` overrides the stand-in's token buckets by kind (see BUCKETS)."""
    binary = os.path.abspath(binary)
    names = member_accounts(accounts)
    region_names = REGIONS[:regions]
    config = {"accounts": accounts, "instances": instances, "users": users, "untagged": untagged, "seed": seed,
              "latency_min": latency[0], "latency_max": latency[1], "buckets": buckets or {}}
    rng = random.Random(seed)
    chosen = rng.sample(names, min(len(names), sample + sequential_sample))
    sampled, sequential = chosen[:sample], chosen[sample:]
    figures = {"accounts": accounts, "regions": region_names, "instances": instances, "users": users, "untagged": untagged,
               "latency": list(latency), "seed": seed, "binary": os.path.relpath(os.path.abspath(binary), ROOT)}
    standin = StandIn(config)
    with tempfile.TemporaryDirectory(prefix="org-simulation-") as scratch:
        functions = []
        try:
            function = Function(binary, standin.endpoint, region_names, scratch, SWEEP_CONCURRENCY=str(sweep_concurrency))
            functions.append(function)
            figures["fanout"] = fan_out(function, standin, names, fanout_runs)
            figures["sweep"] = sweeps(function, standin, sampled, region_names, instances, "per-account")
            # Sweeping again in the same process: what the hourly schedule costs once everything is tagged.
            again = sampled[:repeat_sample]
            figures["repeat"] = steady(function, standin, again, region_names)
            old = Function(binary, standin.endpoint, region_names, scratch, SWEEP_CONCURRENCY="1")
            functions.append(old)
            figures["sequential"] = sweeps(old, standin, sequential, region_names, instances, "one-region-at-a-time")
        except Exception:
            for f in functions:
                log(f"function log ({f.log_path}), last lines:")
                f.log.flush()
                sys.stderr.write("".join(open(f.log_path, errors="replace").readlines()[-20:]))
            raise
        finally:
            for f in functions:
                f.stop()
            standin.stop()
    figures["sweep_concurrency"] = sweep_concurrency
    return figures


def steady(function: Function, standin: StandIn, accounts: list[str], regions: list[str]) -> dict:
    times, per_account = [], []
    for account in accounts:
        standin.ask("reset")
        result, seconds = function.invoke(sweep_request(account))
        check(result.kind == "response" and result.json()["tagged"] == [], f"repeat sweep of {account}: {result.body[:300]!r}")
        calls = standin.ask("stats")["calls"].get(account, {})
        check(calls == {"iam:GetRole": 1, "ec2:DescribeInstances": len(regions)}, f"repeat sweep of {account}: {calls}")
        times.append(seconds)
        per_account.append(calls)
        log(f"repeat sweep: account {account}, {seconds:.2f} s, {sum(calls.values())} calls")
    return {"seconds": times, "calls": per_account}


# -- the projection and the report ---------------------------------------------------


LAMBDA_LIMIT = 900.0  # seconds: Lambda's maximum timeout


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(round(seconds % 60)):02d} s"
    return f"{int(seconds // 3600)} h {int(round(seconds % 3600 / 60)):02d} min"


def summarize(figures: dict, concurrencies: list[int]) -> dict:
    accounts, regions = figures["accounts"], len(figures["regions"])
    fanout = statistics.median(figures["fanout"]["seconds"])
    sweep = figures["sweep"]["seconds"]
    p50, p90 = statistics.median(sweep), percentile(sweep, 90)
    sequential = statistics.median(figures["sequential"]["seconds"])
    rows = []
    for concurrency in concurrencies:
        waves = math.ceil(accounts / concurrency)
        rows.append({"concurrency": concurrency, "waves": waves, "p50": fanout + waves * p50, "p90": fanout + waves * p90})
    calls = collections.Counter()
    for per in figures["sweep"]["calls"]:
        calls.update(per)
    mean_calls = {k: v / len(figures["sweep"]["calls"]) for k, v in sorted(calls.items())}
    return {"fanout": fanout, "p50": p50, "p90": p90, "max": max(sweep), "min": min(sweep), "sequential": sequential,
            "old": accounts * sequential, "fits": int(LAMBDA_LIMIT // sequential), "rows": rows, "mean_calls": mean_calls,
            "repeat": statistics.median(figures["repeat"]["seconds"]) if figures["repeat"]["seconds"] else None,
            "repeat_calls": sum(figures["repeat"]["calls"][0].values()) if figures["repeat"]["calls"] else None,
            "regions": regions}


def report(figures: dict, summary: dict, command: str) -> str:
    f, s = figures, summary
    fan = f["fanout"]
    throttled = collections.Counter(fan["throttled"])
    for phase in ("sweep", "sequential"):
        throttled.update(f[phase]["throttled"])
    calls_text = ", ".join(f"{name.split(':')[1]} {value:g}" for name, value in s["mean_calls"].items())
    total_calls = sum(s["mean_calls"].values())
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; machine: {machine()}",
        f"- command: `{command}`",
        f"- function: `{f['binary']}` ({build_of(f['binary'])}), through the local Runtime API, central mode with a bus;",
        f"  stand-in AWS: {f['accounts']:,} accounts x {len(f['regions'])} regions, {f['instances']} instances per region "
        f"({int(f['untagged'] * 100)}% without their AwsUserId, {f['users']} users), "
        f"{int(f['latency'][0] * 1000)}-{int(f['latency'][1] * 1000)} ms per call (uniform, seed {f['seed']})",
        "",
        "| measured | figure |",
        "|---|---|",
        f"| fan-out: {plural(fan['pages'][0], 'ListAccounts page')}, then {f['accounts']:,} sweep requests in "
        f"{plural(fan['calls'][0], 'PutEvents call')} (median of {len(fan['seconds'])}) "
        f"| {duration(s['fanout'])} ({', '.join(f'{v:.2f}' for v in fan['seconds'])} s) |",
        f"| per-account sweep, {s['regions']} regions at SWEEP_CONCURRENCY {f['sweep_concurrency']} "
        f"({len(f['sweep']['seconds'])} accounts): p50 / p90 / max | {s['p50']:.2f} s / {s['p90']:.2f} s / {s['max']:.2f} s |",
        f"| calls per account, first sweep (mean) | {total_calls:.1f}: {calls_text} |",
        f"| the same account swept again (warm, nothing to write; median of {len(f['repeat']['seconds'])}) "
        f"| {s['repeat']:.2f} s, {s['repeat_calls']} calls (GetRole, DescribeInstances per region) |",
        f"| per-account sweep, regions one after another (SWEEP_CONCURRENCY 1, {plural(len(f['sequential']['seconds']), 'account')}): p50 "
        f"| {s['sequential']:.2f} s |",
        f"| calls throttled by the stand-in (RequestLimitExceeded, ThrottlingException) | {sum(throttled.values())} |",
        "",
        f"Projected wall time of the whole organization ({f['accounts']:,} accounts): fan-out + "
        "ceil(accounts / concurrency) x per-account sweep time:",
        "",
        "| reserved concurrency | account sweeps one after another per execution | with p50 sweeps | with p90 sweeps |",
        "|---:|---:|---:|---:|",
    ]
    for row in s["rows"]:
        lines.append(f"| {row['concurrency']:,} | {row['waves']:,} | {duration(row['p50'])} | {duration(row['p90'])} |")
    lines += [
        f"| old design: one invocation, every account and region one after another | {f['accounts']:,} "
        f"| {duration(s['old'])} | — |",
        "",
        f"The old design needs {duration(s['old'])} for {f['accounts']:,} accounts"
        + (", past Lambda's 15-minute limit" if s["old"] > LAMBDA_LIMIT else ", within Lambda's 15-minute limit")
        + f": one invocation fits about {s['fits']:,} accounts of {s['regions']} regions at these latencies.",
    ]
    return "\n".join(lines)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def build_of(path: str) -> str:
    if path.startswith("dist/"):
        return "the packaged bootstrap of `make package`"
    return "a release build" if "release" in path else "a debug build"


def write_section(path: str, heading: str, text: str) -> None:
    """Replaces the block between the markers in `path`, or appends it under `heading`."""
    content = open(path, encoding="utf-8").read()
    block = f"{MARKER_BEGIN}\n{text}\n{MARKER_END}"
    if MARKER_BEGIN in content and MARKER_END in content:
        start, end = content.index(MARKER_BEGIN), content.index(MARKER_END) + len(MARKER_END)
        content = content[:start] + block + content[end:]
    else:
        content = content.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def parse_buckets(values: list[str], parser: argparse.ArgumentParser) -> dict[str, tuple[float, float]]:
    buckets = {}
    for value in values:
        kind, _, sizes = value.partition("=")
        try:
            capacity, rate = (float(x) for x in sizes.split(","))
        except ValueError:
            parser.error(f"--bucket {value!r}: expected KIND=CAPACITY,RATE")
        if kind not in BUCKETS:
            parser.error(f"--bucket {value!r}: KIND is one of {', '.join(BUCKETS)}")
        buckets[kind] = (capacity, rate)
    return buckets


def default_binary() -> str:
    for candidate in (os.path.join(ROOT, "dist", "function", "bootstrap"),
                      os.path.join(ROOT, ".build-release", "release", "aws-userid-tagger")):
        if os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("no release binary: run `make package` (dist/function/bootstrap) or pass --binary")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.org_simulation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", metavar="CONFIG", help=argparse.SUPPRESS)
    parser.add_argument("--binary", help="the function: default dist/function/bootstrap, else .build-release/release/aws-userid-tagger")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--regions", type=int, default=17, choices=range(1, len(REGIONS) + 1), metavar="1-17")
    parser.add_argument("--sample", type=int, default=20, help="accounts swept at the default SWEEP_CONCURRENCY")
    parser.add_argument("--sequential-sample", type=int, default=5, help="accounts swept one region at a time")
    parser.add_argument("--fanout-runs", type=int, default=3)
    parser.add_argument("--instances", type=int, default=20, help="instances per account and region")
    parser.add_argument("--users", type=int, default=8, help="distinct CreatedBy values per account and region")
    parser.add_argument("--untagged", type=float, default=0.1, help="fraction of instances without their AwsUserId")
    parser.add_argument("--latency-min", type=float, default=0.05)
    parser.add_argument("--latency-max", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--sweep-concurrency", type=int, default=8, help="SWEEP_CONCURRENCY of the per-account sweeps (central.yaml's default)")
    parser.add_argument("--bucket", action="append", default=[], metavar="KIND=CAPACITY,RATE",
                        help=f"a token bucket of the stand-in, KIND one of {', '.join(BUCKETS)} (defaults: "
                             + "; ".join(f"{k}={c:g},{r:g}" for k, (c, r) in BUCKETS.items()) + ")")
    parser.add_argument("--concurrency", default="1,5,10,50,100,1000", help="reserved concurrencies to project")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md and docs/organizations.md")
    parser.add_argument("--command", default="make bench-org", help="the command recorded with the figures")
    parser.add_argument("--smoke", action="store_true", help="3 accounts x 2 regions, no latency: behaviour only, writes nothing")
    options = parser.parse_args(argv)
    if options.serve:
        return serve(json.loads(options.serve))
    if options.smoke:
        options.accounts, options.regions, options.sample, options.sequential_sample = 3, 2, 2, 1
        options.fanout_runs, options.latency_min, options.latency_max, options.write = 1, 0.0, 0.0, False
    binary = options.binary or default_binary()
    figures = run(binary, accounts=options.accounts, regions=options.regions, sample=options.sample,
                  sequential_sample=options.sequential_sample, fanout_runs=options.fanout_runs,
                  repeat_sample=min(3, options.sample), instances=options.instances, users=options.users,
                  untagged=options.untagged, latency=(options.latency_min, options.latency_max), seed=options.seed,
                  sweep_concurrency=options.sweep_concurrency, buckets=parse_buckets(options.bucket, parser))
    summary = summarize(figures, [int(c) for c in options.concurrency.split(",")])
    text = report(figures, summary, options.command)
    print(text)
    if options.write:
        write_section(os.path.join(HERE, "RESULTS.md"), "## Organization-scale simulation (`make bench-org`)", text)
        write_section(os.path.join(ROOT, "docs", "organizations.md"), "### The simulation's figures", text)
        log("figures written into bench/RESULTS.md and docs/organizations.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

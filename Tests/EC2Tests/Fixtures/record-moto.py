#!/usr/bin/env python3
"""Records the moto-*.xml fixtures beside this file from a local moto_server,
then writes their aws-*.xml twins: the same values in the layout real EC2 uses
(API reference examples and the botocore/libcloud recordings): namespace with a
trailing slash, XML declaration, pretty-printed, requestId first, nextToken
last, instanceId first in an instance, <return>true</return> in CreateTags.

Usage: python3 record-moto.py   (needs moto[server], see requirements-test.txt)
"""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/ec2/aws4_request, "
                 "SignedHeaders=host, Signature=unsigned-moto-runs-without-auth")
REAL_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
LEADING_INSTANCE_FIELDS = ["instanceId", "imageId", "instanceState"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(endpoint, parameters):
    body = urllib.parse.urlencode([("Version", "2016-11-15")] + parameters).encode()
    request = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Authorization": AUTHORIZATION})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_instance(endpoint, tags):
    parameters = [("Action", "RunInstances"), ("ImageId", "ami-03cf127a"), ("MinCount", "1"), ("MaxCount", "1"),
                  ("InstanceType", "t3.micro")]
    if tags:
        parameters.append(("TagSpecification.1.ResourceType", "instance"))
        for index, (key, value) in enumerate(tags, 1):
            parameters += [(f"TagSpecification.1.Tag.{index}.Key", key), (f"TagSpecification.1.Tag.{index}.Value", value)]
    status, body = call(endpoint, parameters)
    assert status == 200, body
    return ET.fromstring(body).find(".//{*}instancesSet/{*}item/{*}instanceId").text


def local(tag):
    return tag.split("}", 1)[-1]


def reshape(element, name):
    """The element's children in real EC2's order: requestId first, nextToken last."""
    children = list(element)
    if name == "item" and any(local(c.tag) == "instanceId" for c in children):
        first = [c for f in LEADING_INSTANCE_FIELDS for c in children if local(c.tag) == f]
        children = first + [c for c in children if c not in first]
    children = ([c for c in children if local(c.tag) == "requestId"]
                + [c for c in children if local(c.tag) not in ("requestId", "nextToken")]
                + [c for c in children if local(c.tag) == "nextToken"])
    return children


def pretty(element, depth, request_id, out):
    name = local(element.tag)
    indent = "    " * depth
    attributes = f' xmlns="{REAL_NAMESPACE}"' if depth == 0 else ""
    children = reshape(element, name)
    if name == "requestId":
        out.append(f"{indent}<requestId>{request_id}</requestId>")
    elif children:
        out.append(f"{indent}<{name}{attributes}>")
        for child in children:
            pretty(child, depth + 1, request_id, out)
        out.append(f"{indent}</{name}>")
    elif element.text:
        text = element.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(f"{indent}<{name}{attributes}>{text}</{name}>")
    else:
        out.append(f"{indent}<{name}{attributes}/>")


def write(name, body):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(body)


def write_real_shape(moto_name, aws_name, add_return=False):
    with open(os.path.join(HERE, moto_name), "rb") as f:
        root = ET.fromstring(f.read())
    if add_return:
        ET.SubElement(root, "return").text = "true"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    pretty(root, 0, str(uuid.uuid5(uuid.NAMESPACE_URL, aws_name)), lines)
    write(aws_name, ("\n".join(lines) + "\n").encode())


def main():
    port = free_port()
    server = subprocess.Popen(["moto_server", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "moto-api/").close()
                break
            except OSError:
                time.sleep(0.1)
        tagged = run_instance(endpoint, [("CreatedBy", "tim.malone"), ("Empty", ""), ("Name", "Tim's <box> & \"co\"")])
        untagged = run_instance(endpoint, [])
        for user in ["jane.doe", "li.wei", "ana.silva", "omar.k", "eve"]:
            run_instance(endpoint, [("CreatedBy", user)])

        recordings = {
            "moto-describe-instances-by-id.xml":
                [("Action", "DescribeInstances"), ("InstanceId.1", tagged), ("InstanceId.2", untagged)],
            "moto-describe-instances-page1.xml":
                [("Action", "DescribeInstances"), ("MaxResults", "5"), ("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "CreatedBy")],
            "moto-create-tags.xml":
                [("Action", "CreateTags"), ("ResourceId.1", tagged), ("Tag.1.Key", "AwsUserId"),
                 ("Tag.1.Value", "AROARZPUZDIKNCACDXBBN:tim.malone")],
            "moto-create-tags-dry-run.xml":
                [("Action", "CreateTags"), ("ResourceId.1", untagged), ("Tag.1.Key", "AwsUserId"), ("Tag.1.Value", "x:y"),
                 ("DryRun", "true")],
            "moto-describe-instances-not-found.xml":
                [("Action", "DescribeInstances"), ("InstanceId.1", "i-0123456789abcdef0")],
            "moto-delete-tags.xml":
                [("Action", "DeleteTags"), ("ResourceId.1", tagged), ("Tag.1.Key", "AwsUserId"),
                 ("Tag.1.Value", "AROARZPUZDIKNCACDXBBN:tim.malone")],
            "moto-delete-tags-dry-run.xml":
                [("Action", "DeleteTags"), ("ResourceId.1", tagged), ("Tag.1.Key", "AwsUserId"), ("DryRun", "true")],
        }
        for name, parameters in recordings.items():
            status, body = call(endpoint, parameters)
            print(f"{name}: HTTP {status}", file=sys.stderr)
            write(name, body)
            if name == "moto-describe-instances-page1.xml":
                token = ET.fromstring(body).find("{*}nextToken").text
                status, body = call(endpoint, parameters + [("NextToken", token)])
                print(f"moto-describe-instances-page2.xml: HTTP {status}", file=sys.stderr)
                write("moto-describe-instances-page2.xml", body)
    finally:
        server.terminate()
        server.wait()

    for page in ["by-id", "page1", "page2"]:
        write_real_shape(f"moto-describe-instances-{page}.xml", f"aws-describe-instances-{page}.xml")
    write_real_shape("moto-create-tags.xml", "aws-create-tags.xml", add_return=True)
    write_real_shape("moto-delete-tags.xml", "aws-delete-tags.xml", add_return=True)


if __name__ == "__main__":
    main()

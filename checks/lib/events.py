"""EventBridge events around CloudTrail records, built the way EventBridge
wraps them (see events/README.md for the record format's source)."""
import copy
import json
import uuid

USERS_ROLE = "Okta-ServiceWorkbenchUser"
PLATFORM_ROLE_ARN = "arn:aws:sts::123456789012:assumed-role/swb-LaunchConstraint/AWSCloudFormation"


def platform_identity(arn=PLATFORM_ROLE_ARN):
    role_name = arn.split("/")[1]
    return {
        "type": "AssumedRole",
        "principalId": "AROAPLATFORMROLEID0001:AWSCloudFormation",
        "arn": arn,
        "accountId": "123456789012",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAPLATFORMROLEID0001",
                                             "arn": f"arn:aws:iam::123456789012:role/{role_name}",
                                             "accountId": "123456789012", "userName": role_name}},
        "invokedBy": "cloudformation.amazonaws.com",
    }


def user_identity(role_id, session_name, role_name=USERS_ROLE):
    """A self-service launch: a session of the users' role."""
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session_name}",
        "arn": f"arn:aws:sts::123456789012:assumed-role/{role_name}/{session_name}",
        "accountId": "123456789012",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": role_id,
                                             "arn": f"arn:aws:iam::123456789012:role/{role_name}",
                                             "accountId": "123456789012", "userName": role_name}},
    }


def run_instances(instance_ids, region="us-east-1", identity=None, error_code=None):
    detail = {
        "eventVersion": "1.09",
        "userIdentity": identity or platform_identity(),
        "eventTime": "2026-11-25T10:00:00Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": "RunInstances",
        "awsRegion": region,
        "sourceIPAddress": "cloudformation.amazonaws.com",
        "userAgent": "cloudformation.amazonaws.com",
        "requestParameters": {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": len(instance_ids)}]}},
        "responseElements": None if error_code else {
            "instancesSet": {"items": [{"instanceId": i, "instanceState": {"code": 0, "name": "pending"}} for i in instance_ids]}},
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "123456789012",
    }
    if error_code:
        detail["errorCode"] = error_code
        detail["errorMessage"] = "You are not authorized to perform this operation."
    return envelope(detail, region)


def create_tags(instance_ids, key, value, region="us-east-1", identity=None):
    detail = {
        "eventVersion": "1.09", "userIdentity": identity or platform_identity(), "eventTime": "2026-11-25T10:00:00Z",
        "eventSource": "ec2.amazonaws.com", "eventName": "CreateTags", "awsRegion": region,
        "requestParameters": {"resourcesSet": {"items": [{"resourceId": i} for i in instance_ids]},
                              "tagSet": {"items": [{"key": key, "value": value}]}},
        "responseElements": {"_return": True}, "eventType": "AwsApiCall", "recipientAccountId": "123456789012",
    }
    return envelope(detail, region)


def delete_tags(instance_ids, keys, region="us-east-1", identity=None):
    """DeleteTags as CloudTrail records it; ``keys=None`` is a call naming no tag, which deletes them all."""
    detail = create_tags(instance_ids, "x", "x", region, identity)["detail"]
    detail["eventName"] = "DeleteTags"
    if keys is None:
        del detail["requestParameters"]["tagSet"]
    else:
        detail["requestParameters"]["tagSet"] = {"items": [{"key": key} for key in keys]}
    return envelope(detail, region)


def autoscaling_identity():
    """Auto Scaling's service-linked role, the caller of the RunInstances it makes
    (as in the real record reference-data ct-autoscaling-slr-fleet-panther.json)."""
    return {
        "type": "AssumedRole",
        "principalId": "AROAAUTOSCALINGSLR001:AutoScaling",
        "arn": "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
        "accountId": "123456789012",
        "sessionContext": {"sessionIssuer": {
            "type": "Role", "principalId": "AROAAUTOSCALINGSLR001",
            "arn": "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            "accountId": "123456789012", "userName": "AWSServiceRoleForAutoScaling"}},
        "invokedBy": "autoscaling.amazonaws.com",
    }


def scheduled(region="us-east-1"):
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": "2026-11-25T10:00:00Z", "region": region,
            "resources": [f"arn:aws:events:{region}:123456789012:rule/reconcile"], "detail": {}}


def envelope(detail, region):
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
            "account": "123456789012", "time": "2026-11-25T10:00:00Z", "region": region, "resources": [],
            "detail": copy.deepcopy(detail)}


def dumps(event):
    return json.dumps(event).encode()

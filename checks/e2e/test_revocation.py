"""Access follows the source tag all the way: the real `invoke` and
`reconcile` against auth-enabled moto take away every target tag that no
valid owner backs, and keep what a self-service launch recorded."""
import json

from checks.lib import events
from checks.lib.instances import launch, tags_of


def ids_of(entries):
    return [e["instanceId"] for e in entries]


def writes(proxy):
    return [c for c in proxy.calls if c.action in ("CreateTags", "DeleteTags")]


def test_deleting_the_source_tag_revokes_access(tagger, moto, proxy, users_role):
    ids = launch(moto, 1, created_by="revoke.on.delete")
    assert tagger.invoke(events.run_instances(ids))[0].returncode == 0
    value = f"{users_role['RoleId']}:revoke.on.delete"
    assert tags_of(moto, ids[0])["AwsUserId"] == value
    moto.client("ec2").delete_tags(Resources=ids, Tags=[{"Key": "CreatedBy"}])
    proxy.reset_calls()
    result, output = tagger.invoke(events.delete_tags(ids, ["CreatedBy"]))
    assert result.returncode == 0, result.stderr
    assert output["revoked"] == [{"instanceId": ids[0], "value": value, "reason": "no CreatedBy tag"}]
    assert "AwsUserId" not in tags_of(moto, ids[0])
    [call] = writes(proxy)
    # Removed only while it still holds the value read, and never every tag.
    assert call.action == "DeleteTags"
    assert call.params["Tag.1.Key"] == "AwsUserId" and call.params["Tag.1.Value"] == value
    assert b"revoked 1" in result.stderr


def test_an_invalid_source_tag_revokes_access_and_dry_run_only_asks(tagger, moto, proxy, users_role):
    ids = launch(moto, 1, created_by="carol")
    assert tagger.invoke(events.run_instances(ids))[0].returncode == 0
    moto.client("ec2").create_tags(Resources=ids, Tags=[{"Key": "CreatedBy", "Value": "carol o'brien"}])
    event = events.create_tags(ids, "CreatedBy", "carol o'brien")
    proxy.reset_calls()
    result, output = tagger.invoke(event, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert output["dryRun"] is True and ids_of(output["revoked"]) == ids
    [call] = writes(proxy)
    assert call.action == "DeleteTags" and call.params.get("DryRun") == "true"
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{users_role['RoleId']}:carol"
    result, output = tagger.invoke(event)
    assert result.returncode == 0, result.stderr
    assert "valid role session name" in output["revoked"][0]["reason"]
    assert "AwsUserId" not in tags_of(moto, ids[0])


def test_the_sweep_revokes_a_target_tag_no_source_backs_then_writes_nothing(tagger, moto, proxy, users_role):
    # Written at launch through a launch template, or by hand before the guard was in place.
    orphan = launch(moto, 1, extra_tags={"AwsUserId": f"{users_role['RoleId']}:mallory"})
    forged = launch(moto, 1, extra_tags={"AwsUserId": f"{users_role['RoleId']}:mallory", "AwsUserIdLaunchedBy": "a b"})
    kept = launch(moto, 1, created_by="sweep.kept")
    result = tagger.run("reconcile")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    revoked = {e["instanceId"]: e for e in output.get("revoked", [])}
    assert revoked[orphan[0]]["reason"] == "no CreatedBy tag"
    assert forged[0] in revoked
    assert kept[0] in ids_of(output["tagged"]) + ids_of(output["unchanged"])
    assert tags_of(moto, orphan[0]) == {}
    assert tags_of(moto, forged[0]) == {}
    # The sweep's one filter ORs the three keys.
    describe = next(c for c in proxy.calls if c.action == "DescribeInstances")
    assert sorted(v for k, v in describe.params.items() if k.startswith("Filter.1.Value.")) == \
        ["AwsUserId", "AwsUserIdLaunchedBy", "CreatedBy"]
    proxy.reset_calls()
    again = json.loads(tagger.run("reconcile").stdout)
    assert writes(proxy) == [], "the second sweep writes nothing"
    assert again.get("revoked", []) == []


def test_an_auto_scaling_launch_carrying_a_foreign_target_tag_is_corrected_at_once(tagger, moto, users_role):
    role_id = users_role["RoleId"]
    relabelled = launch(moto, 1, created_by="asg.bob", extra_tags={"AwsUserId": f"{role_id}:mallory", "AwsUserIdLaunchedBy": "mallory"})
    unbacked = launch(moto, 1, extra_tags={"AwsUserId": f"{role_id}:mallory"})
    result, output = tagger.invoke(events.run_instances(relabelled + unbacked, identity=events.autoscaling_identity()))
    assert result.returncode == 0, result.stderr
    assert output["tagged"] == [{"instanceId": relabelled[0], "value": f"{role_id}:asg.bob"}]
    assert tags_of(moto, relabelled[0]) == {"CreatedBy": "asg.bob", "AwsUserId": f"{role_id}:asg.bob"}
    assert "came with the launch" in next(e["reason"] for e in output["revoked"] if e["instanceId"] == relabelled[0])
    assert tags_of(moto, unbacked[0]) == {}


def test_a_self_service_launch_survives_the_sweep(tagger, moto, proxy, users_role):
    ids = launch(moto, 1, created_by="someone.else")
    caller = f"{users_role['RoleId']}:self.service@example.org"
    identity = events.user_identity(users_role["RoleId"], "self.service@example.org")
    result, _ = tagger.invoke(events.run_instances(ids, identity=identity))
    assert result.returncode == 0, result.stderr
    assert tags_of(moto, ids[0])["AwsUserId"] == caller
    assert tags_of(moto, ids[0])["AwsUserIdLaunchedBy"] == "self.service@example.org"
    proxy.reset_calls()
    output = json.loads(tagger.run("reconcile").stdout)
    assert ids[0] in ids_of(output["unchanged"])
    assert not any(c.params.get("ResourceId.1") == ids[0] for c in writes(proxy))
    assert tags_of(moto, ids[0])["AwsUserId"] == caller


def test_a_recreated_users_role_gets_its_new_role_id_at_the_next_sweep(tagger, moto):
    iam = moto.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
                                                                "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}}]})
    old = iam.create_role(RoleName="Recreated-Users", AssumeRolePolicyDocument=trust)["Role"]["RoleId"]
    ids = launch(moto, 1, created_by="recreated.user", extra_tags={"AwsUserId": f"{old}:recreated.user"})
    iam.delete_role(RoleName="Recreated-Users")
    new = iam.create_role(RoleName="Recreated-Users", AssumeRolePolicyDocument=trust)["Role"]["RoleId"]
    assert new != old
    result = tagger.run("reconcile", ROLE_NAME="Recreated-Users")
    assert result.returncode == 0, result.stderr
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{new}:recreated.user"

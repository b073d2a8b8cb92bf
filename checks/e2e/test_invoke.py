"""The real `invoke` binary against auth-enabled moto, through a recording proxy."""
import json

from checks.lib import events
from checks.lib.instances import launch, tags_of


def ids_of(entries):
    return [e["instanceId"] for e in entries]


def test_launch_event_is_tagged_with_roleid_and_username(tagger, moto, proxy, users_role):
    ids = launch(moto, 2, created_by="tim.malone@example.org")
    result, output = tagger.invoke(events.run_instances(ids))
    assert result.returncode == 0, result.stderr
    value = f"{users_role['RoleId']}:tim.malone@example.org"
    assert output["tagged"] == [{"instanceId": i, "value": value} for i in ids]
    assert all(tags_of(moto, i)["AwsUserId"] == value for i in ids)
    # cold process: GetRole, one batched DescribeInstances, one CreateTags for the one value
    assert proxy.actions() == ["iam:GetRole", "ec2:DescribeInstances", "ec2:CreateTags"]
    assert proxy.calls[1].params["InstanceId.1"] == ids[0] and proxy.calls[1].params["InstanceId.2"] == ids[1]


def test_replay_writes_nothing(tagger, moto, proxy, users_role):
    ids = launch(moto, 1, created_by="ada")
    event = events.run_instances(ids)
    assert tagger.invoke(event)[0].returncode == 0
    proxy.reset_calls()
    result, output = tagger.invoke(event)
    assert result.returncode == 0, result.stderr
    assert output["tagged"] == [] and ids_of(output["unchanged"]) == ids
    assert "ec2:CreateTags" not in proxy.actions()


def test_stale_tag_is_overwritten(tagger, moto, users_role):
    ids = launch(moto, 1, created_by="grace", extra_tags={"AwsUserId": "AROAOLDROLEID0000000:grace"})
    result, output = tagger.invoke(events.run_instances(ids))
    assert result.returncode == 0, result.stderr
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{users_role['RoleId']}:grace"
    assert ids_of(output["tagged"]) == ids


def test_invalid_username_and_missing_tag_are_skipped_never_written(tagger, moto, proxy, users_role):
    bad = launch(moto, 1, created_by=f"{users_role['RoleId']}:victim")
    spaced = launch(moto, 1, created_by="Bob Smith")
    untagged = launch(moto, 1)
    good = launch(moto, 1, created_by="linus")
    result, output = tagger.invoke(events.run_instances(bad + spaced + untagged + good))
    assert result.returncode == 0, result.stderr
    assert ids_of(output["tagged"]) == good
    assert sorted(ids_of(output["skipped"])) == sorted(bad + spaced + untagged)
    for instance in bad + spaced + untagged:
        assert "AwsUserId" not in tags_of(moto, instance)
    writes = [c for c in proxy.calls if c.action == "CreateTags"]
    assert len(writes) == 1 and writes[0].params["ResourceId.1"] == good[0]


def test_untrusted_launcher_is_ignored_without_any_aws_call(tagger, moto, proxy):
    ids = launch(moto, 1, created_by="mallory")
    result, output = tagger.invoke(events.run_instances(ids),
                                   TRUSTED_LAUNCHERS="arn:aws:sts::123456789012:assumed-role/swb-LaunchConstraint-*/*")
    assert result.returncode == 0, result.stderr
    assert "trusted" in output["ignored"].lower(), output
    assert proxy.actions() == []
    assert "AwsUserId" not in tags_of(moto, ids[0])


def test_trusted_launcher_is_acted_on(tagger, moto):
    ids = launch(moto, 1, created_by="trusted.user")
    result, output = tagger.invoke(events.run_instances(ids),
                                   TRUSTED_LAUNCHERS="arn:aws:sts::123456789012:assumed-role/swb-LaunchConstraint/*")
    assert result.returncode == 0, result.stderr
    assert ids_of(output["tagged"]) == ids


def test_dry_run_checks_permissions_and_writes_nothing(tagger, moto, proxy):
    ids = launch(moto, 1, created_by="dry.runner")
    result, output = tagger.invoke(events.run_instances(ids), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert output.get("dryRun") is True
    assert ids_of(output["tagged"]) == ids
    writes = [c for c in proxy.calls if c.action == "CreateTags"]
    assert len(writes) == 1 and writes[0].params.get("DryRun") == "true"
    assert "AwsUserId" not in tags_of(moto, ids[0])


def test_failed_runinstances_is_ignored(tagger, proxy):
    result, output = tagger.invoke(events.run_instances(["i-0123456789abcdef0"], error_code="Client.UnauthorizedOperation"))
    assert result.returncode == 0, result.stderr
    assert "ignored" in output
    assert proxy.actions() == []


def test_unparseable_event_is_invalid_input(tagger, proxy):
    result, output = tagger.invoke(b"{not json")
    assert result.returncode == 2
    assert b"InvalidEvent" in result.stderr
    assert proxy.actions() == []


def test_missing_role_name_is_a_configuration_error(tagger, moto):
    ids = launch(moto, 1, created_by="someone")
    result, _ = tagger.invoke(events.run_instances(ids), ROLE_NAME=None)
    assert result.returncode == 2
    assert b"ROLE_NAME" in result.stderr


def test_self_service_launch_uses_the_callers_userid(tagger, moto, users_role):
    ids = launch(moto, 1, created_by="someone.else")
    identity = events.user_identity(users_role["RoleId"], "tim.malone@example.org")
    result, output = tagger.invoke(events.run_instances(ids, identity=identity))
    assert result.returncode == 0, result.stderr
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{users_role['RoleId']}:tim.malone@example.org"


def test_reconcile_fixes_missing_and_stale_tags(tagger, moto, proxy, users_role):
    missing = launch(moto, 1, created_by="reconcile.missing")
    stale = launch(moto, 1, created_by="reconcile.stale", extra_tags={"AwsUserId": "AROAOLDROLEID0000000:x"})
    result = tagger.run("reconcile")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    tagged = ids_of(output["tagged"])
    assert missing[0] in tagged and stale[0] in tagged
    assert tags_of(moto, stale[0])["AwsUserId"] == f"{users_role['RoleId']}:reconcile.stale"
    proxy.reset_calls()
    again = json.loads(tagger.run("reconcile").stdout)
    assert missing[0] not in ids_of(again["tagged"]) and missing[0] in ids_of(again["unchanged"])
    assert "ec2:CreateTags" not in proxy.actions()

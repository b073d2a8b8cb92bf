"""bench/org_simulation.py in miniature: 3 accounts x 2 regions, no latency,
the debug binary. Checks that the simulation's stand-in and phases do what
its figures claim (the fan-out publishes every account once, each sweep
calls only its account, writes what its fleet needs, and leaves every tag
right), not how fast: the simulation itself raises on any wrong answer."""
from bench import org_simulation


def test_the_simulation_fans_out_and_sweeps_with_the_real_binary(binary):
    figures = org_simulation.run(binary, accounts=3, regions=2, sample=2, sequential_sample=1, fanout_runs=1,
                                 repeat_sample=1, latency=(0.0, 0.0))
    assert figures["fanout"]["calls"] == [1], "3 requests fit one PutEvents"
    assert figures["fanout"]["pages"] == [1], "3 members, the management account and 4 not ACTIVE fit one ListAccounts page"
    assert len(figures["sweep"]["calls"]) == 2 and len(figures["sequential"]["calls"]) == 1
    for calls in figures["sweep"]["calls"] + figures["sequential"]["calls"]:
        assert (calls["sts:AssumeRole"], calls["iam:GetRole"], calls["ec2:DescribeInstances"]) == (1, 1, 2)
        assert set(calls) <= {"sts:AssumeRole", "iam:GetRole", "ec2:DescribeInstances", "ec2:CreateTags"}
    assert figures["repeat"]["calls"] == [{"iam:GetRole": 1, "ec2:DescribeInstances": 2}], "a warm repeat writes nothing"
    assert figures["fanout"]["throttled"] == figures["sweep"]["throttled"] == {}

    summary = org_simulation.summarize(figures, [1, 2])
    assert [(row["concurrency"], row["waves"]) for row in summary["rows"]] == [(1, 3), (2, 2)]
    text = org_simulation.report(figures, summary, "pytest")
    assert "| old design: one invocation" in text and "1 ListAccounts page, then 3 sweep requests in 1 PutEvents call " in text


def test_the_figures_replace_their_own_block_only(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("# Title\n\nhand-written\n")
    org_simulation.write_section(str(path), "## Figures", "first")
    org_simulation.write_section(str(path), "## Figures", "second")
    text = path.read_text()
    assert text.startswith("# Title\n\nhand-written\n\n## Figures\n\n") and text.count("## Figures") == 1
    assert "second" in text and "first" not in text


def test_the_stand_in_throttles_and_a_region_that_stays_throttled_fails_alone(binary, tmp_path):
    # A CreateTags bucket of one token that never refills: in each region the
    # first write passes and every later one is throttled, every attempt.
    config = {"accounts": 1, "instances": 6, "users": 3, "untagged": 0.4, "seed": 16, "latency_min": 0.0,
              "latency_max": 0.0, "buckets": {"create-tags": [1, 0]}}
    [account] = org_simulation.member_accounts(1)
    regions = org_simulation.REGIONS[:3]
    standin = org_simulation.StandIn(config)
    try:
        function = org_simulation.Function(binary, standin.endpoint, regions, str(tmp_path), AWS_MAX_ATTEMPTS="3")
        try:
            result, _ = function.invoke(org_simulation.sweep_request(account), timeout=60)
        finally:
            function.stop()
        stats = standin.ask("stats")
    finally:
        standin.stop()
    needed = {region: stats["region_writes"][f"{account} {region}"] for region in regions}
    failing = [r for r in regions if needed[r] >= 2]
    assert failing and len(failing) < len(regions), f"the seeded fleet needs a mix: {needed}"
    assert result.kind == "error" and result.error_type == "RequestLimitExceeded", result.body
    message = result.json()["errorMessage"]
    assert f"{len(failing)} of {len(regions)} sweeps failed" in message
    assert all((f"{region}: account {account}" in message) == (region in failing) for region in regions), message
    # Each failing region: its first write, then AWS_MAX_ATTEMPTS throttled attempts of the second.
    assert stats["throttled"] == {f"{account}:create-tags": 3 * len(failing)}
    assert stats["calls"][account]["ec2:CreateTags"] == sum(1 for r in regions if needed[r] >= 1)
    assert stats["calls"][account]["ec2:DescribeInstances"] == len(regions)

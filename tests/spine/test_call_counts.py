"""AWS call counts add up: with --cis-controls, collectors run while controls are
parametrised, after the session started; the counts are read at the end of the run."""
from tests.harness import A

REGIONS = ["us-east-1", "eu-west-1"]


def test_calls_made_while_controls_are_parametrised_are_counted(audit):
    # Calls: ec2:DescribeRegions when the estate is discovered, then one
    # access-analyzer:ListAnalyzers per region once 1.20 is parametrised, and one
    # organizations:DescribeOrganization (A has no analyzer: might an organization's cover it?).
    # Requests also count sts:GetCallerIdentity and sts:AssumeRole into account A.
    run = audit("1.20", accounts=[A], regions=REGIONS)
    assert run.document["aws_calls"] == {"calls": 4, "distinct": 4, "requests": 6}
    assert "AWS calls: 4 (4 distinct, 6 requests)" in run.output

"""LgpdChecks from the checks package (``pip install cdk-lgpd-checks``), installed by name beside the
construct, on the consumer app: no finding on a resource the library made (under a ``Pipeline``
construct), and the one the app earned itself (its own VPC has no flow log), which shows the rules ran.
The same as consumers/typescript/checks.ts."""
from cdk_lgpd_checks import LgpdChecks

from app import build_consumer_app


def test_lgpd_checks_find_nothing_on_the_pipelines_and_the_apps_own_vpc():
    app = build_consumer_app("cdk.out.checks")
    report = LgpdChecks(app).validate_scope(app)
    findings = [f"{v.rule_name} {r.construct_path}" for v in report.violations for r in v.violating_resources]
    assert [f for f in findings if "Pipeline" in f.split(" ")[1].split("/")] == []
    assert "LGPD-VPCFlowLogsAllTraffic LgpdConsumerByo/Vpc/Resource" in findings

"""A user's own add-on, written in Python against the construct's add-on interface: a class that
implements ``IPipelineAddOn`` and is bound with ``pipeline.add_on``. The pipeline (TypeScript, through
jsii) calls back into the Python ``bind``, which creates resources through ``ILgpdDataPipeline``:
the conventions, the alarm hook and the endpoint hook. test/add-on.test.ts does the same in TypeScript.
"""
import jsii
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Match, Template
from cdk_lgpd_data_pipeline import ILgpdDataPipeline, IPipelineAddOn, LgpdDataPipeline


@jsii.implements(IPipelineAddOn)
class AuditQueue:
    """A queue for audit records, named, encrypted, kept and watched the way the pipeline's own are."""

    def __init__(self) -> None:
        self.bound_to = None
        self.alarm = None

    def bind(self, pipeline: ILgpdDataPipeline) -> None:
        self.bound_to = pipeline.environment_suffix
        conventions = pipeline.conventions
        queue = sqs.Queue(
            pipeline,
            "AuditQueue",
            queue_name=conventions.physical_name("audit", "Queue"),
            encryption_master_key=pipeline.encryption_key,
            enforce_ssl=True,
            removal_policy=conventions.removal_policy,
        )
        pipeline.add_client_endpoint(ec2.InterfaceVpcEndpointAwsService.SQS)
        # A struct parameter is keyword arguments in Python (PipelineAlarmOptions).
        self.alarm = pipeline.add_alarm(
            "AuditBacklog",
            name="audit-backlog",
            description="Audit records wait in the audit queue.",
            metric=queue.metric_approximate_number_of_messages_visible(),
            threshold=100,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )


def test_a_python_add_on_binds_through_the_interface_and_follows_the_pipeline_conventions():
    app = App()
    stack = Stack(app, "AddOn", env=Environment(region="sa-east-1"))
    pipeline = LgpdDataPipeline(stack, "Pipeline", environment_suffix="py")
    add_on = AuditQueue()
    pipeline.add_on(add_on)

    assert add_on.bound_to == "py"
    assert add_on.alarm is not None
    template = Template.from_stack(stack)
    key = {"Fn::GetAtt": [Match.string_like_regexp("^PipelineKey"), "Arn"]}
    template.has_resource(
        "AWS::SQS::Queue",
        {"Properties": {"QueueName": "lgpd-audit-py-queue", "KmsMasterKeyId": key}, "DeletionPolicy": "RetainExceptOnCreate"},
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmName": "lgpd-pipeline-py-audit-backlog", "AlarmActions": [Match.object_like({"Ref": Match.string_like_regexp("^PipelineMonitoringAlarmTopic")})]},
    )
    sqs_endpoints = [
        r for r in template.find_resources("AWS::EC2::VPCEndpoint").values() if ".sqs" in str(r["Properties"]["ServiceName"])
    ]
    assert len(sqs_endpoints) == 1

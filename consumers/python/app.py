"""The Python consumer: the same two stacks, with the same props, as consumers/typescript/app.ts.

It uses the installed package (``pip install cdk-lgpd-data-pipeline``), never the TypeScript source.
Run ``python app.py`` to synthesize into $CONSUMER_OUTDIR (default cdk.out), or ``pytest`` to check
the templates.
"""
import os

from aws_cdk import App, Duration, Environment, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from cdk_lgpd_data_pipeline import (
    CacheEngineVersion,
    CacheNodeType,
    ClientEndpoints,
    DatabaseAuthentication,
    DatabaseOptions,
    ErasureMode,
    LgpdDataPipeline,
)

OUTDIR = os.environ.get("CONSUMER_OUTDIR", "cdk.out")


def build_consumer_app(outdir: str = OUTDIR) -> App:
    """A pipeline with its own VPC and key, and one that brings both."""
    app = App(outdir=outdir)
    env = Environment(region="sa-east-1")

    # 1. Non-default props: three AZs, four shards, an r7g cache, destroyable, and a grant.
    stack = Stack(app, "LgpdConsumer", env=env)
    pipeline = LgpdDataPipeline(
        stack,
        "Pipeline",
        environment_suffix="consumer",
        az_count=3,
        shard_count=4,
        stream_retention=Duration.hours(48),
        cache_node_type=CacheNodeType.MEMORY7_GRAVITON_LARGE,
        cache_engine_version=CacheEngineVersion.VALKEY_8_0,
        cache_nodes_per_group=3,
        cache_port=6390,
        removal_policy=RemovalPolicy.DESTROY,
        log_retention=logs.RetentionDays.THREE_MONTHS,
        allowed_regions=["sa-east-1"],
        data_classification="payment-data",
        client_endpoints=ClientEndpoints.PIPELINE_AND_CONTAINERS,
        database=DatabaseOptions(
            instance_type=ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
            allocated_storage=50,
            backup_retention=Duration.days(14),
            database_name="orders",
        ),
    )
    writer = iam.Role(stack, "Writer", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    pipeline.grant_write(writer)
    client = ec2.SecurityGroup(stack, "Client", vpc=pipeline.vpc, allow_all_outbound=False)
    pipeline.allow_from(client)
    pipeline.add_processor("Processor", batch_size=200, parallelization_factor=2, max_record_age=Duration.hours(2))
    pipeline.add_data_subject_rights(
        "Rights", controller="Consumer Ltda.", due_in=Duration.days(10),
        erasure=ErasureMode.retain_minimized("CTN art. 173", Duration.days(1825)),
    )

    # 2. Bring your own VPC and key; on-demand stream; a node type and engine built from strings.
    byo = Stack(app, "LgpdConsumerByo", env=env)
    key = kms.Key(byo, "Key", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY)
    key.grant_encrypt_decrypt(iam.ServicePrincipal("logs.sa-east-1.amazonaws.com"))
    # What README asks of a brought key: CloudWatch alarms may use it for the alarm topic it encrypts.
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": byo.account}},
        )
    )
    vpc = ec2.Vpc(
        byo,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)
        ],
    )
    byo_pipeline = LgpdDataPipeline(
        byo,
        "Pipeline",
        environment_suffix="byo",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        encryption_key=key,
        stream_mode=kinesis.StreamMode.ON_DEMAND,
        cache_node_type=CacheNodeType.of("cache.r7g.xlarge"),
        cache_engine_version=CacheEngineVersion.redis("7.0"),
        removal_policy=RemovalPolicy.DESTROY,
    )
    reader = iam.Role(byo, "Reader", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    byo_pipeline.grant_read(reader)
    byo_pipeline.grant_secrets_read(reader)
    byo_pipeline.grant_database_connect(reader, "app")
    byo_pipeline.add_processor(
        "Audit",
        code=lambda_.Code.from_inline("exports.handler = async () => ({ batchItemFailures: [] });"),
        database_authentication=DatabaseAuthentication.IAM,
        starting_position=lambda_.StartingPosition.LATEST,
    )
    byo_pipeline.add_data_subject_rights("Rights")
    return app


if __name__ == "__main__":
    assembly = build_consumer_app().synth()
    for s in assembly.stacks:
        print(f"python: {s.stack_name} -> {os.path.join(assembly.directory, s.template_file)}")

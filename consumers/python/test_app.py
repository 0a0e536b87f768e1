"""pytest checks of the Python consumer's templates; the synthesized app also lands in $CONSUMER_OUTDIR
for consumers/compare.ts to compare with the TypeScript app's."""
import os

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk.assertions import Match, Template
from cdk_lgpd_data_pipeline import CacheNodeType, LgpdDataPipeline

from app import OUTDIR, build_consumer_app


@pytest.fixture(scope="module")
def app():
    app = build_consumer_app(OUTDIR)
    app.synth()  # writes $CONSUMER_OUTDIR/*.template.json
    return app


@pytest.fixture(scope="module")
def template(app):
    return Template.from_stack(app.node.find_child("LgpdConsumer"))


@pytest.fixture(scope="module")
def byo(app):
    return Template.from_stack(app.node.find_child("LgpdConsumerByo"))


def test_three_azs_give_nine_subnets_public_data_and_application(template):
    template.resource_count_is("AWS::EC2::Subnet", 9)


def test_four_shards_and_a_duration_reach_the_stream(template):
    template.has_resource_properties(
        "AWS::Kinesis::Stream",
        {"ShardCount": 4, "RetentionPeriodHours": 48, "StreamEncryption": {"EncryptionType": "KMS", "KeyId": Match.any_value()}},
    )


def test_enum_like_classes_reach_the_cache(template):
    template.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {"CacheNodeType": "cache.r7g.large", "Engine": "valkey", "EngineVersion": "8.0", "NumCacheClusters": 3, "Port": 6390},
    )


def test_the_database_options_struct_is_applied(template):
    template.has_resource_properties(
        "AWS::RDS::DBInstance",
        {"DBInstanceClass": "db.r7g.large", "AllocatedStorage": "50", "BackupRetentionPeriod": 14, "DBName": "orders"},
    )


def test_data_subject_rights_options_reach_the_request_function(template):
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"FunctionName": "lgpd-rights-consumer-rights-requests",
         "Environment": {"Variables": Match.object_like({"RIGHTS_DUE_SECONDS": "864000", "RIGHTS_ERASURE": '{"mode":"RETAIN_MINIMIZED","legalBasis":"CTN art. 173","retainDays":1825}'})}},
    )


def test_destroyable_leaves_nothing_retained(template, byo):
    for t in (template, byo):
        for logical_id, resource in t.to_json()["Resources"].items():
            assert resource.get("DeletionPolicy", "Delete") == "Delete", logical_id


def test_grant_write_gives_the_role_put_record(template):
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Action": Match.array_with(["kinesis:PutRecord"])})])
            },
            "Roles": [{"Ref": Match.string_like_regexp("Writer")}],
        },
    )


def test_bring_your_own_vpc_and_key_creates_neither(byo):
    byo.resource_count_is("AWS::KMS::Key", 1)  # the consumer's own
    byo.resource_count_is("AWS::EC2::VPC", 1)  # the consumer's own
    byo.resource_count_is("AWS::EC2::FlowLog", 0)  # the pipeline did not build a network
    byo.has_resource_properties("AWS::Kinesis::Stream", {"StreamModeDetails": {"StreamMode": "ON_DEMAND"}})
    byo.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup", {"CacheNodeType": "cache.r7g.xlarge", "EngineVersion": "7.0"}
    )


def test_fails_when_a_prop_is_out_of_range():
    from aws_cdk import App, Stack

    stack = Stack(App(), "Bad")
    with pytest.raises(Exception, match="azCount"):
        LgpdDataPipeline(stack, "Pipeline", environment_suffix="bad", az_count=7,
                         cache_node_type=CacheNodeType.MEMORY7_GRAVITON_LARGE, removal_policy=RemovalPolicy.DESTROY)


def test_the_reference_processor_ships_its_bundled_asset(template):
    functions = template.find_resources("AWS::Lambda::Function", {"Properties": {"FunctionName": "lgpd-processor-consumer-processor"}})
    (function,) = functions.values()
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    bundle = os.path.join(OUTDIR, f"asset.{asset_hash}", "index.js")
    with open(bundle, encoding="utf-8") as f:
        assert "handler" in f.read()
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"BatchSize": 200, "ParallelizationFactor": 2, "MaximumRecordAgeInSeconds": 7200}
    )


def test_the_container_endpoints_and_an_iam_processor_of_your_own(template, byo):
    # Six interface endpoints and the S3 gateway of PIPELINE_AND_CONTAINERS, SQS for the processor's quarantine, Step Functions for data-subject rights.
    template.resource_count_is("AWS::EC2::VPCEndpoint", 9)
    byo.has_resource_properties(
        "AWS::Lambda::Function",
        {"FunctionName": "lgpd-processor-byo-audit", "Environment": {"Variables": Match.object_like({"DB_IAM_USER": "lgpd_processor"})}},
    )


def test_the_tag_names_are_static_members_and_tag_the_stores(template):
    assert LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG == "lgpd:environment-suffix"
    assert LgpdDataPipeline.DATA_CLASSIFICATION_TAG == "lgpd:data-classification"
    template.has_resource_properties(
        "AWS::Kinesis::Stream",
        {
            "Tags": Match.array_with([
                {"Key": LgpdDataPipeline.DATA_CLASSIFICATION_TAG, "Value": "payment-data"},
                {"Key": LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG, "Value": "consumer"},
            ])
        },
    )

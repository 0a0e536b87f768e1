package com.example.lgpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklgpd.datapipeline.CacheNodeType;
import io.github.cdklgpd.datapipeline.LgpdDataPipeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** JUnit checks of the Java consumer's templates; the app also lands in $CONSUMER_OUTDIR for compare.ts. */
class ConsumerAppTest {
    private static Template template;
    private static Template byo;

    @BeforeAll
    static void synth() {
        App app = ConsumerApp.build(ConsumerApp.OUTDIR);
        app.synth();
        template = Template.fromStack((Stack) app.getNode().findChild("LgpdConsumer"));
        byo = Template.fromStack((Stack) app.getNode().findChild("LgpdConsumerByo"));
    }

    @Test
    void threeAzsGiveNineSubnetsPublicDataAndApplication() {
        template.resourceCountIs("AWS::EC2::Subnet", 9);
    }

    @Test
    void fourShardsAndADurationReachTheStream() {
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "ShardCount", 4,
                "RetentionPeriodHours", 48,
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", Match.anyValue())));
    }

    @Test
    void enumLikeClassesReachTheCache() {
        template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Map.of(
                "CacheNodeType", "cache.r7g.large",
                "Engine", "valkey",
                "EngineVersion", "8.0",
                "NumCacheClusters", 3,
                "Port", 6390));
    }

    @Test
    void dataSubjectRightsOptionsReachTheRequestFunction() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "lgpd-rights-consumer-rights-requests",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "RIGHTS_DUE_SECONDS", "864000",
                        "RIGHTS_ERASURE", "{\"mode\":\"RETAIN_MINIMIZED\",\"legalBasis\":\"CTN art. 173\",\"retainDays\":1825}")))));
    }

    @Test
    void theDatabaseOptionsStructIsApplied() {
        template.hasResourceProperties("AWS::RDS::DBInstance", Map.of(
                "DBInstanceClass", "db.r7g.large",
                "AllocatedStorage", "50",
                "BackupRetentionPeriod", 14,
                "DBName", "orders"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void destroyableLeavesNothingRetained() {
        for (Template t : List.of(template, byo)) {
            Map<String, Object> resources = (Map<String, Object>) t.toJSON().get("Resources");
            resources.forEach((id, resource) -> {
                Object policy = ((Map<String, Object>) resource).getOrDefault("DeletionPolicy", "Delete");
                assertEquals("Delete", policy, id);
            });
        }
    }

    @Test
    void grantWriteGivesTheRolePutRecord() {
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Action", Match.arrayWith(List.of("kinesis:PutRecord"))))))),
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("Writer")))));
    }

    @Test
    void bringYourOwnVpcAndKeyCreatesNeither() {
        byo.resourceCountIs("AWS::KMS::Key", 1);
        byo.resourceCountIs("AWS::EC2::VPC", 1);
        byo.resourceCountIs("AWS::EC2::FlowLog", 0);
        byo.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND")));
        byo.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Map.of(
                "CacheNodeType", "cache.r7g.xlarge", "EngineVersion", "7.0"));
    }

    @Test
    void failsWhenAPropIsOutOfRange() {
        Stack stack = new Stack(new App(), "Bad");
        RuntimeException e = assertThrows(RuntimeException.class, () -> LgpdDataPipeline.Builder.create(stack, "Pipeline")
                .environmentSuffix("bad")
                .azCount(7)
                .cacheNodeType(CacheNodeType.MEMORY7_GRAVITON_LARGE)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build());
        assertTrue(e.getMessage().contains("azCount"), e.getMessage());
    }

    @Test
    void theReferenceProcessorShipsItsBundledAsset() throws java.io.IOException {
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function",
                Map.of("Properties", Map.of("FunctionName", "lgpd-processor-consumer-processor")));
        assertEquals(1, functions.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> code = (Map<String, Object>) ((Map<String, Object>) functions.values().iterator().next().get("Properties")).get("Code");
        String hash = ((String) code.get("S3Key")).replace(".zip", "");
        String bundle = java.nio.file.Files.readString(ConsumerApp.OUTDIR.resolve("asset." + hash).resolve("index.js"));
        assertTrue(bundle.contains("handler"));
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping",
                Map.of("BatchSize", 200, "ParallelizationFactor", 2, "MaximumRecordAgeInSeconds", 7200));
    }

    @Test
    void theContainerEndpointsAndAnIamProcessorOfYourOwn() {
        // Six interface endpoints and the S3 gateway of PIPELINE_AND_CONTAINERS, SQS for the processor's quarantine, Step Functions for data-subject rights.
        template.resourceCountIs("AWS::EC2::VPCEndpoint", 9);
        byo.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "lgpd-processor-byo-audit",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("DB_IAM_USER", "lgpd_processor")))));
    }

    @Test
    void theTagNamesAreStaticMembersAndTagTheStores() {
        assertEquals("lgpd:environment-suffix", LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG);
        assertEquals("lgpd:data-classification", LgpdDataPipeline.DATA_CLASSIFICATION_TAG);
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", LgpdDataPipeline.DATA_CLASSIFICATION_TAG, "Value", "payment-data"),
                Map.of("Key", LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG, "Value", "consumer")))));
    }
}

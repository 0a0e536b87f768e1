package com.example.lgpd;

import io.github.cdklgpd.datapipeline.CacheEngineVersion;
import io.github.cdklgpd.datapipeline.CacheNodeType;
import io.github.cdklgpd.datapipeline.ClientEndpoints;
import io.github.cdklgpd.datapipeline.DataSubjectRightsOptions;
import io.github.cdklgpd.datapipeline.DatabaseAuthentication;
import io.github.cdklgpd.datapipeline.DatabaseOptions;
import io.github.cdklgpd.datapipeline.ErasureMode;
import io.github.cdklgpd.datapipeline.LgpdDataPipeline;
import io.github.cdklgpd.datapipeline.TransactionProcessorOptions;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * The Java consumer: the same two stacks, with the same props, as consumers/typescript/app.ts,
 * built against our jar as a user gets it: consumers/run.sh copies this project and runs Maven, which
 * resolves io.github.cdk-lgpd-data-pipeline:cdk-lgpd-data-pipeline by version from its repository.
 */
public final class ConsumerApp {
    /** Where the synthesized templates go: $CONSUMER_OUTDIR, or cdk.out. */
    public static final Path OUTDIR = Path.of(System.getenv().getOrDefault("CONSUMER_OUTDIR", "cdk.out"));

    private ConsumerApp() {
    }

    /** A pipeline with its own VPC and key, and one that brings both. */
    public static App build(final Path outdir) {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        Environment env = Environment.builder().region("sa-east-1").build();

        // 1. Non-default props: three AZs, four shards, an r7g cache, destroyable, and a grant.
        Stack stack = Stack.Builder.create(app, "LgpdConsumer").env(env).build();
        LgpdDataPipeline pipeline = LgpdDataPipeline.Builder.create(stack, "Pipeline")
                .environmentSuffix("consumer")
                .azCount(3)
                .shardCount(4)
                .streamRetention(Duration.hours(48))
                // jsii's Java names for the constants split a digit from the letter after it:
                .cacheNodeType(CacheNodeType.MEMORY7_GRAVITON_LARGE)
                .cacheEngineVersion(CacheEngineVersion.VALKEY_8_0)
                .cacheNodesPerGroup(3)
                .cachePort(6390)
                .removalPolicy(RemovalPolicy.DESTROY)
                .logRetention(RetentionDays.THREE_MONTHS)
                .allowedRegions(List.of("sa-east-1"))
                .dataClassification("payment-data")
                .clientEndpoints(ClientEndpoints.PIPELINE_AND_CONTAINERS)
                .database(DatabaseOptions.builder()
                        .instanceType(InstanceType.of(InstanceClass.R7G, InstanceSize.LARGE))
                        .allocatedStorage(50)
                        .backupRetention(Duration.days(14))
                        .databaseName("orders")
                        .build())
                .build();
        Role writer = Role.Builder.create(stack, "Writer")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();
        pipeline.grantWrite(writer);
        SecurityGroup client = SecurityGroup.Builder.create(stack, "Client")
                .vpc(pipeline.getVpc())
                .allowAllOutbound(false)
                .build();
        pipeline.allowFrom(client);
        // The reference processor (its bundled asset ships in the package) with non-default options.
        pipeline.addProcessor("Processor", TransactionProcessorOptions.builder()
                .batchSize(200)
                .parallelizationFactor(2)
                .maxRecordAge(Duration.hours(2))
                .build());
        pipeline.addDataSubjectRights("Rights", DataSubjectRightsOptions.builder()
                .controller("Consumer Ltda.")
                .dueIn(Duration.days(10))
                .erasure(ErasureMode.retainMinimized("CTN art. 173", Duration.days(1825)))
                .build());

        // 2. Bring your own VPC and key; on-demand stream; a node type and engine built from strings.
        Stack byo = Stack.Builder.create(app, "LgpdConsumerByo").env(env).build();
        Key key = Key.Builder.create(byo, "Key")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        key.grantEncryptDecrypt(new ServicePrincipal("logs.sa-east-1.amazonaws.com"));
        // What README asks of a brought key: CloudWatch alarms may use it for the alarm topic it encrypts.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(java.util.Map.of("StringEquals", java.util.Map.of("aws:SourceAccount", byo.getAccount())))
                .build());
        Vpc vpc = Vpc.Builder.create(byo, "Vpc")
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("data")
                        .subnetType(SubnetType.PRIVATE_ISOLATED)
                        .cidrMask(24)
                        .build()))
                .build();
        LgpdDataPipeline byoPipeline = LgpdDataPipeline.Builder.create(byo, "Pipeline")
                .environmentSuffix("byo")
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .encryptionKey(key)
                .streamMode(StreamMode.ON_DEMAND)
                .cacheNodeType(CacheNodeType.of("cache.r7g.xlarge"))
                .cacheEngineVersion(CacheEngineVersion.redis("7.0"))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Role reader = Role.Builder.create(byo, "Reader")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .build();
        byoPipeline.grantRead(reader);
        byoPipeline.grantSecretsRead(reader);
        byoPipeline.grantDatabaseConnect(reader, "app");
        // A processor of your own code, signing in to PostgreSQL as the processor's role with IAM.
        byoPipeline.addProcessor("Audit", TransactionProcessorOptions.builder()
                .code(Code.fromInline("exports.handler = async () => ({ batchItemFailures: [] });"))
                .databaseAuthentication(DatabaseAuthentication.IAM)
                .startingPosition(StartingPosition.LATEST)
                .build());
        byoPipeline.addDataSubjectRights("Rights");
        return app;
    }

    public static void main(final String[] args) {
        build(OUTDIR).synth();
    }
}

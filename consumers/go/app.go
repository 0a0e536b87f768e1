// The Go consumer: the same two stacks, with the same props, as consumers/typescript/app.ts, built on
// our Go module as a user gets it: consumers/run.sh copies this file into a fresh module that requires
// github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpddatapipeline by version, from its
// Go module proxy directory. `go run .` synthesizes into $CONSUMER_OUTDIR (default cdk.out); `go test`
// checks the templates.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpddatapipeline"
)

// Outdir is where the synthesized templates go: $CONSUMER_OUTDIR, or cdk.out.
func Outdir() string {
	if dir := os.Getenv("CONSUMER_OUTDIR"); dir != "" {
		return dir
	}
	return "cdk.out"
}

// NewConsumerApp builds a pipeline with its own VPC and key, and one that brings both.
func NewConsumerApp(outdir string) awscdk.App {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	env := &awscdk.Environment{Region: jsii.String("sa-east-1")}

	// 1. Non-default props: three AZs, four shards, an r7g cache, destroyable, and a grant.
	stack := awscdk.NewStack(app, jsii.String("LgpdConsumer"), &awscdk.StackProps{Env: env})
	pipeline := cdklgpddatapipeline.NewLgpdDataPipeline(stack, jsii.String("Pipeline"), &cdklgpddatapipeline.LgpdDataPipelineProps{
		EnvironmentSuffix:  jsii.String("consumer"),
		AzCount:            jsii.Number(3),
		ShardCount:         jsii.Number(4),
		StreamRetention:    awscdk.Duration_Hours(jsii.Number(48)),
		CacheNodeType:      cdklgpddatapipeline.CacheNodeType_MEMORY7_GRAVITON_LARGE(),
		CacheEngineVersion: cdklgpddatapipeline.CacheEngineVersion_VALKEY_8_0(),
		CacheNodesPerGroup: jsii.Number(3),
		CachePort:          jsii.Number(6390),
		RemovalPolicy:      awscdk.RemovalPolicy_DESTROY,
		LogRetention:       awslogs.RetentionDays_THREE_MONTHS,
		AllowedRegions:     jsii.Strings("sa-east-1"),
		DataClassification: jsii.String("payment-data"),
		ClientEndpoints:    cdklgpddatapipeline.ClientEndpoints_PIPELINE_AND_CONTAINERS,
		Database: &cdklgpddatapipeline.DatabaseOptions{
			InstanceType:     awsec2.InstanceType_Of(awsec2.InstanceClass_R7G, awsec2.InstanceSize_LARGE),
			AllocatedStorage: jsii.Number(50),
			BackupRetention:  awscdk.Duration_Days(jsii.Number(14)),
			DatabaseName:     jsii.String("orders"),
		},
	})
	writer := awsiam.NewRole(stack, jsii.String("Writer"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	pipeline.GrantWrite(writer)
	client := awsec2.NewSecurityGroup(stack, jsii.String("Client"), &awsec2.SecurityGroupProps{
		Vpc:              pipeline.Vpc(),
		AllowAllOutbound: jsii.Bool(false),
	})
	pipeline.AllowFrom(client)
	// The reference processor (its bundled asset ships in the package) with non-default options.
	pipeline.AddProcessor(jsii.String("Processor"), &cdklgpddatapipeline.TransactionProcessorOptions{
		BatchSize:             jsii.Number(200),
		ParallelizationFactor: jsii.Number(2),
		MaxRecordAge:          awscdk.Duration_Hours(jsii.Number(2)),
	})
	pipeline.AddDataSubjectRights(jsii.String("Rights"), &cdklgpddatapipeline.DataSubjectRightsOptions{
		Controller: jsii.String("Consumer Ltda."),
		DueIn:      awscdk.Duration_Days(jsii.Number(10)),
		Erasure:    cdklgpddatapipeline.ErasureMode_RetainMinimized(jsii.String("CTN art. 173"), awscdk.Duration_Days(jsii.Number(1825))),
	})

	// 2. Bring your own VPC and key; on-demand stream; a node type and engine built from strings.
	byo := awscdk.NewStack(app, jsii.String("LgpdConsumerByo"), &awscdk.StackProps{Env: env})
	key := awskms.NewKey(byo, jsii.String("Key"), &awskms.KeyProps{
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
	key.GrantEncryptDecrypt(awsiam.NewServicePrincipal(jsii.String("logs.sa-east-1.amazonaws.com"), nil))
	// What README asks of a brought key: CloudWatch alarms may use it for the alarm topic it encrypts.
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"StringEquals": map[string]interface{}{"aws:SourceAccount": byo.Account()}},
	}), nil)
	vpc := awsec2.NewVpc(byo, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("data"),
			SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED,
			CidrMask:   jsii.Number(24),
		}},
	})
	byoPipeline := cdklgpddatapipeline.NewLgpdDataPipeline(byo, jsii.String("Pipeline"), &cdklgpddatapipeline.LgpdDataPipelineProps{
		EnvironmentSuffix:  jsii.String("byo"),
		Vpc:                vpc,
		VpcSubnets:         &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		EncryptionKey:      key,
		StreamMode:         awskinesis.StreamMode_ON_DEMAND,
		CacheNodeType:      cdklgpddatapipeline.CacheNodeType_Of(jsii.String("cache.r7g.xlarge")),
		CacheEngineVersion: cdklgpddatapipeline.CacheEngineVersion_Redis(jsii.String("7.0")),
		RemovalPolicy:      awscdk.RemovalPolicy_DESTROY,
	})
	reader := awsiam.NewRole(byo, jsii.String("Reader"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
	})
	byoPipeline.GrantRead(reader)
	byoPipeline.GrantSecretsRead(reader)
	byoPipeline.GrantDatabaseConnect(reader, jsii.String("app"))
	// A processor of your own code, signing in to PostgreSQL as the processor's role with IAM.
	byoPipeline.AddProcessor(jsii.String("Audit"), &cdklgpddatapipeline.TransactionProcessorOptions{
		Code:                   awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({ batchItemFailures: [] });")),
		DatabaseAuthentication: cdklgpddatapipeline.DatabaseAuthentication_IAM(),
		StartingPosition:       awslambda.StartingPosition_LATEST,
	})
	byoPipeline.AddDataSubjectRights(jsii.String("Rights"), nil)
	return app
}

func main() {
	defer jsii.Close()
	assembly := NewConsumerApp(Outdir()).Synth(nil)
	for _, s := range *assembly.Stacks() {
		fmt.Printf("go: %s -> %s/%s\n", *s.StackName(), *assembly.Directory(), *s.TemplateFile())
	}
}

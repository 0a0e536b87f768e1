package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpddatapipeline"
)

// The app is synthesized once (into $CONSUMER_OUTDIR, for consumers/compare.ts) and shared by every test.
var template, byo assertions.Template

func TestMain(m *testing.M) {
	app := NewConsumerApp(Outdir())
	app.Synth(nil)
	template = assertions.Template_FromStack(app.Node().FindChild(jsii.String("LgpdConsumer")).(awscdk.Stack), nil)
	byo = assertions.Template_FromStack(app.Node().FindChild(jsii.String("LgpdConsumerByo")).(awscdk.Stack), nil)
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func TestThreeAzsGiveNineSubnetsPublicDataAndApplication(t *testing.T) {
	template.ResourceCountIs(jsii.String("AWS::EC2::Subnet"), jsii.Number(9))
}

func TestFourShardsAndADurationReachTheStream(t *testing.T) {
	template.HasResourceProperties(jsii.String("AWS::Kinesis::Stream"), map[string]interface{}{
		"ShardCount":           4,
		"RetentionPeriodHours": 48,
		"StreamEncryption":     map[string]interface{}{"EncryptionType": "KMS", "KeyId": assertions.Match_AnyValue()},
	})
}

func TestEnumLikeClassesReachTheCache(t *testing.T) {
	template.HasResourceProperties(jsii.String("AWS::ElastiCache::ReplicationGroup"), map[string]interface{}{
		"CacheNodeType":    "cache.r7g.large",
		"Engine":           "valkey",
		"EngineVersion":    "8.0",
		"NumCacheClusters": 3,
		"Port":             6390,
	})
}

func TestDataSubjectRightsOptionsReachTheRequestFunction(t *testing.T) {
	template.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]interface{}{
		"FunctionName": "lgpd-rights-consumer-rights-requests",
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			"RIGHTS_DUE_SECONDS": "864000",
			"RIGHTS_ERASURE":     `{"mode":"RETAIN_MINIMIZED","legalBasis":"CTN art. 173","retainDays":1825}`,
		})},
	})
}

func TestTheDatabaseOptionsStructIsApplied(t *testing.T) {
	template.HasResourceProperties(jsii.String("AWS::RDS::DBInstance"), map[string]interface{}{
		"DBInstanceClass":       "db.r7g.large",
		"AllocatedStorage":      "50",
		"BackupRetentionPeriod": 14,
		"DBName":                "orders",
	})
}

func TestDestroyableLeavesNothingRetained(t *testing.T) {
	for _, tpl := range []assertions.Template{template, byo} {
		resources := (*tpl.ToJSON())["Resources"].(map[string]interface{})
		for id, r := range resources {
			if policy, ok := r.(map[string]interface{})["DeletionPolicy"]; ok && policy != "Delete" {
				t.Errorf("%s has DeletionPolicy %v", id, policy)
			}
		}
	}
}

func TestGrantWriteGivesTheRolePutRecord(t *testing.T) {
	template.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]interface{}{
		"PolicyDocument": map[string]interface{}{
			"Statement": assertions.Match_ArrayWith(&[]interface{}{
				assertions.Match_ObjectLike(&map[string]interface{}{
					"Action": assertions.Match_ArrayWith(&[]interface{}{"kinesis:PutRecord"}),
				}),
			}),
		},
		"Roles": []interface{}{map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("Writer"))}},
	})
}

func TestBringYourOwnVpcAndKeyCreatesNeither(t *testing.T) {
	byo.ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(1))
	byo.ResourceCountIs(jsii.String("AWS::EC2::VPC"), jsii.Number(1))
	byo.ResourceCountIs(jsii.String("AWS::EC2::FlowLog"), jsii.Number(0))
	byo.HasResourceProperties(jsii.String("AWS::Kinesis::Stream"), map[string]interface{}{
		"StreamModeDetails": map[string]interface{}{"StreamMode": "ON_DEMAND"},
	})
	byo.HasResourceProperties(jsii.String("AWS::ElastiCache::ReplicationGroup"), map[string]interface{}{
		"CacheNodeType": "cache.r7g.xlarge", "EngineVersion": "7.0",
	})
}

func TestFailsWhenAPropIsOutOfRange(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("azCount 7 was accepted")
		}
		if msg := toString(r); !strings.Contains(msg, "azCount") {
			t.Fatalf("error does not name azCount: %s", msg)
		}
	}()
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Bad"), nil)
	cdklgpddatapipeline.NewLgpdDataPipeline(stack, jsii.String("Pipeline"), &cdklgpddatapipeline.LgpdDataPipelineProps{
		EnvironmentSuffix: jsii.String("bad"),
		AzCount:           jsii.Number(7),
		CacheNodeType:     cdklgpddatapipeline.CacheNodeType_MEMORY7_GRAVITON_LARGE(),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
}

func toString(r interface{}) string {
	if err, ok := r.(error); ok {
		return err.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return ""
}

func TestTheReferenceProcessorShipsItsBundledAsset(t *testing.T) {
	functions := *template.FindResources(jsii.String("AWS::Lambda::Function"), map[string]interface{}{
		"Properties": map[string]interface{}{"FunctionName": "lgpd-processor-consumer-processor"},
	})
	if len(functions) != 1 {
		t.Fatalf("expected one processor function, found %d", len(functions))
	}
	for _, f := range functions {
		key := (*f)["Properties"].(map[string]interface{})["Code"].(map[string]interface{})["S3Key"].(string)
		bundle, err := os.ReadFile(filepath.Join(Outdir(), "asset."+strings.TrimSuffix(key, ".zip"), "index.js"))
		if err != nil || !strings.Contains(string(bundle), "handler") {
			t.Fatalf("the processor's asset is not in the assembly: %v", err)
		}
	}
	template.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]interface{}{
		"BatchSize": 200, "ParallelizationFactor": 2, "MaximumRecordAgeInSeconds": 7200,
	})
}

func TestTheContainerEndpointsAndAnIamProcessorOfYourOwn(t *testing.T) {
	// Six interface endpoints and the S3 gateway of PIPELINE_AND_CONTAINERS, SQS for the processor's quarantine, Step Functions for data-subject rights.
	template.ResourceCountIs(jsii.String("AWS::EC2::VPCEndpoint"), jsii.Number(9))
	byo.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]interface{}{
		"FunctionName": "lgpd-processor-byo-audit",
		"Environment":  map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{"DB_IAM_USER": "lgpd_processor"})},
	})
}

func TestTheTagNamesAreStaticMembersAndTagTheStores(t *testing.T) {
	suffix, classification := *cdklgpddatapipeline.LgpdDataPipeline_ENVIRONMENT_SUFFIX_TAG(), *cdklgpddatapipeline.LgpdDataPipeline_DATA_CLASSIFICATION_TAG()
	if suffix != "lgpd:environment-suffix" || classification != "lgpd:data-classification" {
		t.Fatalf("unexpected tag names %q and %q", suffix, classification)
	}
	template.HasResourceProperties(jsii.String("AWS::Kinesis::Stream"), map[string]interface{}{
		"Tags": assertions.Match_ArrayWith(&[]interface{}{
			map[string]interface{}{"Key": classification, "Value": "payment-data"},
			map[string]interface{}{"Key": suffix, "Value": "consumer"},
		}),
	})
}

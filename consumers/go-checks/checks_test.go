// The checks package's Go consumer: LgpdChecks (module .../cdk-lgpd-data-pipeline-go/cdklgpdchecks) on
// the Go consumer app (consumers/run.sh copies consumers/go/app.go beside this file), in a module that
// requires both packages by version. No finding on a resource the library made (under a `Pipeline`
// construct), and the one the app earned itself (its own VPC has no flow log), which shows the rules
// ran. It needs cdk-nag's v3 Go module, which the Go module proxy does not serve: consumers/run.sh
// serves the one package:go generates from a local proxy directory (docs/languages.md).
package main

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpdchecks"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func TestLgpdChecksFindNothingOnThePipelinesAndTheAppsOwnVpc(t *testing.T) {
	app := NewConsumerApp("cdk.out.checks")
	report := cdklgpdchecks.NewLgpdChecks(app, nil).ValidateScope(app)
	var findings []string
	for _, v := range *report.Violations {
		for _, r := range *v.ViolatingResources {
			findings = append(findings, *v.RuleName+" "+*r.ConstructPath)
		}
	}
	expected := "LGPD-VPCFlowLogsAllTraffic LgpdConsumerByo/Vpc/Resource"
	found := false
	for _, f := range findings {
		path := strings.SplitN(f, " ", 2)[1]
		for _, part := range strings.Split(path, "/") {
			if part == "Pipeline" {
				t.Errorf("finding on the library's resources: %s", f)
			}
		}
		found = found || f == expected
	}
	if !found {
		t.Errorf("expected the app's own finding %s; found %v", expected, findings)
	}
}

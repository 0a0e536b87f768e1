module github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline/consumers/registries/goproxy

go 1.25.0

require golang.org/x/mod v0.39.0

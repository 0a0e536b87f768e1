// One jest file for every LgpdChecks rule test, so aws-cdk-lib is loaded once, not once per service.
// Each service's tests (a compliant and a non-compliant stack per rule) are in rules/<service>.rules.ts.
import './rules/cloudwatch.rules';
import './rules/dynamodb.rules';
import './rules/elasticache.rules';
import './rules/erasure.rules';
import './rules/iam.rules';
import './rules/kinesis.rules';
import './rules/lambda.rules';
import './rules/logs.rules';
import './rules/rds.rules';
import './rules/regions.rules';
import './rules/s3.rules';
import './rules/secretsmanager.rules';
import './rules/sqs.rules';
import './rules/vpc.rules';

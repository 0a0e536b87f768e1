#!/usr/bin/env bash
# Deletes what a pipeline with the default (keep data) removal policy leaves behind after its stack is
# destroyed: the stream, the cache AUTH secret and the subject key, the log groups (flow logs, database, cache vended logs,
# and the default-security-group function's), the final database and cache snapshots, and the key
# (scheduled for deletion after 7 days). test/integ-cleanup.test.ts runs it against a fake aws.
#
# Used by the `production` integration case as a postDestroy hook (integ-runner runs it from test/).
# Every name carries the environment suffix, so nothing outside that pipeline is touched.
#
# Usage: cleanup-retained.sh <region> <environment-suffix>
set -uo pipefail
export AWS_PAGER=""
region="$1"
suffix="$2"
aws() { command aws --region "$region" "$@"; }
step() { echo "cleanup-retained: $*"; }

step "stream lgpd-transactions-$suffix"
aws kinesis delete-stream --stream-name "lgpd-transactions-$suffix" --enforce-consumer-deletion || true

for secret in cache-auth-token subject-key; do
  step "secret lgpd-pipeline/$suffix/$secret"
  aws secretsmanager delete-secret --secret-id "lgpd-pipeline/$suffix/$secret" --force-delete-without-recovery || true
done

for prefix in "/lgpd-pipeline/$suffix/" "/aws/rds/instance/lgpd-db-$suffix/" "/aws/vendedlogs/lgpd-pipeline/$suffix/"; do
  for group in $(aws logs describe-log-groups --log-group-name-prefix "$prefix" --query 'logGroups[].logGroupName' --output text); do
    step "log group $group"
    aws logs delete-log-group --log-group-name "$group" || true
  done
done

# The log group of the function that closes the default security group, by its exact name (a prefix
# would also match the group of a suffix that starts with this one).
function_group="/aws/lambda/lgpd-pipeline-$suffix-default-sg"
for group in $(aws logs describe-log-groups --log-group-name-prefix "$function_group" --query 'logGroups[].logGroupName' --output text); do
  if [ "$group" = "$function_group" ]; then
    step "log group $group"
    aws logs delete-log-group --log-group-name "$group" || true
  fi
done

for snapshot in $(aws rds describe-db-snapshots --db-instance-identifier "lgpd-db-$suffix" --snapshot-type manual \
    --query 'DBSnapshots[].DBSnapshotIdentifier' --output text); do
  step "database snapshot $snapshot"
  aws rds delete-db-snapshot --db-snapshot-identifier "$snapshot" >/dev/null || true
done

for snapshot in $(aws elasticache describe-snapshots --replication-group-id "lgpd-cache-$suffix" --snapshot-source manual \
    --query 'Snapshots[].SnapshotName' --output text); do
  step "cache snapshot $snapshot"
  aws elasticache delete-snapshot --snapshot-name "$snapshot" >/dev/null || true
done

# The alias went with the stack; the retained key still carries the suffix tag.
for key_arn in $(aws resourcegroupstaggingapi get-resources --resource-type-filters kms:key \
    --tag-filters "Key=lgpd:environment-suffix,Values=$suffix" --query 'ResourceTagMappingList[].ResourceARN' --output text); do
  step "key $key_arn, deletion in 7 days"
  aws kms schedule-key-deletion --key-id "$key_arn" --pending-window-in-days 7 >/dev/null || true
done
exit 0

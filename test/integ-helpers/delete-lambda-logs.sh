#!/usr/bin/env bash
# Deletes the log groups Lambda created on its own for the functions of destroyed integ stacks: the
# assertion provider of integ-tests-alpha logs to /aws/lambda/<function name>, which no stack owns, so
# `cdk destroy` leaves it behind. (The pipeline's own function logs to a log group its stack owns.)
# Function names start with the stack name, so the prefix selects exactly one case's log groups.
#
# Used by every integration case as a postDestroy hook (integ-runner runs it from test/).
#
# Usage: delete-lambda-logs.sh <region> <stack-name-prefix>
set -uo pipefail
export AWS_PAGER=""
region="$1"
prefix="/aws/lambda/$2"
for group in $(aws logs describe-log-groups --region "$region" --log-group-name-prefix "$prefix" \
    --query 'logGroups[].logGroupName' --output text); do
  echo "delete-lambda-logs: $group"
  aws logs delete-log-group --region "$region" --log-group-name "$group" || true
done
exit 0

/**
 * The Lambda handler that closes a VPC's default security group, as inline (`ZipFile`) Node.js code.
 *
 * It does what aws-cdk-lib's own `restrictDefaultSecurityGroup` handler does (revoke the default
 * group's allow-all egress and its self-referencing ingress on create, put them back on delete), and
 * answers CloudFormation itself over HTTPS, because inline code has no provider framework around it.
 * It is a string, not a module, so that it ships inside the template (no asset to stage, hash and
 * upload); test/network-default-security-group.test.ts runs it against a fake EC2 client.
 *
 * Written by hand because aws-cdk-lib's provider costs every synth ~150 ms (region-info is loaded
 * to pick its runtime, and its handler is staged as an asset): see docs/performance.md.
 */
export const DEFAULT_SECURITY_GROUP_HANDLER = `'use strict';
const { EC2 } = require('@aws-sdk/client-ec2');
const https = require('https');
const ec2 = new EC2({});
const ingress = (g, a) => ({ GroupId: g, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: g, UserId: a }] }] });
const egress = g => ({ GroupId: g, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
const unless = (...codes) => e => { if (!codes.includes(e.name)) throw e; };
async function restrict(g, a) {
  await ec2.revokeSecurityGroupEgress(egress(g)).catch(unless('InvalidPermission.NotFound'));
  await ec2.revokeSecurityGroupIngress(ingress(g, a)).catch(unless('InvalidPermission.NotFound'));
}
async function restore(g, a) {
  await ec2.authorizeSecurityGroupIngress(ingress(g, a)).catch(unless('InvalidPermission.Duplicate', 'InvalidGroup.NotFound'));
  await ec2.authorizeSecurityGroupEgress(egress(g)).catch(unless('InvalidPermission.Duplicate', 'InvalidGroup.NotFound'));
}
function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status, Reason: reason,
    PhysicalResourceId: event.PhysicalResourceId || event.LogicalResourceId + '-' + event.ResourceProperties.DefaultSecurityGroupId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const req = https.request({ hostname: url.hostname, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, res => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
}
exports.handler = async event => {
  const p = event.ResourceProperties;
  try {
    if (event.RequestType === 'Create') {
      await restrict(p.DefaultSecurityGroupId, p.Account);
    } else if (event.RequestType === 'Update') {
      const old = event.OldResourceProperties;
      if (old.DefaultSecurityGroupId !== p.DefaultSecurityGroupId) {
        await restore(old.DefaultSecurityGroupId, old.Account);
        await restrict(p.DefaultSecurityGroupId, p.Account);
      }
    } else if (event.RequestType === 'Delete') {
      await restore(p.DefaultSecurityGroupId, p.Account);
    }
    await respond(event, 'SUCCESS', 'OK');
  } catch (e) {
    console.error(e);
    await respond(event, 'FAILED', String((e && e.message) || e).slice(0, 1000));
  }
};
`;

import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { findingsOf } from './util';

describe('VPCFlowLogsAllTraffic (Art. 37)', () => {
  test('flags a VPC without a flow log, and one that logs only rejected traffic; passes ALL', () => {
    expect(findingsOf('VPCFlowLogsAllTraffic', stack => {
      new ec2.Vpc(stack, 'Unlogged', { natGateways: 0, maxAzs: 2 });
      new ec2.Vpc(stack, 'RejectOnly', { natGateways: 0, maxAzs: 2 }).addFlowLog('FlowLog', { trafficType: ec2.FlowLogTrafficType.REJECT });
      new ec2.Vpc(stack, 'Logged', { natGateways: 0, maxAzs: 2 }).addFlowLog('FlowLog');
    })).toEqual(['LGPD-VPCFlowLogsAllTraffic RejectOnly/Resource', 'LGPD-VPCFlowLogsAllTraffic Unlogged/Resource']);
  });
});

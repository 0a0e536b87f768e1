import { App, Stack } from 'aws-cdk-lib';
import { handWrittenPipeline } from './hand-written-stack';
import { cdkNagPacks, findings } from './nag';
import { LgpdChecks } from '../../src';

/**
 * The negative control: the same resources written by hand get findings from every pack, so the
 * packs (and LgpdChecks) do look at these resource types; the construct's clean result is earned.
 * The figures are the "before" column of docs/compliance.md (The figures).
 */
describe('a hand-written stack with the seed resources', () => {
  const app = new App();
  handWrittenPipeline(new Stack(app, 'HandWritten', { env: { region: 'sa-east-1' } }));
  app.synth();
  const perPack = Object.fromEntries([...cdkNagPacks(), new LgpdChecks()].map(p => [p.name, findings(p, app)]));

  test('gets findings from every pack, more than forty from the four cdk-nag packs (65 with cdk-nag 3.0.2)', () => {
    const counts = Object.fromEntries(Object.entries(perPack).map(([name, f]) => [name, f.length]));
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(0);
    const cdkNag = counts.AwsSolutions + counts['HIPAA.Security'] + counts['NIST.800.53.R5'] + counts['PCI.DSS.321'];
    expect(cdkNag).toBeGreaterThan(40);
  });

  test('LgpdChecks flags what the LGPD asks for and the hand-written stack lacks', () => {
    expect(perPack.LGPD).toEqual([
      'error LGPD-PersonalDataStoreAlarmed HandWritten/Cache',
      'error LGPD-PersonalDataStoreAlarmed HandWritten/Db/Resource',
      'error LGPD-PersonalDataStoreAlarmed HandWritten/Stream/Resource',
      'error LGPD-RDSAuditLogsExported HandWritten/Db/Resource',
      'error LGPD-RDSTransportEncryptionEnforced HandWritten/Db/Resource',
      'error LGPD-SecretCustomerManagedKey HandWritten/Db/Secret/Resource',
      'error LGPD-VPCFlowLogsAllTraffic HandWritten/Vpc/Resource',
    ]);
  });
});

import { App, Stack } from 'aws-cdk-lib';
import { LgpdChecks } from 'cdk-lgpd-checks';
import { handWrittenPipeline } from './hand-written-stack';
import { cdkNagPacks, findings } from './nag';

/**
 * The negative control: the same resources written by hand get findings from every pack, so the
 * packs (and LgpdChecks) do look at these resource types; the construct's clean result is earned.
 * The figures are the "before" column of docs/compliance.md (The figures).
 */
describe('a hand-written stack with the pipeline\'s core resources', () => {
  const app = new App();
  handWrittenPipeline(new Stack(app, 'HandWritten', { env: { region: 'sa-east-1' } }));
  app.synth();
  const perPack = Object.fromEntries([...cdkNagPacks(), new LgpdChecks()].map(p => [p.name, findings(p, app)]));

  // Exact counts with cdk-nag 3.0.2 (the dev pin): a cdk-nag upgrade that changes them shows here, and the
  // "before" figures in docs/compliance.md are updated with it.
  test('gets 65 findings from the four cdk-nag packs: AwsSolutions 12, HIPAA 19, NIST 800-53 R5 20, PCI DSS 14', () => {
    const counts = Object.fromEntries(Object.entries(perPack).map(([name, f]) => [name, f.length]));
    expect(counts).toMatchObject({ 'AwsSolutions': 12, 'HIPAA.Security': 19, 'NIST.800.53.R5': 20, 'PCI.DSS.321': 14 });
  });

  test('LgpdChecks flags what the LGPD asks for and the hand-written stack lacks', () => {
    expect(perPack.LGPD).toEqual([
      'error LGPD-PersonalDataErasurePath HandWritten/Cache',
      'error LGPD-PersonalDataErasurePath HandWritten/Db/Resource',
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

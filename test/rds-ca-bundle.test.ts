/**
 * The RDS certificate authorities ship with the functions that connect to RDS (src/private/rds-ca-bundle.ts):
 * the bundle the build writes beside each function's code must hold the root that the database's
 * `CACertificateIdentifier` names, in every region the pipeline may run in (allowedRegions), or the
 * function would refuse the database's certificate after a move to another allowed region.
 */
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LgpdDataPipeline, LgpdDataPipelineProps } from '../src';
import { RDS_CA_BUNDLE_FILE, RDS_CA_BUNDLE_PATH } from '../src/private/rds-ca-bundle';

const ASSETS = path.join(__dirname, '..', 'assets', 'handlers');
/** The functions that connect to RDS, by the folder of their bundle. */
const BUNDLES = ['transaction-processor', 'schema-migrations'];

/** The root certificate's common name for a CACertificateIdentifier, in a region (RDS's naming of its CAs). */
const ROOT_NAMES: Record<string, (region: string) => string> = {
  'rds-ca-rsa2048-g1': region => `Amazon RDS ${region} Root CA RSA2048 G1`,
  'rds-ca-rsa4096-g1': region => `Amazon RDS ${region} Root CA RSA4096 G1`,
  'rds-ca-ecc384-g1': region => `Amazon RDS ${region} Root CA ECC384 G1`,
};

/** The certificates of a PEM file. */
function certificates(file: string): X509Certificate[] {
  return (fs.readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(pem => new X509Certificate(pem));
}

const commonName = (c: X509Certificate) => c.subject.split('\n').find(l => l.startsWith('CN='))?.slice(3);

/** Pipelines as users deploy them: the FastShop shape in São Paulo, and one allowed in three regions. */
const PIPELINES: Array<[string, string, string[], Partial<LgpdDataPipelineProps>]> = [
  ['the default pipeline', 'sa-east-1', ['sa-east-1'], {}],
  ['a pipeline allowed in three regions, deployed to one of them', 'us-east-1', ['sa-east-1', 'us-east-1', 'eu-central-1'], {}],
];

describe.each(PIPELINES)('%s', (_, region, allowedRegions, props) => {
  const app = new App();
  const stack = new Stack(app, 'Ca', { env: { region } });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'ca', allowedRegions, ...props });
  pipeline.addProcessor('Processor');
  const template = Template.fromStack(stack).toJSON();
  const [identifier] = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::RDS::DBInstance').map(r => r.Properties.CACertificateIdentifier);

  test.each(BUNDLES)('the %s bundle holds the root CACertificateIdentifier names, self-signed and valid, for every allowed region', (bundle) => {
    expect(Object.keys(ROOT_NAMES)).toContain(identifier);
    const roots = certificates(path.join(ASSETS, bundle, RDS_CA_BUNDLE_FILE));
    for (const allowed of allowedRegions) {
      const root = roots.find(c => commonName(c) === ROOT_NAMES[identifier](allowed));
      expect([allowed, root?.subject === root?.issuer, root !== undefined && root.checkIssued(root)]).toEqual([allowed, true, true]);
      expect(new Date(root!.validTo).getTime()).toBeGreaterThan(Date.now());
    }
  });

  test('the functions that connect to RDS point NODE_EXTRA_CA_CERTS at the bundle beside their code', () => {
    const functions = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::Lambda::Function' && r.Properties.VpcConfig);
    const pointing = functions.filter(f => f.Properties.Environment?.Variables?.NODE_EXTRA_CA_CERTS === RDS_CA_BUNDLE_PATH)
      .map(f => f.Properties.FunctionName).sort();
    expect(pointing).toEqual(['lgpd-db-schema-ca', 'lgpd-processor-ca-processor', 'lgpd-redrive-ca-processor']);
  });
});

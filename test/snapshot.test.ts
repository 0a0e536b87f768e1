import { RemovalPolicy } from 'aws-cdk-lib';
import { synth, withoutAssetHashes } from './util';

// A supplement to the property assertions in the other files: any change to the template shows up here.
test('FastShop-shaped template snapshot', () => {
  const { template } = synth({ environmentSuffix: 'dev', shardCount: 2, removalPolicy: RemovalPolicy.DESTROY });
  expect(withoutAssetHashes(template.toJSON())).toMatchSnapshot();
});

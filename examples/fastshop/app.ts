/**
 * FastShop: card transactions streamed through an LGPD-compliant pipeline in São Paulo.
 *
 * Run it from the repository root with `npx projen synth:example`, or from this folder with `npx cdk synth`.
 * A user's own app imports from 'cdk-lgpd-data-pipeline' instead of '../../src'.
 */
import { App, CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CacheAccess, CacheNodeType, LgpdDataPipeline } from '../../src';

export interface FastShopStackProps extends StackProps {
  /** Suffix of every physical name, for example 'dev' or 'pr-123'. */
  readonly environmentSuffix: string;
  /**
   * How clients sign in to the cache. A FastShop deployed before cache users existed keeps its AUTH token
   * with `CacheAccess.AUTH_TOKEN`: CloudFormation cannot move a replication group to users in place.
   *
   * @default CacheAccess.USERS
   */
  readonly cacheAccess?: CacheAccess;
}

export class FastShopStack extends Stack {
  public readonly pipeline: LgpdDataPipeline;

  constructor(scope: Construct, id: string, props: FastShopStackProps) {
    super(scope, id, props);

    this.pipeline = new LgpdDataPipeline(this, 'Pipeline', {
      environmentSuffix: props.environmentSuffix,
      azCount: 2,
      shardCount: 2,
      cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_SMALL,
      cacheAccess: props.cacheAccess,
    });

    // The transaction processor: the reference processor shipped with the library, in the application
    // subnets, reading the stream and storing each transaction in PostgreSQL and the customer's state in
    // Redis; what it cannot process is kept in its failed-records queue, and its alarms go to the topic.
    const processor = this.pipeline.addProcessor('Processor');

    // Data-subject rights (LGPD Art. 18 and 19): confirm, access and erase a customer's data across the
    // stores, and keep it erased; the answers speak for FastShop and name its data protection officer.
    this.pipeline.addDataSubjectRights('Rights', {
      controller: 'FastShop Comércio Ltda., data protection officer: dpo@fastshop.example',
      purposes: ['processing card payments', 'preventing fraud'],
    });

    // The checkout service that produces the transactions: an ECS task role that may put records.
    const checkout = new iam.Role(this, 'CheckoutTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'FastShop checkout service: puts card transactions on the pipeline stream',
    });
    this.pipeline.grantWrite(checkout);
    // The app's own compliance decision, scoped to the one policy it concerns.
    const grantsPolicy = checkout.node.findChild('DefaultPolicy');
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
      Validations.of(grantsPolicy).acknowledge({
        id: `${pack}-IAMNoInlinePolicy`,
        reason: 'CDK grants write this role\'s least-privilege permissions (put records, kms:GenerateDataKey) '
          + 'into its own inline policy, which lives and changes with the grants.',
      });
    }

    new CfnOutput(this, 'StreamName', { value: this.pipeline.stream.streamName });
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.pipeline.database.dbInstanceEndpointAddress });
    new CfnOutput(this, 'CacheEndpoint', { value: this.pipeline.cacheEndpointAddress });
    new CfnOutput(this, 'CachePort', { value: this.pipeline.cacheEndpointPort });
    new CfnOutput(this, 'ProcessorFunction', { value: processor.function.functionName });
    new CfnOutput(this, 'FailedRecordsQueue', { value: processor.failedRecordsQueue.queueUrl });
  }
}

/** Builds the FastShop app: sa-east-1, two AZs, two shards. */
export function buildFastShopApp(outdir?: string): App {
  const app = new App({ outdir });
  new FastShopStack(app, 'FastShopPipeline', {
    env: { region: 'sa-east-1' },
    environmentSuffix: app.node.tryGetContext('environmentSuffix') ?? 'dev',
    description: 'FastShop LGPD transaction pipeline (cdk-lgpd-data-pipeline example)',
  });
  return app;
}

if (require.main === module) {
  buildFastShopApp().synth();
}

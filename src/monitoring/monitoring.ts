import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_SPECS, AlarmSpec } from './alarms';
import { pipelineDashboard } from './dashboard';
import { PipelineMetrics } from './metrics';
import { MonitoringOptions, validateMonitoringOptions } from './options';
import { PipelineAlarm, PipelineAlarmOptions } from './pipeline-alarm';
import { PipelineNames } from '../private/names';

/** Properties of {@link PipelineMonitoring}. */
export interface PipelineMonitoringProps {
  /** The user's options. */
  readonly options: MonitoringOptions;
  /** The pipeline's physical names (alarms, topic, dashboard). */
  readonly names: PipelineNames;
  /** The pipeline key, which encrypts the topic the construct creates. */
  readonly encryptionKey: kms.IKey;
  /** The metrics the alarms and the dashboard watch. */
  readonly metrics: PipelineMetrics;
}

/**
 * The alarms of `ALARM_SPECS`, the SNS topic that receives them (encrypted with the pipeline key, SSL
 * only), and the optional dashboard.
 *
 * Internal: the pipeline exposes `alarms`, `alarmsOf`, `alarmTopic` and `dashboard`.
 */
export class PipelineMonitoring extends Construct {
  /** Every alarm created, in a stable order. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The topic that receives the alarms, if any. */
  public readonly alarmTopic?: sns.ITopic;
  /** The dashboard, if one was asked for. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly byKind = new Map<PipelineAlarm, cloudwatch.Alarm[]>();

  constructor(scope: Construct, id: string, private readonly props: PipelineMonitoringProps) {
    super(scope, id);
    const options = props.options;
    validateMonitoringOptions(options);

    if (options.enableAlarms ?? true) {
      if (options.alarmTopic) {
        this.alarmTopic = options.alarmTopic;
      } else if (options.createAlarmTopic ?? true) {
        const topic = new sns.Topic(this, 'AlarmTopic', {
          topicName: props.names.alarmTopic,
          displayName: `LGPD pipeline ${props.names.suffix} alarms`,
          masterKey: props.encryptionKey,
          enforceSSL: true,
        });
        // A topic policy replaces SNS's default one, which is what lets CloudWatch publish to a topic
        // without a policy. enforceSSL writes one holding only its Deny, so CloudWatch needs its own Allow:
        // for this account's alarms of this pipeline only (docs/first-deploy.md, alarm delivery).
        const stack = Stack.of(this);
        topic.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'AllowThisPipelinesAlarmsToPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: {
              'aws:SourceArn': stack.formatArn({
                service: 'cloudwatch', resource: 'alarm', resourceName: props.names.alarm('*'), arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }));
        this.alarmTopic = topic;
      }
      for (const spec of ALARM_SPECS) this.createAlarms(spec, props.metrics);
    }

    if (options.dashboard) {
      this.dashboard = pipelineDashboard(this, 'Dashboard', {
        dashboardName: props.names.dashboard,
        metrics: props.metrics,
        alarms: this.alarms,
        alarmsOf: which => this.alarmsOf(which),
      });
    }
  }

  /** The alarms of one kind (several for a cache with more than 10 nodes; none when switched off). */
  public alarmsOf(which: PipelineAlarm): cloudwatch.Alarm[] {
    return [...(this.byKind.get(which) ?? [])];
  }

  /**
   * Adds one alarm, named `lgpd-pipeline-<suffix>-<name>`, with the topic as its ALARM and OK action;
   * nothing when alarms are off or its kind is disabled (`ILgpdDataPipeline.addAlarm`).
   */
  public addAlarm(id: string, options: PipelineAlarmOptions): cloudwatch.Alarm | undefined {
    const { names, options: monitoring } = this.props;
    if (!(monitoring.enableAlarms ?? true)) return undefined;
    if (options.kind !== undefined && (monitoring.disabledAlarms ?? []).includes(options.kind)) return undefined;
    const evaluationPeriods = options.evaluationPeriods ?? 1;
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: names.alarm(options.name),
      alarmDescription: `${options.description} (LGPD pipeline ${names.suffix})`,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      comparisonOperator: options.comparisonOperator,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmTopic) {
      const action = new TopicAction(this.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
    if (options.kind !== undefined) this.byKind.set(options.kind, [...(this.byKind.get(options.kind) ?? []), alarm]);
    return alarm;
  }

  /** The alarms of one spec: one per metric it watches. */
  private createAlarms(spec: AlarmSpec, metrics: PipelineMetrics): void {
    const options = this.props.options;
    const watched = spec.metrics(metrics);
    watched.forEach((metric, i) => {
      const part = watched.length > 1 ? `-${i + 1}` : '';
      this.addAlarm(`${pascal(spec.slug)}${part}`, {
        kind: spec.which,
        name: `${spec.slug}${part}`,
        description: spec.description(options),
        metric,
        threshold: spec.threshold(options),
        evaluationPeriods: spec.evaluationPeriods,
        comparisonOperator: spec.comparison,
        treatMissingData: spec.missing,
      });
    });
  }
}

/**
 * Sends alarm and OK notifications to a topic. (aws-cdk-lib's SnsAction does the same, but its module
 * loads every other kind of alarm action too, which costs synth time.)
 */
class TopicAction implements cloudwatch.IAlarmAction {
  constructor(private readonly topic: sns.ITopic) {}

  public bind(): cloudwatch.AlarmActionConfig {
    return { alarmActionArn: this.topic.topicArn };
  }
}

function pascal(slug: string): string {
  return slug.split('-').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_SPECS, AlarmSpec, MonitoringOptions, PipelineAlarm, PROCESSOR_ALARM_SPECS, ProcessorResources, validateMonitoringOptions } from './alarms';
import { pipelineDashboard } from './dashboard';
import { PipelineMetrics } from './metrics';
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
        this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
          topicName: props.names.alarmTopic,
          displayName: `LGPD pipeline ${props.names.suffix} alarms`,
          masterKey: props.encryptionKey,
          enforceSSL: true,
        });
      }
      for (const spec of ALARM_SPECS) this.createAlarms(spec, props.metrics, '', '');
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
   * Adds the alarms of a transaction processor, named `lgpd-pipeline-<suffix>-<processor>-<slug>`.
   *
   * @param id the processor's construct id
   * @param nameSlug the processor's part of physical names
   */
  public monitorProcessor(id: string, nameSlug: string, resources: ProcessorResources): void {
    if (!(this.props.options.enableAlarms ?? true)) return;
    for (const spec of PROCESSOR_ALARM_SPECS) this.createAlarms(spec, resources, id, `${nameSlug}-`);
  }

  private createAlarms<M>(spec: AlarmSpec<M>, source: M, idPrefix: string, namePrefix: string): void {
    const { names, options } = this.props;
    if ((options.disabledAlarms ?? []).includes(spec.which)) return;
    const watched = spec.metrics(source);
    const alarms = watched.map((metric, i) => {
      const part = watched.length > 1 ? `-${i + 1}` : '';
      const alarm = new cloudwatch.Alarm(this, `${idPrefix}${pascal(spec.slug)}${part}`, {
        alarmName: names.alarm(`${namePrefix}${spec.slug}${part}`),
        alarmDescription: `${spec.description(options)} (LGPD pipeline ${names.suffix})`,
        metric,
        threshold: spec.threshold(options),
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        comparisonOperator: spec.comparison,
        treatMissingData: spec.missing,
      });
      if (this.alarmTopic) {
        const action = new TopicAction(this.alarmTopic);
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
      return alarm;
    });
    this.byKind.set(spec.which, [...(this.byKind.get(spec.which) ?? []), ...alarms]);
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

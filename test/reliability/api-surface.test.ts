/**
 * API stability. Once a version is on npm, `npx projen compat:released` (spawned by `ci`) runs
 * jsii-diff against it. Until then this test pins the exported names and the public members users
 * call, so a rename or removal is a deliberate change to this list, not an accident.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as api from '../../src';

/** Every name the module exports, sorted. Adding an export means adding it here. */
const EXPORTED_NAMES = [
  'CacheAccess',
  'CacheEngineVersion',
  'CacheLogin',
  'CacheMetrics',
  'CacheNodeType',
  'CacheUser',
  'ClientEndpoints',
  'DataSubjectRights',
  'DatabaseAuthentication',
  'DatabaseLogin',
  'DatabaseMetrics',
  'DatabaseRole',
  'ErasureMode',
  'LgpdDataPipeline',
  'PipelineAlarm',
  'PipelineConventions',
  'PipelineMetrics',
  'StreamMetrics',
  'TransactionProcessor',
];

/** Public members (prototype methods and getters, static members) that must not disappear. */
const MEMBERS: Record<string, { readonly methods?: string[]; readonly statics?: string[] }> = {
  LgpdDataPipeline: {
    methods: ['addAlarm', 'addClientEndpoint', 'addClientGatewayEndpoint', 'addDataSubjectRights', 'addOn', 'addProcessor', 'alarmsOf', 'allowFrom', 'cacheLogin', 'databaseLogin', 'grantDatabaseConnect',
      'grantRead', 'grantSecretsRead', 'grantWrite'],
    statics: ['DATA_SUBNETS', 'APPLICATION_SUBNETS', 'ENVIRONMENT_SUFFIX_TAG', 'DATA_CLASSIFICATION_TAG'],
  },
  CacheNodeType: {
    methods: ['toString'],
    statics: ['of', 'BURSTABLE4_GRAVITON_MICRO', 'BURSTABLE4_GRAVITON_SMALL', 'BURSTABLE4_GRAVITON_MEDIUM', 'STANDARD7_GRAVITON_LARGE', 'STANDARD7_GRAVITON_XLARGE', 'STANDARD7_GRAVITON_XLARGE2', 'MEMORY7_GRAVITON_LARGE', 'MEMORY7_GRAVITON_XLARGE', 'MEMORY7_GRAVITON_XLARGE2', 'MEMORY7_GRAVITON_XLARGE4'],
  },
  CacheEngineVersion: { statics: ['redis', 'valkey', 'REDIS_6_2', 'REDIS_7_0', 'REDIS_7_1', 'VALKEY_7_2', 'VALKEY_8_0', 'VALKEY_8_1'] },
  StreamMetrics: { methods: ['metricGetRecordsIteratorAgeMilliseconds', 'metricWriteProvisionedThroughputExceeded', 'metricReadProvisionedThroughputExceeded'] },
  DatabaseMetrics: { methods: ['metricCPUUtilization', 'metricFreeStorageSpace', 'metricDatabaseConnections'] },
  DatabaseRole: { statics: ['PROCESSOR'] },
  DatabaseAuthentication: { statics: ['IAM', 'rotatedSecret'] },
  DatabaseLogin: { methods: ['grantConnect'] },
  CacheUser: { statics: ['PROCESSOR'] },
  CacheLogin: { methods: ['grantRead'] },
  PipelineConventions: { methods: ['physicalName', 'logGroup', 'acknowledge'] },
  DataSubjectRights: { methods: ['grantSubmit', 'grantReadExports'] },
  ErasureMode: { statics: ['DELETE', 'retainMinimized'] },
  CacheMetrics: { methods: ['metricCPUUtilization', 'metricEngineCPUUtilization', 'metricDatabaseMemoryUsagePercentage', 'metricEvictions', 'metricReplicationLag'] },
};

/**
 * The public properties of the facade, exactly: each resource the pipeline creates is exposed once
 * (a second name for the same resource is a failure here, as a removed one is).
 */
const FACADE_PROPERTIES = [
  'alarmTopic?', 'alarms', 'cacheAuthSecret?', 'cacheClusterMode', 'cacheEndpointAddress', 'cacheEndpointPort', 'cacheReaderEndpointAddress?',
  'cacheReplicationGroup', 'cacheSecurityGroup', 'clientSubnets', 'connections', 'conventions', 'dashboard?', 'database', 'databaseName',
  'databasePort', 'databaseSecret', 'encryptionKey', 'environmentSuffix', 'metrics', 'stream', 'streamRetention', 'subjectKeySecret', 'vpc',
];

/** Values users may have written into their own code or tags: static members of LgpdDataPipeline. */
const CONSTANTS = {
  DATA_CLASSIFICATION_TAG: 'lgpd:data-classification',
  ENVIRONMENT_SUFFIX_TAG: 'lgpd:environment-suffix',
};

/**
 * Members of the props interfaces users write: renaming or removing one, or making an optional one
 * required, breaks their code. `?` marks an optional member.
 */
const PROPS: Record<string, { readonly file: string; readonly members: string[] }> = {
  LgpdDataPipelineProps: {
    file: 'src/pipeline-props.ts',
    members: [
      'environmentSuffix', 'azCount?', 'streamMode?', 'shardCount?', 'streamRetention?', 'cacheNodeType?', 'cacheEngineVersion?',
      'cacheNodesPerGroup?', 'cacheNodeGroups?', 'cachePort?', 'cacheAccess?', 'database?', 'removalPolicy?', 'vpc?', 'vpcSubnets?', 'clientSubnets?',
      'clientEndpoints?', 'encryptionKey?',
      'allowedRegions?', 'dataClassification?', 'logRetention?', 'monitoring?',
    ],
  },
  DatabaseOptions: {
    file: 'src/database.ts',
    members: ['instanceType?', 'engineVersion?', 'allocatedStorage?', 'maxAllocatedStorage?', 'multiAz?', 'backupRetention?', 'port?', 'databaseName?', 'masterUsername?'],
  },
  MonitoringOptions: {
    file: 'src/monitoring/options.ts',
    members: [
      'enableAlarms?', 'disabledAlarms?', 'alarmTopic?', 'createAlarmTopic?', 'dashboard?', 'streamIteratorAgeThreshold?',
      'streamThrottledPercentThreshold?', 'databaseCpuPercentThreshold?', 'databaseFreeStorageThreshold?', 'databaseConnectionsThreshold?',
      'cacheCpuPercentThreshold?', 'cacheEngineCpuPercentThreshold?', 'cacheMemoryPercentThreshold?', 'cacheEvictionsThreshold?',
      'cacheReplicationLagThreshold?',
    ],
  },
  TransactionProcessorOptions: {
    file: 'src/processor/options.ts',
    members: [
      'code?', 'handler?', 'runtime?', 'memorySize?', 'timeout?', 'environment?', 'batchSize?', 'maxBatchingWindow?', 'startingPosition?',
      'parallelizationFactor?', 'bisectBatchOnError?', 'retryAttempts?', 'maxRecordAge?', 'reportBatchItemFailures?', 'databaseAuthentication?',
      'cacheTtl?', 'reservedConcurrentExecutions?',
    ],
  },
  DataSubjectRightsOptions: {
    file: 'src/rights/options.ts',
    members: ['controller?', 'dataOrigin?', 'purposes?', 'processingCriteria?', 'recipients?', 'dueIn?', 'dueWarning?', 'exportExpiration?', 'erasure?'],
  },
  PipelineAlarmOptions: {
    file: 'src/monitoring/pipeline-alarm.ts',
    members: ['name', 'description', 'metric', 'threshold', 'comparisonOperator', 'evaluationPeriods?', 'treatMissingData?', 'kind?'],
  },
  PipelineMetricsProps: {
    file: 'src/monitoring/metrics.ts',
    members: ['streamName', 'databaseInstanceIdentifier', 'cacheReplicationGroupId', 'cacheNodeGroups?', 'cacheNodesPerGroup?'],
  },
};

/**
 * What an add-on receives from a pipeline (`ILgpdDataPipeline`), exactly: add-ons written against it,
 * in any language, break when a member goes; a new member is added here on purpose. `()` marks a method.
 */
const ADD_ON_INTERFACE = [
  'environmentSuffix', 'vpc', 'clientSubnets', 'encryptionKey', 'stream', 'streamRetention', 'database', 'databasePort', 'databaseName',
  'databaseSecret', 'cacheEndpointAddress', 'cacheEndpointPort', 'cacheClusterMode', 'cacheAuthSecret?', 'cacheReplicationGroup', 'subjectKeySecret', 'conventions',
  'addAlarm()', 'addClientEndpoint()', 'addClientGatewayEndpoint()', 'allowFrom()', 'grantWrite()', 'grantRead()', 'grantSecretsRead()', 'databaseLogin()', 'cacheLogin()',
  'grantDatabaseConnect()',
];

/** The public instance properties a class declares itself, from the source. */
function publicProperties(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf-8'), ts.ScriptTarget.Latest);
  const found = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
  if (!found) throw new Error(`class ${name} not found in ${file}`);
  const isPublic = (m: ts.ClassElement) => !(ts.getModifiers(m as ts.PropertyDeclaration) ?? [])
    .some(mod => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(mod.kind));
  // `_`-prefixed members are @internal: jsii leaves them out of every language's API.
  return found.members.filter(ts.isPropertyDeclaration).filter(isPublic).filter(m => !m.name.getText(source).startsWith('_'))
    .map(m => `${m.name.getText(source)}${m.questionToken ? '?' : ''}`).sort();
}

/** The members an interface declares itself, from the source (a syntax walk: no type checking, fast). */
function declaredMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf-8'), ts.ScriptTarget.Latest);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!found) throw new Error(`interface ${name} not found in ${file}`);
  return found.members.filter(m => ts.isPropertySignature(m) || ts.isMethodSignature(m))
    .map(m => `${m.name!.getText(source)}${m.questionToken ? '?' : ''}${ts.isMethodSignature(m) ? '()' : ''}`);
}

describe('API surface', () => {
  test('the exported names are exactly the pinned ones', () => {
    expect(Object.keys(api).sort()).toEqual(EXPORTED_NAMES);
  });

  test.each(Object.entries(MEMBERS))('%s keeps its public members', (name, { methods = [], statics = [] }) => {
    const cls = (api as Record<string, any>)[name];
    expect(typeof cls).toBe('function');
    const proto = Object.getOwnPropertyNames(cls.prototype);
    expect(methods.filter(m => !proto.includes(m))).toEqual([]);
    expect(statics.filter(s => !(s in cls))).toEqual([]);
  });

  test.each(Object.entries(PROPS))('%s keeps its members, and every new one is optional', (name, { file, members }) => {
    const declared = declaredMembers(file, name);
    // Removed, renamed, or optional made required:
    expect(members.filter(m => !declared.includes(m))).toEqual([]);
    // Added and required (an added optional member is fine; add it to the list to pin it):
    expect(declared.filter(m => !members.includes(m) && !m.endsWith('?'))).toEqual([]);
  });

  test('the pipeline exposes each resource once: its public properties are exactly the pinned ones', () => {
    expect(publicProperties('src/lgpd-data-pipeline.ts', 'LgpdDataPipeline')).toEqual(FACADE_PROPERTIES);
  });

  test('the add-on interface has exactly the pinned members, and the pipeline implements it', () => {
    expect(declaredMembers('src/add-on.ts', 'ILgpdDataPipeline')).toEqual(ADD_ON_INTERFACE);
    expect(declaredMembers('src/add-on.ts', 'IPipelineAddOn')).toEqual(['bind()']);
    const facade = api.LgpdDataPipeline.prototype as unknown as Record<string, unknown>;
    expect(ADD_ON_INTERFACE.filter(m => m.endsWith('()')).filter(m => typeof facade[m.slice(0, -2)] !== 'function')).toEqual([]);
  });

  test('the tag names keep their values, as static members every language has', () => {
    for (const [name, value] of Object.entries(CONSTANTS)) {
      expect((api.LgpdDataPipeline as unknown as Record<string, unknown>)[name]).toEqual(value);
    }
  });
});

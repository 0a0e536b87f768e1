import { Token } from 'aws-cdk-lib';
import { fail } from './private/validation';

/**
 * An ElastiCache node type, such as `cache.r7g.large`.
 *
 * Use a constant for the common current-generation types, or `CacheNodeType.of(...)` for any other.
 */
export class CacheNodeType {
  /** cache.t4g.micro: burstable, for tests. */
  public static readonly BURSTABLE4_GRAVITON_MICRO = CacheNodeType.of('cache.t4g.micro');
  /** cache.t4g.small: burstable. */
  public static readonly BURSTABLE4_GRAVITON_SMALL = CacheNodeType.of('cache.t4g.small');
  /** cache.t4g.medium: burstable. */
  public static readonly BURSTABLE4_GRAVITON_MEDIUM = CacheNodeType.of('cache.t4g.medium');
  /** cache.m7g.large: general purpose. */
  public static readonly STANDARD7_GRAVITON_LARGE = CacheNodeType.of('cache.m7g.large');
  /** cache.m7g.xlarge: general purpose. */
  public static readonly STANDARD7_GRAVITON_XLARGE = CacheNodeType.of('cache.m7g.xlarge');
  /** cache.m7g.2xlarge: general purpose. */
  public static readonly STANDARD7_GRAVITON_XLARGE2 = CacheNodeType.of('cache.m7g.2xlarge');
  /** cache.r7g.large: memory optimized. */
  public static readonly MEMORY7_GRAVITON_LARGE = CacheNodeType.of('cache.r7g.large');
  /** cache.r7g.xlarge: memory optimized. */
  public static readonly MEMORY7_GRAVITON_XLARGE = CacheNodeType.of('cache.r7g.xlarge');
  /** cache.r7g.2xlarge: memory optimized. */
  public static readonly MEMORY7_GRAVITON_XLARGE2 = CacheNodeType.of('cache.r7g.2xlarge');
  /** cache.r7g.4xlarge: memory optimized. */
  public static readonly MEMORY7_GRAVITON_XLARGE4 = CacheNodeType.of('cache.r7g.4xlarge');

  /**
   * A node type by name, `cache.<family>.<size>`. Previous-generation families without Multi-AZ
   * failover or in-transit encryption (t1, m1, m2, m3, c1, r3) are refused.
   *
   * @param name the node type, for example `cache.r6g.large`
   */
  public static of(name: string): CacheNodeType {
    if (!Token.isUnresolved(name)) {
      const match = /^cache\.([a-z]+)(\d+)([a-z]*)\.(micro|small|medium|large|\d*xlarge)$/.exec(name);
      if (!match) {
        fail('cacheNodeType', name, 'must look like cache.<family>.<size>, for example cache.r7g.large');
      }
      const family = `${match[1]}${match[2]}`;
      if (['t1', 'm1', 'm2', 'm3', 'c1', 'r3'].includes(family)) {
        fail('cacheNodeType', name, 'must be a current-generation type: previous-generation families lack Multi-AZ failover or in-transit encryption');
      }
    }
    return new CacheNodeType(name);
  }

  private constructor(
    /** The node type name, for example `cache.r7g.large`. */
    public readonly name: string,
  ) {}

  /** The node type name. */
  public toString(): string {
    return this.name;
  }
}

/**
 * A cache engine and version: Redis OSS or Valkey, 6.2 or newer (in-transit encryption, AUTH and
 * Multi-AZ for all of them).
 */
export class CacheEngineVersion {
  /** Redis OSS 7.1. */
  public static readonly REDIS_7_1 = CacheEngineVersion.redis('7.1');
  /** Redis OSS 7.0. */
  public static readonly REDIS_7_0 = CacheEngineVersion.redis('7.0');
  /** Redis OSS 6.2. */
  public static readonly REDIS_6_2 = CacheEngineVersion.redis('6.2');
  /** Valkey 7.2. */
  public static readonly VALKEY_7_2 = CacheEngineVersion.valkey('7.2');
  /** Valkey 8.0. */
  public static readonly VALKEY_8_0 = CacheEngineVersion.valkey('8.0');
  /** Valkey 8.1. */
  public static readonly VALKEY_8_1 = CacheEngineVersion.valkey('8.1');

  /**
   * A Redis OSS version, `major.minor`, 6.2 or newer.
   *
   * @param version for example '7.1'
   */
  public static redis(version: string): CacheEngineVersion {
    return new CacheEngineVersion('redis', version, 6);
  }

  /**
   * A Valkey version, `major.minor`, 7.2 or newer.
   *
   * @param version for example '8.0'
   */
  public static valkey(version: string): CacheEngineVersion {
    return new CacheEngineVersion('valkey', version, 7);
  }

  /** The engine, `redis` or `valkey`. */
  public readonly engine: string;
  /** The version, `major.minor`. */
  public readonly version: string;
  /** The parameter group family, for example `redis7`. */
  public readonly parameterGroupFamily: string;

  private constructor(engine: string, version: string, minMajor: number) {
    const match = /^(\d+)\.(\d+)$/.exec(version);
    if (!match || Number(match[1]) < minMajor || (engine === 'redis' && version === '6.0')) {
      fail('cacheEngineVersion', `${engine} ${version}`, `must be a ${engine} version major.minor, ${engine === 'redis' ? '6.2' : '7.2'} or newer`);
    }
    this.engine = engine;
    this.version = version;
    this.parameterGroupFamily = `${engine}${match[1]}`;
  }
}

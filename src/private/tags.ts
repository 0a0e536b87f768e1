import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The tags the pipeline writes, named once. Users read them as `LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG`
 * and `LgpdDataPipeline.DATA_CLASSIFICATION_TAG` (static members: jsii leaves module constants out of
 * Python, Java and Go).
 */

/** The tag that carries the environment suffix on every resource. */
export const ENVIRONMENT_SUFFIX_TAG = 'lgpd:environment-suffix';

/** The tag that marks each store holding personal data, for the LGPD record of processing (Art. 37). */
export const DATA_CLASSIFICATION_TAG = 'lgpd:data-classification';

/** The data classification of the stores unless the user says otherwise. */
export const DEFAULT_DATA_CLASSIFICATION = 'personal-data';

/** Tags every resource under `scope` with the suffix, and each store of personal data with its classification. */
export function tagPipeline(scope: IConstruct, suffix: string, stores: IConstruct[], classification = DEFAULT_DATA_CLASSIFICATION): void {
  Tags.of(scope).add(ENVIRONMENT_SUFFIX_TAG, suffix);
  for (const store of stores) Tags.of(store).add(DATA_CLASSIFICATION_TAG, classification);
}

/**
 * The tag on a store of personal data that names its erasure path (LGPD Art. 18): DataSubjectRights sets
 * it to its workflow's name. LgpdChecks' rule PersonalDataErasurePath (package cdk-lgpd-checks) reads the
 * same key, written there separately (the pack imports nothing from the constructs); test/rights.test.ts
 * checks they match.
 */
export const ERASURE_PATH_TAG = 'lgpd:erasure-path';

/**
 * The tags the pipeline writes, named once. Users read them as `LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG`
 * and `LgpdDataPipeline.DATA_CLASSIFICATION_TAG` (static members: jsii leaves module constants out of
 * Python, Java and Go).
 */

/** The tag that carries the environment suffix on every resource. */
export const ENVIRONMENT_SUFFIX_TAG = 'lgpd:environment-suffix';

/** The tag that marks each store holding personal data, for the LGPD record of processing (Art. 37). */
export const DATA_CLASSIFICATION_TAG = 'lgpd:data-classification';

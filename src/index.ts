export * from './lgpd-data-pipeline';
export * from './encryption-key';
export * from './network';
export * from './stream';
export * from './database';
export * from './cache';
export * from './monitoring';
export * from './compliance';

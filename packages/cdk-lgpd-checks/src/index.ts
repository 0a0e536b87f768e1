export * from './lgpd-checks';

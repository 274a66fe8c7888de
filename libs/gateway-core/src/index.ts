export * from './error-codes';
export * from './strategies';
export * from './hop-by-hop';
export * from './address-policy';
export * from './retry-budget';
export * from './sliding-window-limiter';

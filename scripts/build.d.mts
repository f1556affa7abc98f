export function buildEngine(): Promise<void>;
export function buildRenderer(): Promise<void>;
export function buildMainProcess(): Promise<void>;

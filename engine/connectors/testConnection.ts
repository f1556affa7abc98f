import type { TestConnectionRequest, TestConnectionResult } from '../contract/EngineApi.js';
import { resolveNodeConfig, type EnvLookup, type KeychainLookup } from '../graph/resolveConnections.js';
import { causeOf, TargetRefused } from './ConnectorError.js';
import { connectorRegistry } from './connectorRegistry.js';
import { redactSecrets } from './redactSecrets.js';
import { redactUrl } from './redactUrl.js';

/** "Test connection" waits this long at most (a down host should answer fast in the editor). */
export const TEST_CONNECTION_TIMEOUT_MS = 5_000;

/**
 * "Test connection" (SPEC §10): open the platform's connection once with the connector's own
 * code and a short timeout (and check the node's queue or topic where the platform can), then
 * close it. Never throws: a failure is one line naming the URL without credentials and the cause
 * (and without the keychain secrets it used, wherever the cause repeats them).
 */
export async function testConnection(
  request: TestConnectionRequest,
  env: EnvLookup,
  timeoutMs = TEST_CONNECTION_TIMEOUT_MS,
  keychain: KeychainLookup = 'absent',
): Promise<TestConnectionResult> {
  const { config, problems, secrets } = resolveNodeConfig(
    { url: request.url, ...(request.target ? { target: request.target } : {}) },
    {},
    env,
    keychain,
  );
  const error = problems.find((p) => p.severity === 'error');
  if (error) {
    const field = error.field === 'target' ? (request.kind === 'mqtt' ? 'topic' : 'queue') : error.field;
    return { ok: false, message: `${field}: ${error.message}` };
  }
  const url = String(config.url ?? '');
  const target = typeof config.target === 'string' && config.target !== '' ? config.target : undefined;
  const probe = connectorRegistry.get(request.kind)?.probe;
  if (!probe) return { ok: false, message: `This build cannot test ${request.kind} connections.` };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const remark = await Promise.race([probe(url, timeoutMs, target), timeout]);
    return remark ? { ok: true, message: remark } : { ok: true };
  } catch (err) {
    const message =
      err instanceof TargetRefused
        ? `Connected to ${redactUrl(url)}, but ${err.message}`
        : `Cannot connect to ${redactUrl(url)}: ${causeOf(err)}`;
    return { ok: false, message: redactSecrets(message, secrets) };
  } finally {
    clearTimeout(timer);
  }
}

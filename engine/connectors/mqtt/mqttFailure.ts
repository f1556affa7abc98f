import { errorLine, safeUrl } from '../adapterSupport.js';

/**
 * What an MQTT error means for the run: a refused login or a refused subscription is
 * `permanent` (one line, the run fails); anything else (refused connection, broker restart) is
 * retried. Reason codes are MQTT 5's (CONNACK 0x86/0x87, 0x85; SUBACK ≥ 0x80).
 */
export function mqttFailure(url: string, err: unknown): { permanent: boolean; line: string } {
  const code = (err as { code?: unknown } | null)?.code;
  const where = safeUrl(url);
  if (code === 134 || code === 135 || code === 4 || code === 5)
    return {
      permanent: true,
      line: `MQTT broker at ${where} refused the login (check the user and password in the URL)`,
    };
  if (code === 133) return { permanent: true, line: `MQTT broker at ${where} refused the client id` };
  return { permanent: false, line: `MQTT broker at ${where} is unreachable: ${errorLine(err)}` };
}

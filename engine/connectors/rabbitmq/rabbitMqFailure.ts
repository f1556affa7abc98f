import { errorLine, safeUrl } from '../adapterSupport.js';

/**
 * What a RabbitMQ error means for the run: `permanent` ones (refused login, unknown vhost, a
 * queue declared with other arguments, an exchange that does not exist) fail the run with one
 * line; anything else (refused connection, a closed socket, a broker restart) is retried.
 */
export interface RabbitMqFailure {
  permanent: boolean;
  line: string;
}

/** AMQP reply codes that retrying cannot fix: 403 access refused, 404 not found, 406 precondition failed, 530 not allowed. */
const PERMANENT_CODES = /\b(403|404|406|530)\b|ACCESS[-_]REFUSED|NOT[-_]ALLOWED|NOT[-_]FOUND|PRECONDITION[-_]FAILED/;

export function rabbitMqFailure(url: string, err: unknown): RabbitMqFailure {
  const raw = errorLine(err);
  const where = safeUrl(url);
  if (/ACCESS[-_]REFUSED|\b403\b/.test(raw))
    return { permanent: true, line: `RabbitMQ at ${where} refused the login (check the user and password in the URL)` };
  // amqplib words a server's channel close as `Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message "…"`.
  const quoted = /with message "([^"]+)"/.exec(raw)?.[1];
  const detail = (quoted ?? raw).replace(/^[A-Z_]+ - /, '');
  if (PERMANENT_CODES.test(raw)) return { permanent: true, line: `RabbitMQ at ${where}: ${detail}` };
  return { permanent: false, line: `RabbitMQ at ${where} is unreachable: ${detail}` };
}

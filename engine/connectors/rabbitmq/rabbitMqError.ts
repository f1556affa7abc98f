import { causeOf, ConnectorError } from '../ConnectorError.js';

/** AMQP reply codes that retrying cannot fix: 403 access refused, 404 not found, 406 precondition failed, 530 not allowed. */
const PERMANENT = /\b(403|404|406|530)\b|ACCESS[-_]REFUSED|NOT[-_]ALLOWED|NOT[-_]FOUND|PRECONDITION[-_]FAILED/;

/**
 * What a RabbitMQ error means for the run: a refused login, an unknown vhost, a queue that
 * exists with other arguments or an exchange that does not exist become a permanent
 * `ConnectorError` (one line; the run fails); anything else (a refused connection, a closed
 * socket, a broker restart) is returned as it is, which the connection takes as transient.
 */
export function rabbitMqError(err: unknown): unknown {
  if (err instanceof ConnectorError) return err;
  const raw = causeOf(err);
  if (/ACCESS[-_]REFUSED|\b403\b/.test(raw))
    return new ConnectorError('refused the login (check the user and password in the URL)', true);
  if (!PERMANENT.test(raw)) return err;
  // amqplib words a server's channel close as `Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message "…"`.
  const quoted = /with message "([^"]+)"/.exec(raw)?.[1];
  return new ConnectorError((quoted ?? raw).replace(/^[A-Z_]+ - /, ''), true);
}

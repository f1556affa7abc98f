import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSourceOperator } from './BrokerSource.js';
import { CONNECTOR_SOURCE_TRAITS, SOURCE_EVENT_FIELDS } from './connectorFields.js';

/** `source.http`: a webhook; 200 only once the checkpoint covering the events completes (SPEC §10). */
export const sourceHttp: NodeDescriptor = {
  type: 'source.http',
  title: 'Webhook',
  category: 'source',
  doc:
    'An HTTP endpoint: each POST of a JSON value, or of an array of them, becomes events. The reply ' +
    'is 200 only once the checkpoint covering them completes, so a sender that retries until 200 ' +
    'gets at least once. Bad requests get 400 (not JSON), 401 (token), 404, 405 or 413 with the reason. ' +
    'Event ids: "<Idempotency-Key header>:<index>" when the sender gives one, else "http-<n>".',
  config: {
    port: {
      kind: 'number',
      label: 'Port',
      doc: 'The TCP port to listen on.',
      required: true,
      min: 1,
      max: 65_535,
      integer: true,
    },
    host: {
      kind: 'string',
      label: 'Host',
      doc: 'The address to bind. 127.0.0.1 (the default) takes requests from this machine only; 0.0.0.0 from anywhere.',
      default: '127.0.0.1',
    },
    path: { kind: 'string', label: 'Path', doc: 'The request path the webhook answers.', default: '/events' },
    token: {
      kind: 'string',
      label: 'Bearer token',
      doc: 'If set, requests must carry `Authorization: Bearer <token>`. Use `${env:NAME}`, never the token itself.',
    },
    maxBytes: {
      kind: 'number',
      label: 'Max body (bytes)',
      doc: 'Larger bodies are refused with 413.',
      default: 1_048_576,
      min: 1,
      integer: true,
    },
    maxPending: {
      kind: 'number',
      label: 'Max pending events',
      doc: 'Events received and not yet covered by a completed checkpoint; beyond it, requests get 503 with Retry-After.',
      default: 10_000,
      min: 1,
      integer: true,
    },
    ...SOURCE_EVENT_FIELDS,
  },
  ...CONNECTOR_SOURCE_TRAITS,
  create: (ctx) => new BrokerSourceOperator(ctx, 'http'),
};

import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { CONNECTOR_SINK_TRAITS, SINK_PAYLOAD_FIELDS } from './connectorFields.js';

/** `sink.http`: POSTs at checkpoint completion, retried until 2xx, `Idempotency-Key` = event id (SPEC §10). */
export const sinkHttp: NodeDescriptor = {
  type: 'sink.http',
  title: 'HTTP sink',
  category: 'sink',
  doc:
    'Sends each event (or each batch, as a JSON array) to a URL when the checkpoint covering it ' +
    'completes, with an `Idempotency-Key` header = the event id (a batch: "<first id>..<last id>"). ' +
    'Retried with backoff until the server answers 2xx: at least once. For chat and push services, webhooks.',
  config: {
    url: {
      kind: 'string',
      label: 'URL',
      doc: 'http:// or https://; credentials in it become Basic auth. Secrets belong in `${env:NAME}`.',
      required: true,
    },
    method: {
      kind: 'enum',
      values: ['POST', 'PUT', 'PATCH'],
      label: 'Method',
      doc: 'The request method.',
      default: 'POST',
    },
    headers: {
      kind: 'list',
      item: {
        name: { kind: 'string', label: 'Header', doc: 'e.g. Authorization', required: true },
        value: { kind: 'string', label: 'Value', doc: 'e.g. `Bearer ${env:CHAT_TOKEN}`', required: true },
      },
      label: 'Headers',
      doc: 'Extra request headers. Content-Type is application/json.',
      default: [],
    },
    batch: {
      kind: 'number',
      label: 'Batch',
      doc: '1: one request per event, its payload as the body. More: up to this many events per request, as a JSON array.',
      default: 1,
      min: 1,
      max: 10_000,
      integer: true,
    },
    timeoutMs: {
      kind: 'number',
      label: 'Timeout (ms)',
      doc: 'A request without an answer in this time is retried.',
      default: 10_000,
      min: 100,
      integer: true,
    },
    ...SINK_PAYLOAD_FIELDS,
  },
  ...CONNECTOR_SINK_TRAITS,
  create: (ctx) => new BrokerSinkOperator(ctx, 'http'),
};

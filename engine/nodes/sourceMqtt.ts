import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSourceOperator } from './BrokerSource.js';
import { BROKER_SOURCE_FIELDS, CONNECTOR_SOURCE_TRAITS, urlField } from './connectorFields.js';

/** `source.mqtt`: QoS 1/2 at-least-once with a persistent session, QoS 0 at-most-once (SPEC §10). */
export const sourceMqtt: NodeDescriptor = {
  type: 'source.mqtt',
  title: 'MQTT',
  category: 'source',
  doc:
    'Subscribes to an MQTT topic (wildcards + and # allowed), over MQTT 5. With QoS 1 or 2 and a ' +
    'client id, the session is persistent and each message is acknowledged to the broker only when ' +
    'the checkpoint covering it completes: at least once, also across crashes. QoS 0: at most once. ' +
    'Event ids are the `message-id` user property (sink.mqtt sets it), else "<topic>@<hash of the payload>".',
  config: {
    url: urlField('mqtt://127.0.0.1:1883'),
    topic: {
      kind: 'string',
      label: 'Topic',
      doc: 'The topic filter, e.g. `sensors/+/temperature` or `plant/#`.',
      required: true,
    },
    qos: {
      kind: 'number',
      label: 'QoS',
      doc: '0: at most once; 1 or 2: at least once (acknowledged after the checkpoint).',
      default: 1,
      min: 0,
      max: 2,
      integer: true,
    },
    clientId: {
      kind: 'string',
      label: 'Client id',
      doc: 'Set: a persistent session under this id, so the broker keeps messages while the run is away. Empty: a fresh session each run.',
    },
    inflight: {
      kind: 'number',
      label: 'In flight',
      doc: 'Messages the broker may send before they are acknowledged (MQTT 5 receive maximum); bounds the events per checkpoint interval.',
      default: 10_000,
      min: 1,
      max: 65_535,
      integer: true,
    },
    ...BROKER_SOURCE_FIELDS,
  },
  ...CONNECTOR_SOURCE_TRAITS,
  create: (ctx) => new BrokerSourceOperator(ctx, 'mqtt'),
};

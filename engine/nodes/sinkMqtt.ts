import type { NodeDescriptor } from '../contract/descriptor.js';
import { BrokerSinkOperator } from './BrokerSink.js';
import { BROKER_SINK_FIELDS, CONNECTOR_SINK_TRAITS, urlField } from './connectorFields.js';

/** `sink.mqtt`: publishes at checkpoint completion, guarantee as its QoS (SPEC §10). */
export const sinkMqtt: NodeDescriptor = {
  type: 'sink.mqtt',
  title: 'MQTT sink',
  category: 'sink',
  doc:
    'Publishes each event to an MQTT topic when the checkpoint covering it completes, over MQTT 5 ' +
    'with a `message-id` user property = the event id. QoS 1/2: at least once (the unacknowledged ' +
    'tail is sent again after a crash); QoS 0: at most once.',
  config: {
    url: urlField('mqtt://127.0.0.1:1883'),
    topic: {
      kind: 'string',
      label: 'Topic',
      doc: 'The topic; `${key}` is replaced by the event key, e.g. `alerts/${key}`.',
      required: true,
    },
    qos: { kind: 'number', label: 'QoS', doc: '0, 1 or 2.', default: 1, min: 0, max: 2, integer: true },
    retain: {
      kind: 'boolean',
      label: 'Retain',
      doc: 'The broker keeps the last message of each topic for subscribers that come later.',
      default: false,
    },
    ...BROKER_SINK_FIELDS,
  },
  ...CONNECTOR_SINK_TRAITS,
  create: (ctx) => new BrokerSinkOperator(ctx, 'mqtt', 'topic'),
};

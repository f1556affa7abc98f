import type { BrokerRecord, ConnectorStatus } from '../contract/connector.js';

/**
 * Sends what a completed checkpoint covers to one platform, in order: the platform half of a
 * `BrokerWriter`, beneath the durable outbox. `publish` resolves when the platform has
 * confirmed every record and rejects when it could not (the caller keeps the records and calls
 * again after a delay): at-least-once, with the event id as the platform's idempotency key so
 * consumers can drop a resend. A `UserError` rejection is permanent (refused login, no such
 * exchange) and fails the run.
 */
export interface PlatformPublisher {
  publish(records: readonly BrokerRecord[]): Promise<void>;
  status(): ConnectorStatus;
  close(): void;
}

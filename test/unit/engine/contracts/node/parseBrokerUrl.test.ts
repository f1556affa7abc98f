import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../../../../engine/contracts/node/parseBrokerUrl.js';

describe('parseBrokerUrl', () => {
  it('splits a URL into scheme, host and path, leaving out user name and password', () => {
    expect(parseBrokerUrl('amqps://user:s3cret@mq.example.com:5671/prod')).toEqual({
      scheme: 'amqps',
      host: 'mq.example.com:5671',
      pathname: '/prod',
      variables: [],
    });
    expect(parseBrokerUrl('nats://127.0.0.1:4222')).toEqual({
      scheme: 'nats',
      host: '127.0.0.1:4222',
      pathname: '',
      variables: [],
    });
  });

  it('turns ${env:NAME} placeholders of host and path into server variables, case kept', () => {
    expect(parseBrokerUrl('redis://:${env:REDIS_PASSWORD}@${env:Redis_Host}:6379/${env:DB}')).toEqual({
      scheme: 'redis',
      host: '{Redis_Host}:6379',
      pathname: '/{DB}',
      variables: ['Redis_Host', 'DB'],
    });
  });

  it('gives null for what is not a URL', () => {
    expect(parseBrokerUrl('${env:NATS_URL}')).toBeNull();
    expect(parseBrokerUrl('not a url')).toBeNull();
    expect(parseBrokerUrl(undefined)).toBeNull();
  });
});

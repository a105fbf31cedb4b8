import { ConfigError, readConfig } from './config.js';

describe('readConfig', () => {
  it('runs against the bundled simulator on SQLite when nothing is set', () => {
    const config = readConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.iamport.apiUrl).toBeNull();
    expect(config.iamport.impKey).toBe('imp_key_test');
    expect(config.iamport.sdkUrl).toBeNull();
    expect(config.httpAdapter).toBe('express');
    expect(config.reconciliation).toEqual({
      intervalSeconds: 300,
      olderThanSeconds: 600,
    });
    expect(config.adminToken).toBeNull();
    expect(config.simulatorHost).toBe('127.0.0.1');
    expect(config.simulatorPublicUrl).toBeNull();
  });

  it('turns the metrics SDK on by default, off with METRICS_ENABLED=false or 0', () => {
    expect(readConfig({}).metricsEnabled).toBe(true);
    expect(readConfig({ METRICS_ENABLED: 'false' }).metricsEnabled).toBe(false);
    expect(readConfig({ METRICS_ENABLED: '0' }).metricsEnabled).toBe(false);
    expect(() => readConfig({ METRICS_ENABLED: 'off' })).toThrow(
      'METRICS_ENABLED must be true or false (got off)',
    );
  });

  it('sizes the database pool: 10 by default, 1 to 1000 connections', () => {
    expect(readConfig({}).databasePoolSize).toBe(10);
    expect(readConfig({ DATABASE_POOL_SIZE: '20' }).databasePoolSize).toBe(20);
    for (const bad of ['0', '1001', '2.5', 'many'])
      expect(() => readConfig({ DATABASE_POOL_SIZE: bad })).toThrow(
        `DATABASE_POOL_SIZE must be a number of connections from 1 to 1000 (got ${bad})`,
      );
  });

  it('reads the admin token and where the bundled simulator listens and is reached', () => {
    const config = readConfig({
      ADMIN_TOKEN: 'a-long-random-token',
      IAMPORT_SIM_HOST: '0.0.0.0',
      IAMPORT_SIM_PORT: '4100',
      IAMPORT_SIM_PUBLIC_URL: 'http://192.168.0.7:4100/',
    });
    expect(config.adminToken).toBe('a-long-random-token');
    expect(config.simulatorHost).toBe('0.0.0.0');
    expect(config.simulatorPort).toBe(4100);
    expect(config.simulatorPublicUrl).toBe('http://192.168.0.7:4100');
  });

  it('uses the real API and SDK when keys are given', () => {
    const config = readConfig({
      IAMPORT_IMP_KEY: 'k',
      IAMPORT_IMP_SECRET: 's',
    });
    expect(config.iamport.apiUrl).toBe('https://api.iamport.kr');
    expect(config.iamport.sdkUrl).toBe('https://cdn.iamport.kr/v1/iamport.js');
  });

  it('expands the iamport allow-list keyword', () => {
    const config = readConfig({
      IAMPORT_WEBHOOK_ALLOWLIST: 'iamport, 10.0.0.1',
    });
    expect(config.iamport.webhookAllowList).toEqual([
      '52.78.100.19',
      '52.78.48.223',
      '52.78.5.241',
      '10.0.0.1',
    ]);
  });

  it('lists every bad value at once, and never a secret', () => {
    let error: unknown;
    try {
      readConfig({
        PORT: 'abc',
        HTTP_ADAPTER: 'koa',
        IAMPORT_IMP_SECRET: 'hunter2',
        IAMPORT_INCLUDE_SANDBOX: 'yes',
        IAMPORT_SIM_PUBLIC_URL: 'phone:4010',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT must be a port number \(got abc\)/);
    expect(message).toMatch(/HTTP_ADAPTER must be one of express, fastify/);
    expect(message).toMatch(
      /IAMPORT_IMP_KEY and IAMPORT_IMP_SECRET go together/,
    );
    expect(message).toMatch(/IAMPORT_INCLUDE_SANDBOX must be true or false/);
    expect(message).toMatch(
      /IAMPORT_SIM_PUBLIC_URL must be an http\(s\) URL \(got phone:4010\)/,
    );
    expect(message).not.toContain('hunter2');
  });

  describe('PortOne V2', () => {
    const secrets = {
      PORTONE_V2_API_SECRET: 'v2-secret',
      PORTONE_V2_STORE_ID: 'store-real',
      PORTONE_V2_CHANNEL_KEY: 'channel-key-real',
      PORTONE_V2_WEBHOOK_SECRET: 'whsec_cmVhbC1zZWNyZXQtZm9yLXRlc3Rz',
    };

    it('runs against the simulator that serves V1 when nothing is set', () => {
      expect(readConfig({}).portoneV2).toMatchObject({
        enabled: true,
        apiUrl: null,
        sdkUrl: null,
        storeId: 'store-00000000-0000-4000-8000-000000000001',
        allowTestChannel: false,
      });
    });

    it('uses PortOne and its SDK with the four secrets', () => {
      expect(readConfig(secrets).portoneV2).toMatchObject({
        enabled: true,
        apiUrl: 'https://api.portone.io',
        sdkUrl: 'https://cdn.portone.io/v2/browser-sdk.js',
        apiSecret: 'v2-secret',
        storeId: 'store-real',
        channelKey: 'channel-key-real',
      });
    });

    it('is off with real iamport keys and no V2 secrets: never a simulator in production', () => {
      expect(
        readConfig({ IAMPORT_IMP_KEY: 'key', IAMPORT_IMP_SECRET: 'secret' })
          .portoneV2.enabled,
      ).toBe(false);
    });

    it('follows PORTONE_V2_API_URL without secrets (a simulator elsewhere)', () => {
      expect(
        readConfig({
          IAMPORT_IMP_KEY: 'key',
          IAMPORT_IMP_SECRET: 'secret',
          PORTONE_V2_API_URL: 'http://127.0.0.1:4999/v2/',
        }).portoneV2,
      ).toMatchObject({ enabled: true, apiUrl: 'http://127.0.0.1:4999/v2' });
    });

    it('wants the four secrets together, and never prints one', () => {
      let error: unknown;
      try {
        readConfig({ PORTONE_V2_API_SECRET: 'v2-leaked-secret' });
      } catch (caught) {
        error = caught;
      }
      expect(String(error)).toContain(
        'PORTONE_V2_API_SECRET, PORTONE_V2_STORE_ID, PORTONE_V2_CHANNEL_KEY, PORTONE_V2_WEBHOOK_SECRET go together',
      );
      expect(String(error)).not.toContain('v2-leaked-secret');
      expect(() =>
        readConfig({ PORTONE_V2_ALLOW_TEST_CHANNEL: 'maybe' }),
      ).toThrow(/PORTONE_V2_ALLOW_TEST_CHANNEL must be true or false/);
    });
  });
});

import {
  IamportConfigurationError,
  resolveIamportOptions,
} from './iamport-options.validation.js';
import type { IamportOrderRepository } from './ports/order.repository.js';

const orderRepository: IamportOrderRepository = {
  findByMerchantUid: () => Promise.resolve(null),
  findPaymentRecord: () => Promise.resolve(null),
  commit: () => Promise.resolve(false),
};
const required = { impKey: 'key', impSecret: 'secret', orderRepository };

describe('resolveIamportOptions', () => {
  it('applies the defaults', () => {
    expect(resolveIamportOptions(required)).toEqual({
      impKey: 'key',
      impSecret: 'secret',
      orderRepository,
      forgeryPolicy: 'cancel',
      unknownOrderPolicy: 'flag',
      outboxPollIntervalMs: 5000,
      outboxRedeliveryDelayMs: 30_000,
      webhookAllowList: null,
      apiBaseUrl: 'https://api.iamport.kr',
      timeoutMs: 5000,
      redirectTimeBudgetMs: 3000,
      maxRetries: 2,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 2000,
      tokenRefreshMarginMs: 60_000,
      includeSandbox: false,
      v1: true,
      v2: null,
    });
  });

  it('keeps what was given and trims a trailing slash of the base URL', () => {
    const resolved = resolveIamportOptions({
      ...required,
      apiBaseUrl: 'http://127.0.0.1:4010/',
      maxRetries: 0,
      includeSandbox: true,
      tierCode: 'T01',
    });
    expect(resolved.apiBaseUrl).toBe('http://127.0.0.1:4010');
    expect(resolved.maxRetries).toBe(0);
    expect(resolved.includeSandbox).toBe(true);
    expect(resolved.tierCode).toBe('T01');
  });

  it('lists every problem at once, and never the secret', () => {
    let error: unknown;
    try {
      resolveIamportOptions({
        impKey: '',
        impSecret: ' ',
        orderRepository: {} as never,
        apiBaseUrl: 'ftp://x',
        timeoutMs: -1,
        redirectTimeBudgetMs: 0,
        includeSandbox: 'yes' as never,
        forgeryPolicy: 'refund' as never,
        resultPages: {
          success: '//evil.example',
          pending: '/pending',
          failure: 'javascript:alert(1)',
        },
        webhookAllowList: ['52.78.100.19', 'not-an-ip'],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IamportConfigurationError);
    const problems = (error as IamportConfigurationError).problems;
    expect(problems).toHaveLength(11);
    expect(problems.join('\n')).toMatch(/impKey is required/);
    expect(problems.join('\n')).toMatch(/orderRepository is required/);
    expect(problems.join('\n')).toMatch(/forgeryPolicy/);
    expect(problems.join('\n')).toMatch(/resultPages.success/);
    expect(problems.join('\n')).toMatch(/resultPages.failure/);
    expect(problems.join('\n')).toMatch(/"not-an-ip" is not an IP address/);
    expect(problems.join('\n')).toMatch(/impSecret is required/);
    expect(problems.join('\n')).toMatch(/apiBaseUrl/);
    expect(problems.join('\n')).toMatch(/timeoutMs/);
    expect(problems.join('\n')).toMatch(/redirectTimeBudgetMs/);
    expect(problems.join('\n')).toMatch(/includeSandbox/);
  });

  it('does not print a rejected secret', () => {
    expect(() =>
      resolveIamportOptions({
        ...required,
        impSecret: 'hunter2',
        timeoutMs: 0,
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });

  it('turns the allow-list into a set', () => {
    expect(
      resolveIamportOptions({ ...required, webhookAllowList: ['52.78.5.241'] })
        .webhookAllowList,
    ).toEqual(new Set(['52.78.5.241']));
  });

  it('fails without options at all', () => {
    expect(() => resolveIamportOptions(undefined)).toThrow(
      IamportConfigurationError,
    );
  });

  describe('PortOne V2', () => {
    const webhookSecret = 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==';
    const v2 = {
      apiSecret: 'v2-api-secret',
      storeId: 'store-1',
      webhookSecret,
    };

    it('runs V2 alone: V1 is off and asks for no key', () => {
      const resolved = resolveIamportOptions({ orderRepository, v2 });
      expect(resolved.v1).toBe(false);
      expect(resolved.impKey).toBe('');
      expect(resolved.v2).toEqual({
        apiSecret: 'v2-api-secret',
        storeId: 'store-1',
        webhookSecrets: [webhookSecret],
        apiBaseUrl: 'https://api.portone.io',
        allowTestChannel: false,
      });
    });

    it('runs both side by side, two webhook secrets during a rotation', () => {
      const resolved = resolveIamportOptions({
        ...required,
        v2: {
          ...v2,
          webhookSecret: [webhookSecret, 'c2Vjb25kLXNpZ25pbmcta2V5'],
          apiBaseUrl: 'http://127.0.0.1:4010/v2/',
          allowTestChannel: true,
        },
      });
      expect(resolved.v1).toBe(true);
      expect(resolved.v2).toMatchObject({
        webhookSecrets: [webhookSecret, 'c2Vjb25kLXNpZ25pbmcta2V5'],
        apiBaseUrl: 'http://127.0.0.1:4010/v2',
        allowTestChannel: true,
      });
    });

    it('a half-given V1 is still an error beside V2', () => {
      expect(() =>
        resolveIamportOptions({ orderRepository, impKey: 'key', v2 }),
      ).toThrow(/impSecret is required/);
    });

    it('lists every V2 problem at once, and never a secret', () => {
      let error: unknown;
      try {
        resolveIamportOptions({
          orderRepository,
          v2: {
            apiSecret: '',
            storeId: ' ',
            webhookSecret: 'not base64 at all: sk_live_leaked!',
            apiBaseUrl: 'ftp://x',
            allowTestChannel: 'yes' as unknown as boolean,
          },
        });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(IamportConfigurationError);
      const problems = (error as IamportConfigurationError).problems;
      expect(problems).toEqual([
        'v2.apiSecret is required (the V2 API secret of the PortOne console)',
        'v2.storeId is required (store-…, shown in the PortOne console)',
        'v2.webhookSecret must be the console secret as issued: whsec_ followed by base64, or the base64 alone',
        'v2.apiBaseUrl must be an http(s) URL (got "ftp://x")',
        'v2.allowTestChannel must be a boolean',
      ]);
      expect((error as Error).message).not.toContain('sk_live_leaked');
    });

    it('refuses three webhook secrets (the console keeps at most two)', () => {
      expect(() =>
        resolveIamportOptions({
          orderRepository,
          v2: {
            ...v2,
            webhookSecret: [webhookSecret, webhookSecret, webhookSecret],
          },
        }),
      ).toThrow(/v2.webhookSecret is required/);
    });
  });
});

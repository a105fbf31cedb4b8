import type { OrderView } from '../orders/order.view.js';
import { POLL_DELAYS_MS, resultPage, resultStateOf } from './result-page.js';

function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    merchant_uid: 'order_0123456789abcdef01234567',
    product_id: 3,
    quantity: 1,
    name: '다도 세트',
    amount: 129_000,
    currency: 'KRW',
    status: 'paid',
    imp_uid: 'imp_123456789012',
    paid_at: '2026-12-01T01:02:00.000Z',
    failed_at: null,
    cancelled_at: null,
    cancelled_amount: 0,
    vbank: null,
    failure_reason: null,
    fulfilment: 'ready_to_ship',
    created_at: '2026-12-01T01:00:00.000Z',
    updated_at: '2026-12-01T01:02:00.000Z',
    ...overrides,
  };
}

const stateOf = (html: string) =>
  /<main[^>]* data-state="([^"]*)"/.exec(html)?.[1];
const statusLine = (html: string) =>
  /<p class="status [^"]*" data-status="([^"]*)">([^<]*)<\/p>/
    .exec(html)
    ?.slice(1);

describe('resultStateOf', () => {
  it.each([
    [{ status: 'paid' }, null, 'paid'],
    [{ status: 'vbank_issued' }, 'vbank_issued', 'awaiting_deposit'],
    [
      { status: 'partially_cancelled', cancelled_amount: 1 },
      null,
      'partly_refunded',
    ],
    [{ status: 'cancelled', cancelled_amount: 129_000 }, null, 'refunded'],
    [
      { status: 'cancelled', cancelled_amount: 0, paid_at: null },
      null,
      'cancelled',
    ],
    [{ status: 'failed' }, 'failed', 'failed'],
    [{ status: 'forgery_cancelled' }, 'forgery', 'refused'],
    [{ status: 'forgery_flagged' }, 'forgery', 'refused'],
    [{ status: 'pending' }, 'unconfirmed', 'confirming'],
    [{ status: 'pending' }, 'pending', 'not_completed'],
    // The query never makes a pending order look paid.
    [{ status: 'pending' }, 'paid', 'not_completed'],
  ] as const)('%j with outcome %s → %s', (fields, outcome, expected) => {
    expect(resultStateOf(order(fields), outcome)).toBe(expected);
  });

  it('no order → unknown', () => {
    expect(resultStateOf(null, 'paid')).toBe('unknown');
  });
});

describe('resultPage', () => {
  it('paid, in Korean: the amount in 원 and the paid time in KST, no ISO string, no polling', () => {
    const html = resultPage(order(), 'paid', 'ko');
    expect(html).toContain('<html lang="ko">');
    expect(stateOf(html)).toBe('paid');
    expect(statusLine(html)).toEqual(['paid', '결제가 완료되었습니다']);
    expect(html).toContain('<dd>129,000원</dd>');
    expect(html).toContain('<dd>2026년 12월 1일 10:02</dd>');
    expect(html).not.toContain('2026-12-01T');
    expect(html).not.toContain('data-polling');
    expect(html).not.toContain('http-equiv="refresh"');
  });

  it('paid, in English', () => {
    const html = resultPage(order(), 'paid', 'en');
    expect(html).toContain('<html lang="en">');
    expect(statusLine(html)).toEqual(['paid', 'Payment complete']);
    expect(html).toContain('<dd>1 December 2026, 10:02 (KST)</dd>');
    expect(html).toContain('<dd>129,000원</dd>');
  });

  it('a virtual account: the account with a copy button and the deadline in KST', () => {
    const html = resultPage(
      order({
        status: 'vbank_issued',
        paid_at: null,
        vbank: {
          bank_code: '004',
          bank_name: 'KB국민은행',
          account_number: '12345678901234',
          holder: '(주)샘플',
          due_at: '2026-12-03T13:53:00.000Z',
        },
      }),
      'vbank_issued',
      'ko',
    );
    expect(stateOf(html)).toBe('awaiting_deposit');
    expect(html).toContain(
      '<span id="account-number" class="mono">12345678901234</span>',
    );
    expect(html).toContain('data-copy="account-number"');
    expect(html).toContain('navigator.clipboard');
    expect(html).toContain('execCommand');
    expect(html).toContain('"copied":"복사됨"');
    expect(html).toContain('<dd>2026년 12월 3일 22:53까지</dd>');
    expect(html).toContain('<dd>(주)샘플</dd>');
  });

  it('partly refunded: what was refunded and what remains; fully refunded', () => {
    const partly = resultPage(
      order({
        status: 'partially_cancelled',
        cancelled_amount: 29_000,
        cancelled_at: '2026-12-02T00:00:00.000Z',
      }),
      null,
      'ko',
    );
    expect(stateOf(partly)).toBe('partly_refunded');
    expect(partly).toContain('<dt>환불된 금액</dt><dd>29,000원</dd>');
    expect(partly).toContain('<dt>남은 결제 금액</dt><dd>100,000원</dd>');
    const full = resultPage(
      order({ status: 'cancelled', cancelled_amount: 129_000 }),
      null,
      'ko',
    );
    expect(stateOf(full)).toBe('refunded');
    expect(full).toContain('<dt>환불된 금액</dt><dd>129,000원</dd>');
    expect(full).not.toContain('남은 결제 금액');
  });

  it('failed: iamport’s message as the reason and a way to try again', () => {
    const html = resultPage(
      order({
        status: 'failed',
        paid_at: null,
        failure_reason: '[F1002] 카드 승인이 거절되었습니다',
      }),
      'failed',
      'ko',
    );
    expect(html).toContain(
      '<dt>사유</dt><dd>[F1002] 카드 승인이 거절되었습니다</dd>',
    );
    expect(html).toContain('data-action="retry"');
  });

  it.each(['forgery_cancelled', 'forgery_flagged'] as const)(
    '%s: not accepted, without the merchant’s reason or any amount',
    (status) => {
      const html = resultPage(
        order({
          status,
          paid_at: null,
          cancelled_amount: 350,
          failure_reason: 'paid 350 KRW, the order expects 129000 KRW',
        }),
        'forgery',
        'ko',
      );
      expect(stateOf(html)).toBe('refused');
      expect(statusLine(html)).toEqual([status, '결제가 승인되지 않았습니다']);
      expect(html).not.toContain('350');
      expect(html).not.toContain('129,000');
      expect(html).not.toContain('expects');
      expect(html).toContain(
        status === 'forgery_flagged'
          ? '상점에서 곧 연락드리겠습니다'
          : '돌려드립니다',
      );
    },
  );

  it('pending: polls a bounded number of times, never with a meta refresh; being confirmed says what happens next at the end', () => {
    const confirming = resultPage(
      order({ status: 'pending', paid_at: null }),
      'unconfirmed',
      'ko',
    );
    expect(stateOf(confirming)).toBe('confirming');
    expect(confirming).toContain('data-polling="active"');
    expect(confirming).toContain(
      `"delaysMs":${JSON.stringify(POLL_DELAYS_MS)}`,
    );
    expect(confirming).toContain(
      '"url":"/orders/order_0123456789abcdef01234567"',
    );
    expect(confirming).toContain('data-role="next-steps" role="status" hidden');
    expect(confirming).toContain('다시 결제하지 않으셔도 됩니다');
    expect(confirming).not.toContain('http-equiv="refresh"');
    const closed = resultPage(
      order({ status: 'pending', paid_at: null }),
      'pending',
      'ko',
    );
    expect(stateOf(closed)).toBe('not_completed');
    expect(closed).toContain('data-polling="active"');
    expect(closed).toContain('data-action="retry"');
    expect(closed).not.toContain('data-role="next-steps"');
    expect(POLL_DELAYS_MS).toHaveLength(10);
  });

  it('escapes what it shows, and keeps the polling script unbreakable', () => {
    const html = resultPage(
      order({
        status: 'pending',
        name: '<img src=x onerror=alert(1)> "mug"',
        merchant_uid: 'a</script><b>',
      }),
      'unconfirmed',
      'en',
    );
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('a</script><b>');
    expect(html).toContain(
      '<h1>&#60;img src=x onerror=alert(1)&#62; &#34;mug&#34;</h1>',
    );
  });

  it('an unknown order, in both languages', () => {
    expect(statusLine(resultPage(null, null, 'ko'))).toEqual([
      'unknown',
      '주문을 찾을 수 없습니다',
    ]);
    expect(statusLine(resultPage(null, null, 'en'))).toEqual([
      'unknown',
      'Order not found',
    ]);
  });

  it('a second payment of a paid order: the notice that it was not accepted', () => {
    expect(resultPage(order(), 'duplicate_payment', 'ko')).toContain(
      '방금 하신 결제는 받지 않았습니다',
    );
    expect(resultPage(order(), 'paid', 'ko')).not.toContain(
      'data-role="notice"',
    );
  });
});

import type { Locale } from '../checkout/locale.js';
import type { AttentionKind } from './attention.js';

/** Every string of the operator's pages, in one place per language. */
export interface AdminMessages {
  title: string;
  nav: { attention: string; activity: string; glance: string; orders: string };
  logout: string;
  login: {
    title: string;
    heading: string;
    lead: string;
    token: string;
    submit: string;
    wrong: string;
    missing: string;
  };
  attention: {
    heading: string;
    lead: string;
    none: string;
    kinds: Record<AttentionKind, { title: string; todo: string }>;
    reverify: string;
    held: string;
    paid: string;
    refunded: string;
    iamportStatus: string;
    reason: string;
    refusal: string;
    order: string;
    noOrder: string;
    seen: string;
  };
  verified: {
    done: (impUid: string, outcome: string) => string;
    stillNeeds: string;
    settled: string;
    failed: (impUid: string, error: string) => string;
  };
  activity: {
    heading: string;
    all: string;
    filter: string;
    show: string;
    none: string;
    more: string;
    payments: string;
    noPayments: string;
    created: string;
  };
  order: {
    title: string;
    back: string;
    unknown: string;
    unknownLead: string;
    details: string;
    item: string;
    amount: string;
    status: string;
    fulfilment: string;
    settledBy: string;
    created: string;
    payments: string;
    notifications: string;
    noNotifications: string;
    changed: string;
    unchanged: string;
    error: string;
    from: string;
  };
  glance: {
    heading: string;
    hours: string;
    days: string;
    dispositions: string;
    latency: string;
    latencyOk: string;
    latencyError: string;
    calls: string;
    noCalls: string;
    backlog: string;
    backlogNow: (count: number) => string;
    oldest: (seconds: number) => string;
    backlogEmpty: string;
    waiting: string;
    truncated: string;
    milliseconds: string;
    payments: string;
  };
  statuses: Record<string, string>;
  outcomes: Record<string, string>;
  dispositions: Record<string, string>;
  kinds: Record<string, string>;
}

const ko: AdminMessages = {
  title: '운영자 페이지',
  nav: {
    attention: '확인 필요',
    activity: '최근 주문',
    glance: '한눈에 보기',
    orders: '전체 주문',
  },
  logout: '로그아웃',
  login: {
    title: '운영자 로그인',
    heading: '운영자 로그인',
    lead: '상점의 관리자 토큰(ADMIN_TOKEN)을 입력하세요.',
    token: '관리자 토큰',
    submit: '로그인',
    wrong: '토큰이 올바르지 않습니다.',
    missing: '토큰을 입력해 주세요.',
  },
  attention: {
    heading: '확인이 필요한 결제',
    lead: '돈이 결제되었지만 상점이 자동으로 처리하지 못한 결제입니다. 각 항목의 안내대로 처리한 뒤 다시 확인하세요.',
    none: '지금은 확인이 필요한 결제가 없습니다.',
    kinds: {
      refund_refused: {
        title: '아임포트가 환불을 거절함',
        todo: '입금된 가상계좌는 구매자의 계좌로만 환불할 수 있습니다. 구매자에게 환불받을 계좌를 받아 아임포트 관리자 콘솔에서 환불한 뒤 다시 확인하세요.',
      },
      forgery: {
        title: '금액이 다른 결제(위변조)',
        todo: '결제 금액이 주문 금액과 다릅니다. 아임포트 콘솔에서 환불하고 구매자에게 다시 결제하도록 안내한 뒤 다시 확인하세요.',
      },
      duplicate_payment: {
        title: '중복 결제',
        todo: '이 주문은 이미 다른 결제로 결제되었습니다. 이 결제를 아임포트 콘솔에서 환불한 뒤 다시 확인하세요.',
      },
      unknown_order: {
        title: '상점에 없는 주문의 결제',
        todo: '이 주문번호의 주문이 상점에 없습니다. 아임포트 콘솔에서 구매자를 확인해 환불(또는 해당 주문을 등록)한 뒤 다시 확인하세요.',
      },
      unaccounted: {
        title: '기록으로 설명되지 않는 결제',
        todo: '돈이 결제되어 있지만 어느 주문을 결제한 것인지 기록에 없습니다. 지금 다시 확인하고, 그래도 남아 있으면 아임포트 콘솔과 비교하세요.',
      },
      flagged: {
        title: '그 밖에 확인이 필요한 결제',
        todo: '사유를 읽고 아임포트 콘솔에서 결제를 확인한 뒤 다시 확인하세요.',
      },
    },
    reverify: '지금 다시 확인',
    held: '돌려주지 않은 금액',
    paid: '결제 금액',
    refunded: '환불된 금액',
    iamportStatus: '아임포트 상태',
    reason: '사유',
    refusal: '아임포트의 거절 사유',
    order: '주문',
    noOrder: '상점에 없는 주문',
    seen: '처음 확인',
  },
  verified: {
    done: (impUid, outcome) => `${impUid} 결제를 다시 확인했습니다: ${outcome}`,
    stillNeeds: '아직 확인이 필요합니다.',
    settled: '더 이상 확인이 필요하지 않습니다.',
    failed: (impUid, error) =>
      `${impUid} 결제를 확인하지 못했습니다(${error}). 잠시 후 다시 시도하세요.`,
  },
  activity: {
    heading: '최근 주문',
    all: '모든 상태',
    filter: '주문 상태',
    show: '보기',
    none: '주문이 없습니다.',
    more: '전체 주문 보기',
    payments: '결제',
    noPayments: '결제 기록 없음',
    created: '주문 일시',
  },
  order: {
    title: '주문',
    back: '운영자 페이지로',
    unknown: '상점에 없는 주문',
    unknownLead:
      '이 주문번호로 결제나 알림이 왔지만 상점에는 이 주문이 없습니다.',
    details: '주문 내용',
    item: '상품',
    amount: '주문 금액',
    status: '상태',
    fulfilment: '배송 준비',
    settledBy: '결제한 결제번호',
    created: '주문 일시',
    payments: '결제와 처리 결과',
    notifications: '받은 리디렉트와 웹훅(받은 순서)',
    noNotifications: '받은 알림이 없습니다.',
    changed: '주문을 바꿈',
    unchanged: '바뀐 것 없음',
    error: '오류',
    from: '보낸 곳',
  },
  glance: {
    heading: '한눈에 보기',
    hours: '최근 24시간 결제 결과(시간별)',
    days: '최근 14일 결제 결과(일별)',
    dispositions: '모든 결제의 처리 결과',
    latency: '아임포트 API 평균 응답 시간(시작 이후)',
    latencyOk: '성공',
    latencyError: '오류',
    calls: '아임포트 API 호출과 오류(시작 이후)',
    noCalls: '시작한 뒤로 아임포트 API를 호출하지 않았습니다.',
    backlog: '아웃박스에 쌓인 이벤트',
    backlogNow: (count) => `지금 처리 대기 중인 이벤트: ${count}개`,
    oldest: (seconds) => `가장 오래된 이벤트: ${seconds}초 전`,
    backlogEmpty: '처리 대기 중인 이벤트가 없습니다.',
    waiting: '대기 중인 이벤트',
    truncated: '알림이 많아 최근 20,000건만 그렸습니다.',
    milliseconds: '밀리초',
    payments: '결제 수',
  },
  statuses: {
    pending: '결제 대기',
    vbank_issued: '입금 대기',
    paid: '결제 완료',
    failed: '결제 실패',
    cancelled: '취소·환불됨',
    partially_cancelled: '부분 환불',
    forgery_cancelled: '위변조(환불됨)',
    forgery_flagged: '위변조(확인 필요)',
  },
  outcomes: {
    paid: '결제 완료',
    vbank_issued: '가상계좌 발급',
    pending: '대기',
    failed: '실패',
    cancelled: '취소·환불',
    partially_cancelled: '부분 환불',
    forgery: '위변조',
    duplicate_payment: '중복 결제',
    sandbox_rejected: '테스트 결제 거부',
    not_found: '찾을 수 없음',
    merchant_uid_mismatch: '주문번호 불일치',
    unconfirmed: '확인 못 함',
  },
  dispositions: {
    settles_order: '주문을 결제함',
    refunded: '환불됨',
    flagged: '확인 필요',
    awaiting_deposit: '입금 대기',
    no_money: '결제되지 않음',
  },
  kinds: { redirect: '리디렉트', webhook: '웹훅' },
};

const en: AdminMessages = {
  title: 'Operator',
  nav: {
    attention: 'Needs a person',
    activity: 'Recent orders',
    glance: 'At a glance',
    orders: 'All orders',
  },
  logout: 'Log out',
  login: {
    title: 'Operator login',
    heading: 'Operator login',
    lead: "Enter the shop's admin token (ADMIN_TOKEN).",
    token: 'Admin token',
    submit: 'Log in',
    wrong: 'That is not the admin token.',
    missing: 'Enter the admin token.',
  },
  attention: {
    heading: 'Needs a person',
    lead: 'Payments holding money that the shop could not settle by itself. Do what each says, then re-verify it.',
    none: 'Nothing needs a person right now.',
    kinds: {
      refund_refused: {
        title: 'Refund refused by iamport',
        todo: "A paid virtual account can only be refunded to the buyer's bank account: ask the buyer for it, refund the payment in iamport's console, then re-verify it.",
      },
      forgery: {
        title: 'Forged amount',
        todo: "The amount paid is not the order's: refund it in iamport's console, ask the buyer to pay again, then re-verify it.",
      },
      duplicate_payment: {
        title: 'Duplicate payment',
        todo: "The order was already paid by another payment: refund this one in iamport's console, then re-verify it.",
      },
      unknown_order: {
        title: 'Payment for an order the shop does not know',
        todo: "No order of this shop has this number: find the buyer in iamport's console and refund it (or create the order it was for), then re-verify it.",
      },
      unaccounted: {
        title: 'Money the records cannot account for',
        todo: "It holds money, but the records do not say which order it settles: re-verify it now; if it stays here, compare it with iamport's console.",
      },
      flagged: {
        title: 'Flagged for another reason',
        todo: "Read the reason, check the payment in iamport's console, then re-verify it.",
      },
    },
    reverify: 'Re-verify now',
    held: 'Held, not refunded',
    paid: 'Paid',
    refunded: 'Refunded',
    iamportStatus: 'iamport status',
    reason: 'Reason',
    refusal: "iamport's refusal",
    order: 'Order',
    noOrder: 'no such order in the shop',
    seen: 'First seen',
  },
  verified: {
    done: (impUid, outcome) => `Re-verified ${impUid}: ${outcome}`,
    stillNeeds: 'It still needs a person.',
    settled: 'It no longer needs a person.',
    failed: (impUid, error) =>
      `${impUid} could not be verified (${error}): try again shortly.`,
  },
  activity: {
    heading: 'Recent orders',
    all: 'Every status',
    filter: 'Order status',
    show: 'Show',
    none: 'No orders.',
    more: 'All orders',
    payments: 'Payments',
    noPayments: 'no payment recorded',
    created: 'Ordered',
  },
  order: {
    title: 'Order',
    back: 'Back to the operator page',
    unknown: 'No such order in the shop',
    unknownLead:
      'Payments or notifications came for this order number, but the shop has no such order.',
    details: 'The order',
    item: 'Item',
    amount: 'Amount',
    status: 'Status',
    fulfilment: 'Fulfilment',
    settledBy: 'Settled by',
    created: 'Ordered',
    payments: 'Payments and what was done with them',
    notifications: 'Redirects and webhooks received, in order',
    noNotifications: 'Nothing received.',
    changed: 'changed the order',
    unchanged: 'changed nothing',
    error: 'Error',
    from: 'From',
  },
  glance: {
    heading: 'At a glance',
    hours: 'Payments by outcome, last 24 hours',
    days: 'Payments by outcome, last 14 days',
    dispositions: 'Every payment by what was done with it',
    latency: 'iamport API mean latency (since start)',
    latencyOk: 'ok',
    latencyError: 'error',
    calls: 'iamport API calls and errors (since start)',
    noCalls: 'No iamport API call since the start.',
    backlog: 'Outbox backlog',
    backlogNow: (count) =>
      `${count} event${count === 1 ? '' : 's'} waiting now`,
    oldest: (seconds) => `the oldest for ${seconds} s`,
    backlogEmpty: 'No event waiting.',
    waiting: 'Events waiting',
    truncated: 'Many notifications: only the newest 20,000 are drawn.',
    milliseconds: 'ms',
    payments: 'Payments',
  },
  statuses: {
    pending: 'pending',
    vbank_issued: 'awaiting deposit',
    paid: 'paid',
    failed: 'failed',
    cancelled: 'cancelled',
    partially_cancelled: 'partly refunded',
    forgery_cancelled: 'forgery (refunded)',
    forgery_flagged: 'forgery (flagged)',
  },
  outcomes: {
    paid: 'paid',
    vbank_issued: 'virtual account issued',
    pending: 'pending',
    failed: 'failed',
    cancelled: 'cancelled',
    partially_cancelled: 'partly refunded',
    forgery: 'forgery',
    duplicate_payment: 'duplicate payment',
    sandbox_rejected: 'sandbox rejected',
    not_found: 'not found',
    merchant_uid_mismatch: 'merchant_uid mismatch',
    unconfirmed: 'unconfirmed',
  },
  dispositions: {
    settles_order: 'settles its order',
    refunded: 'refunded',
    flagged: 'flagged',
    awaiting_deposit: 'awaiting deposit',
    no_money: 'no money',
  },
  kinds: { redirect: 'redirect', webhook: 'webhook' },
};

export const ADMIN_MESSAGES: Readonly<Record<Locale, AdminMessages>> = {
  ko,
  en,
};

/** A label from one of the tables, or the value itself when the table has none. */
export function labelOf(table: Record<string, string>, value: string): string {
  return Object.hasOwn(table, value) ? table[value] : value;
}

import type { Locale } from './locale.js';

/**
 * What the result page shows, one state per thing the buyer must understand.
 * `data-state` on the page's `<main>`; `data-status` on the status line stays
 * the order's status.
 */
export type ResultState =
  | 'paid'
  | 'awaiting_deposit'
  | 'partly_refunded'
  | 'refunded'
  | 'cancelled'
  | 'failed'
  | 'confirming'
  | 'not_completed'
  | 'refused'
  | 'unknown';

interface StateText {
  /** The status line. */
  headline: string;
  /** One or two sentences under it: what happened, what to do. */
  lead: string;
}

/** Every string of the shop's pages, in one place per language. */
export interface Messages {
  shopName: string;
  skipToContent: string;
  checkout: {
    title: string;
    heading: string;
    viaSimulator: string;
    viaIamport: string;
    quantity: string;
    pay: string;
    opening: string;
    noProducts: string;
    quantityInvalid: string;
    orderFailed: string;
    sdkMissing: string;
    /** The choice of API (and, for V2, of payment method) on each product. */
    payWith: string;
    apiV1: string;
    apiV2Card: string;
    apiV2VirtualAccount: string;
    /** The button's label while a V2 option is chosen (`pay` otherwise). */
    payV2: string;
    /** Before the V2 SDK's own message, when its `requestPayment` fails. */
    v2Failed: string;
  };
  result: {
    title: string;
    states: Record<Exclude<ResultState, 'refused'>, StateText>;
    refused: {
      headline: string;
      forgery_cancelled: string;
      forgery_flagged: string;
    };
    /**
     * The module's own English reasons for a failed order, as buyers should
     * read them; any other reason is iamport's (the PG's) message, shown as it is.
     */
    reasons: Record<string, string>;
    /** After the last look at a pending order: what happens next. */
    confirmingGaveUp: string;
    duplicatePayment: string;
    labels: {
      order: string;
      item: string;
      quantity: string;
      amount: string;
      paidAt: string;
      bank: string;
      accountNumber: string;
      holder: string;
      depositAmount: string;
      deadline: string;
      refunded: string;
      remaining: string;
      refundedAt: string;
      reason: string;
    };
    quantityValue: (quantity: number) => string;
    copy: string;
    copied: string;
    copyFailed: string;
    continueShopping: string;
    tryAgain: string;
    reload: string;
  };
}

const ko: Messages = {
  shopName: '샘플 상점',
  skipToContent: '본문으로 건너뛰기',
  checkout: {
    title: '샘플 상점',
    heading: '상품',
    viaSimulator:
      '결제는 로컬 아임포트 시뮬레이터로 진행되며, 실제로 돈이 나가지 않습니다.',
    viaIamport: '결제는 아임포트(포트원)를 통해 안전하게 진행됩니다.',
    quantity: '수량',
    pay: '결제하기',
    opening: '결제창을 여는 중…',
    noProducts: '지금은 판매 중인 상품이 없습니다.',
    quantityInvalid: '수량은 1부터 100 사이로 입력해 주세요.',
    orderFailed: '주문을 만들지 못했습니다. 잠시 후 다시 시도해 주세요.',
    sdkMissing:
      '결제창을 불러오지 못했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
    payWith: '결제 방식',
    apiV1: 'PortOne V1 (아임포트)',
    apiV2Card: 'PortOne V2 · 카드',
    apiV2VirtualAccount: 'PortOne V2 · 가상계좌',
    payV2: 'PortOne V2로 결제',
    v2Failed: '결제를 진행하지 못했습니다.',
  },
  result: {
    title: '결제 결과',
    states: {
      paid: {
        headline: '결제가 완료되었습니다',
        lead: '주문해 주셔서 감사합니다! 상품을 준비해 보내 드리겠습니다.',
      },
      awaiting_deposit: {
        headline: '아래 계좌로 입금해 주세요',
        lead: '입금 기한까지 입금하시면 주문이 자동으로 확정됩니다.',
      },
      partly_refunded: {
        headline: '결제 금액 중 일부가 환불되었습니다',
        lead: '환불된 금액은 결제하신 수단으로 돌려드립니다. 카드사에 따라 반영까지 며칠 걸릴 수 있습니다.',
      },
      refunded: {
        headline: '결제가 전액 환불되었습니다',
        lead: '결제하신 금액 전부를 결제 수단으로 돌려드립니다. 카드사에 따라 반영까지 며칠 걸릴 수 있습니다.',
      },
      cancelled: {
        headline: '주문이 취소되었습니다',
        lead: '결제된 금액이 없으므로 따로 환불되는 금액은 없습니다.',
      },
      failed: {
        headline: '결제에 실패했습니다',
        lead: '결제되지 않았습니다. 아래 사유를 확인하신 뒤 다시 시도해 주세요.',
      },
      confirming: {
        headline: '결제를 확인하고 있습니다…',
        lead: '잠시만 기다려 주세요. 확인이 끝나면 이 페이지가 자동으로 바뀝니다.',
      },
      not_completed: {
        headline: '결제가 완료되지 않았습니다',
        lead: '결제창을 닫으셨거나 결제가 중단되었습니다. 결제하시려면 다시 시도해 주세요.',
      },
      unknown: {
        headline: '주문을 찾을 수 없습니다',
        lead: '주소가 올바른지 확인해 주세요.',
      },
    },
    refused: {
      headline: '결제가 승인되지 않았습니다',
      forgery_cancelled:
        '이 결제는 받을 수 없어 자동으로 취소했으며, 결제하신 금액은 돌려드립니다. 카드사에 따라 반영까지 며칠 걸릴 수 있습니다.',
      forgery_flagged:
        '이 결제는 받을 수 없습니다. 결제하신 금액은 돌려드리며, 환불을 위해 상점에서 곧 연락드리겠습니다.',
    },
    reasons: {
      'the virtual account was revoked before any deposit':
        '입금 전에 가상계좌가 취소되었습니다.',
      'the payment failed': '결제가 처리되지 않았습니다.',
    },
    confirmingGaveUp:
      '확인이 평소보다 늦어지고 있습니다. 결제하셨다면 자동으로 확인되니 다시 결제하지 않으셔도 됩니다. 잠시 후 이 페이지를 새로 고쳐 결과를 확인해 주세요.',
    duplicatePayment:
      '이 주문은 이미 결제되어 있어 방금 하신 결제는 받지 않았습니다. 중복으로 결제된 금액은 돌려드립니다.',
    labels: {
      order: '주문번호',
      item: '상품',
      quantity: '수량',
      amount: '결제 금액',
      paidAt: '결제 일시',
      bank: '은행',
      accountNumber: '계좌번호',
      holder: '예금주',
      depositAmount: '입금하실 금액',
      deadline: '입금 기한',
      refunded: '환불된 금액',
      remaining: '남은 결제 금액',
      refundedAt: '환불 일시',
      reason: '사유',
    },
    quantityValue: (quantity) => `${quantity}개`,
    copy: '복사',
    copied: '복사됨',
    copyFailed: '복사하지 못했습니다. 계좌번호를 직접 선택해 복사해 주세요.',
    continueShopping: '쇼핑 계속하기',
    tryAgain: '다시 결제하기',
    reload: '새로 고침',
  },
};

const en: Messages = {
  shopName: 'Sample shop',
  skipToContent: 'Skip to content',
  checkout: {
    title: 'Sample shop',
    heading: 'Products',
    viaSimulator:
      'Payments go through the local iamport simulator: no real money is charged.',
    viaIamport: 'Payments go securely through iamport (PortOne).',
    quantity: 'Quantity',
    pay: 'Pay',
    opening: 'Opening the payment window…',
    noProducts: 'Nothing is for sale right now.',
    quantityInvalid: 'Enter a quantity from 1 to 100.',
    orderFailed: 'The order could not be created. Please try again shortly.',
    sdkMissing:
      'The payment window could not be loaded. Please reload the page and try again.',
    payWith: 'Pay with',
    apiV1: 'PortOne V1 (iamport)',
    apiV2Card: 'PortOne V2 · Card',
    apiV2VirtualAccount: 'PortOne V2 · Virtual account',
    payV2: 'Pay with PortOne V2',
    v2Failed: 'The payment could not proceed.',
  },
  result: {
    title: 'Payment result',
    states: {
      paid: {
        headline: 'Payment complete',
        lead: 'Thank you for your order! We are getting it ready to ship.',
      },
      awaiting_deposit: {
        headline: 'Please deposit into this account',
        lead: 'Once your deposit arrives by the deadline, the order is confirmed automatically.',
      },
      partly_refunded: {
        headline: 'Part of your payment was refunded',
        lead: 'The refunded amount goes back to the way you paid; depending on your card issuer this can take a few days.',
      },
      refunded: {
        headline: 'Your payment was refunded in full',
        lead: 'Everything you paid goes back to the way you paid; depending on your card issuer this can take a few days.',
      },
      cancelled: {
        headline: 'The order was cancelled',
        lead: 'Nothing was paid, so there is nothing to refund.',
      },
      failed: {
        headline: 'The payment failed',
        lead: 'You were not charged. Check the reason below and try again.',
      },
      confirming: {
        headline: 'Confirming your payment…',
        lead: 'Please wait a moment: this page updates itself once the payment is confirmed.',
      },
      not_completed: {
        headline: 'The payment was not completed',
        lead: 'The payment window was closed or the payment was interrupted. To pay, please try again.',
      },
      unknown: {
        headline: 'Order not found',
        lead: 'Please check the address of this page.',
      },
    },
    refused: {
      headline: 'The payment was not accepted',
      forgery_cancelled:
        'We could not accept this payment, so it was cancelled automatically and the amount you paid is being returned; depending on your card issuer this can take a few days.',
      forgery_flagged:
        'We could not accept this payment. The amount you paid will be returned: the shop will contact you shortly to refund it.',
    },
    reasons: {
      'the virtual account was revoked before any deposit':
        'The virtual account was cancelled before any deposit.',
      'the payment failed': 'The payment was not processed.',
    },
    confirmingGaveUp:
      'Confirmation is taking longer than usual. If you paid, the payment is confirmed automatically: you do not need to pay again. Reload this page later to see the result.',
    duplicatePayment:
      'This order was already paid, so the payment you just made was not accepted; that amount will be returned.',
    labels: {
      order: 'Order number',
      item: 'Item',
      quantity: 'Quantity',
      amount: 'Amount',
      paidAt: 'Paid at',
      bank: 'Bank',
      accountNumber: 'Account number',
      holder: 'Account holder',
      depositAmount: 'Amount to deposit',
      deadline: 'Deposit deadline',
      refunded: 'Refunded',
      remaining: 'Remaining payment',
      refundedAt: 'Refunded at',
      reason: 'Reason',
    },
    quantityValue: (quantity) => String(quantity),
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy: please select the account number and copy it.',
    continueShopping: 'Continue shopping',
    tryAgain: 'Try again',
    reload: 'Reload',
  },
};

export const MESSAGES: Readonly<Record<Locale, Messages>> = { ko, en };

/** Injection token of the merchant's `IamportNotificationLog`. */
export const IAMPORT_NOTIFICATION_LOG = Symbol('IAMPORT_NOTIFICATION_LOG');

export type NotificationKind = 'redirect' | 'webhook';

/** One redirect or webhook as it arrived, and what verification made of it. */
export interface PaymentNotification {
  kind: NotificationKind;
  /** The query or body exactly as received (already validated). */
  params: Record<string, string>;
  /** The client address as the app sees it (`req.ip`, proxy settings applied). */
  sourceIp: string | null;
  impUid: string | null;
  merchantUid: string | null;
  /** The verification outcome, or `unconfirmed` when it could not finish. */
  outcome: string;
  /** Whether this notification changed the order. */
  changed: boolean;
  /** Why verification could not finish, when it could not. */
  error: string | null;
  receivedAt: Date;
}

/** An audit trail of every notification received. */
export interface IamportNotificationLog {
  record(notification: PaymentNotification): Promise<void>;
}

import type { Route } from '../http/types.js';
import { v2AuthRoutes } from './api/auth.js';
import { v2ListingRoutes } from './api/listing.js';
import { v2PaymentRoutes } from './api/payments.js';
import { v2BrowserRoutes } from './browser/routes.js';
import { controlV2AdminRoutes } from './control/admin.js';
import { controlV2PaymentRoutes } from './control/payments.js';
import { controlV2WebhookRoutes } from './control/webhooks.js';

/** Everything PortOne V2: the REST API and browser pages under /v2, control under /_sim/v2. */
export const v2Routes: Route[] = [
  ...v2AuthRoutes,
  ...v2ListingRoutes,
  ...v2PaymentRoutes,
  ...v2BrowserRoutes,
  ...controlV2PaymentRoutes,
  ...controlV2WebhookRoutes,
  ...controlV2AdminRoutes,
];

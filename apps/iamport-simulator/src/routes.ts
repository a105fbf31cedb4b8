import { authRoutes } from './api/auth.js';
import { cancelRoutes } from './api/cancel.js';
import { findRoutes } from './api/find.js';
import { paymentRoutes } from './api/payments.js';
import { prepareRoutes } from './api/prepare.js';
import { statusRoutes } from './api/status.js';
import { vbankRoutes } from './api/vbanks.js';
import { browserRoutes } from './browser/routes.js';
import { controlAdminRoutes } from './control/admin.js';
import { controlFaultRoutes } from './control/faults.js';
import { controlPaymentRoutes } from './control/payments.js';
import { controlWebhookRoutes } from './control/webhooks.js';
import { Router } from './http/router.js';
import { v2Routes } from './v2/routes.js';

/** Literal routes first: `/payments/cancel` must not be read as an imp_uid. */
export const createRouter = (): Router =>
  new Router().add(
    ...authRoutes,
    ...cancelRoutes,
    ...prepareRoutes,
    ...findRoutes,
    ...statusRoutes,
    ...paymentRoutes,
    ...vbankRoutes,
    ...browserRoutes,
    ...controlPaymentRoutes,
    ...controlWebhookRoutes,
    ...controlFaultRoutes,
    ...controlAdminRoutes,
    ...v2Routes,
  );

import type { ProductView } from '../products/product.view.js';
import type { CheckoutConfig } from './checkout.config.js';
import { formatAmount } from './format.js';
import { escapeHtml, page, scriptJson } from './html.js';
import type { Locale } from './locale.js';
import { MESSAGES } from './messages.js';

/** The most of one product an order may hold (`POST /orders` refuses more). */
export const MAX_QUANTITY = 100;

/** What each product's `input[name="api"]` may say: V1, or V2 with its `payMethod`. */
export const API_CHOICES = {
  v1: null,
  'v2-card': 'CARD',
  'v2-virtual-account': 'VIRTUAL_ACCOUNT',
} as const;

/**
 * The checkout: the products as the database holds them; the buyer picks a
 * quantity, the page creates the order (`POST /orders {product_id, quantity}`)
 * and opens iamport's window with what the server answered (name, amount,
 * currency, merchant_uid: never the page's own numbers) and `m_redirect_url`,
 * so the buyer comes back to `/payments/complete`, which verifies and sends
 * them on to `/result`.
 *
 * With PortOne V2 configured (`config.v2`), each product also offers V2 (card
 * or virtual account): the same order, then `PortOne.requestPayment` with its
 * merchant_uid as `paymentId` and `redirectUrl` at `/payments/v2/complete`.
 * Phones are redirected there by PortOne; on a desktop the promise resolves
 * and the page goes there itself, so the server verifies both the same way.
 */
export function checkoutPage(
  config: CheckoutConfig,
  products: readonly ProductView[],
  locale: Locale,
): string {
  const v2 = config.v2;
  const text = MESSAGES[locale].checkout;
  const list =
    products.length === 0
      ? `<p class="card" data-state="no-products">${escapeHtml(text.noProducts)}</p>`
      : products
          .map((product) => productForm(product, locale, v2 !== null))
          .join('\n');
  const settings = {
    impCode: config.impCode,
    completeUrl: `${config.publicUrl}/payments/complete`,
    maxQuantity: MAX_QUANTITY,
    v2: v2
      ? {
          storeId: v2.storeId,
          channelKey: v2.channelKey,
          redirectUrl: `${config.publicUrl}/payments/v2/complete`,
          payMethods: API_CHOICES,
        }
      : null,
    text: {
      opening: text.opening,
      quantityInvalid: text.quantityInvalid,
      orderFailed: text.orderFailed,
      sdkMissing: text.sdkMissing,
      payV2: text.payV2,
      v2Failed: text.v2Failed,
    },
  };
  const simulated = !config.sdkUrl.includes('cdn.iamport.kr');
  return page(
    locale,
    text.title,
    `<main id="content" data-page="checkout">
<h1>${escapeHtml(text.heading)}</h1>
<p class="note">${escapeHtml(simulated ? text.viaSimulator : text.viaIamport)}</p>
${list}
<p id="message" class="error" role="alert"></p>
</main>
<script src="${escapeHtml(config.sdkUrl)}"></script>${
      v2 ? `\n<script src="${escapeHtml(v2.sdkUrl)}"></script>` : ''
    }`,
    CHECKOUT_SCRIPT.replace('__SETTINGS__', scriptJson(settings)),
    v2 ? CHOICE_STYLE : '',
  );
}

function productForm(
  product: ProductView,
  locale: Locale,
  v2Enabled: boolean,
): string {
  const text = MESSAGES[locale].checkout;
  const option = (value: keyof typeof API_CHOICES, label: string) =>
    `<label><input type="radio" name="api" value="${value}"${value === 'v1' ? ' checked' : ''}><span>${escapeHtml(label)}</span></label>`;
  const choice = v2Enabled
    ? `
  <fieldset class="api">
    <legend>${escapeHtml(text.payWith)}</legend>
    ${option('v1', text.apiV1)}
    ${option('v2-card', text.apiV2Card)}
    ${option('v2-virtual-account', text.apiV2VirtualAccount)}
  </fieldset>`
    : '';
  return `<form class="card product" data-product-id="${product.id}">
  <div class="info">
    <span class="name">${escapeHtml(product.name)}</span>
    <span class="price" data-field="price">${escapeHtml(formatAmount(product.price, product.currency))}</span>
  </div>
  <div class="buy">
    <label>${escapeHtml(text.quantity)}<input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" step="1" inputmode="numeric" required></label>
    <button type="submit">${escapeHtml(text.pay)}</button>
  </div>${choice}
</form>`;
}

/** The choice of API under each product: one line of radio buttons that wraps on phones. */
const CHOICE_STYLE = `
  .product fieldset.api { flex: 1 1 100%; min-width: 0; display: flex; flex-wrap: wrap; align-items: center; gap: .35rem 1rem; margin: 0; padding: .6rem 0 0; border: 0; border-top: 1px solid #eef1f4; }
  .product fieldset.api legend { float: left; padding: 0; font-size: .85rem; color: #5b6776; }
  .product fieldset.api label { flex-direction: row; align-items: center; gap: .35rem; font-size: .92rem; color: #1d2733; cursor: pointer; }
  .product input[type="radio"] { width: auto; margin: 0; padding: 0; accent-color: #1f6feb; }
`;

const CHECKOUT_SCRIPT = `const settings = __SETTINGS__;
const message = document.getElementById('message');
// The chosen API: null for V1 (iamport), else V2's payMethod.
const v2PayMethodOf = (form) => {
  const chosen = form.querySelector('input[name="api"]:checked');
  return settings.v2 && chosen ? settings.v2.payMethods[chosen.value] || null : null;
};
document.querySelectorAll('form.product').forEach((form) => {
  const button = form.querySelector('button');
  button.dataset.label = button.textContent;
  const v1Label = button.textContent;
  const relabel = () => {
    button.dataset.label = v2PayMethodOf(form) ? settings.text.payV2 : v1Label;
    if (!button.disabled) button.textContent = button.dataset.label;
  };
  form.addEventListener('change', relabel);
  // Before the listener below: a page from the cache keeps the buyer's choice.
  window.addEventListener('pageshow', relabel);
  relabel();
  const done = (error) => {
    message.textContent = error;
    button.disabled = false;
    button.textContent = button.dataset.label;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    const quantity = Number(form.elements.quantity.value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > settings.maxQuantity) {
      done(settings.text.quantityInvalid);
      return;
    }
    const payMethod = v2PayMethodOf(form);
    if (payMethod ? typeof PortOne === 'undefined' : typeof IMP === 'undefined') {
      done(settings.text.sdkMissing);
      return;
    }
    button.disabled = true;
    button.textContent = settings.text.opening;
    let order;
    try {
      const response = await fetch('/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ product_id: Number(form.dataset.productId), quantity }),
      });
      if (response.status !== 201) throw new Error('POST /orders answered ' + response.status);
      order = await response.json();
    } catch (error) {
      done(settings.text.orderFailed);
      return;
    }
    if (payMethod) {
      await payWithV2(order, payMethod, done);
      return;
    }
    // What the server stored, never the page's own numbers: the payment is verified against it.
    IMP.init(settings.impCode);
    IMP.request_pay({
      pg: 'html5_inicis',
      pay_method: 'card',
      merchant_uid: order.merchant_uid,
      name: order.name,
      amount: order.amount,
      currency: order.currency,
      buyer_name: 'Sample buyer',
      buyer_email: 'buyer@example.com',
      m_redirect_url: settings.completeUrl,
    }, (rsp) => {
      // Desktop windows that do not redirect still end on the same verification route.
      const query = new URLSearchParams({ imp_uid: rsp.imp_uid || '', merchant_uid: rsp.merchant_uid || order.merchant_uid });
      location.href = settings.completeUrl + '?' + query;
    });
  });
});
// PortOne V2: the same order, paid through PortOne.requestPayment (its paymentId is the merchant_uid).
async function payWithV2(order, payMethod, done) {
  let response;
  try {
    // What the server stored, never the page's own numbers: the payment is verified against it.
    response = await PortOne.requestPayment({
      storeId: settings.v2.storeId,
      channelKey: settings.v2.channelKey,
      paymentId: order.merchant_uid,
      orderName: order.name,
      totalAmount: order.amount,
      currency: order.currency,
      payMethod,
      redirectUrl: settings.v2.redirectUrl,
      forceRedirect: false,
    });
  } catch (error) {
    // A PaymentError: the window could not be opened at all.
    const reason = error && typeof error.message === 'string' ? error.message : '';
    done(reason ? settings.text.v2Failed + ' ' + reason : settings.text.v2Failed);
    return;
  }
  // Nothing: PortOne is taking the buyer to the window and then to redirectUrl.
  if (!response) return;
  // A desktop's overlay ended: the same verification route as the redirect. The answer is only
  // a hint (code or no code): the server fetches the payment of this paymentId.
  const query = new URLSearchParams({
    paymentId: order.merchant_uid,
    transactionType: 'PAYMENT',
  });
  for (const key of ['txId', 'code', 'message', 'pgCode', 'pgMessage'])
    if (typeof response[key] === 'string' && response[key] !== '') query.set(key, response[key]);
  location.href = settings.v2.redirectUrl + '?' + query;
}
// Back from the payment window with the browser's back button: the page may come from the cache.
window.addEventListener('pageshow', () => {
  document.querySelectorAll('form.product button').forEach((button) => {
    button.disabled = false;
    button.textContent = button.dataset.label;
  });
});`;

import type { ProductView } from '../products/product.view.js';
import type { CheckoutConfig } from './checkout.config.js';
import { formatAmount } from './format.js';
import { escapeHtml, page, scriptJson } from './html.js';
import type { Locale } from './locale.js';
import { MESSAGES } from './messages.js';

/** The most of one product an order may hold (`POST /orders` refuses more). */
export const MAX_QUANTITY = 100;

/**
 * The checkout: the products as the database holds them; the buyer picks a
 * quantity, the page creates the order (`POST /orders {product_id, quantity}`)
 * and opens iamport's window with what the server answered (name, amount,
 * currency, merchant_uid: never the page's own numbers) and `m_redirect_url`,
 * so the buyer comes back to `/payments/complete`, which verifies and sends
 * them on to `/result`.
 */
export function checkoutPage(
  config: CheckoutConfig,
  products: readonly ProductView[],
  locale: Locale,
): string {
  const text = MESSAGES[locale].checkout;
  const list =
    products.length === 0
      ? `<p class="card" data-state="no-products">${escapeHtml(text.noProducts)}</p>`
      : products.map((product) => productForm(product, locale)).join('\n');
  const settings = {
    impCode: config.impCode,
    completeUrl: `${config.publicUrl}/payments/complete`,
    maxQuantity: MAX_QUANTITY,
    text: {
      opening: text.opening,
      quantityInvalid: text.quantityInvalid,
      orderFailed: text.orderFailed,
      sdkMissing: text.sdkMissing,
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
<script src="${escapeHtml(config.sdkUrl)}"></script>`,
    CHECKOUT_SCRIPT.replace('__SETTINGS__', scriptJson(settings)),
  );
}

function productForm(product: ProductView, locale: Locale): string {
  const text = MESSAGES[locale].checkout;
  return `<form class="card product" data-product-id="${product.id}">
  <div class="info">
    <span class="name">${escapeHtml(product.name)}</span>
    <span class="price" data-field="price">${escapeHtml(formatAmount(product.price, product.currency))}</span>
  </div>
  <div class="buy">
    <label>${escapeHtml(text.quantity)}<input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" step="1" inputmode="numeric" required></label>
    <button type="submit">${escapeHtml(text.pay)}</button>
  </div>
</form>`;
}

const CHECKOUT_SCRIPT = `const settings = __SETTINGS__;
const message = document.getElementById('message');
document.querySelectorAll('form.product').forEach((form) => {
  const button = form.querySelector('button');
  button.dataset.label = button.textContent;
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
    if (typeof IMP === 'undefined') {
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
// Back from the payment window with the browser's back button: the page may come from the cache.
window.addEventListener('pageshow', () => {
  document.querySelectorAll('form.product button').forEach((button) => {
    button.disabled = false;
    button.textContent = button.dataset.label;
  });
});`;

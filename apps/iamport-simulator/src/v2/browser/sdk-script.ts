import { V2_MESSAGE_TYPE } from './answer.js';

/**
 * Stand-in for https://cdn.portone.io/v2/browser-sdk.js: `PortOne.requestPayment(request)`.
 * With redirectUrl, and forceRedirect or a mobile browser (UA or a viewport under 768 px), the
 * page navigates to the window and the promise resolves with undefined; otherwise the window
 * opens in an overlay iframe and the promise resolves with the PaymentResponse.
 * Plain ES5 so that any page can load it; no template placeholders inside.
 */
export const V2_SDK_SCRIPT = `/* PortOne V2 simulator SDK (stand-in for cdn.portone.io/v2/browser-sdk.js) */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src*="/v2/browser-sdk.js"]');
  var simOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var MESSAGE_TYPE = ${JSON.stringify(V2_MESSAGE_TYPE)};

  function encode(request) {
    var bytes = new TextEncoder().encode(JSON.stringify(request));
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }

  function isMobile() {
    return /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent) ||
      (window.matchMedia && window.matchMedia('(max-width: 767px)').matches);
  }

  function openOverlay(url, resolve) {
    var overlay = document.createElement('div');
    overlay.id = 'portone-sim-overlay';
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.45);' +
      'display:flex;align-items:center;justify-content:center';
    var frame = document.createElement('iframe');
    frame.src = url;
    frame.title = 'PortOne V2 simulator payment window';
    frame.style.cssText = 'width:420px;max-width:100%;height:680px;max-height:100%;border:0;' +
      'border-radius:12px;background:#fff';
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
    function onMessage(event) {
      if (event.origin !== simOrigin || event.source !== frame.contentWindow) return;
      if (!event.data || event.data.type !== MESSAGE_TYPE) return;
      window.removeEventListener('message', onMessage);
      if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
      resolve(event.data.response);
    }
    window.addEventListener('message', onMessage);
  }

  window.PortOne = {
    requestPayment: function (request) {
      request = request || {};
      var redirect = !!request.redirectUrl && (request.forceRedirect === true || isMobile());
      var payload = Object.assign({}, request, {
        windowMode: redirect ? 'redirect' : 'overlay',
        origin: location.origin,
        url: location.href,
      });
      var url = simOrigin + '/v2/window?request=' + encode(payload);
      if (redirect) {
        location.href = url;
        return Promise.resolve(undefined);
      }
      return new Promise(function (resolve) {
        openOverlay(url, resolve);
      });
    },
  };
})();
`;

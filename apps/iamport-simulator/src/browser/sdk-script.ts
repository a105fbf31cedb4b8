import { MESSAGE_TYPE } from './answer.js';

/**
 * Stand-in for https://cdn.iamport.kr/v1/iamport.js: `IMP.init(code)` and
 * `IMP.request_pay(params, callback)`. With m_redirect_url the page navigates to the window
 * (the mobile flow); without it the window opens in an overlay iframe and the callback gets `rsp`.
 * Plain ES5 so that any page can load it; no template placeholders inside.
 */
export const SDK_SCRIPT = `/* iamport simulator SDK (stand-in for cdn.iamport.kr/v1/iamport.js) */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src*="/v1/iamport.js"]');
  var simOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var MESSAGE_TYPE = ${JSON.stringify(MESSAGE_TYPE)};
  var impCode = null;

  function encode(params) {
    var bytes = new TextEncoder().encode(JSON.stringify(params));
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }

  function windowUrl(params) {
    var payload = Object.assign({}, params, { imp_code: impCode, origin: location.origin });
    return simOrigin + '/window?params=' + encode(payload);
  }

  function openOverlay(url, callback) {
    var overlay = document.createElement('div');
    overlay.id = 'iamport-sim-overlay';
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.45);' +
      'display:flex;align-items:center;justify-content:center';
    var frame = document.createElement('iframe');
    frame.src = url;
    frame.title = 'iamport simulator payment window';
    frame.style.cssText = 'width:420px;max-width:100%;height:640px;max-height:100%;border:0;' +
      'border-radius:12px;background:#fff';
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
    function onMessage(event) {
      if (event.origin !== simOrigin || event.source !== frame.contentWindow) return;
      if (!event.data || event.data.type !== MESSAGE_TYPE) return;
      window.removeEventListener('message', onMessage);
      if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
      if (typeof callback === 'function') callback(event.data.rsp);
    }
    window.addEventListener('message', onMessage);
  }

  window.IMP = {
    init: function (code) {
      impCode = code;
    },
    request_pay: function (params, callback) {
      params = params || {};
      var url = windowUrl(params);
      if (params.m_redirect_url) {
        location.href = url;
        return;
      }
      openOverlay(url, callback);
    },
  };
})();
`;

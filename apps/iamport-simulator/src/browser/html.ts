const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export const escapeHtml = (value: string | number | null | undefined): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export const htmlPage = (title: string, body: string, status = 200) => ({
  status,
  body: `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#f5f6f8;color:#222}
main{max-width:380px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 2px 12px #0002}
h1{font-size:18px;margin:0 0 16px}dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;margin:0 0 20px}
dt{color:#777}dd{margin:0;word-break:break-all}.amount{font-size:22px;font-weight:700}
button{display:block;width:100%;padding:12px;margin:8px 0;border:0;border-radius:8px;font-size:15px;cursor:pointer}
#pay-card,#pay-vbank{background:#1e5eff;color:#fff}#decline{background:#ffe3e3;color:#a00}#close{background:#eee}
.note{font-size:12px;color:#888}
</style>
</head>
<body><main>${body}</main></body>
</html>
`,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  },
});
